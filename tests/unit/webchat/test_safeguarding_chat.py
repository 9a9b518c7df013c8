"""Safeguarding in the web chat: honest notices, an urgent escalation with its category, the
mediators alerted at once, and a reminder to a person nobody has joined yet.

Rasa is a local HTTP server answering as the trained assistant does: the safety messages
and the handoff signal of actions/handoff.py (custom {"handoff": {"reason", "priority",
"category", "language"}}); its tracker's latest message may carry the safeguarding
detector's finding (parse data "safeguarding"), which Rasa adds even while paused.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, Optional

import pytest
import sqlalchemy as sa
from zoneinfo import ZoneInfo

from bot.database import session_scope
from bot.webchat import live
from bot.webchat.live import OwnerState
from bot.handoff.models import Escalation
from bot.webchat import relay
from bot.webchat.models import ChatMessage

CONVERSATION = "web-" + "s" * 32
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALWAYS_OPEN = ",".join(f"{day}=00:00-23:59" for day in DAYS)
ALWAYS_CLOSED = ",".join(f"{day}=" for day in DAYS)
MEDIATORS = "+447700900001,+447700900002"
MONDAY_MORNING = dt.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/London"))
SATURDAY = dt.datetime(2026, 11, 21, 22, 0, tzinfo=ZoneInfo("Europe/London"))

SAFETY = "If you or anyone else is in immediate danger, call 999 now."
ON_DUTY = "A person from our team is on duty and has been told. They will join this conversation as soon as they can."
CLOSED = "Our team isn't working right now. They will see your message on Monday 23 November 2026 at 9am."


class StubRasa:
    def __init__(self) -> None:
        self.reply: List[Dict] = []
        self.found: Optional[Dict] = None  # the detector's finding in the latest message's parse data
        self.received: List = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, body):
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")
                stub.received.append((self.path.split("?")[0], body))
                self._send(stub.reply if self.path.startswith("/webhooks/rest/webhook") else {})

            def do_GET(self):  # noqa: N802
                alarm = bool(stub.found and stub.found.get("by"))
                latest = {"intent": {"name": "safeguarding_risk" if alarm else "faq"}, "entities": []}
                if stub.found:
                    latest["safeguarding"] = stub.found
                self._send({"events": [{"event": "user", "text": "x"}], "slots": {}, "latest_message": latest})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def handoff(self, reason="safeguarding", category="abuse_or_neglect", language=None, texts=(SAFETY, ON_DUTY)):
        priority = "urgent" if reason == "safeguarding" else "normal"
        self.reply = [{"recipient_id": CONVERSATION, "text": text} for text in texts] + [
            {"recipient_id": CONVERSATION, "custom": {"handoff": {"reason": reason, "priority": priority,
                                                                  "category": category, "language": language}}}]

    def events(self):
        return [event for path, body in self.received if path.endswith("/tracker/events") for event in body]


def configure(monkeypatch, **env):
    from bot import database
    from bot.settings import get_settings

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    database.get_engine.cache_clear()


@pytest.fixture
def rasa(chat_db, monkeypatch):
    stub = StubRasa()
    configure(monkeypatch, RASA_URL=stub.url, STAFFED_HOURS=ALWAYS_OPEN, MEDIATOR_NUMBERS=MEDIATORS,
              WEBCHAT_RASA_TIMEOUT_SECONDS="2")
    yield stub
    stub.server.shutdown()
    stub.server.server_close()


def say(text: str, payload: Optional[str] = None) -> None:
    asyncio.run(relay.handle_message(CONVERSATION, text, payload=payload))


def shown(conversation_id: str = CONVERSATION):
    with session_scope() as session:
        return [(m.sender, m.text, m.data or {}, m.buttons) for m in session.execute(
            sa.select(ChatMessage).where(ChatMessage.conversation_id == conversation_id)
            .order_by(ChatMessage.seq)).scalars()]


def everything_said(conversation_id: str = CONVERSATION) -> str:
    return " ".join(text for _, text, _, _ in shown(conversation_id))


def escalations(conversation_id: str = CONVERSATION):
    with session_scope() as session:
        return [dict(reason=e.reason, priority=e.priority, status=e.status, category=e.category,
                     language=e.language, callback_email=e.callback_email)
                for e in session.execute(sa.select(Escalation).where(Escalation.conversation_id == conversation_id)
                                         .order_by(Escalation.created_at)).scalars()]


def alerts():
    from bot.outbox.models import OutboxMessage

    with session_scope() as session:
        return list(session.execute(sa.select(OutboxMessage.body).where(
            OutboxMessage.kind == "mediator_alert")).scalars())


# --- staffed hours ------------------------------------------------------------------
def test_in_staffed_hours_a_disclosure_gets_an_urgent_notice_not_the_few_minutes_one(rasa):
    rasa.handoff()
    say("one of our pupils told me his stepdad locks him in his room without food")
    owner = live.owner_of(CONVERSATION)
    assert owner.state == OwnerState.WAITING and owner.urgent
    said = everything_said()
    assert "usually within a few minutes" not in said and "isn't available" not in said
    system = [(text, data) for sender, text, data, _ in shown() if sender == "system"]
    assert len(system) == 1
    text, data = system[0]
    assert "has been alerted" in text and "as soon as they can" in text and "999" in text
    assert data.get("urgent") and data.get("waiting")
    assert escalations() == [dict(reason="safeguarding", priority="urgent", status="new", category="abuse_or_neglect",
                                  language=None, callback_email=None)]
    # The mediators on duty are alerted at once, without personal details.
    assert len(alerts()) == 2 and all("safeguarding" in body and "stepdad" not in body for body in alerts())
    assert {"event": "pause"} in rasa.events()


def test_a_person_writing_in_another_language_is_recorded_for_an_interpreter(rasa):
    rasa.handoff(reason="person_requested", category=None, language="Polish", texts=("I'll ask a mediator.",))
    say("Czy mogę porozmawiać z kimś?")
    assert escalations() == [dict(reason="person_requested", priority="normal", status="new", category=None,
                                  language="Polish", callback_email=None)]
    assert not live.owner_of(CONVERSATION).urgent
    assert "usually within a few minutes" in everything_said()


def test_a_disclosure_while_waiting_for_a_person_raises_the_escalation_and_gives_the_numbers(rasa):
    live.request_person(CONVERSATION, "person_requested")
    assert live.is_held(CONVERSATION)
    rasa.reply = []  # Rasa is paused: it says nothing, but its detector read the message
    # The detector scores every message; only one that raised the alarm counts.
    rasa.found = {"category": None, "score": 0.0011, "by": [], "classifier_score": 0.0011}
    say("what is mediation")
    assert [e["reason"] for e in escalations()] == ["person_requested"] and "999" not in everything_said()
    rasa.found = {"category": "domestic_abuse", "score": 1.0, "by": ["words"]}
    say("while I wait: my husband hits me and I'm scared to go home")
    [escalation] = escalations()
    assert (escalation["reason"], escalation["priority"], escalation["category"]) == ("safeguarding", "urgent",
                                                                                     "domestic_abuse")
    said = everything_said()
    for number in ("999", "0800 1111", "116 123"):
        assert number in said
    assert live.owner_of(CONVERSATION).urgent
    assert any("safeguarding" in body for body in alerts())
    # Said once: a second message adds no second notice.
    say("he said he'd come back tonight")
    assert everything_said().count("0800 1111") == 1 and len(escalations()) == 1


# --- out of hours -------------------------------------------------------------------
def test_out_of_hours_nobody_is_promised_now_the_team_will_see_it_and_the_numbers_are_given(rasa, monkeypatch):
    configure(monkeypatch, STAFFED_HOURS=ALWAYS_CLOSED)
    rasa.handoff(category="risk_to_life", texts=(SAFETY, CLOSED))
    say("he says everyone would be better off without him")
    assert live.owner_of(CONVERSATION).state == OwnerState.BOT  # no person to wait for
    [(text, data)] = [(text, data) for sender, text, data, _ in shown() if sender == "system"]
    assert text.startswith("Our team will see your message ")
    for number in ("999", "0800 1111", "116 123"):
        assert number in text
    said = everything_said()
    assert "isn't available right now" not in said and "join this chat" not in said and "help you now" not in said
    assert data.get("callback") and data.get("urgent")  # the contact form follows
    # A second disclosure is the same open escalation.
    say("and he's been cutting himself")
    assert [e["category"] for e in escalations()] == ["risk_to_life"]
    # Contact details left now go on that urgent escalation.
    live.leave_contact(CONVERSATION, email="parent@example.org")
    assert escalations() == [dict(reason="safeguarding", priority="urgent", status="new", category="risk_to_life",
                                  language=None, callback_email="parent@example.org")]


def test_the_out_of_hours_notice_says_when_in_words(chat_db):
    live.request_person(CONVERSATION, "safeguarding", now=SATURDAY, category="risk_to_life")
    [(_, text, _, _)] = shown()
    assert text.startswith("Our team will see your message on Monday 23 November 2026 at 9am.")


# --- the reminder ---------------------------------------------------------------------
def _utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def test_a_person_nobody_has_joined_is_told_once_more_what_to_do_meanwhile(chat_db):
    live.request_person(CONVERSATION, "safeguarding", now=MONDAY_MORNING, category="risk_to_life")
    other = "web-" + "t" * 32
    live.request_person(other, "person_requested", now=MONDAY_MORNING)
    joined = "web-" + "u" * 32
    live.request_person(joined, "safeguarding", now=MONDAY_MORNING)
    live.take_over(joined, "sam", "Sam Smith")

    assert live.send_due_reminders(now=_utcnow() + dt.timedelta(seconds=60)) == []
    later = _utcnow() + dt.timedelta(seconds=181)
    assert live.send_due_reminders(now=later) == [CONVERSATION]
    sender, text, data, buttons = shown()[-1]
    assert sender == "system" and data.get("reminder") and data.get("urgent")
    assert "Nobody from our team has been able to join yet" in text
    for number in ("999", "0800 1111", "116 123", "children's social care"):
        assert number in text
    # Once only; and the person may carry on with the assistant while they wait.
    assert live.send_due_reminders(now=later + dt.timedelta(seconds=600)) == []
    assert buttons == [{"title": "Carry on with the assistant while I wait", "payload": relay.CARRY_ON_PAYLOAD}]
    assert "Nobody from our team" not in everything_said(other) + everything_said(joined)


def test_the_reminder_is_sent_by_the_web_app_and_survives_a_restart(chat_db, monkeypatch):
    from fastapi.testclient import TestClient

    configure(monkeypatch, SAFEGUARDING_REMINDER_SECONDS="1", OUTBOX_WORKER_ENABLED="false", RETENTION_JOB_HOURS="0")
    # Asked for while no web app was running (it restarted since): the wait is in the database.
    live.request_person(CONVERSATION, "safeguarding", now=MONDAY_MORNING, category="abuse_or_neglect")
    from bot.app import create_app

    with TestClient(create_app()):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and "Nobody from our team" not in everything_said():
            time.sleep(0.2)
        time.sleep(1.5)  # a few more rounds of the worker
    assert everything_said().count("Nobody from our team has been able to join yet") == 1


def test_the_page_is_told_the_wait_is_urgent(chat_db, monkeypatch):
    from fastapi.testclient import TestClient

    configure(monkeypatch, OUTBOX_WORKER_ENABLED="false", RETENTION_JOB_HOURS="0")
    from bot.app import create_app

    with TestClient(create_app()) as client, client.websocket_connect("/chat/ws", headers={"origin": "http://localhost"}) as socket:
        socket.send_json({"type": "start", "session": None, "after": 0})
        session = socket.receive_json()["session"]
        live.request_person(session, "safeguarding", now=MONDAY_MORNING, category="risk_to_life")
        for _ in range(10):
            frame = socket.receive_json()
            if frame["type"] == "owner" and frame["state"] == "waiting":
                break
        assert frame == {"type": "owner", "state": "waiting", "staff_name": None, "urgent": True}
