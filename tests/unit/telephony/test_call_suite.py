"""Whole calls as Twilio makes them: every step posts what Twilio posts (its voice webhook
parameters, signed), and every answer must be TwiML Twilio can run: valid XML, only
Twilio's verbs, never HTTP 500, no prompt said more than twice in a call, and a way out
of every step. Rasa is played by a scripted server (support.scripted_rasa).
"""
from __future__ import annotations

import itertools
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from typing import Dict, List, Optional

import pytest
import sqlalchemy as sa

from support.scripted_rasa import ScriptedRasa
from support.telephony import ALWAYS_CLOSED, digits_params, speech_params, voice_params

VERBS = {"Response", "Say", "Play", "Pause", "Gather", "Redirect", "Hangup", "Dial", "Number", "Enqueue", "Leave",
         "Record", "Queue", "Reject"}
IN_GATHER = {"Say", "Play", "Pause"}


@pytest.fixture
def rasa():
    fake = ScriptedRasa().start()
    yield fake
    fake.stop()


def check_twiml(response) -> ET.Element:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(response.text)
    assert root.tag == "Response"
    for element in root.iter():
        assert element.tag in VERBS, element.tag
    for gather in root.iter("Gather"):
        assert {child.tag for child in gather} <= IN_GATHER
        assert gather.get("action", "").startswith("https://line.example.org/telephony/")
    return root


class Call:
    """One caller: posts each step to the URL the last TwiML named, and keeps what was said."""

    def __init__(self, poster, caller: str = "+447700900123") -> None:
        self.poster = poster
        self.sid = "CA" + uuid.uuid4().hex
        self.caller = caller
        self.said: List[str] = []
        self.root: Optional[ET.Element] = None

    def post(self, url: str, **extra: str) -> ET.Element:
        self.root = check_twiml(self.poster.post(url, voice_params(self.sid, self.caller, **extra)))
        self.said.extend(say.text or "" for say in self.root.iter("Say"))
        return self.root

    def start(self) -> ET.Element:
        return self.post("/telephony/voice")

    @property
    def next_url(self) -> str:
        gather = self.root.find("Gather")
        if gather is not None:
            return gather.get("action")
        return self.root.find("Redirect").text

    def say(self, text: str) -> ET.Element:
        return self.post(self.next_url, **speech_params(text))

    def press(self, digits: str, finished_on_key: str = "") -> ET.Element:
        return self.post(self.next_url, **digits_params(digits, finished_on_key))

    def silence(self) -> ET.Element:
        return self.post(self.next_url)

    @property
    def last_said(self) -> str:
        return " ".join(say.text or "" for say in self.root.iter("Say"))

    @property
    def hung_up(self) -> bool:
        return self.root.find("Hangup") is not None

    def assert_no_prompt_said_more_than_twice(self) -> None:
        repeated = {text: count for text, count in Counter(self.said).items() if count > 2}
        assert not repeated, repeated


def outbox(database_url: str) -> List[Dict]:
    engine = sa.create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(sa.text("SELECT * FROM outbox_messages"))]
    finally:
        engine.dispose()


def settings():
    from bot.settings import get_settings
    return get_settings()


def test_the_greeting_is_one_turn_with_the_options_a_person_on_0_and_one_question(twilio, rasa):
    call = Call(twilio(RASA_URL=rasa.url))
    call.start()
    said = call.last_said
    assert said.count("?") == 1 and said.endswith("What would you like to know?")
    assert "press 0" in said.lower() and "3 for appeals to the SEND Tribunal" in said
    assert "Shall I go on" not in said
    assert rasa.messages_from(f"voice-{call.sid}") == ["/greet"]


@pytest.mark.parametrize("answer", [speech_params("yes"), digits_params("1"), speech_params("Yes."),
                                    speech_params("no thanks"), digits_params("2"), speech_params("tell me more")])
