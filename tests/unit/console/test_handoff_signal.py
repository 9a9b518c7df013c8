"""The assistant's handoff reaches the channels: request_escalation adds a bot message with
custom {"handoff": {"reason", "priority", "category", "language"}}, Rasa's own code sends it out with the turn, and
the phone line and the web chat read it (the web chat without showing an empty message)."""
from __future__ import annotations

import asyncio

import pytest
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.events import Event
from rasa_sdk import Tracker

from actions.handoff import request_escalation
from bot.conversations.turns import read_turn


def tracker(sender: str = "web-" + "c" * 32) -> Tracker:
    return Tracker(sender, {}, {"text": "hi"}, [], False, None, {}, "action_listen")


def sent_by_rasa(events) -> list:
    """What Rasa's processor sends the channel for the action's events (_send_bot_messages)."""
    channel = CollectingOutputChannel()
    for event in (Event.from_parameters(e) for e in events if e["event"] == "bot"):
        asyncio.run(channel.send_response("someone", event.message()))
    return channel.messages


@pytest.mark.parametrize("reason, urgent, code, priority", [
    ("asked for a person", False, "person_requested", "normal"),
    ("safeguarding", True, "safeguarding", "urgent"),
    ("safeguarding", False, "safeguarding", "urgent"),
    ("bot_failure", False, "bot_failure", "normal"),
    ("something new", False, "person_requested", "normal"),
])
def test_request_escalation_tells_the_channel_why_and_how_urgent(reason, urgent, code, priority):
    events = request_escalation(tracker(), reason, urgent=urgent)
    assert {"event": "slot", "name": "handoff_reason"}.items() <= events[0].items()
    messages = sent_by_rasa(events)
    assert [m["custom"] for m in messages] == [{"handoff": {"reason": code, "priority": priority, "category": None,
                                                            "language": None}}]
    assert not messages[0].get("text")
    assert read_turn(messages, {}).handoff_reason == code


def test_the_channels_read_the_category_and_the_language():
    concern = read_turn(sent_by_rasa(request_escalation(tracker(), "safeguarding", category="domestic_abuse")), {})
    assert (concern.handoff_reason, concern.handoff_category) == ("safeguarding", "domestic_abuse")
    polish = read_turn(sent_by_rasa(request_escalation(tracker(), "asked for a person", language="Polish")), {})
    assert (polish.handoff_reason, polish.handoff_category, polish.handoff_language) == (
        "person_requested", None, "Polish")


def test_the_web_chat_acts_on_the_signal_without_showing_it(configure):
    from bot.database import session_scope
    from bot.webchat.models import messages_after
    from bot.webchat.relay import _store_replies

    configure()
    conversation = "web-" + "d" * 32
    messages = [{"text": "I'll ask a mediator to join."}] + sent_by_rasa(request_escalation(tracker(), "safeguarding"))
    assert _store_replies(conversation, messages) == 1
    with session_scope() as session:
        assert [m.text for m in messages_after(session, conversation)] == ["I'll ask a mediator to join."]
