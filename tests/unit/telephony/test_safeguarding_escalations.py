"""Safeguarding on the phone line and by SMS: one urgent escalation with its category, new
until a mediator has it (so the console's urgent count shows it), the voicemail or callback
on the same escalation, and the mediators alerted at once.

Rasa is played by a local HTTP server answering as the trained assistant does: the REST
channel's messages, ending with the handoff signal of actions/handoff.py
(custom {"handoff": {"reason", "priority", "category", "language"}}), and the tracker.
"""
from __future__ import annotations

import json
import logging
import re
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List

import pytest
import sqlalchemy as sa

from support.telephony import ALWAYS_CLOSED, MEDIATORS

SAFETY = "If you or anyone else is in immediate danger, call 999 now. Childline: call 0800 1111 if you are under 19."
ON_DUTY = "A person from our team is on duty and has been told. They will join this conversation as soon as they can."
CLOSED = "Our team isn't working right now. They will see your message tomorrow at 9am."


class FakeRasa:
    """Says what `reply` holds; the tracker shows the safeguarding action ran."""

    def __init__(self) -> None:
        self.reply: List[Dict] = []
        self.handoff(reason="safeguarding", category="abuse_or_neglect")
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, payload):
                body = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._send(fake.reply)

            def do_GET(self):  # noqa: N802
                self._send({"events": [{"event": "user", "text": "his stepdad locks him in"},
                                       {"event": "action", "name": fake.action}],
                            "latest_message": {"intent": {"name": "safeguarding_risk"}, "entities": []},
                            "slots": {"local_authority": "Kent"}})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def handoff(self, reason: str, category=None, language=None, texts=(SAFETY, ON_DUTY)) -> None:
        self.action = "action_escalate_safeguarding" if reason == "safeguarding" else "action_request_human"
        priority = "urgent" if reason == "safeguarding" else "normal"
        self.reply = [{"recipient_id": "x", "text": text} for text in texts] + [
            {"recipient_id": "x", "custom": {"handoff": {"reason": reason, "priority": priority, "category": category,
                                                         "language": language}}}]


@pytest.fixture
def fake_rasa():
    fake = FakeRasa()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


CALL = {"CallSid": "CA" + "5" * 32, "From": "+447700900123", "To": "+441632960000"}
TEXTER = {"From": "+447700900777", "To": "+441632960000"}


def escalations():
    from bot.database import session_scope
    from bot.handoff.models import Escalation

    with session_scope() as session:
        return [{column: getattr(e, column) for column in ("id", "reason", "priority", "status", "category", "channel",
                                                           "recording_url", "callback_number", "preferred_time",
                                                           "conversation_id", "summary")}
                for e in session.execute(sa.select(Escalation).order_by(Escalation.created_at)).scalars()]


def alerts():
    from bot.database import session_scope
    from bot.outbox.models import OutboxMessage

    with session_scope() as session:
        return [(m.to_number, m.body) for m in session.execute(
            sa.select(OutboxMessage).where(OutboxMessage.kind == "mediator_alert").order_by(OutboxMessage.id)).scalars()]


def console_counts():
    from bot.console import queue
    from bot.database import session_scope

    with session_scope() as session:
        return queue.alerts(session)


def say(poster, speech: str, step: str = "turn") -> ET.Element:
    response = poster.post(f"/telephony/voice?step={step}", dict(CALL, SpeechResult=speech))
    assert response.status_code == 200, response.text
    return ET.fromstring(response.text)


# --- the phone line ------------------------------------------------------------------
def test_a_disclosure_on_a_staffed_call_is_new_urgent_with_its_category_and_the_mediators_are_alerted(
        twilio, fake_rasa):
    poster = twilio(RASA_URL=fake_rasa.url)
    root = say(poster, "his stepdad locks him in his room without food")
    assert root.find("Dial") is not None
    [escalation] = escalations()
    assert (escalation["reason"], escalation["priority"], escalation["status"], escalation["category"]) == (
        "safeguarding", "urgent", "new", "abuse_or_neglect")
    # The console counts it: the red bar and the urgent figure read status new.
    assert console_counts()["urgent"] == 1
    assert sorted(number for number, _ in alerts()) == sorted(MEDIATORS)
    assert all("safeguarding" in body and "900123" not in body for _, body in alerts())


