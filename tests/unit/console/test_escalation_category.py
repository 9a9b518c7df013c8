"""Safeguarding categories and interpreters in the console queue; the columns of migration 0008."""
from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa

from bot.database import session_scope
from bot.handoff.models import Escalation, raise_escalation, record_escalation


def _escalate(created_at=None, **fields) -> str:
    values = dict(reason="person_requested", channel="web", conversation_id="web-1")
    values.update(fields)
    with session_scope() as session:
        escalation = record_escalation(session, **values)
        session.flush()
        if created_at:
            escalation.created_at = created_at
        return escalation.id


def test_the_queue_shows_the_kind_of_concern_and_the_language_and_urgent_ones_first(console):
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    older = _escalate(conversation_id="web-2", language="Polish", created_at=now - dt.timedelta(minutes=30))
    concern = _escalate(reason="safeguarding", channel="voice", conversation_id="voice-CA1", category="risk_to_life")
    carer = _escalate(reason="safeguarding", channel="sms", conversation_id="sms-1",
                      category="carer_breaking_point", created_at=now - dt.timedelta(minutes=1))
    client = console.signed_in("mediator")
    page = client.get("/console/").text
    assert "Safeguarding: risk to life" in page and "Safeguarding: parent or carer at breaking point" in page
    assert "Needs an interpreter: Polish" in page
    # Urgent first (the oldest urgent first), then the older normal one.
    assert page.index(carer) < page.index(concern) < page.index(older)
    detail = client.get(f"/console/escalations/{older}").text
    assert "Needs an interpreter: Polish" in detail
    assert "Safeguarding: risk to life" in client.get(f"/console/escalations/{concern}").text


def test_a_category_is_kept_for_safeguarding_only_and_a_language_is_cleaned(console):
    with session_scope() as session:
        plain = record_escalation(session, reason="person_requested", channel="web", conversation_id="web-3",
                                  category="risk_to_life", language=" polish ")
        english = record_escalation(session, reason="person_requested", channel="web", conversation_id="web-4",
                                    language="English")
        odd = record_escalation(session, reason="safeguarding", channel="web", conversation_id="web-5",
                                category="not a category", language="<script>")
        session.flush()
        assert (plain.category, plain.language) == (None, "Polish")
        assert english.language is None and (odd.category, odd.language) == (None, None)
        assert odd.priority == "urgent"


def test_one_open_escalation_per_conversation_a_concern_raises_a_request_to_urgent(console):
    with session_scope() as session:
        first, news = raise_escalation(session, reason="person_requested", channel="sms", conversation_id="sms-9",
                                       language="Polish", notify=True)
        assert news
        again, news = raise_escalation(session, reason="person_requested", channel="sms", conversation_id="sms-9",
                                       notify=True)
        assert again is first and not news
        raised, news = raise_escalation(session, reason="safeguarding", channel="sms", conversation_id="sms-9",
                                        category="domestic_abuse", notify=True)
        assert raised is first and news
        assert (first.reason, first.priority, first.category, first.language) == (
            "safeguarding", "urgent", "domestic_abuse", "Polish")
        _, news = raise_escalation(session, reason="safeguarding", channel="sms", conversation_id="sms-9",
                                   category="risk_to_life", notify=True)
        assert not news and first.category == "domestic_abuse"
        first.status = "resolved"
        session.flush()
        later, news = raise_escalation(session, reason="safeguarding", channel="sms", conversation_id="sms-9",
                                       category="risk_to_life")
        assert later is not first and news
    from bot.outbox.models import OutboxMessage
    with session_scope() as session:
        bodies = list(session.execute(sa.select(OutboxMessage.body).order_by(OutboxMessage.id)).scalars())
    # The request, then the concern: one text to each of the two mediators each time.
    assert len(bodies) == 4 and "safeguarding" in bodies[-1] and "safeguarding" not in bodies[0]


def test_an_urgent_escalation_nobody_can_be_texted_about_is_logged_as_an_error(make_console, caplog):
    make_console(MEDIATOR_NUMBERS="")
    with caplog.at_level(logging.WARNING), session_scope() as session:
        record_escalation(session, reason="safeguarding", channel="web", conversation_id="web-6", notify=True)
        record_escalation(session, reason="person_requested", channel="web", conversation_id="web-7", notify=True)
    levels = [record.levelno for record in caplog.records if "nobody was texted" in record.getMessage()]
    assert levels == [logging.ERROR, logging.WARNING]


def test_migration_0008_goes_down_and_up_again_keeping_escalations_and_their_notes(database_url):
    from alembic import command

    from bot import database
    from bot.handoff.models import EscalationNote

    database.get_engine.cache_clear()
    database.upgrade(database_url)
    with session_scope(database_url) as session:
        escalation = record_escalation(session, reason="safeguarding", channel="web", conversation_id="web-8",
                                       category="abuse_or_neglect")
        session.flush()
        session.add(EscalationNote(escalation_id=escalation.id, author="sam", text="Rang children's social care"))
        escalation_id = escalation.id
    database.get_engine(database_url).dispose()
    command.downgrade(database.alembic_config(database_url), "0007_outbox_attempts")
    engine = sa.create_engine(database_url, future=True)
    with engine.connect() as connection:
        assert "category" not in {c["name"] for c in sa.inspect(connection).get_columns("escalations")}
        assert connection.execute(sa.text("SELECT count(*) FROM escalation_notes")).scalar_one() == 1
    engine.dispose()
    database.upgrade(database_url)
    database.get_engine.cache_clear()
    with session_scope(database_url) as session:
        stored = session.get(Escalation, escalation_id)
        assert stored.priority == "urgent" and stored.category is None and len(stored.notes) == 1
    database.get_engine.cache_clear()
