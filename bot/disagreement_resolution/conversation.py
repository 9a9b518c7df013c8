"""A disagreement resolution (DR) request as a conversation: who the disagreement is
with, the council, what it is about, the person's name and how to reach them, then the
terms (voluntary, every party agrees, the other party funds it) read back before the
request is recorded. Plain Python, used by actions/requests.py.

Facts: other_party (bot.disagreement_resolution.models.DR_OTHER_PARTIES), local_authority,
disagreement, requester_name, contact_preference, contact_details.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional

from bot.dialogue.answers import CHANGE, CONFIRM_NO, CONFIRM_YES, Reading
from bot.dialogue.forms import FormSpec
from bot.disagreement_resolution.service import PARTY_WORDS, dr_consent_statement
from bot.mediation.conversation import (
    contact_details_problem,
    name_problem,
    not_a_name,
    read_contact_details,
    read_name,
    read_preference,
    take,
)
from bot.nlp.patterns import find_local_authority, find_local_authority_in
from bot.redress.service_area import service_area

FACT_LABELS = {
    "other_party": "who the disagreement is with",
    "local_authority": "the council",
    "disagreement": "what it is about",
    "requester_name": "your name",
    "contact_preference": "how to contact you",
    "contact_details": "your contact details",
}
_PARTIES = (
    ("icb", r"\b(icb|nhs|health|integrated care|ccg|clinical commissioning|therap)"),
    ("social_care", r"\b(social care|social services|social worker|respite|short breaks|care package)"),
    ("college", r"\b(college|sixth form|further education|fe\b|university)"),
    ("school", r"\b(school|academy|nursery|pre-?school|teacher|head ?teacher|senco|early years|setting)"),
    ("local_authority", r"\b(council|local authority|\bla\b|county|borough|sen team|send team|caseworker)"),
)


def questions_needed(facts: Dict[str, object]) -> List[str]:
    needed = ["other_party", "local_authority", "disagreement", "requester_name", "contact_preference"]
    if facts.get("contact_preference") in ("phone", "text", "email"):
        needed.append("contact_details")
    return needed


def next_question(facts: Dict[str, object]) -> Optional[str]:
    return next((fact for fact in questions_needed(facts) if facts.get(fact) is None), None)


def question(fact: str, facts: Dict[str, object]) -> Dict[str, object]:
    if fact == "other_party":
        return {
            "text": "I can ask for a disagreement resolution meeting. Who is the disagreement with?",
            "buttons": [
                {"title": "A school or nursery", "payload": "with the school"},
                {"title": "A college", "payload": "with the college"},
                {"title": "The council", "payload": "with the council"},
                {"title": "The NHS (ICB)", "payload": "with the NHS integrated care board"},
                {"title": "Social care", "payload": "with social care"},
            ],
        }
    if fact == "local_authority":
        return {"text": "Which council area do you live in? For example Kent or Surrey."}
    if fact == "disagreement":
        party = PARTY_WORDS.get(str(facts.get("other_party")), "them")
        return {"text": f"In a sentence or two, what is the disagreement with {party} about?"}
    if fact == "requester_name":
        return {"text": "What is your full name? We need it to arrange the meeting."}
    if fact == "contact_preference":
        return {
            "text": "How should we contact you to arrange it?",
            "buttons": [
                {"title": "Phone call", "payload": "by phone"},
                {"title": "Text", "payload": "by text"},
                {"title": "Email", "payload": "by email"},
            ],
        }
    if fact == "contact_details":
        what = "email address" if facts.get("contact_preference") == "email" else "phone number"
        return {"text": f"What {what} should we use?"}
    raise KeyError(fact)


def read_party(text: str) -> Optional[str]:
    lowered = " ".join((text or "").lower().split())
    for party, pattern in _PARTIES:
        if re.search(pattern, lowered):
            return party
    return None


def read_dr_answer(text: Optional[str], asking: Optional[str], facts: Dict[str, object]) -> Reading:
    reading = Reading()
    if not text or not text.strip():
        return reading
    lowered = " ".join(text.lower().replace("’", "'").split())
    change = CHANGE.match(lowered)
    if change:
        for fact, label in FACT_LABELS.items():
            words = {
                "other_party": r"who|party|school|college|with",
                "local_authority": r"council|area",
                "disagreement": r"about|disagreement",
                "requester_name": r"name",
                "contact_preference": r"contact|how",
                "contact_details": r"number|email|details",
            }[fact]
            if re.search(words, change.group("what")):
                reading.updates[fact] = None
                if fact == "contact_preference":
                    reading.updates["contact_details"] = None
                reading.notes.append(f"OK, let's change {label}.")
                return reading
    if asking == "other_party":
        take(
            reading,
            "other_party",
            read_party(text),
            "Sorry, I didn't catch who it is with: a school, a college, the council, the NHS or social care?",
        )
    elif asking == "local_authority":
        authority = find_local_authority(text) or find_local_authority_in(text)
        area = service_area(authority.name) if authority else None
        if area is not None and not area.in_south_east_group:
            reading.problem = str(area.message).split(" The rules and dates")[0]
        else:
            take(
                reading,
                "local_authority",
                authority.name if authority else None,
                "I didn't recognise that as a council in England. Which council area do you live in?",
            )
    elif asking == "disagreement":
        take(
            reading,
            "disagreement",
            " ".join(text.split())[:2000] if len(text.split()) >= 2 else None,
            "Please say a little more, in a few words.",
        )
    elif asking == "requester_name":
        take(reading, "requester_name", read_name(text), name_problem(text))
        reading.answered = not_a_name(text) is not None
    elif asking == "contact_preference":
        preference = read_preference(text)
        take(
            reading,
            "contact_preference",
            preference if preference in ("phone", "text", "email") else None,
            "Sorry, I didn't catch that. Phone, text or email?",
        )
    elif asking == "contact_details":
        preference = facts.get("contact_preference")
        take(reading, "contact_details", read_contact_details(text, preference), contact_details_problem(preference))
    elif asking == "confirmed":
        if CONFIRM_YES.search(lowered):
            reading.confirmed = True
        elif CONFIRM_NO.search(lowered):
            reading.confirmed = False
    return reading


def read_back(facts: Dict[str, object]) -> str:
    party = str(facts.get("other_party"))
    contact = {"phone": "by phone", "text": "by text", "email": "by email"}.get(
        str(facts.get("contact_preference")), ""
    )
    return " ".join(
        [
            dr_consent_statement(party),
            f"Your request: a disagreement resolution meeting with {PARTY_WORDS[party]}, "
            f"in {facts.get('local_authority')}, "
            f"about: {facts.get('disagreement')}. Your name: {facts.get('requester_name')}. "
            f"Contact: {contact} on {facts.get('contact_details')}.",
            f"We will ask {PARTY_WORDS[party]} to agree first. Shall I send the request?",
        ]
    )


def correction_buttons(facts: Dict[str, object]) -> List[Dict[str, str]]:
    return [
        {"title": f"Change {FACT_LABELS[fact]}", "payload": f"change {FACT_LABELS[fact]}"}
        for fact in questions_needed(facts)
    ]


class DrRequestForm(FormSpec):
    """The disagreement resolution request for the one form engine (bot.dialogue.forms)."""

    facts_in_order = tuple(FACT_LABELS)
    free_text = frozenset({"disagreement"})

    def questions_needed(self, facts: Dict[str, object]) -> List[str]:
        return questions_needed(facts)

    def read(self, text: str, asking: Optional[str], facts: Dict[str, object]) -> Reading:
        return read_dr_answer(text, asking, facts)

    def is_not_an_answer(self, text: str, asking: Optional[str]) -> bool:
        if asking == "disagreement":
            return text.strip().endswith("?")
        return super().is_not_an_answer(text, asking)