def test_the_callback_after_an_unanswered_disclosure_goes_on_the_same_urgent_escalation(twilio, fake_rasa):
    poster = twilio(RASA_URL=fake_rasa.url)
    dial = say(poster, "his stepdad locks him in his room without food").find("Dial")
    for _ in MEDIATORS:  # nobody answers, one after the other
        root = ET.fromstring(poster.post(dial.get("action"), dict(CALL, DialCallStatus="no-answer")).text)
        dial = root.find("Dial")
    assert root.find("Record") is None and "call you back" in " ".join(s.text for s in root.iter("Say"))
    confirm = ET.fromstring(poster.post(root.find("Gather").get("action"), dict(CALL, Digits="1")).text)
    when = ET.fromstring(poster.post(confirm.find("Gather").get("action"), dict(CALL, Digits="1")).text)
    poster.post(when.find("Gather").get("action"), dict(CALL, Digits="3"))
    [escalation] = escalations()
    assert escalation["callback_number"] == CALL["From"]
    assert (escalation["reason"], escalation["priority"], escalation["status"]) == ("safeguarding", "urgent", "new")
    assert console_counts() == {**console_counts(), "new": 1, "urgent": 1}
    assert any("URGENT safeguarding callback" in body for _, body in alerts())


def test_a_caller_who_waited_too_long_in_the_queue_is_offered_a_callback_on_the_same_escalation(twilio, fake_rasa):
    poster = twilio(RASA_URL=fake_rasa.url)
    dial = say(poster, "his stepdad locks him in his room without food").find("Dial")
    for _ in MEDIATORS:  # every mediator on another call
        root = ET.fromstring(poster.post(dial.get("action"), dict(CALL, DialCallStatus="busy")).text)
        dial = root.find("Dial")
    enqueue = root.find("Enqueue")
    offer = ET.fromstring(poster.post(enqueue.get("action"), dict(CALL, QueueResult="leave")).text)
    assert "call you back" in " ".join(s.text for s in offer.iter("Say"))
    confirm = ET.fromstring(poster.post(offer.find("Gather").get("action"), dict(CALL, SpeechResult="yes please")).text)
    when = ET.fromstring(poster.post(confirm.find("Gather").get("action"), dict(CALL, Digits="1")).text)
    booked = ET.fromstring(poster.post(when.find("Gather").get("action"), dict(CALL, Digits="3")).text)
    assert booked.find("Hangup") is not None
    [escalation] = escalations()
    assert escalation["callback_number"] == CALL["From"] and escalation["status"] == "new"
    assert escalation["priority"] == "urgent"


def test_with_no_mediator_numbers_a_staffed_disclosure_is_still_stored_and_the_missing_alert_is_an_error(
        twilio, fake_rasa, caplog):
    poster = twilio(RASA_URL=fake_rasa.url, MEDIATOR_NUMBERS="")
    with caplog.at_level(logging.ERROR):
        record = say(poster, "his stepdad locks him in his room without food").find("Record")
    assert record is not None  # a voicemail, nobody to ring
    [escalation] = escalations()
    assert escalation["priority"] == "urgent" and escalation["category"] == "abuse_or_neglect"
    assert any("nobody was texted" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)
    poster.post(record.get("action"), dict(CALL, RecordingUrl="https://api.twilio.com/rec/RE11"))
    assert [e["recording_url"] for e in escalations()] == ["https://api.twilio.com/rec/RE11"]


def test_out_of_hours_a_disclosure_is_stored_at_once_and_the_callback_goes_on_it(twilio, fake_rasa):
    fake_rasa.handoff(reason="safeguarding", category="risk_to_life", texts=(SAFETY, CLOSED))
    poster = twilio(RASA_URL=fake_rasa.url, STAFFED_HOURS=ALWAYS_CLOSED)
    offer = say(poster, "he says he'd be better off dead")
    spoken = " ".join(s.text for s in offer.iter("Say"))
    assert "999" in spoken and "put you through" not in spoken
    # Stored before the caller chooses anything: hanging up now loses nothing.
    [escalation] = escalations()
    assert (escalation["reason"], escalation["priority"], escalation["category"]) == ("safeguarding", "urgent",
                                                                                     "risk_to_life")
    confirm = ET.fromstring(poster.post(offer.find("Gather").get("action"), dict(CALL, Digits="1")).text)
    when = ET.fromstring(poster.post(confirm.find("Gather").get("action"), dict(CALL, Digits="1")).text)
    poster.post(when.find("Gather").get("action"), dict(CALL, Digits="1"))
    [escalation] = escalations()
    assert escalation["callback_number"] == "+447700900123" and escalation["preferred_time"] == "in the morning"
    assert escalation["priority"] == "urgent" and escalation["category"] == "risk_to_life"


