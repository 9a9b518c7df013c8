"""Escalation records, on SQLite and PostgreSQL."""
import pytest

from bot.database import session_scope
from bot.handoff.models import Escalation, record_escalation


def test_escalations_are_stored_with_priority_and_only_callbacks_keep_a_number(database_url, configure):
    configure(database_url)
    with session_scope(database_url) as session:
        record_escalation(session, reason="safeguarding", channel="voice", conversation_id="voice-CA1",
                          summary="Caller may be at risk (safeguarding).", local_authority="Kent")
        record_escalation(session, reason="callback", channel="voice", conversation_id="voice-CA2",
                          callback_number="+447700900123", preferred_time="in the morning")
    with session_scope(database_url) as session:
        stored = {row.reason: row for row in session.query(Escalation)}
    assert stored["safeguarding"].priority == "urgent" and stored["safeguarding"].status == "new"
    assert stored["safeguarding"].local_authority == "Kent" and stored["safeguarding"].callback_number is None
    assert stored["callback"].priority == "normal" and stored["callback"].callback_number == "+447700900123"

    with session_scope(database_url) as session, pytest.raises(ValueError):
        record_escalation(session, reason="person_requested", channel="voice", conversation_id="x",
                          callback_number="+447700900123")
    with session_scope(database_url) as session, pytest.raises(ValueError):
        record_escalation(session, reason="bored", channel="voice", conversation_id="x")
