"""The route check as a conversation, over the REST channel, with the trained model.

The form asks only what the situation needs, skips what the person already said,
reads the facts back, takes corrections at any point, and ends with the routes that
fit and each date written in full. Expected dates come from bot.redress (tested on
their own, table by table); dates in messages are relative to today, as a person's are.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Dict, List

from bot.redress.dates import format_long
from bot.redress.deadlines import appeal_by, contact_mediation_adviser_by


def _texts(replies: List[Dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def _buttons(replies: List[Dict]) -> List[str]:
    return [button["title"] for reply in replies for button in reply.get("buttons", [])]


def _slash_date(day: dt.date) -> str:
    return f"{day.day}/{day.month}/{day.year % 100:02d}"


def test_the_form_asks_each_question_takes_a_correction_midway_and_gives_dates_in_full(running_stack):
    sender = f"rc-{uuid.uuid4().hex[:8]}"
    say = lambda text: running_stack.say(sender, text)  # noqa: E731
    today = dt.date.today()
    first_date, right_date = today - dt.timedelta(days=40), today - dt.timedelta(days=33)

    replies = say("could you check my deadlines for me please")
    assert "are you a parent or carer, the young person, or a professional" in _texts(replies)
    assert _buttons(replies) == ["Parent or carer", "Young person", "Professional"]

    replies = say("I'm his mum")
    assert "what is the disagreement about" in _texts(replies).lower()

    replies = say("they refused to do an EHC needs assessment")
    assert "Which council is it?" in _texts(replies)

    replies = say("Kent")
    assert "How old is your child?" in _texts(replies)  # worded for a parent

    replies = say("he's 9")
    assert "What date is on the council's decision letter?" in _texts(replies)

    # A correction midway: a different council, while the date is being asked.
    replies = say("sorry, actually it's Surrey not Kent")
    assert "I've changed the council" in _texts(replies)
    assert "What date is on the council's decision letter?" in _texts(replies)

    replies = say(f"the letter was dated {_slash_date(first_date)}")
    assert "mediation certificate" in _texts(replies) and _buttons(replies) == ["No certificate yet"]

    replies = say("No, no certificate yet")
    read_back = _texts(replies)
    assert "Let me check I have this right" in read_back
    assert "you are a parent or carer" in read_back and "Surrey" in read_back and "Kent" not in read_back
    assert "the child or young person is 9" in read_back
    assert format_long(first_date) in read_back  # "Tuesday 2 June 2026", not 2/6/26

    # "No" with the right answer in it: the read-back comes again with the change.
    replies = say(f"no, the letter was dated {right_date.day} {right_date.strftime('%B')}")
    assert format_long(right_date) in _texts(replies) and format_long(first_date) not in _texts(replies)

    replies = say("yes, all of that is correct")
    summary = _texts(replies)
    assert "What fits your situation:" in summary and "an appeal to the SEND Tribunal" in summary
    assert f"contact the mediation adviser by {format_long(contact_mediation_adviser_by(right_date))}" in summary
    assert f"Appeal deadline: {format_long(appeal_by(right_date))}" in summary
    assert "SENDIASS" in summary and "Surrey" in summary

    # The conversation carries on normally after the form.
    tracker = running_stack.tracker(sender)
    assert tracker["active_loop"] in ({}, None) or not tracker["active_loop"].get("name")
    assert tracker["slots"]["rc_local_authority"] == "Surrey"


def test_facts_said_up_front_are_not_asked_again(running_stack):
    sender = f"rc-{uuid.uuid4().hex[:8]}"
    letter = dt.date.today() - dt.timedelta(days=10)
    replies = running_stack.say(
        sender, f"I'm a mum, Kent refused to assess my 7 year old, the letter was dated {letter.day} "
                f"{letter.strftime('%B')}. Can you check my deadlines?")
    text = _texts(replies)
    # Role, what it is about, council, age and date were all given: only the certificate is left.
    assert "mediation certificate" in text
    for question in ("parent or carer, the young person", "what is the disagreement about", "Which council",
                     "How old"):
        assert question not in text

    replies = running_stack.say(sender, "no, we don't have one")
    assert "Let me check I have this right" in _texts(replies) and "Kent" in _texts(replies)
    assert format_long(letter) in _texts(replies)

    # "No" alone: which fact to change, then that question again, then the read-back.
    replies = running_stack.say(sender, "no, one of those is wrong")
    assert "What needs changing?" in _texts(replies) and "The council" in _buttons(replies)
    replies = running_stack.say(sender, "change the council")
    assert "Which council is it?" in _texts(replies)
    replies = running_stack.say(sender, "it's West Sussex council")
    assert "Let me check I have this right" in _texts(replies) and "West Sussex" in _texts(replies)

    summary = _texts(running_stack.say(sender, "yep, those are right"))
    assert f"Appeal deadline: {format_long(appeal_by(letter))}" in summary


def test_a_question_in_the_middle_is_answered_then_the_form_carries_on(running_stack):
    sender = f"rc-{uuid.uuid4().hex[:8]}"
    running_stack.say(sender, "i'd like you to check my routes and dates")
    running_stack.say(sender, "I'm the young person")
    replies = running_stack.say(sender, "hang on, what's mediation?")
    text = _texts(replies)
    assert "independent" in text.lower()  # the answer about mediation
    assert "what is the disagreement about" in text.lower()  # and the form asks again


def test_a_young_person_aged_25_is_told_where_to_go_without_being_asked_for_dates(running_stack):
    sender = f"rc-{uuid.uuid4().hex[:8]}"
    running_stack.say(sender, "check my deadlines for me")
    running_stack.say(sender, "it's about me")
    running_stack.say(sender, "the council wants to stop my EHC plan")
    replies = running_stack.say(sender, "Hampshire")
    assert "How old are you?" in _texts(replies)  # worded for the young person
    replies = running_stack.say(sender, "25")
    assert "Let me check I have this right" in _texts(replies)  # no date questions
    summary = _texts(running_stack.say(sender, "yes that's all fine"))
    assert "under 25" in summary and "adult social care" in summary
