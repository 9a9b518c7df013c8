"""The chat's own record: numbered messages, one copy of a re-sent message, retention."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from bot.database import session_scope
from bot.webchat.models import ChatConversation, ChatMessage, add_message, delete_older_than, last_seqs, messages_after

A, B = "web-" + "c" * 32, "web-" + "d" * 32


def test_messages_are_numbered_per_conversation_and_fetched_after_a_number(chat_db):
    with session_scope() as session:
        add_message(session, A, "bot", "Hello", buttons=[{"title": "Yes", "payload": "yes"}])
        add_message(session, A, "person", "Yes", client_id="m1")
        add_message(session, B, "bot", "Hello")
        add_message(session, A, "bot", "Good")
    with session_scope() as session:
        assert [(m.seq, m.text) for m in messages_after(session, A, after=1)] == [(2, "Yes"), (3, "Good")]
        assert messages_after(session, A)[0].as_event()["buttons"] == [{"title": "Yes", "payload": "yes"}]
        assert last_seqs(session, [A, B, "web-none"]) == {A: 3, B: 1}


def test_a_message_sent_twice_is_stored_once(chat_db):
    with session_scope() as session:
        first = add_message(session, A, "person", "Hello", client_id="same")
        again = add_message(session, A, "person", "Hello", client_id="same")
        assert first.id == again.id
    with session_scope() as session:
        assert session.execute(sa.select(sa.func.count()).select_from(ChatMessage)).scalar() == 1


def test_retention_deletes_whole_old_conversations(chat_db):
    with session_scope() as session:
        add_message(session, A, "person", "old")
        add_message(session, B, "person", "new")
        session.get(ChatConversation, A).updated_at = dt.datetime(2025, 1, 1)
    with session_scope() as session:
        assert delete_older_than(session, dt.datetime(2026, 1, 1)) == 1
    with session_scope() as session:
        assert [m.conversation_id for m in session.execute(sa.select(ChatMessage)).scalars()] == [B]
        assert session.get(ChatConversation, A) is None
