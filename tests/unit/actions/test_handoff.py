"""Asking for a person, called as the action server calls it (a Tracker in, events out)."""
from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionRequestHuman


def _handoff(slots: dict) -> dict:
    tracker = Tracker("test-user", slots, {"text": "talk to a person", "intent": {"name": "request_human"}},
                      [], False, None, {}, "action_listen")
    events = ActionRequestHuman().run(CollectingDispatcher(), tracker, {})
    return next(e["data"]["custom"]["handoff"] for e in events if e.get("event") == "bot")


def test_a_person_asked_for_is_a_normal_request():
    assert _handoff({})["priority"] == "normal"


def test_a_person_asked_for_after_a_disclosure_stays_urgent():
    # "my daughter is cutting herself" escalated urgently; "talk to a person" must not queue
    # behind it as a normal request.
    assert _handoff({"handoff_reason": "safeguarding (urgent)"})["priority"] == "urgent"
