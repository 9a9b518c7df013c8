"""Plain names for what a person may have meant, for "Did you mean ...?" questions."""

from __future__ import annotations

from typing import Optional, Tuple

# intent: (what it is about, an example of asking it clearly)
INTENT_LABELS = {
    "faq_mediation": ("mediation", "what happens at a mediation meeting?"),
    "faq_certificate": ("the mediation certificate", "do I need a mediation certificate?"),
    "faq_drs": ("disagreement resolution", "who pays for disagreement resolution?"),
    "faq_tribunal": ("appeals to the SEND Tribunal", "how long do I have to appeal?"),
    "faq_recommendations": (
        "tribunal recommendations on health and social care",
        "can the tribunal look at health care?",
    ),
    "faq_complaints": ("complaints", "how do I complain about the council?"),
    "faq_ehc": ("EHC needs assessments and plans", "what is an EHC plan?"),
    "faq_scope": ("who this service is for", "which councils do you cover?"),
    "ask_plan_section": ("the sections of an EHC plan", "what is section F?"),
    "ask_local_help": ("local help", "how do I contact my SENDIASS?"),
    "inform_local_authority": ("your council area", "I live in Kent"),
    "unsure_which_route": ("which route fits your disagreement", "help me choose"),
    "request_human": ("talking to a person", "talk to a person"),
    "ask_staffed_hours": ("when our team is available", "when are you open?"),
}

# Intents not worth asking about: confirming "did you mean hello?" helps nobody.
NOT_ASKED = {
    "greet",
    "goodbye",
    "thanks",
    "affirm",
    "deny",
    "bot_challenge",
    "out_of_scope",
    "insult",
    "gibberish",
    "non_english",
    "nlu_fallback",
    "safeguarding_risk",
    "legal_other",
}


def label_for(intent: Optional[str]) -> Optional[Tuple[str, str]]:
    """(what it is about, an example question), or None when it should not be offered."""
    if not intent or intent in NOT_ASKED:
        return None
    return INTENT_LABELS.get(intent)


def unsure_message(intent: Optional[str]) -> str:
    """What to say when the model is unsure: a hint, never a guess at an answer."""
    label = label_for(intent)
    if label is None:
        hint = (
            "Could you ask in a different way, in a few words? "
            "For example: 'what is mediation?' or 'how long do I have to appeal?'"
        )
    else:
        about, example = label
        hint = f"If your question is about {about}, please ask it in a few more words, for example: '{example}'."
    return f"Sorry, I'm not sure I understood. {hint} Or say 'talk to a person'."