def test_one_escalation_per_call_even_when_the_assistant_hands_over_twice(twilio, fake_rasa):
    fake_rasa.handoff(reason="person_requested", texts=("I'll ask a mediator.",))
    poster = twilio(RASA_URL=fake_rasa.url)
    say(poster, "can I talk to someone")
    fake_rasa.handoff(reason="safeguarding", category="domestic_abuse")
    say(poster, "my husband hits me")
    [escalation] = escalations()
    assert (escalation["reason"], escalation["priority"], escalation["category"], escalation["status"]) == (
        "safeguarding", "urgent", "domestic_abuse", "new")


# --- SMS ------------------------------------------------------------------------------
def text(poster, body: str):
    response = poster.post("/telephony/sms", dict(TEXTER, MessageSid="SM" + str(abs(hash(body)))[:10], Body=body))
    assert response.status_code == 200, response.text


def replies():
    from bot.database import session_scope
    from bot.outbox.models import OutboxMessage

    with session_scope() as session:
        return [m.body for m in session.execute(sa.select(OutboxMessage).where(
            OutboxMessage.kind == "reply").order_by(OutboxMessage.id)).scalars()]


def test_a_disclosure_by_text_is_one_urgent_escalation_with_its_category_while_it_is_open(twilio, fake_rasa):
    poster = twilio(RASA_URL=fake_rasa.url)
    text(poster, "his stepdad locks him in his room")
    text(poster, "and he doesn't feed him")
    [escalation] = escalations()
    assert (escalation["channel"], escalation["reason"], escalation["priority"], escalation["status"],
            escalation["category"]) == ("sms", "safeguarding", "urgent", "new", "abuse_or_neglect")
    # Alerted once, at once, without the texter's number.
    assert sorted(number for number, _ in alerts()) == sorted(MEDIATORS)
    assert all("900777" not in body for _, body in alerts())


def test_a_text_request_for_a_person_becomes_urgent_when_a_disclosure_follows(twilio, fake_rasa):
    poster = twilio(RASA_URL=fake_rasa.url)
    fake_rasa.handoff(reason="person_requested", language="Polish", texts=("I'll ask a mediator.",))
    text(poster, "czy moge porozmawiac z kims")
    fake_rasa.handoff(reason="safeguarding", category="carer_breaking_point")
    text(poster, "i can't go on any more")
    [escalation] = escalations()
    assert (escalation["reason"], escalation["priority"], escalation["category"]) == (
        "safeguarding", "urgent", "carer_breaking_point")
    from bot.database import session_scope
    from bot.handoff.models import Escalation
    with session_scope() as session:
        assert session.get(Escalation, escalation["id"]).language == "Polish"
    # Two alerts to each mediator: the request, then the concern.
    assert len(alerts()) == 2 * len(MEDIATORS)
    assert "safeguarding" in alerts()[-1][1]


def test_out_of_hours_the_text_reply_does_not_add_a_second_availability_line(twilio, fake_rasa):
    fake_rasa.handoff(reason="safeguarding", category="risk_to_life", texts=(SAFETY, CLOSED))
    poster = twilio(RASA_URL=fake_rasa.url, STAFFED_HOURS=ALWAYS_CLOSED)
    text(poster, "i want to end it all")
    body = " ".join(re.sub(r"^\(\d+/\d+\) ", "", part) for part in replies())
    assert "999" in body and "will see your message" in body
    assert "next available" not in body and body.count("will see your message") == 1
    [escalation] = escalations()
    assert escalation["priority"] == "urgent" and escalation["category"] == "risk_to_life"
