"""Asking for a person never writes the web chat's secret key to the log (issue 20)."""

from __future__ import annotations

import logging

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionRequestHuman, log_reference

CHAT_KEY = "web-Zq8xK2vN5mR7tY1uW3pL9sD4fG6hJ0aB"


def test_an_escalation_logs_a_reference_not_the_chat_key(caplog):
    tracker = Tracker(CHAT_KEY, {}, {"text": "talk to a person", "intent": {"name": "request_human"}},
                      [], False, None, {}, "action_listen")
    with caplog.at_level(logging.DEBUG):
        ActionRequestHuman().run(CollectingDispatcher(), tracker, {})
    escalation_lines = [r.getMessage() for r in caplog.records if "escalation requested" in r.getMessage()]
    assert escalation_lines, "the escalation is still logged"
    assert log_reference(CHAT_KEY) in escalation_lines[0]
    assert CHAT_KEY not in caplog.text
    assert CHAT_KEY[4:20] not in caplog.text  # not even part of the key
