"""Reading answers right (issue 17), over the REST channel with the trained model: dates
through bot.dialogue.dates, ages never taken as dates, names that are names, "not sure"
as its own answer, and a change of mind, "stop" or "go back" understood at every step,
read-back included. Each test asserts what is said and what is stored.

Dates in messages are relative to today, as a person's are.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Callable, Dict, List

import pytest
import sqlalchemy as sa

from bot.redress.dates import format_long
from bot.redress.deadlines import appeal_by

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


def _most_recent(month: int, day: int) -> dt.date:
    today = dt.date.today()
    this_year = dt.date(today.year, month, day)
    return this_year if this_year <= today else dt.date(today.year - 1, month, day)


def _conversation(stack, prefix: str) -> Callable[[str], str]:
    sender = f"{prefix}-{uuid.uuid4().hex[:8]}"

    def say(text: str) -> str:
        said = _texts(stack.say(sender, text))
        assert not any(phrase in said for phrase in NOT_UNDERSTOOD), (text, said)
        return said

    say.sender = sender  # type: ignore[attr-defined]
    return say


def _slots(stack, say) -> Dict:
    return stack.tracker(say.sender)["slots"]


def _to_the_letter_date(say) -> str:
    say("check my dates")
    say("parent")
    say("The council refused to do an EHC needs assessment")
    return say("Kent")


# --- dates -------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "my decision letter was dated the 3rd of October",
    "the decision letter is dated 3rd October",
    "decision dated 3 oct",
    "their decision came on the third of october",
])
def test_decision_in_the_message_never_makes_the_date_december(running_stack, text):
    say = _conversation(running_stack, "dec")
    _to_the_letter_date(say)
    assert "What date is on the council's decision letter?" in say("she's 9")
    letter = _most_recent(10, 3)
    said = say(text)
    assert "mediation certificate" in said
    assert _slots(running_stack, say)["rc_decision_date"] == letter.isoformat()
    read_back = say("nope, we haven't got a certificate")
    assert format_long(letter) in read_back and "December" not in read_back
    summary = say("yes that's all right")
    if letter >= dt.date.today() - dt.timedelta(days=55):
        assert f"Appeal deadline: {format_long(appeal_by(letter))}" in summary
        assert "exceptional circumstances" not in summary


@pytest.mark.parametrize("age_answer, age", [
    ("she turned 4 in september", 4),
    ("he was 7 in march", 7),
    ("she'll be 12 in may", 12),
])
def test_an_age_is_never_the_letter_date_and_the_date_can_be_given_after(running_stack, age_answer, age):
    say = _conversation(running_stack, "age")
    assert "How old is your child?" in _to_the_letter_date(say)
    said = say(age_answer)
    # The date question is asked, not skipped; no date was taken from the age.
    assert "What date is on the council's decision letter?" in said
    slots = _slots(running_stack, say)
    assert slots["rc_age"] == age and slots["rc_decision_date"] is None
    said = say("I never gave you a letter date, it was dated 20 November")
    letter = _most_recent(11, 20)
    assert _slots(running_stack, say)["rc_decision_date"] == letter.isoformat()
    assert "mediation certificate" in said and "passed" not in said


def test_a_letter_date_in_the_future_is_refused_and_asked_again(running_stack):
    say = _conversation(running_stack, "fut")
    _to_the_letter_date(say)
    say("he's 10")
    future = dt.date.today() + dt.timedelta(days=40)
    said = say(f"the letter is dated {future.day} {future.strftime('%B %Y')}")
    assert "after today" in said and "What date is on the council's decision letter?" in said
    assert _slots(running_stack, say)["rc_decision_date"] is None


def test_a_wrong_letter_date_is_corrected_at_the_read_back(running_stack):
    say = _conversation(running_stack, "fix")
    _to_the_letter_date(say)
    say("she's 6")
    say("dated 2 November")
    assert format_long(_most_recent(11, 2)) in say("no certificate")
    said = say("I never gave you that, it was dated 20 November")
    assert format_long(_most_recent(11, 20)) in said and "Let me check I have this right" in said
    assert _slots(running_stack, say)["rc_decision_date"] == _most_recent(11, 20).isoformat()


# --- mediation advice: names, not sure, a change of mind, stop -------------------------------

def _to_the_mediation_choice(say, days_ago: int = 12) -> str:
    letter = dt.date.today() - dt.timedelta(days=days_ago)
    say("I'd like to start an appeal")
    say("I'm his dad")
    say("they won't do an EHC needs assessment")
    say("Kent")
    say("he's 11")
    say(f"the letter was dated {letter.day} {letter.strftime('%B %Y')}")
    say("No, no certificate yet")
    return say("yes, everything there is right")


def test_after_the_mediation_information_nothing_stray_is_added(running_stack):
    say = _conversation(running_stack, "stray")  # every turn is checked for the fallback's words
    information = _to_the_mediation_choice(say)
    assert information.rstrip().endswith("either way you keep your right to appeal.")


def test_section_i_only_ends_without_a_stray_fallback(running_stack):
    say = _conversation(running_stack, "secti")
    letter = dt.date.today() - dt.timedelta(days=15)
    say("I want to appeal this decision")
    say("I'm her mum")
    say("we only disagree with the school named in section I")
    say("Surrey")
    said = say("she's 8")
    said = say(f"dated {letter.day} {letter.strftime('%B %Y')}")
    if "Is that right" in said:
        said = say("yes, those details are right")
    assert "You do not need a mediation certificate" in said


@pytest.mark.parametrize("not_a_name", ["phone", "by email", "yes", "not sure", "Kent"])
def test_a_channel_a_yes_or_a_council_is_not_saved_as_a_name(running_stack, not_a_name):
    say = _conversation(running_stack, "name")
    _to_the_mediation_choice(say)
    assert "What is your full name?" in say("no, I don't want mediation, please issue my certificate")
    said = say(not_a_name)
    assert "full name" in said
    assert _slots(running_stack, say)["ma_requester_name"] is None
    assert "What is your child's full name" in say("Jo Bloggs")
    said = say(not_a_name)
    assert "full name" in said and _slots(running_stack, say)["ma_child_name"] is None
    assert "Your child's name: Sam Bloggs." in say("Sam Bloggs")


@pytest.mark.parametrize("change", [
    "Actually no, I've changed my mind. I don't want mediation, just give me the certificate",
    "I've changed my mind, can I just have the certificate instead",
])
def test_a_change_of_mind_while_describing_the_issues_switches_to_the_certificate(running_stack, change):
    say = _conversation(running_stack, "mind")
    _to_the_mediation_choice(say)
    assert "what do you want mediation to be about" in say("yes I'd like to try mediation")
    said = say(change)
    assert "What is your full name?" in said and "certificate" in said
    slots = _slots(running_stack, say)
    assert slots["ma_choice"] == "not_pursuing" and slots["ma_issues"] is None
    [(pursue,)] = _rows(running_stack, "SELECT pursue FROM mediation_advice WHERE conversation_id = :c", c=say.sender)
    assert not pursue
    say("Jo Bloggs")
    read_back = say("Sam Bloggs")
    assert "Before I issue your mediation certificate" in read_back and "Mediation about" not in read_back
    issued = say("yes, every one of those details is correct")
    assert "SEM-" in issued
    assert _rows(running_stack, "SELECT count(*) FROM certificates WHERE conversation_id = :c", c=say.sender) == [(1,)]
    assert not _rows(running_stack, "SELECT 1 FROM mediation_requests WHERE conversation_id = :c", c=say.sender)


@pytest.mark.parametrize("stop", ["cancel this please", "stop", "please stop, I don't want to do this"])
def test_stop_at_the_read_back_ends_the_form_and_nothing_is_issued(running_stack, stop):
    say = _conversation(running_stack, "stop")
    _to_the_mediation_choice(say)
    say("no, just my certificate")
    say("Jo Bloggs")
    assert "Is everything right?" in say("Sam Bloggs")
    said = say(stop)
    assert "I've stopped" in said and "Nothing has been sent or issued" in said
    assert not _rows(running_stack, "SELECT 1 FROM certificates WHERE conversation_id = :c", c=say.sender)
    tracker = running_stack.tracker(say.sender)
    assert not (tracker.get("active_loop") or {}).get("name")
    assert tracker["slots"]["ma_requester_name"] is None
    # The conversation carries on normally.
    assert "mediat" in say("wait, who runs the mediation meeting?").lower()


def test_switching_to_mediation_at_the_read_back(running_stack):
    say = _conversation(running_stack, "back")
    _to_the_mediation_choice(say)
    say("no, just my certificate")
    say("Jo Bloggs")
    say("Sam Bloggs")
    said = say("actually, I'd like to try mediation after all")
    assert "what do you want mediation to be about" in said
    assert _slots(running_stack, say)["ma_choice"] == "pursue"
    assert not _rows(running_stack, "SELECT 1 FROM certificates WHERE conversation_id = :c", c=say.sender)


@pytest.mark.parametrize("unsure", ["not sure", "I'm not sure to be honest", "maybe, I don't know"])
def test_not_sure_about_health_care_tells_the_icb_and_says_why(running_stack, unsure):
    say = _conversation(running_stack, "icb")
    _to_the_mediation_choice(say)
    say("yes, I'd like to try mediation")
    assert "health care" in say("the council refused to assess him and we want them to think again")
    said = say(unsure)
    assert "ICB" in said and "3 working days" in said
    assert _slots(running_stack, say)["ma_health_care"] == "not_sure"
    say("don't know")
    say("Jo Bloggs")
    say("Sam Bloggs")
    say("by phone")
    say("07700 900123")
    read_back = say("weekday mornings")
    assert "Health care involved: not sure" in read_back
    done = say("yes, all of that is right")
    assert "must tell" in done
    [(in_issue, icb_by)] = _rows(running_stack, "SELECT health_care_in_issue, icb_notify_by FROM mediation_requests "
                                               "WHERE conversation_id = :c", c=say.sender)
    assert in_issue and icb_by is not None


# --- every form, with an interruption at every step ------------------------------------------

def test_the_mediation_request_walked_with_an_interruption_at_every_step(running_stack):
    say = _conversation(running_stack, "walk")
    _to_the_mediation_choice(say)
    # choice: a question first, then the answer
    assert "Would you like to try mediation" in say("wait, who runs the mediation meeting?")
    say("yes, I'd like to try mediation")
    # issues: go back, then answer both again
    assert "Would you like to try mediation" in say("go back")
    say("I'd like to try the mediation route then")
    say("the council refused to assess him and we want them to think again")
    # health care: a question, then the answer
    assert "health care" in say("hold on, what does an EHC plan actually cover?")
    say("no, not health care")
    # name: a channel first, then the name
    assert "full name" in say("by phone")
    say("Jo Bloggs")
    say("Sam Bloggs")
    say("by email")
    # contact details: go back and choose text instead
    assert "How would you like" in say("go back")
    assert "phone number" in say("by text")
    say("07700 900123")
    read_back = say("any weekday")
    assert "by text on 07700 900123" in read_back
    # the read-back: a correction, then yes
    assert "Your name: Joanna Bloggs." in say("no, my name is Joanna Bloggs")
    say("yes, every one of those details is correct")
    [(name, preference, details, in_issue)] = _rows(
        running_stack, "SELECT requester_name, contact_preference, contact_details, health_care_in_issue "
                       "FROM mediation_requests WHERE conversation_id = :c", c=say.sender)
    assert (name, preference, details, bool(in_issue)) == ("Joanna Bloggs", "text", "07700 900123", False)


def test_the_route_check_walked_with_an_interruption_at_every_step(running_stack):
    say = _conversation(running_stack, "rcw")
    letter = dt.date.today() - dt.timedelta(days=30)
    say("would you work out the dates that apply to me")
    assert "what is the disagreement about" in say("I'm his mum").lower()
    assert "parent or carer" in say("go back")
    say("I'm his mum")
    assert "what is the disagreement about" in say("wait, who runs the mediation meeting?").lower()
    say("they refused to do an EHC needs assessment")
    say("Kent")
    assert "How old" in say("sorry, actually it's Surrey not Kent")
    say("he's 9")
    said = say(f"dated {letter.day} {letter.strftime('%B %Y')}")
    assert "mediation certificate" in said
    read_back = say("no certificate")
    assert "Surrey" in read_back and format_long(letter) in read_back
    assert "I've stopped" in say("stop")
    tracker = running_stack.tracker(say.sender)
    assert not (tracker.get("active_loop") or {}).get("name")
    assert tracker["slots"]["rc_local_authority"] is None and tracker["slots"]["rc_decision_date"] is None


def test_the_dr_request_walked_with_an_interruption_at_every_step(running_stack):
    say = _conversation(running_stack, "drw")
    assert "Which council area" in say("I'd like a disagreement resolution meeting with the school")
    assert "Which council area" in say("sorry, how does a disagreement resolution meeting work?")
    say("we're in West Sussex")
    say("the school is not giving the support his SEN needs")
    assert "full name" in say("by text")
    say("Jo Bloggs")
    say("by email")
    assert "How should we contact you" in say("go back")
    say("by text")
    read_back = say("07700 900123")
    assert "Shall I send the request?" in read_back
    assert "I've stopped" in say("cancel this please")
    assert not _rows(running_stack, "SELECT 1 FROM dr_requests WHERE conversation_id = :c", c=say.sender)


# --- a stressed answer is acknowledged, and still read -------------------------------------

def test_a_stressed_answer_is_acknowledged_once_and_still_read(running_stack):
    from bot.dialogue.feelings import ACKNOWLEDGEMENT

    say = _conversation(running_stack, "stressed")
    say("check my dates")
    said = say("I'm his mum and honestly I'm exhausted")
    assert said.count(ACKNOWLEDGEMENT) == 1 and "what is the disagreement about" in said.lower()
    said = say("they refused to assess him, I'm at the end of my tether with them")
    assert said.count(ACKNOWLEDGEMENT) == 1 and "council" in said.lower()
    said = say("Kent")
    assert ACKNOWLEDGEMENT not in said and "How old" in said
    slots = _slots(running_stack, say)
    assert slots["person_role"] == "parent" and slots["rc_local_authority"] == "Kent"
    assert "assess" in (slots["rc_about"] or "")
