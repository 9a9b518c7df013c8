"""The relay against a stub Rasa (a real local HTTP server speaking Rasa's REST channel and HTTP API)."""
from __future__ import annotations

import asyncio
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from bot.database import session_scope
from bot.webchat import live
from bot.handoff.models import Escalation
from bot.webchat import relay
from bot.webchat.models import ChatMessage

CONVERSATION = "web-" + "b" * 32
ALWAYS = ",".join(f"{day}=00:00-23:59" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))


class StubRasa:
    """Answers like Rasa; `mode` is "ok", "fail" (HTTP 500), "slow" or "silent"."""

    def __init__(self):
        self.mode = "ok"
        self.reply = [{"recipient_id": CONVERSATION, "text": "Mediation is a meeting.",
                       "buttons": [{"title": "Tell me more", "payload": "/faq_mediation"}]}]
        self.tracker_events = [{"event": "user", "text": "x"}, {"event": "action", "name": "utter_faq"}]
        self.received = []  # (path, body)
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")
                stub.received.append((self.path.split("?")[0], body))
                if self.path.startswith("/webhooks/rest/webhook"):
                    if stub.mode == "fail":
                        return self._send(500, {"error": "action server down"})
                    if stub.mode == "slow":
                        time.sleep(2)
                    return self._send(200, [] if stub.mode == "silent" else stub.reply)
                return self._send(200, {})

            def do_GET(self):
                return self._send(200, {"events": stub.tracker_events, "slots": {}, "latest_message": {}})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def said(self):
        return [body["message"] for path, body in self.received if path == "/webhooks/rest/webhook"]

    def events(self):
        return [event for path, body in self.received if path.endswith("/tracker/events") for event in body]


@pytest.fixture
def rasa(chat_db, monkeypatch):
    from bot.settings import get_settings

    stub = StubRasa()
    monkeypatch.setenv("RASA_URL", stub.url)
    monkeypatch.setenv("STAFFED_HOURS", ALWAYS)
    monkeypatch.setenv("WEBCHAT_RASA_TIMEOUT_SECONDS", "1")
    get_settings.cache_clear()
    yield stub
    stub.server.shutdown()


def say(text, **kwargs):
    typing = []

    async def record(on):
        typing.append(on)

    asyncio.run(relay.handle_message(CONVERSATION, text, typing=record, **kwargs))
    return typing


def stored():
    with session_scope() as session:
        return [(m.sender, m.text, m.buttons) for m in session.execute(
            sa.select(ChatMessage).where(ChatMessage.conversation_id == CONVERSATION).order_by(ChatMessage.seq)).scalars()]


def reasons():
    with session_scope() as session:
        return list(session.execute(sa.select(Escalation.reason).where(
            Escalation.conversation_id == CONVERSATION)).scalars())


def test_a_message_and_its_replies_are_stored_in_order_with_quick_replies(rasa):
    relay.start_conversation(CONVERSATION)
    assert say("what is mediation") == [True, False]
    assert stored()[1:] == [("person", "what is mediation", None),
                            ("bot", "Mediation is a meeting.", [{"title": "Tell me more", "payload": "/faq_mediation"}])]
    assert rasa.said() == ["what is mediation"]


def test_a_resent_message_is_stored_and_answered_once(rasa):
    say("what is mediation", client_id="abc")
    say("what is mediation", client_id="abc")
    assert [row[0] for row in stored()] == ["person", "bot"]
    assert rasa.said() == ["what is mediation"]


def test_choosing_a_role_keeps_it_for_the_wording_and_greets(rasa):
    relay.start_conversation(CONVERSATION)
    say("Young person", payload="webchat:role:young_person")
    assert relay.role_of(CONVERSATION) == "young_person"
    assert rasa.said() == ["/greet"]
    assert ("bot", relay.ROLE_THANKS["young_person"], None) in stored()


@pytest.mark.parametrize("mode", ["fail", "slow", "silent"])
def test_a_failing_assistant_means_an_apology_and_a_person_never_silence(rasa, mode):
    rasa.mode = mode
    say("what is mediation")
    texts = [row[1] for row in stored()]
    assert relay.SORRY in texts
    assert any("asked a mediator from our team to join" in text for text in texts)
    assert reasons() == ["bot_failure"]
    assert live.is_held(CONVERSATION)
    assert {"event": "pause"} in rasa.events()


def test_repeated_failures_record_one_escalation(rasa):
    rasa.mode = "fail"
    say("first")
    live.carry_on(CONVERSATION)
    say("second")
    assert reasons() == ["bot_failure"]
    assert [row[1] for row in stored()].count(relay.SORRY) == 2


def test_a_handoff_in_the_tracker_asks_for_a_person(rasa):
    rasa.tracker_events = [{"event": "user", "text": "x"}, {"event": "action", "name": "action_request_human"}]
    say("talk to a human please")
    assert reasons() == ["person_requested"]
    assert live.owner_of(CONVERSATION).state == live.OwnerState.WAITING


def test_while_a_person_holds_the_conversation_the_bot_stays_silent(rasa):
    live.take_over(CONVERSATION, "mia", "Mia")
    assert say("hello?") == []  # no typing indicator either
    # Rasa was told (to keep the transcript whole) but its replies are not shown.
    assert rasa.said() == ["hello?"]
    assert [row[0] for row in stored()] == ["system", "person"]
    assert rasa.events()[-1] == {"event": "pause"}


def test_talk_to_a_person_button(rasa):
    say("Talk to a person", payload="webchat:person")
    assert reasons() == ["person_requested"]
    assert rasa.said() == []


@pytest.mark.parametrize("typed, sent", [
    ("/restart", "restart"),
    ("/session_start", "session_start"),
    ('/request_human{"reason": "x"}', 'request_human{"reason": "x"}'),
    ("  //inform_local_authority{\"local_authority\": {\"a\": 1}}", 'inform_local_authority{"local_authority": {"a": 1}}'),
])
def test_typed_commands_reach_the_assistant_as_words(rasa, typed, sent):
    relay.start_conversation(CONVERSATION)
    say(typed)
    assert rasa.said() == [sent]


def test_only_payloads_of_buttons_offered_reach_the_assistant_as_commands(rasa):
    relay.start_conversation(CONVERSATION)
    say("what is mediation")  # the stub offers "Tell me more" -> /faq_mediation
    say("Tell me more", payload="/faq_mediation")
    say("Restart", payload="/restart")  # never offered: a forged quick reply
    say("", payload='/request_human{"priority": "urgent"}')
    assert rasa.said() == ["what is mediation", "/faq_mediation", "Restart", 'request_human{"priority": "urgent"}']
