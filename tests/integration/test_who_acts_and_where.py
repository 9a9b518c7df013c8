"""Issue 18 in conversation, over REST with the trained model: who acts for a young person
over compulsory school age (the certificate names them), and outside England said in the
middle of the route check (no check goes on, no certificate). Each test asserts what is
said and what is stored. Heavy: run it under `flock /tmp/heavy.lock`."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Dict, List

import pytest
import sqlalchemy as sa

NOT_UNDERSTOOD = ("still not sure what you mean", "not sure I understood")


def _texts(replies: List[Dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies if reply.get("text"))


def _rows(stack, query: str, **params):
    engine = sa.create_engine(stack.env["DATABASE_URL"], future=True)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(query), params)]
    finally:
        engine.dispose()


def _conversation(stack, prefix: str):
    sender = f"{prefix}-{uuid.uuid4().hex[:8]}"

    def say(text: str) -> str:
        said = _texts(stack.say(sender, text))
        assert not any(phrase in said for phrase in NOT_UNDERSTOOD), (text, said)
        return said

    say.sender = sender  # type: ignore[attr-defined]
    return say


def _letter() -> str:
    letter = dt.date.today() - dt.timedelta(days=12)
    return f"the letter was dated {letter.day} {letter.strftime('%B %Y')}"


def _certificates(stack, sender):
    return _rows(stack, "SELECT requester_name, requester_role, child_name FROM certificates "
                        "WHERE conversation_id = :c", c=sender)


def test_the_parent_of_a_17_year_old_is_told_the_right_is_theirs_and_the_certificate_names_them(running_stack):
    say = _conversation(running_stack, "yp17")
    say("I'd like to start an appeal")
    say("I'm her mum")
    say("they won't do an EHC needs assessment")
    say("Kent")
    assert "Can they make this decision themselves" in say("she's 17")
    said = say("yes, she can decide for herself")
    assert "is theirs, not yours" in said and "the certificate names them" in said
    say(_letter())
    read_back = say("No, no certificate yet")
    assert "they can make this decision themselves" in read_back
    say("yes, everything there is right")
    asked = say("no, just my certificate")
    assert "in your child's name" in asked
    say("Jo Bloggs")
    say("Sam Bloggs")
    issued = say("yes, every one of those details is correct")
    assert "SEM-" in issued
    assert _certificates(running_stack, say.sender) == [("Sam Bloggs", "young_person", "Sam Bloggs")]


def test_a_young_person_who_cannot_decide_the_parent_acts_and_the_certificate_names_them(running_stack):
    say = _conversation(running_stack, "yp16")
    say("I'd like to start an appeal")
    say("I'm his dad")
    say("they won't do an EHC needs assessment")
    say("Kent")
    assert "finished year 11" in say("he's 16")
    assert "Can they make this decision themselves" in say("yes he finished year 11 in June")
    assert "you can act for them" in say("no, he can't make that decision")
    say(_letter())
    say("No, no certificate yet")
    say("yes, everything there is right")
    say("no, just my certificate")
    say("Jo Bloggs")
    say("Sam Bloggs")
    assert "SEM-" in say("yes, every one of those details is correct")
    assert _certificates(running_stack, say.sender) == [("Jo Bloggs", "parent", "Sam Bloggs")]


def test_a_parent_of_a_12_year_old_is_not_asked_about_capacity(running_stack):
    say = _conversation(running_stack, "yp12")
    say("I'd like to start an appeal")
    say("I'm her mum")
    say("they won't do an EHC needs assessment")
    say("Kent")
    said = say("she's 12")
    assert "What date is on the council's decision letter?" in said and "decision themselves" not in said


@pytest.mark.parametrize("turns, service, tribunal", [
    (["oh we live in Cardiff"], "SNAP Cymru", "Education Tribunal for Wales"),
    (["Kent", "he's 9, and we're in Glasgow"], "Enquire", "Health and Education Chamber"),
    (["Kent", "he's 9", "actually we moved to Belfast in the summer"], "SENAC", "SENDIST NI"),
])
def test_outside_england_in_the_middle_of_the_route_check_ends_it_with_no_certificate(running_stack, turns, service,
                                                                                     tribunal):
    say = _conversation(running_stack, "nation")
    say("I'd like to start an appeal")
    say("I'm his dad")
    say("they won't do an EHC needs assessment")
    said = ""
    for turn in turns:
        said = say(turn)
    assert service in said and tribunal in said and "do not apply" in said
    assert "?" not in said.split("(Source")[-1]  # no further question after the signpost
    tracker = running_stack.tracker(say.sender)
    assert not (tracker.get("active_loop") or {}).get("name")
    assert tracker["slots"]["rc_local_authority"] == "outside England"
    # Asking for the certificate again does not issue one.
    again = say("please just issue my certificate")
    assert service in again and "SEM-" not in again
    assert _certificates(running_stack, say.sender) == []
