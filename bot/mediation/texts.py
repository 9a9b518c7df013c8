"""What the assistant says in mediation advice, around the form's questions: the start,
the information's framing, the choice, the certificate and the mediation request.

One place for these words (actions/mediation_advice.py says them; the form's questions
and read-back are in bot.mediation.conversation). Plain Python.
"""

from __future__ import annotations

from typing import Dict, List, Optional

ONLY_PARENT_OR_YOUNG_PERSON = (
    "Only the parent or the young person can talk to the mediation adviser and get a mediation "
    "certificate or ask for mediation, because only they can appeal (Children and Families Act 2014 "
    "s.55; SEND Regulations 2014 reg 33). They can use this chat or call us themselves. I can "
    "still tell you the routes and dates: say 'check my dates'."
)
LEAD_CERTIFICATE = (
    "I can help you get ready to appeal. Before most appeals the law says you must talk to a mediation "
    "adviser first, and I can do that with you now. An appeal only about the school or college named "
    "in the plan (section I) needs no mediation adviser (Children and Families Act 2014 s.55(1)-(2))."
)
LEAD_MEDIATION = "I can help you ask for mediation."
FIRST_THE_DECISION = " First, a few details about the decision."
NEED_THE_COUNCIL = (
    "To give you mediation advice I need to know which council made the "
    "decision: it is at the top of the letter. Say 'I want to appeal' again "
    "when you have it, or 'talk to a person'."
)
ONLY_FOR_EHC_APPEALS = (
    "Mediation advice and a mediation certificate are only for appeals to the tribunal about an EHC "
    "needs assessment or plan (Children and Families Act 2014 s.55). For your disagreement:"
)
DR_OR_A_PERSON = "Would you like to ask for a disagreement resolution meeting, or talk to a person?"
DR_BUTTON = {
    "title": "Ask for a disagreement resolution meeting",
    "payload": "I'd like a disagreement resolution meeting",
}
PERSON_BUTTON = {"title": "Talk to a person", "payload": "talk to a person"}
ALREADY_HAVE_ONE = "You already have a mediation certificate for this decision, so you don't need another. "
LETS_SET_UP_MEDIATION = "You asked for mediation, so let's set that up."
SORRY_NOT_SAVED = (
    "Sorry, I couldn't save that just now, so nothing has been issued or sent. Please try again in a "
    "minute, or say 'talk to a person'."
)
CHANGED = "Thanks, I've changed that."
SAY_THE_RIGHT_COUNCIL_OR_DATE = (
    "Tell me the right council or date, for example 'the letter was dated 5 March' or 'it's Surrey, not Kent'."
)
NOT_PURSUING_IS_FINE = (
    "That's fine: choosing not to go to mediation does not affect your appeal. "
    "I'll issue your certificate now; I just need a few details."
)
PURSUING = "Good. I'll ask the council to arrange mediation; I need a few details."
WHAT_NEEDS_CHANGING = "What needs changing? You can also just tell me, for example 'my name is Sam Jones'."
CONFIRM_BUTTONS: List[Dict[str, str]] = [
    {"title": "Yes, that's right", "payload": "yes that's right"},
    {"title": "No, change something", "payload": "no, that's wrong"},
]
COULD_NOT_FINISH = "I couldn't finish that. A person from our team can help: just say 'talk to a person'."
DOWNLOAD_LABEL = "Download your mediation certificate (PDF)"
AFTER_MEDIATION = " After mediation you get a certificate, and the deadline becomes 1 month from it if that is later."


def problem_then_someone_will_help(problem: object) -> str:
    return f"{problem} Say 'talk to a person' and someone from our team will help."


def problem_then_a_person_can_help(problem: object) -> str:
    return f"{problem} A person from our team can help: say 'talk to a person'."


def certificate_issued(reference: str, url: str, spoken: bool, again: bool = False, can_text: bool = False) -> str:
    opening = (
        "You already have a mediation certificate from this conversation"
        if again
        else "I've issued your mediation certificate"
    )
    text = f"{opening}. Its reference is {reference}."
    if not spoken:
        text += f" Download it here: {url}"
    elif can_text:
        text += " I'm texting the reference and a link to download it to the number you're calling from."
    else:
        text += " Your number is hidden, so I can't text it to you: please write the reference down."
    return text


def send_a_copy(verify_url: Optional[str]) -> str:
    """Where the certificate goes; where anyone can check it (not read out on the phone: `verify_url` None)."""
    if verify_url is None:
        return "Send a copy with your appeal to the First-tier Tribunal (SEND)."
    return (
        f"Send a copy with your appeal to the First-tier Tribunal (SEND). Anyone can check it is valid at {verify_url}"
    )


def request_recorded(reference: str, council: str) -> str:
    return (
        f"Thank you. I've recorded your request for mediation (reference {reference}) and "
        f"we are telling {council} council's SEND team now."
    )
