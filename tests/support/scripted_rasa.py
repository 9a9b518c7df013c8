"""A local HTTP server that answers as the trained assistant does, from a script.

It speaks the two parts of Rasa's API the web app uses: the REST channel
(POST /webhooks/rest/webhook -> the bot's messages) and the tracker
(GET /conversations/<id>/tracker -> events, latest_message, slots). Each rule maps a
message (a regular expression) to an intent, the bot's messages and the action that sent
them, so the tracker shows what the real one would (utter_goodbye, action_request_human,
action_default_fallback). Unit tests of the phone line and SMS use it: no model needed.
"""
from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, Optional
from urllib.parse import unquote, urlsplit


@dataclass
class Rule:
    pattern: str
    intent: str
    messages: List[Dict]
    action: str = ""

    def matches(self, text: str) -> bool:
        return re.search(self.pattern, text, re.IGNORECASE) is not None


GREETING = "Hello. I can tell you about SEND mediation. What would you like to know?"
LONG_ANSWER = [
    {"text": "Mediation is a meeting to help you and the council agree. An independent mediator runs it. "
             "(Source: Children and Families Act 2014 ss.52-55; SEND Code of Practice 11.19-11.21)"},
    {"text": "It is free, and going is your choice. The council pays for it. Ask the mediation service about "
             "travel costs when it is arranged. You can bring a supporter. (Source: Children and Families Act 2014 "
             "ss.53-54)"},
    {"text": "The meeting usually takes half a day. The mediator helps both sides talk and writes down what is "
             "agreed. More at https://www.gov.uk/children-with-special-educational-needs/extra-SEN-help and "
             "in the SEND Code of Practice. (Source: SEND Code of Practice 11.29-11.35)"},
]
APPEAL_ANSWER = [{"text": "You can appeal to the SEND Tribunal about a refusal to assess, a refusal to issue a plan, "
                          "or sections B, F and I of a plan. (Source: Children and Families Act 2014 s.51)"}]
SUMMARY = [{"text": "You told me the council is Kent and the decision letter came on 5 March 2026."},
           {"text": "Is that right?", "buttons": [{"title": "Yes", "payload": "/affirm"},
                                                   {"title": "No", "payload": "/deny"}]}]

DEFAULT_RULES = [
    Rule(r"^/greet$", "greet", [{"text": GREETING}], "utter_greet"),
    Rule(r"bye|goodbye|that's all", "goodbye", [{"text": "Goodbye. You can come back to this chat at any time."}],
         "utter_goodbye"),
    Rule(r"person|someone|human|mediator", "request_human",
         [{"text": "I can pass you to one of our mediation team.",
           "custom": {"handoff": {"reason": "person_requested"}}}],
         "action_request_human"),
    Rule(r"mediation|what is", "faq_mediation", LONG_ANSWER, "utter_faq_mediation"),
    Rule(r"appeal", "faq_tribunal", APPEAL_ANSWER, "utter_faq_tribunal"),
    Rule(r"check|kent|route", "check_routes", SUMMARY, "route_check_form"),
    Rule(r"^/affirm$|^yes", "affirm", [{"text": "Thank you. Your routes are mediation and an appeal."}],
         "action_route_result"),
]
FALLBACK = Rule(r"", "nlu_fallback", [{"text": "Sorry, I didn't understand that. Could you say it another way?"}],
                "action_default_fallback")


@dataclass
class ScriptedRasa:
    rules: List[Rule] = field(default_factory=lambda: list(DEFAULT_RULES))
    received: List[Dict] = field(default_factory=list)
    trackers: Dict[str, List[Dict]] = field(default_factory=dict)
    latest: Dict[str, Dict] = field(default_factory=dict)
    server: Optional[ThreadingHTTPServer] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def messages_from(self, sender: str) -> List[str]:
        return [item["message"] for item in self.received if item["sender"] == sender]

    def answer(self, sender: str, text: str, metadata: Optional[Dict]) -> List[Dict]:
        self.received.append({"sender": sender, "message": text, "metadata": metadata or {}})
        rule = next((rule for rule in self.rules if rule.matches(text)), FALLBACK)
        events = self.trackers.setdefault(sender, [])
        latest = {"text": text, "intent": {"name": rule.intent, "confidence": 0.9}, "entities": []}
        events.append({"event": "user", "text": text, "parse_data": latest})
        events.append({"event": "action", "name": rule.action})
        for message in rule.messages:
            data = {key: value for key, value in message.items() if key in ("buttons", "custom")}
            events.append({"event": "bot", "text": message.get("text"), "data": data,
                           "metadata": {"utter_action": rule.action} if rule.action.startswith("utter_") else {}})
        self.latest[sender] = latest
        return [dict(message, recipient_id=sender) for message in rule.messages]

    def start(self) -> "ScriptedRasa":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, payload, status: int = 200):
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):  # noqa: N802
                payload = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                path = urlsplit(self.path).path
                if path == "/webhooks/rest/webhook":
                    self._send(fake.answer(payload["sender"], payload["message"], payload.get("metadata")))
                elif path.endswith("/tracker/events"):
                    sender = unquote(path.split("/")[2])
                    fake.trackers.setdefault(sender, []).extend(payload if isinstance(payload, list) else [payload])
                    self._send({})
                else:
                    self._send({"error": "not found"}, 404)

            def do_GET(self):  # noqa: N802
                path = urlsplit(self.path).path
                if path.startswith("/conversations/"):
                    sender = unquote(path.split("/")[2])
                    self._send({"sender_id": sender, "events": fake.trackers.get(sender, []),
                                "latest_message": fake.latest.get(sender, {}), "slots": {"local_authority": None}})
                else:
                    self._send({"error": "not found"}, 404)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