def test_go_on_is_never_an_error_even_where_there_is_nothing_more(twilio, rasa, answer):
    poster = twilio(RASA_URL=rasa.url)
    call = Call(poster)
    call.start()
    # What the issue measured: "go on" at part 1 straight after the greeting.
    root = call.post("/telephony/voice?step=more&part=1", **answer)
    assert root.find("Gather") is not None or call.hung_up
    # A part far past the end too (a stale or forged step).
    call.post("/telephony/voice?step=more&part=9", **answer)


def test_an_answer_is_spoken_short_with_the_details_offered_by_text_then_goodbye_hangs_up(twilio, rasa):
    call = Call(twilio(RASA_URL=rasa.url))
    call.start()
    call.say("what is mediation")
    assert call.last_said.rstrip().endswith("Shall I text you the details and sources? Say yes or press 1, or say no.")
    assert "Shall I go on" not in call.last_said and "step=details" in call.next_url
    call.say("no thanks")
    assert "What else would you like to know?" in call.last_said
    assert all("Source" not in text and "Act 2014" not in text and "11.19" not in text for text in call.said)
    assert all("http" not in text for text in call.said)
    call.say("that's all, goodbye")
    assert call.hung_up and "come back to this chat" not in call.last_said
    call.assert_no_prompt_said_more_than_twice()
    assert not any(row["kind"] == "details" for row in outbox(settings().database_url))


def test_a_landline_caller_can_hear_the_answer_in_full_to_its_end_without_citations(twilio, rasa):
    call = Call(twilio(RASA_URL=rasa.url), caller="+441632960123")
    call.start()
    call.say("what is mediation")
    assert "Shall I say the details in full?" in call.last_said and "press 0" in call.last_said
    assert "text" not in call.last_said.lower()
    call.say("yes please")
    for _ in range(3):
        if "Shall I go on" not in call.last_said:
            break
        call.press("1")
    assert "Shall I go on" not in call.last_said and "writes down what is agreed" in call.last_said
    assert all("Source" not in text and "Act 2014" not in text and "11.19" not in text for text in call.said)
    assert all("http" not in text for text in call.said)
    call.assert_no_prompt_said_more_than_twice()
    assert outbox(settings().database_url) == []  # a landline is sent no text, not even the link


def test_no_at_go_on_asks_what_else(twilio, rasa):
    call = Call(twilio(RASA_URL=rasa.url), caller="anonymous")
    call.start()
    call.say("what is mediation")
    call.press("1")  # in full
    assert "Shall I go on?" in call.last_said
    call.say("no")
    assert "What else would you like to know?" in call.last_said


def test_is_that_right_is_the_only_question_in_its_turn(twilio, rasa):
    call = Call(twilio(RASA_URL=rasa.url))
    call.start()
    call.say("check my routes for Kent")
    assert "Is that right?" in call.last_said and call.last_said.rstrip().endswith("or 2 for No.")
    assert "Shall I go on" not in call.last_said
    assert "step=turn" in call.next_url


def test_keypad_3_asks_the_appeal_question(twilio, rasa):
    call = Call(twilio(RASA_URL=rasa.url))
    call.start()
    call.press("3")
    assert "appeal to the SEND Tribunal" in call.last_said
    assert "appealed" in rasa.messages_from(f"voice-{call.sid}")[-1]


def test_silence_ends_the_call_politely_within_three_prompts(twilio, rasa):
    call = Call(twilio(RASA_URL=rasa.url))
    call.start()
    for _ in range(3):
        call.silence()
    assert call.hung_up and "Goodbye" in call.last_said
    call.assert_no_prompt_said_more_than_twice()


def test_two_misunderstandings_in_staffed_hours_reach_a_person(twilio, rasa):
    call = Call(twilio(RASA_URL=rasa.url))
    call.start()
    call.say("blue carrots on the moon")
    call.say("purple telescope")
    assert call.root.find("Dial") is not None


