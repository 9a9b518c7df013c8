"""What the assistant says around a disagreement-resolution request: what DR is, the
read-back's buttons, and the outcome. One place for these words (actions/requests.py
says them; the form's questions and read-back are in bot.disagreement_resolution.conversation).
"""

from __future__ import annotations

from typing import Dict, List

WHAT_DR_IS = (
    "Disagreement resolution is a free, independent meeting to help sort out a "
    "disagreement about special educational needs, with or without an EHC plan. "
    "(Children and Families Act 2014 s.57; SEND Code of Practice 11.6-11.12)"
)
WHAT_NEEDS_CHANGING = "What needs changing?"
CONFIRM_BUTTONS: List[Dict[str, str]] = [
    {"title": "Yes, send it", "payload": "yes, send it"},
    {"title": "No, change something", "payload": "no, that's wrong"},
]
NOT_SENT = "I haven't sent a request. A person from our team can help: just say 'talk to a person'."
SORRY_NOT_SAVED = (
    "Sorry, I couldn't save your request just now, so it has not been sent. "
    "Please try again in a minute, or say 'talk to a person'."
)


def problem_then_a_person_can_help(problem: object) -> str:
    return f"{problem} A person from our team can help: say 'talk to a person'."


def dr_request_recorded(reference: str, party: str, contact_preference: str) -> str:
    """`party`: how the other side is named (bot.disagreement_resolution.service.PARTY_WORDS)."""
    return (
        f"Thank you. I've recorded your request for a disagreement resolution meeting (reference {reference}). "
        f"We will ask {party} to agree to take part; the meeting is arranged once they do, and we will "
        f"contact you {'by email' if contact_preference == 'email' else 'by ' + str(contact_preference)}."
    )
