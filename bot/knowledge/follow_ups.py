"""Follow-up questions that lean on the answer before ("and how long does that take?").

Plain Python. The conversation remembers the topic of the last answer (``topic_of``); a
follow-up names only what is asked about it (``follow_up_kind``); ``answer_for`` turns the
two into the FAQ answer that fits, or into the person's own dates from the route check.
"""

from __future__ import annotations

import re
from typing import Optional

MY_DATE = "my_date"
ROUTE_CHECK = "route_check"

# Topic families: the part of a FAQ answer key before the slash, or an intent.
_TOPIC_OF_INTENT = {
    "request_mediation": "faq_mediation",
    "request_drs": "faq_drs",
    "start_appeal": "faq_tribunal",
    "check_routes": ROUTE_CHECK,
    "unsure_which_route": ROUTE_CHECK,
}
# (topic family, kind) -> FAQ answer key. Kinds: timing, cost, who, mandatory, deadline.
_ANSWERS = {
    ("faq_mediation", "timing"): "faq_certificate/mediation_time",
    ("faq_mediation", "cost"): "faq_mediation/free",
    ("faq_mediation", "who"): "faq_mediation/who_attends",
    ("faq_mediation", "mandatory"): "faq_mediation/voluntary",
    ("faq_mediation", "deadline"): "faq_certificate/contact_deadline",
    ("faq_certificate", "timing"): "faq_certificate/certificate_time",
    ("faq_certificate", "deadline"): "faq_certificate/contact_deadline",
    ("faq_certificate", "mandatory"): "faq_certificate/when_needed",
    ("faq_certificate", "cost"): "faq_mediation/free",
    ("faq_drs", "cost"): "faq_drs/who_pays",
    ("faq_drs", "who"): "faq_drs/who_can_use",
    ("faq_drs", "mandatory"): "faq_drs/voluntary",
    ("faq_tribunal", "timing"): "faq_tribunal/timescale",
    ("faq_tribunal", "cost"): "faq_tribunal/cost",
    ("faq_tribunal", "deadline"): "faq_tribunal/deadline",
    ("faq_tribunal", "mandatory"): "faq_certificate/when_needed",
    ("faq_ehc", "timing"): "faq_ehc/timescale",
    ("faq_ehc", "deadline"): "faq_ehc/timescale",
    ("faq_recommendations", "timing"): "faq_recommendations/response_time",
    ("faq_recommendations", "deadline"): "faq_recommendations/response_time",
    ("faq_scope", "who"): "faq_scope/who_for",
}
_KINDS = (
    (
        MY_DATE,
        re.compile(
            r"\b(my|our) (actual |own |real )?(date|deadline|dates|deadlines)\b|\bdate for (me|us)\b"
            r"|\bwhen('?s| is| do| does)? (my|our)\b|\bin my case\b"
            r"|\bfor (me|us|my (son|daughter|child))\b.*\b(date|deadline|when)\b"
        ),
    ),
    ("deadline", re.compile(r"\b(deadline|time limit|by when|last day|too late)\b")),
    (
        "timing",
        re.compile(
            r"\bhow long\b|\bhow many (days|weeks|months)\b|\bwhen (will|would|do|does|can)\b|\bhow soon\b|\bhow quick"
        ),
    ),
    ("cost", re.compile(r"\b(cost|costs|pay|paid|price|free|charge|fee|fees|money)\b")),
    (
        "mandatory",
        re.compile(r"\b(have to|must i|must we|compulsory|do i need to|do we need to|required|obliged|say no)\b"),
    ),
    ("who", re.compile(r"\bwho\b")),
)


def topic_of(intent: Optional[str], response_key: Optional[str] = None) -> Optional[str]:
    """The topic family an answer was about ('faq_tribunal', 'route_check'), or None."""
    if response_key and "/" in response_key:
        return response_key.split("/", 1)[0]
    if intent and intent.startswith("faq_"):
        return intent
    return _TOPIC_OF_INTENT.get(intent or "")


def follow_up_kind(text: Optional[str]) -> Optional[str]:
    """What a follow-up asks about: 'my_date', 'deadline', 'timing', 'cost', 'mandatory', 'who', or None."""
    lowered = " ".join((text or "").lower().replace("’", "'").split())
    for kind, pattern in _KINDS:
        if pattern.search(lowered):
            return kind
    return None


def answer_for(topic: Optional[str], kind: Optional[str], has_route_facts: bool = False) -> Optional[str]:
    """A FAQ answer key, ROUTE_CHECK (work out the person's own dates), or None (ask again).

    ``has_route_facts``: the route check already knows this person's decision date.
    """
    if kind == MY_DATE or (kind == "deadline" and (topic == ROUTE_CHECK or has_route_facts)):
        return ROUTE_CHECK
    if topic == ROUTE_CHECK and kind in ("timing", "deadline"):
        return ROUTE_CHECK
    return _ANSWERS.get((topic or "", kind or ""))