def test_out_of_hours_the_callback_offer_takes_no_thanks(twilio, rasa):
    for refusal in (speech_params("no thanks"), digits_params("2", "#")):
        call = Call(twilio(RASA_URL=rasa.url, STAFFED_HOURS=ALWAYS_CLOSED))
        call.start()
        call.press("0")
        assert "call you back" in call.last_said and "say no or press 2" in call.last_said
        call.post(call.next_url, **refusal)
        assert call.hung_up and "no call back" in call.last_said


def test_out_of_hours_silence_at_the_callback_offer_ends_the_call_after_two_tries(twilio, rasa):
    call = Call(twilio(RASA_URL=rasa.url, STAFFED_HOURS=ALWAYS_CLOSED))
    call.start()
    call.say("blue carrots on the moon")
    call.say("purple telescope")  # two misunderstandings: a person is offered, by callback
    assert "call you back" in call.last_said
    call.silence()
    assert not call.hung_up
    call.silence()
    assert call.hung_up and "Goodbye" in call.last_said
    call.assert_no_prompt_said_more_than_twice()


def test_out_of_hours_a_spoken_yes_books_a_callback_on_the_callers_own_number(twilio, rasa):
    call = Call(twilio(RASA_URL=rasa.url, STAFFED_HOURS=ALWAYS_CLOSED))
    call.start()
    call.press("0")
    call.say("yes please")
    assert "0 7 7 0 0, 9 0 0, 1 2 3" in call.last_said
    call.say("yes")
    call.press("2")
    assert call.hung_up and "text to confirm" in call.last_said
    assert any(row["kind"] == "callback_confirmation" and row["to_number"] == "+447700900123"
               for row in outbox(settings().database_url))


@pytest.mark.parametrize("caller", ["anonymous", "+266696687"])
def test_a_withheld_caller_is_never_promised_a_text(twilio, rasa, caller):
    call = Call(twilio(RASA_URL=rasa.url, STAFFED_HOURS=ALWAYS_CLOSED), caller=caller)
    call.start()
    call.say("what is mediation")
    call.press("1")
    call.press("1")
    call.press("0")
    assert "ending" not in call.last_said and "type the number" in call.last_said
    # A landline typed for the callback: no text promised either.
    call.press("01632960000", "#")
    call.press("1")
    call.press("1")
    assert call.hung_up
    assert not any("text" in text.lower() and "sent you" in text.lower() for text in call.said)
    assert "text to confirm" not in call.last_said
    assert [row for row in outbox(settings().database_url) if row["kind"] in ("link", "callback_confirmation")] == []
    assert rasa.received[0]["metadata"].get("can_text") is False


def test_a_bad_number_twice_at_the_callback_offer_ends_politely(twilio, rasa):
    call = Call(twilio(RASA_URL=rasa.url, STAFFED_HOURS=ALWAYS_CLOSED), caller="anonymous")
    call.start()
    call.press("0")
    call.press("123", "#")
    assert "couldn't use that number" in call.last_said
    call.press("999", "#")
    assert call.hung_up


def test_the_whisper_asks_the_mediator_to_press_1_and_only_that_takes_the_call(twilio, rasa):
    poster = twilio(RASA_URL=rasa.url)
    call = Call(poster)
    call.start()
    dial = call.press("0").find("Dial")
    whisper_url = dial.find("Number").get("url")
    mediator = voice_params("CA" + uuid.uuid4().hex, caller="+441632960000", to="+447700900001")
    whisper = check_twiml(poster.post(whisper_url, mediator))
    gather = whisper.find("Gather")
    assert gather.get("numDigits") == "1" and "Press 1 to take this call" in " ".join(
        s.text for s in gather.iter("Say"))
    assert whisper.find("Hangup") is not None  # a voicemail that presses nothing takes nothing
    declined = check_twiml(poster.post(gather.get("action"), dict(mediator, **digits_params("5"))))
    assert declined.find("Hangup") is not None
    engine = sa.create_engine(settings().database_url, future=True)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT status FROM escalations")).scalar_one() == "new"
    accepted = check_twiml(poster.post(gather.get("action"), dict(mediator, **digits_params("1"))))
    assert accepted.find("Hangup") is None
    # The call ends well: the escalation stays the mediator's (assigned), not closed by the line.
    check_twiml(poster.post(dial.get("action"), voice_params(call.sid, DialCallStatus="completed",
                                                              DialCallSid="CA" + "9" * 32, DialCallDuration="300")))
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT status FROM escalations")).scalar_one() == "assigned"
    engine.dispose()


