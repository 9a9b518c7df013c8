"""The owner status machine of bot.webchat.live, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from bot.database import session_scope
from bot.webchat import live
from bot.webchat.live import LiveError, OwnerState
from bot.handoff.models import Escalation
from bot.webchat.models import ChatMessage

MONDAY_MORNING = dt.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/London"))
SUNDAY = dt.datetime(2026, 11, 22, 10, 0, tzinfo=ZoneInfo("Europe/London"))
CONVERSATION = "web-" + "a" * 32


def messages(conversation_id=CONVERSATION):
    with session_scope() as session:
        return [(m.sender, m.text) for m in session.execute(
            sa.select(ChatMessage).where(ChatMessage.conversation_id == conversation_id)
            .order_by(ChatMessage.seq)).scalars()]


def escalations(conversation_id=CONVERSATION):
    with session_scope() as session:
        return [(e.reason, e.status, e.channel) for e in session.execute(
            sa.select(Escalation).where(Escalation.conversation_id == conversation_id)
            .order_by(Escalation.created_at)).scalars()]


@pytest.mark.parametrize("current,action,expected", [
    ("bot", "request_person", "waiting"), ("resolved", "request_person", "waiting"),
    ("snoozed", "request_person", "waiting"), ("waiting", "take_over", "assigned"), ("bot", "take_over", "assigned"),
    ("assigned", "hand_back", "bot"), ("waiting", "hand_back", "bot"), ("assigned", "snooze", "snoozed"),
    ("assigned", "resolve", "resolved"), ("waiting", "carry_on", "bot"),
])
def test_allowed_transitions(current, action, expected):
    assert live.next_state(OwnerState(current), action) == OwnerState(expected)


@pytest.mark.parametrize("current,action", [
    ("bot", "hand_back"), ("bot", "snooze"), ("resolved", "resolve"), ("assigned", "carry_on"), ("bot", "carry_on"),
    ("resolved", "hand_back"), ("snoozed", "snooze"),
])
def test_refused_transitions_say_why(current, action):
    with pytest.raises(LiveError, match=f"the conversation is {current}"):
        live.next_state(OwnerState(current), action)


def test_a_new_conversation_is_with_the_bot(chat_db):
    assert live.owner_of(CONVERSATION).state == OwnerState.BOT
    assert not live.is_held(CONVERSATION)


def test_in_staffed_hours_a_request_waits_for_a_person_and_records_one_escalation(chat_db):
    assert live.request_person(CONVERSATION, "person_requested", now=MONDAY_MORNING) == OwnerState.WAITING
    assert live.is_held(CONVERSATION)
    assert "asked a mediator from our team to join this chat" in messages()[-1][1]
    # Asking again while waiting changes nothing and records nothing more.
    assert live.request_person(CONVERSATION, "person_requested", now=MONDAY_MORNING) == OwnerState.WAITING
    assert escalations() == [("person_requested", "new", "web")]


def test_out_of_hours_the_bot_carries_on_and_a_callback_is_offered(chat_db):
    assert live.request_person(CONVERSATION, "person_requested", now=SUNDAY) == OwnerState.BOT
    assert not live.is_held(CONVERSATION)
    sender, text = messages()[-1]
    assert sender == "system" and "isn't available right now" in text and "tomorrow at 9am" in text
    assert escalations() == [("person_requested", "new", "web")]


def test_a_callback_request_needs_a_phone_number_or_an_email(chat_db):
    with pytest.raises(ValueError, match="phone number or an email"):
        live.leave_contact(CONVERSATION)
    with pytest.raises(ValueError, match="UK phone number"):
        live.leave_contact(CONVERSATION, phone="12")
    with pytest.raises(ValueError, match="email address"):
        live.leave_contact(CONVERSATION, email="not an email")
    assert "call you" in live.leave_contact(CONVERSATION, phone="07700 900123", preferred_time="after 3pm")
    with session_scope() as session:
        callback = session.execute(sa.select(Escalation).where(Escalation.reason == "callback")).scalar_one()
        assert callback.callback_number == "+447700900123" and callback.preferred_time == "after 3pm"
        assert "07700" not in callback.summary
    # Sent again: the open callback is updated, never a second one.
    assert "call you" in live.leave_contact(CONVERSATION, phone="07700 900124")
    with session_scope() as session:
        callbacks = session.execute(sa.select(Escalation).where(Escalation.reason == "callback")).scalars().all()
        assert [callback.callback_number for callback in callbacks] == ["+447700900124"]


def test_take_over_reply_and_hand_back(chat_db):
    live.request_person(CONVERSATION, "person_requested", now=MONDAY_MORNING)
    assert live.take_over(CONVERSATION, "mia", "Mia Mediator") == OwnerState.ASSIGNED
    owner = live.owner_of(CONVERSATION)
    assert (owner.value, owner.staff_username, owner.staff_name) == ("assigned", "mia", "Mia")
    assert messages()[-1] == ("system", "Mia from our mediation team has joined the chat.")
    # Someone else cannot take it or write in it.
    with pytest.raises(LiveError, match="mia holds"):
        live.take_over(CONVERSATION, "max")
    with pytest.raises(LiveError, match="mia holds"):
        live.send_staff_message(CONVERSATION, "Hello", username="max")
    seq = live.send_staff_message(CONVERSATION, "Hello, I'm Mia. How can I help?", "Mia Mediator")
    with session_scope() as session:
        message = session.execute(sa.select(ChatMessage).where(ChatMessage.seq == seq,
                                                               ChatMessage.conversation_id == CONVERSATION)).scalar_one()
        assert (message.sender, message.staff_name) == ("staff", "Mia")
    assert live.hand_back(CONVERSATION, "mia") == OwnerState.BOT
    assert not live.is_held(CONVERSATION)
    assert "back with the assistant" in messages()[-1][1]
    with pytest.raises(LiveError, match="take the conversation over"):
        live.send_staff_message(CONVERSATION, "Still there?", "Mia")


def test_snooze_lets_the_bot_answer_and_resolve_closes_the_escalations(chat_db):
    live.request_person(CONVERSATION, "safeguarding", now=MONDAY_MORNING)
    live.take_over(CONVERSATION, "mia")
    assert live.snooze(CONVERSATION, "mia", until=dt.datetime(2026, 11, 23, 15, 30)) == OwnerState.SNOOZED
    assert not live.is_held(CONVERSATION)
    assert "at about 15:30 on Monday 23 November" in messages()[-1][1]
    assert live.resolve(CONVERSATION, "mia") == OwnerState.RESOLVED
    assert escalations() == [("safeguarding", "resolved", "web")]
    with pytest.raises(LiveError):
        live.resolve(CONVERSATION)
    # Resolved is not the end: the person can ask again.
    assert live.request_person(CONVERSATION, "person_requested", now=MONDAY_MORNING) == OwnerState.WAITING


def test_the_person_can_stop_waiting(chat_db):
    live.request_person(CONVERSATION, "person_requested", now=MONDAY_MORNING)
    assert live.carry_on(CONVERSATION) == OwnerState.BOT
    assert escalations() == [("person_requested", "new", "web")]  # the request stays with the team
