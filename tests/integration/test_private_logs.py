"""No personal details or conversation dumps reach the service's log, on the failure paths
known to dump them (issue "Security and privacy", finding 1)."""
from __future__ import annotations

import time
import uuid

import httpx

PERSONAL = {"name": "Zebedee Quartermaine", "phone": "07700 900417", "email": "zq.family@example.org",
            "address": "14 Larkspur Road"}


def _log_after(stack, start: int, settle: float = 3.0) -> str:
    time.sleep(settle)  # the parts' output reaches the supervisor line by line
    return "\n".join(stack.output[start:])


def test_a_failing_custom_action_logs_no_tracker_and_no_personal_details(running_stack):
    stack = running_stack
    sender = f"web-{uuid.uuid4().hex}{uuid.uuid4().hex[:8]}"
    start = len(stack.output)
    stack.say(sender, f"Hi, my name is {PERSONAL['name']}, call me on {PERSONAL['phone']} or email "
                      f"{PERSONAL['email']}, we live at {PERSONAL['address']}")
    # A slot value no action expects (a JSON object as the council): the action fails,
    # rasa-sdk answers with the whole request (the tracker) and Rasa logs that answer.
    token = {"token": stack.rasa_token}
    events = httpx.post(f"{stack.rasa_url}/conversations/{sender}/tracker/events", params=token, timeout=30,
                        json=[{"event": "slot", "name": "local_authority", "value": {"a": 1}}])
    assert events.status_code == 200, events.text
    # Rasa carries on after a failed action (200), but the failure is in the log.
    httpx.post(f"{stack.rasa_url}/conversations/{sender}/execute", params=token, timeout=30,
               json={"name": "action_local_help"})
    log = _log_after(stack, start)
    # It did fail: this test reads the log of a real failure, with its traceback.
    assert "custom action action_local_help failed" in log and "Traceback" in log, log[-3000:]
    for kind, value in PERSONAL.items():
        assert value not in log, f"the {kind} reached the log"
    assert sender not in log, "the web chat key reached the log"
    assert '"events"' not in log and '"latest_message"' not in log, "a tracker dump reached the log"