def test_every_step_of_the_call_answers_every_kind_of_input_with_twiml(twilio, rasa):
    """Each step the line can name, given each kind of input Twilio sends: never a 500."""
    poster = twilio(RASA_URL=rasa.url)
    sid = "CA" + uuid.uuid4().hex
    inputs = [{}, speech_params("yes"), speech_params("no thanks"), speech_params("what is mediation"),
              digits_params("1"), digits_params("2"), digits_params("9"), digits_params("*"), digits_params("#"),
              digits_params("07700900456", "#"), digits_params("123", "#")]
    steps = ["", "step=turn", "step=menu", "step=more&part=1", "step=more&part=40", "step=more&part=-1",
             "step=cb_number", "step=cb_number&miss=1", "step=cb_confirm", "step=cb_confirm&miss=1",
             "step=cb_time", "step=bogus", "step=turn&fail=x"]
    check_twiml(poster.post("/telephony/voice", voice_params(sid)))
    for step, given in itertools.product(steps, inputs):
        check_twiml(poster.post(f"/telephony/voice?{step}" if step else "/telephony/voice",
                                voice_params(sid, **given)))


def test_a_question_in_the_middle_of_a_long_answer_is_not_followed_by_go_on():
    from bot.settings import Settings
    from telephony.voice import Twiml

    build = Twiml(Settings(_env_file=None, public_base_url="https://line.example.org"))
    turns = ["You told me the council is Kent.", "The letter came on Thursday 5 March 2026. Is that right? "
             "Say or press 1 for Yes, or 2 for No.", "Afterwards there is more."]
    root = ET.fromstring(build.answer(turns))
    said = " ".join(say.text for say in root.iter("Say"))
    assert "Is that right?" in said and "Shall I go on" not in said
    assert "step=turn" in root.find("Gather").get("action")


def _urls(root: ET.Element) -> List[str]:
    """Every URL the TwiML hands Twilio: actions, callbacks and redirects."""
    urls = [value for element in root.iter() for name, value in element.attrib.items()
            if name in ("action", "statusCallback", "recordingStatusCallback", "url", "waitUrl")]
    return urls + [(element.text or "") for element in root.iter("Redirect")]


def test_a_typed_callback_number_never_travels_in_a_webhook_url_and_is_booked(twilio, rasa):
    # Twilio keeps every webhook URL in its request logs: the number a caller types stays on
    # our side (kept against the call), and the booked callback still rings that number.
    call = Call(twilio(RASA_URL=rasa.url, STAFFED_HOURS=ALWAYS_CLOSED))
    roots = [call.start(), call.press("0"), call.press("07700900456", "#")]
    assert "0 7 7 0 0, 9 0 0, 4 5 6" in call.last_said
    roots += [call.press("1"), call.press("2")]
    assert call.hung_up and "text to confirm" in call.last_said
    for root in roots:
        for url in _urls(root):
            assert "7700900456" not in url and "900456" not in url, url
    engine = sa.create_engine(settings().database_url, future=True)
    with engine.connect() as connection:
        [booked] = connection.execute(sa.text("SELECT callback_number, preferred_time FROM escalations")).all()
    engine.dispose()
    assert booked.callback_number == "+447700900456" and booked.preferred_time == "in the afternoon"
    assert any(row["kind"] == "callback_confirmation" and row["to_number"] == "+447700900456"
               for row in outbox(settings().database_url))
