"""Safeguarding: the safety messages, and a word-level safety net for risk.

The NLU model's ``safeguarding_risk`` intent is the main detector. ``looks_like_risk``
is the net under it: when the model is unsure (the message fell back) or a form
would have taken the message as an answer, the actions check the words too, so a
misspelt "kil myself" still stops the flow (send-routes.md "Safeguarding").
"""
from __future__ import annotations

import difflib
import re
from typing import List, Optional

# Words the fuzzy match may correct to ("kil" -> "kill", "sucide" -> "suicide").
_RISK_WORDS = (
    "kill", "killing", "suicide", "suicidal", "harm", "harming", "hurt", "hurting",
    "cutting", "overdose", "abuse", "abused", "abusing", "danger", "want", "die", "dying",
    "hang", "myself", "himself", "herself", "themselves", "neglected", "groomed",
)
# Common slips difflib would not reach safely.
_KNOWN_SLIPS = {"slef": "self", "selfharm": "self harm", "wanna": "want to", "kms": "kill myself"}

_SELF = r"(my ?self|him ?self|her ?self|them ?selves|themself|your ?self)"
_RISK_PATTERNS = [re.compile(p) for p in (
    rf"\b(kill|killing|hurt|hurting|harm|harming|cut|cutting|hang|hanging) {_SELF}",
    r"\bself ?harm",
    r"\bsuicid",
    r"\bwant to die\b|\bgoing to die\b|\bwish i (was|were) dead\b",
    r"\b(end|ending|take|taking) (it all|my life|his life|her life|their life|(my|his|her|their) own life)",
    r"\bending it\b",
    r"\boverdose",
    r"\b(too many|a lot of) (tablets|pills)",
    r"\bnot safe (at home|with)",
    r"\b(scared|afraid|frightened) to go home",
    r"\b(hits|hit|beats|beat|hurts|hurt|hurting|abuses|abusing|touched) (me|us|my (son|daughter|child|kids|children))\b",
    r"\b(abuse|abused|abusing|neglected|groomed)\b",
    r"\bin danger\b",
    r"\b(don'?t|do not) want to (be alive|live|be here)",
    r"\bno point (going on|living)",
    r"\bcan'?t go on\b",
)]


def _normalise(text: str) -> str:
    text = text.lower().replace("’", "'")
    text = re.sub(r"[^a-z' ]+", " ", text)
    words = []
    for word in text.split():
        word = _KNOWN_SLIPS.get(word, word)
        if " " not in word and len(word) >= 3 and word not in _RISK_WORDS:
            # Only correct towards a risk word with the same first letter, so that
            # "skill" never becomes "kill" and "anger" never becomes "danger".
            candidates = [w for w in _RISK_WORDS if w[0] == word[0]]
            match = difflib.get_close_matches(word, candidates, n=1, cutoff=0.8)
            if match:
                word = match[0]
        words.append(word)
    return " ".join(words)


def looks_like_risk(text: Optional[str]) -> bool:
    """True if the words suggest a risk of harm or self-harm (misspellings allowed)."""
    if not text:
        return False
    normalised = _normalise(text)
    return any(pattern.search(normalised) for pattern in _RISK_PATTERNS)


EMERGENCY = "If you or anyone else is in immediate danger, call 999 now."
HELPLINES = (
    "You can talk to someone now. Childline: call 0800 1111 if you are under 19. "
    "Samaritans: call 116 123."
)


def front_door_message(local_authority: Optional[str] = None, phone: Optional[str] = None) -> str:
    """Where to report that a child is at risk: the council's children's social care."""
    where = f"{local_authority} council" if local_authority else "your local council"
    message = f"If a child is at risk of harm, contact children's social care at {where}."
    if phone:
        return f"{message} Their number is {phone}."
    return f"{message} Their number is on the council's website."


def safeguarding_messages(local_authority: Optional[str] = None, front_door_phone: Optional[str] = None) -> List[str]:
    """The messages that stop the flow, in order (send-routes.md "Safeguarding")."""
    return [
        "I'm worried about what you've told me. Your safety comes first.",
        EMERGENCY,
        HELPLINES,
        front_door_message(local_authority, front_door_phone),
        "I'm asking a person from our team to help you now.",
    ]
