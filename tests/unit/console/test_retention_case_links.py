"""A family's case links name its conversations (a web chat's id is the browser's key): the
retention job deletes them with the transcripts they join, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from bot.console.models import CaseLink
from bot.console.retention import apply_retention
from bot.database import session_scope

NOW = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def test_case_links_go_with_the_transcripts_they_join(database_url, configure):
    settings = configure(database_url)
    with session_scope(database_url) as session:
        session.add(CaseLink(conversation_id="web-old-key", root_conversation_id="voice-CA1", linked_by="sam",
                             reason="same family", linked_at=NOW - dt.timedelta(days=400)))
        session.add(CaseLink(conversation_id="sms-old", root_conversation_id="voice-CA2", linked_by="automatic",
                             reason="same number", linked_at=NOW - dt.timedelta(days=500),
                             unlinked_at=NOW - dt.timedelta(days=10), unlinked_by="sam"))
        session.add(CaseLink(conversation_id="web-new-key", root_conversation_id="voice-CA3", linked_by="sam",
                             reason="same family", linked_at=NOW - dt.timedelta(days=3)))

    report = apply_retention(database_url, settings)

    assert report.counts["case links deleted"] == 1
    with session_scope(database_url) as session:
        kept = set(session.execute(sa.select(CaseLink.conversation_id)).scalars())
    # The recent link stays; so does a link undone recently (it stops an automatic re-join).
    assert kept == {"sms-old", "web-new-key"}
