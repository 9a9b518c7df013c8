"""A mediator's phone that nobody answers never takes the call (issue 19).

The line rings the mediators on duty one at a time; each must press 1 at the whisper to
take the call. A phone that rings out, a voicemail that answers (and presses nothing), or
a mediator who presses another key lets the call go to the next mediator, and after the
last the caller is offered a call back: never a voicemail, and one escalation per call.
Every step is a signed webhook with Twilio's parameters (<Dial> action, <Number url>,
<Gather>), posted as Twilio would.
"""
from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from typing import Dict, List

import pytest
import sqlalchemy as sa

from support.telephony import MEDIATORS, digits_params, speech_params, voice_params
from test_call_suite import check_twiml

CALLER = "+447700900123"


def escalations() -> List[Dict]:
    from bot.settings import get_settings

    engine = sa.create_engine(get_settings().database_url, future=True)
    try:
        with engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(sa.text("SELECT * FROM escalations"))]
    finally:
        engine.dispose()


def spoken(root: ET.Element) -> str:
    return " ".join(say.text or "" for say in root.iter("Say"))


class Transfer:
    """A caller who pressed 0, and the mediators' phones as Twilio rings them."""

    def __init__(self, poster) -> None:
        self.poster = poster
        self.sid = "CA" + uuid.uuid4().hex
        self.heard: List[ET.Element] = []
        self.root = self.post("/telephony/voice?step=turn&n=1", **digits_params("0"))

    def post(self, url: str, **extra: str) -> ET.Element:
        root = check_twiml(self.poster.post(url, voice_params(self.sid, caller=CALLER, **extra)))
        self.heard.append(root)
        return root

    @property
    def dial(self) -> ET.Element:
        dial = self.root.find("Dial")
        assert dial is not None, ET.tostring(self.root).decode()
        return dial

    def ringing(self) -> str:
        [number] = self.dial.findall("Number")
        return number.text

    def mediator_answers(self, digits: str = "") -> ET.Element:
        """The rung phone picks up (a person, or its voicemail): the whisper, then the key pressed, if any."""
        [number] = self.dial.findall("Number")
        leg = voice_params("CA" + uuid.uuid4().hex, caller="+441632960000", to=number.text,
                           ParentCallSid=self.sid, Direction="outbound-dial")
        whisper = check_twiml(self.poster.post(number.get("url"), leg))
        gather = whisper.find("Gather")
        assert gather.get("input") == "dtmf" and "Press 1 to take this call" in spoken(gather)
        if not digits:
            # Nothing pressed (a voicemail greeting): the Gather times out and the rest of
            # the whisper runs on the mediator's leg, which ends it.
            assert whisper.find("Hangup") is not None
            return whisper
        return check_twiml(self.poster.post(gather.get("action"), dict(leg, **digits_params(digits))))

    def dial_ends(self, status: str, duration: str = "") -> ET.Element:
        extra = {"DialCallStatus": status, "DialCallSid": "CA" + uuid.uuid4().hex}
        if duration:
            extra["DialCallDuration"] = duration
        self.root = self.post(self.dial.get("action"), **extra)
        return self.root

    def never_a_voicemail(self) -> None:
        assert all(root.find("Record") is None for root in self.heard)


@pytest.mark.parametrize("first_phone", ["voicemail", "rings out", "declines", "busy"])
def test_a_call_the_first_mediator_does_not_take_goes_to_the_next_who_takes_it_with_a_key(twilio, first_phone):
    call = Transfer(twilio())
    assert call.ringing() == MEDIATORS[0]
    if first_phone == "voicemail":
        call.mediator_answers()  # the voicemail presses nothing
        call.dial_ends("completed", duration="21")  # to Twilio the leg was answered
    elif first_phone == "declines":
        declined = call.mediator_answers("5")
        assert declined.find("Hangup") is not None
        call.dial_ends("completed", duration="6")
    else:
        call.dial_ends({"rings out": "no-answer", "busy": "busy"}[first_phone])
    assert call.ringing() == MEDIATORS[1] and "trying another one" in spoken(call.root)
    assert [e["status"] for e in escalations()] == ["new"]

    taken = call.mediator_answers("1")
    assert taken.find("Hangup") is None  # the empty answer joins the two calls
    ended = call.dial_ends("completed", duration="300")
    assert ended.find("Hangup") is not None and ended.find("Dial") is None and not spoken(ended)
    [escalation] = escalations()
    assert escalation["status"] == "assigned" and escalation["conversation_id"] == f"voice-{call.sid}"
    call.never_a_voicemail()


def test_when_no_mediator_takes_the_call_the_caller_is_offered_a_call_back_on_the_one_escalation(twilio):
    call = Transfer(twilio())
    call.mediator_answers()  # a voicemail
    call.dial_ends("completed", duration="25")
    call.dial_ends("no-answer")
    said = spoken(call.root)
    assert call.root.find("Dial") is None and "none of our mediators could take your call" in said
    assert "call you back" in said and "ending 1 2 3" in said and "aren't on the line" not in said
    gather = call.root.find("Gather")
    confirm = call.post(gather.get("action"), **speech_params("yes please"))
    when = call.post(confirm.find("Gather").get("action"), **digits_params("1"))
    booked = call.post(when.find("Gather").get("action"), **digits_params("1"))
    assert booked.find("Hangup") is not None
    assert "call you back in the morning" in spoken(booked) and "once the line is staffed" not in spoken(booked)
    [escalation] = escalations()
    assert escalation["callback_number"] == CALLER and escalation["status"] == "new"
    assert escalation["preferred_time"] == "in the morning"
    call.never_a_voicemail()


def test_the_caller_may_say_no_to_the_call_back_and_is_not_sent_to_a_voicemail(twilio):
    call = Transfer(twilio())
    call.dial_ends("no-answer")
    call.dial_ends("no-answer")
    ended = call.post(call.root.find("Gather").get("action"), **speech_params("no thanks"))
    assert ended.find("Hangup") is not None and "no call back" in spoken(ended)
    assert len(escalations()) == 1
    call.never_a_voicemail()


def test_with_one_mediator_on_duty_their_voicemail_leads_straight_to_the_call_back_offer(twilio):
    call = Transfer(twilio(MEDIATOR_NUMBERS=MEDIATORS[0]))
    call.mediator_answers()
    call.dial_ends("completed", duration="30")
    assert call.root.find("Dial") is None and "call you back" in spoken(call.root)
    call.never_a_voicemail()


def test_every_mediator_on_another_call_puts_the_caller_in_the_queue(twilio):
    call = Transfer(twilio())
    call.dial_ends("busy")
    call.dial_ends("no-answer")
    assert call.root.find("Enqueue").text == "mediators"
    call.never_a_voicemail()


def test_a_replayed_dial_result_rings_the_next_mediator_once_and_adds_no_escalation(twilio):
    call = Transfer(twilio())
    url = call.dial.get("action")
    first = call.poster.post(url, voice_params(call.sid, caller=CALLER, DialCallStatus="no-answer"))
    again = call.poster.post(url, voice_params(call.sid, caller=CALLER, DialCallStatus="no-answer"))
    assert first.text == again.text and ET.fromstring(first.text).find("Dial/Number").text == MEDIATORS[1]
    assert len(escalations()) == 1
