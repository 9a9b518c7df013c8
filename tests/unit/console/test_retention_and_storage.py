"""Retention job, append-only audit log, migrations and the users command, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
import io
import time

import pytest
import sqlalchemy as sa

from bot.console import audit
from bot.console.models import AuditEntry, AuditLogIsAppendOnly, StaffUser
from bot.console.retention import apply_retention, months_before
from bot.console.transcripts import load
from bot.database import get_engine, session_scope, upgrade
from bot.handoff.models import Escalation, EscalationNote, record_escalation
from support.console import save_conversation

NOW = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def test_retention_deletes_and_anonymises_what_is_past_its_time(database_url, configure):
    settings = configure(database_url)
    save_conversation(database_url, "web-old", started=time.time() - 400 * 86400)
    save_conversation(database_url, "web-new")
    with session_scope(database_url) as session:
        old = record_escalation(session, reason="callback", channel="voice", conversation_id="web-old",
                                callback_number="+447700900123", recording_url="https://api.twilio.com/rec/1",
                                preferred_time="after 3, ask for Sarah on 07700 900321")
        recent = record_escalation(session, reason="callback", channel="voice", conversation_id="web-new",
                                   callback_number="+447700900456")
        session.flush()
        old.created_at = NOW - dt.timedelta(days=400)
        old.status, old.resolved_at = "resolved", NOW - dt.timedelta(days=399)
        recent.status, recent.resolved_at = "resolved", NOW - dt.timedelta(days=2)
        session.add(EscalationNote(escalation_id=old.id, author="sam", text="Spoke to Sarah"))
        audit.record(session, "sam", "login")
        session.flush()
        ancient = audit.record(session, "sam", "login")
        ancient.at = NOW - dt.timedelta(days=7 * 366)
        old_id, recent_id = old.id, recent.id

    report = apply_retention(database_url, settings)
    assert report.counts["conversations deleted"] == 1 and report.counts["callback details cleared"] == 1
    assert report.counts["audit entries deleted"] == 1 and report.counts["escalation notes deleted"] == 1
    with session_scope(database_url) as session:
        assert load(session, "web-old") == [] and load(session, "web-new")
        old, recent = session.get(Escalation, old_id), session.get(Escalation, recent_id)
        assert old.callback_number is None and old.recording_url is None and old.reason == "callback"
        assert old.preferred_time is None  # free text: it can hold a name or a number
        assert recent.callback_number == "+447700900456"
        assert session.execute(sa.select(sa.func.count()).select_from(EscalationNote)).scalar_one() == 0
        (entry,) = session.execute(sa.select(AuditEntry).where(AuditEntry.action == "retention_applied")).scalars()
        assert entry.actor == "retention" and "conversations deleted 1" in entry.detail
    # A second run has nothing left to do.
    assert not any(apply_retention(database_url, settings).counts.values())


def test_audit_log_is_append_only_in_the_database_and_the_app(database_url, configure):
    configure(database_url)
    with session_scope(database_url) as session:
        audit.record(session, "sam", "login", ip_address="10.0.0.1")
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        with get_engine(database_url).begin() as connection:
            connection.execute(sa.text("UPDATE audit_log SET actor = 'someone else'"))
    with pytest.raises(AuditLogIsAppendOnly):
        with session_scope(database_url) as session:
            session.execute(sa.select(AuditEntry)).scalar_one().actor = "someone else"
    with session_scope(database_url) as session:
        assert session.execute(sa.select(AuditEntry.actor)).scalar_one() == "sam"


def test_console_migration_goes_down_and_up_again(database_url, configure):
    from alembic import command

    from bot.database import alembic_config

    configure(database_url)
    command.downgrade(alembic_config(database_url), "0003_certificates")
    tables = sa.inspect(get_engine(database_url)).get_table_names()
    assert "staff_users" not in tables and "escalation_notes" not in tables
    upgrade(database_url)
    get_engine.cache_clear()
    columns = {c["name"] for c in sa.inspect(get_engine(database_url)).get_columns("escalations")}
    assert {"assigned_to", "assigned_at", "resolved_at"} <= columns


def test_months_before_handles_short_months():
    assert months_before(dt.datetime(2026, 3, 31, 9), 1) == dt.datetime(2026, 2, 28, 9)
    assert months_before(dt.datetime(2026, 11, 23), 12) == dt.datetime(2025, 11, 23)


def test_users_command_creates_lists_and_disables(configure, monkeypatch, capsys):
    from bot.console import users

    configure()
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert users.main(["create", "--username", "Sam.Smith", "--role", "manager", "--name", "Sam Smith",
                       "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert users.main(["create", "--username", "jo", "--role", "mediator", "--password-stdin"]) == 1
    assert "at least 12 characters" in capsys.readouterr().err
    assert users.main(["disable", "--username", "sam.smith"]) == 0
    assert users.main(["list"]) == 0
    assert "sam.smith                manager   disabled  Sam Smith" in capsys.readouterr().out
    with session_scope() as session:
        user = session.execute(sa.select(StaffUser)).scalar_one()
        assert user.password_hash.startswith("$argon2id$") and not user.active
        actions = session.execute(sa.select(AuditEntry.action, AuditEntry.actor)).all()
    assert [a for a, _ in actions] == ["user_created", "user_disabled"] and actions[0][1].startswith("cli:")
    assert users.main(["disable", "--username", "nobody"]) == 1


def test_admins_manage_users_in_the_console(console):
    client = console.signed_in("admin")
    response = client.post("/console/users", data={"csrf_token": client.csrf, "username": "new.mediator",
                                                   "display_name": "New Mediator", "role": "mediator",
                                                   "password": "another long password"})
    assert response.status_code == 303
    assert console.sign_in("new.mediator", "another long password")[1].status_code == 303
    assert client.post("/console/users/new.mediator/disable", data={"csrf_token": client.csrf}).status_code == 303
    assert console.sign_in("new.mediator", "another long password")[1].status_code == 401
    weak = client.post("/console/users", data={"csrf_token": client.csrf, "username": "x", "role": "mediator",
                                               "password": "short"})
    assert weak.status_code == 400 and "at least 12 characters" in weak.text


def test_retention_removes_chats_contacts_and_names_but_certificates_still_verify(database_url, configure):
    from bot.mediation import service as certificates
    from bot.mediation import requests as mediation_requests
    from bot.mediation.models import MediationRequest
    from bot.outbox.models import OutboxMessage
    from bot.outbox.service import enqueue_sms
    from bot.webchat.models import ChatConversation, add_message
    from support.back_office import issue_not_pursuing

    settings = configure(database_url)
    long_ago = NOW - dt.timedelta(days=7 * 366)
    with session_scope(database_url) as session:
        add_message(session, "web-old", "person", "My name is Sarah Jones")
        add_message(session, "web-new", "person", "Hello")
        session.flush()
        session.get(ChatConversation, "web-old").updated_at = NOW - dt.timedelta(days=400)
        old_cert = issue_not_pursuing(session, conversation_id="c-old", now=long_ago,
                                      decision_date=long_ago.date() - dt.timedelta(days=10))
        revoked = issue_not_pursuing(session, conversation_id="c-rev", now=long_ago,
                                     decision_date=long_ago.date() - dt.timedelta(days=10))
        certificates.revoke_certificate(session, revoked.reference, reason="Jane Smith asked for a correction",
                                        by="sam", now=long_ago)
        new_cert = issue_not_pursuing(session, conversation_id="c-new", now=NOW)
        old_request = mediation_requests.request_mediation(
            session, conversation_id="c-old", channel="web", local_authority="Kent", issues="Sam Smith's plan",
            health_care_in_issue=False, contact_preference="email", contact_details="jane@example.com",
            availability="Mornings", requester_name="Jane Smith", child_name="Sam Smith", now=long_ago)
        notice = session.get(OutboxMessage, old_request.la_notification_id)
        notice.status, notice.created_at = "sent", long_ago
        sent = enqueue_sms(session, "07700 900123", "Your certificate link", kind="certificate_link")
        pending = enqueue_sms(session, "07700 900456", "Not sent yet", kind="reply")
        callback = record_escalation(session, reason="callback", channel="web", conversation_id="web-old",
                                     callback_email="jane@example.com")
        session.flush()
        sent.status, sent.created_at = "sent", NOW - dt.timedelta(days=40)
        pending.created_at = NOW - dt.timedelta(days=40)
        callback.created_at = NOW - dt.timedelta(days=400)  # never resolved, but past the transcript time
        refs = (old_cert.reference, revoked.reference, new_cert.reference)
        ids = (old_request.id, notice.id, sent.id, pending.id, callback.id)

    report = apply_retention(database_url, settings)
    assert report.counts["web chats deleted"] == 1 and report.counts["certificates anonymised"] == 2
    assert report.counts["requests anonymised"] == 1 and report.counts["callback details cleared"] == 1
    with session_scope(database_url) as session:
        assert [c.id for c in session.execute(sa.select(ChatConversation)).scalars()] == ["web-new"]
        verdicts = [certificates.verify_reference(session, ref) for ref in refs]
        assert [v.status for v in verdicts] == ["valid", "revoked", "valid"]
        assert verdicts[0].local_authority == "Kent" and verdicts[0].requester_initials == ""
        assert verdicts[2].requester_initials == "J. S."
        old = certificates.find_certificate(session, refs[1])
        assert (old.requester_name, old.child_name, old.revoked_reason) == ("", "", "(removed at retention)")
        assert old.kind == "not_pursuing" and old.issued_on == long_ago.date() and old.revoked_by == "sam"
        request_id, notice_id, sent_id, pending_id, callback_id = ids
        request = session.get(MediationRequest, request_id)
        assert (request.requester_name, request.child_name, request.contact_details) == (None, None, None)
        assert "Sam" not in request.issues and request.local_authority == "Kent"
        notice = session.get(OutboxMessage, notice_id)  # the request points at it: emptied, not deleted
        assert notice.to_address is None and "Jane" not in notice.body
        assert session.get(OutboxMessage, sent_id).to_number is None
        assert session.get(OutboxMessage, pending_id).to_number == "+447700900456"  # still to be sent
        assert session.get(Escalation, callback_id).callback_email is None
    assert not any(apply_retention(database_url, settings).counts.values())


def test_handoff_migration_adds_bot_failure_and_callback_email_and_keeps_notes(database_url, configure):
    from alembic import command

    from bot.database import alembic_config

    configure(database_url)
    with session_scope(database_url) as session:
        escalation = record_escalation(session, reason="bot_failure", channel="web", conversation_id="web-1")
        callback = record_escalation(session, reason="callback", channel="web", conversation_id="web-2",
                                     callback_email="jane@example.com")
        session.flush()
        session.add(EscalationNote(escalation_id=escalation.id, author="sam", text="Rasa was down"))
        ids = escalation.id, callback.id
    command.downgrade(alembic_config(database_url), "0005_webchat")
    get_engine.cache_clear()
    engine = get_engine(database_url)
    assert "callback_email" not in {c["name"] for c in sa.inspect(engine).get_columns("escalations")}
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT reason FROM escalations WHERE id = :i"), {"i": ids[0]}).scalar() \
            == "repeated_failure"
    upgrade(database_url)
    get_engine.cache_clear()
    with session_scope(database_url) as session:
        assert [n.text for n in session.get(Escalation, ids[0]).notes] == ["Rasa was down"]
        record_escalation(session, reason="bot_failure", channel="voice", conversation_id="call-1")
    with pytest.raises(sa.exc.IntegrityError):
        with get_engine(database_url).begin() as connection:
            connection.execute(sa.text("UPDATE escalations SET reason = 'made_up' WHERE id = :i"), {"i": ids[0]})
