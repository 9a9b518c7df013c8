"""The escalations queue and conversation view: filters, assign, notes, status, redacted
transcript with an audited reveal, alerts to staff without personal details."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from bot.console.models import AuditEntry
from bot.database import session_scope
from bot.handoff.models import Escalation, record_escalation
from bot.outbox.models import OutboxMessage
from support.console import FIXTURE_PERSONAL_DETAILS, save_conversation


def _escalate(**fields) -> str:
    values = dict(reason="person_requested", channel="web", conversation_id="web-1")
    values.update(fields)
    created_at = values.pop("created_at", None)
    with session_scope() as session:
        escalation = record_escalation(session, **values)
        session.flush()
        if created_at:
            escalation.created_at = created_at
        return escalation.id


def _audit(action: str):
    with session_scope() as session:
        return session.execute(sa.select(AuditEntry).where(AuditEntry.action == action)).scalars().all()


ALWAYS_STAFFED = ",".join(f"{day}=00:00-23:59" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))


def test_queue_filters_and_flags_escalations_past_their_target(make_console):
    console = make_console(STAFFED_HOURS=ALWAYS_STAFFED)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    old_urgent = _escalate(reason="safeguarding", channel="sms", local_authority="Kent", conversation_id="sms-1",
                           created_at=now - dt.timedelta(minutes=20))
    fresh = _escalate(local_authority="Surrey", conversation_id="web-2")
    client = console.signed_in("mediator")
    page = client.get("/console/").text
    assert page.index(old_urgent) < page.index(fresh)  # urgent first
    assert "Past 15 min target" in page and "1 urgent escalation waiting" in page
    kent = client.get("/console/", params={"local_authority": "Kent"}).text
    assert old_urgent in kent and fresh not in kent
    web = client.get("/console/", params={"channel": "web", "priority": "normal", "status": "new"}).text
    assert fresh in web and old_urgent not in web


def test_assign_to_me_notes_and_status_are_saved_and_audited(console):
    escalation_id = _escalate()
    client = console.signed_in("mediator")
    assert client.post(f"/console/escalations/{escalation_id}/assign",
                       data={"csrf_token": client.csrf, "return_to": "/console/"}).headers["location"] == "/console/"
    assert "mediator" in client.get("/console/", params={"mine": "1"}).text
    client.post(f"/console/escalations/{escalation_id}/notes", data={"csrf_token": client.csrf, "text": "Rang back, left a message"})
    client.post(f"/console/escalations/{escalation_id}/status", data={"csrf_token": client.csrf, "status": "resolved"})
    page = client.get(f"/console/escalations/{escalation_id}").text
    assert "Rang back, left a message" in page and 'id="status">Resolved' in page
    with session_scope() as session:
        stored = session.get(Escalation, escalation_id)
        assert stored.assigned_to == "mediator" and stored.assigned_at and stored.resolved_at
    assert [e.actor for e in _audit("escalation_assigned")] == ["mediator"]
    assert _audit("escalation_note") and _audit("escalation_status")[0].detail == "assigned -> resolved"
    # An empty note is refused with a message, and nothing is stored.
    response = client.post(f"/console/escalations/{escalation_id}/notes", data={"csrf_token": client.csrf, "text": " "})
    assert response.status_code == 400 and "Write the note" in response.text


def test_transcript_is_redacted_and_reveal_needs_a_reason_that_is_audited(console):
    save_conversation(console.settings.database_url, "web-fixture")
    escalation_id = _escalate(conversation_id="web-fixture", local_authority="Kent")
    client = console.signed_in("mediator")
    page = client.get(f"/console/escalations/{escalation_id}").text
    # A transcript for people: the words, never the assistant's internal intent or action names.
    assert "Kent refused to assess" in page and "ask_ehcp" not in page and "utter_answer" not in page
    for detail in FIXTURE_PERSONAL_DETAILS:
        assert detail not in page, detail
    assert [e.target for e in _audit("transcript_viewed")] == [escalation_id]

    short = client.post(f"/console/escalations/{escalation_id}/reveal", data={"csrf_token": client.csrf, "reason": "why"})
    assert short.status_code == 400 and "Sarah" not in short.text and not _audit("transcript_revealed")

    shown = client.post(f"/console/escalations/{escalation_id}/reveal",
                        data={"csrf_token": client.csrf, "reason": "Calling the parent back about the appeal"})
    assert shown.status_code == 200 and "Sarah Jones" in shown.text and "07700 900123" in shown.text
    assert shown.headers["cache-control"] == "no-store"
    (entry,) = _audit("transcript_revealed")
    assert entry.actor == "mediator" and entry.target == escalation_id and entry.ip_address
    assert "Calling the parent back about the appeal" in entry.detail
    # The next view is redacted again (the mediator does not hold the case).
    assert "Sarah" not in client.get(f"/console/escalations/{escalation_id}").text


def test_audit_log_is_shown_to_managers(console):
    _escalate()
    console.sign_in("mediator", "wrong password!")
    client = console.signed_in("manager")
    page = client.get("/console/audit").text
    assert "login_failed" in page and "testclient" in page
    filtered = client.get("/console/audit", params={"action": "login"}).text
    assert "<td>login_failed</td>" not in filtered and "<td>login</td>" in filtered


def test_alerts_poll_and_urgent_banner_carry_no_personal_details(console):
    client = console.signed_in("mediator")
    assert client.get("/console/alerts.json").json()["new"] == 0
    _escalate(reason="safeguarding", channel="sms", local_authority="Kent", summary="Sarah may be at risk")
    alerts = client.get("/console/alerts.json")
    assert alerts.json()["urgent"] == 1 and "Sarah" not in alerts.text and "Kent" not in alerts.text
    assert alerts.headers["cache-control"] == "no-store"
    assert "1 urgent escalation waiting" in client.get("/console/").text


def test_every_handoff_can_text_the_mediators_on_duty_without_personal_details(console):
    with session_scope() as session:
        record_escalation(session, reason="safeguarding", channel="web", conversation_id="web-9",
                          local_authority="Kent", summary="Sarah Jones, 07700 900123", notify=True)
        record_escalation(session, reason="person_requested", channel="sms", conversation_id="sms-1", notify=True)
        record_escalation(session, reason="person_requested", channel="sms", conversation_id="sms-2")
    with session_scope() as session:
        texts = session.execute(sa.select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
    assert [(t.to_number, t.kind) for t in texts] == [
        ("+447700900001", "mediator_alert"), ("+447700900002", "mediator_alert")] * 2
    assert texts[0].body == "New urgent safeguarding escalation on the SEND line console (web chat). Please look now."
    assert texts[2].body == "New escalation on the SEND line console (text)."
    assert all("Kent" not in t.body and "Sarah" not in t.body for t in texts)


def test_unknown_escalation_is_a_404_page(console):
    client = console.signed_in("mediator")
    response = client.get("/console/escalations/nope")
    assert response.status_code == 404 and "Page not found" in response.text


def test_certificates_register_searches_and_refuses_an_unknown_reference(console):
    client = console.signed_in("mediator")
    page = client.get("/console/certificates", params={"local_authority": "Kent"})
    assert page.status_code == 200 and "Certificates register" in page.text
    assert client.get("/console/certificates/SEM-0000-0000").status_code == 404


def test_an_out_of_hours_email_callback_is_kept_hidden_until_revealed(make_console):
    from bot.webchat import live

    never = ",".join(f"{day}=" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
    console = make_console(STAFFED_HOURS=never, RASA_URL="http://127.0.0.1:9")
    assert "email you" in live.leave_contact("web-cb", email="jane.doe@example.com", preferred_time="after 3pm")
    with session_scope() as session:
        escalation = session.execute(sa.select(Escalation).where(Escalation.conversation_id == "web-cb")).scalar_one()
        assert (escalation.reason, escalation.callback_email, escalation.callback_number) == \
            ("callback", "jane.doe@example.com", None)
        assert escalation.notes == []  # the address is in its own column, not a note
        escalation_id = escalation.id
    client = console.signed_in("mediator")
    page = client.get(f"/console/escalations/{escalation_id}").text
    assert "jane.doe@example.com" not in page and "[email] (reveal to see it)" in page
    shown = client.post(f"/console/escalations/{escalation_id}/reveal",
                        data={"csrf_token": client.csrf, "reason": "Emailing the parent back as asked"})
    assert 'id="callback-email">jane.doe@example.com<' in shown.text


def test_the_alerts_poll_does_not_keep_an_idle_session_alive(console):
    """Issue 20: the console's poll kept an idle session alive forever."""
    from bot.console.models import StaffSession

    client = console.signed_in("mediator")
    earlier = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(minutes=20)
    with session_scope() as session:
        for staff_session in session.execute(sa.select(StaffSession)).scalars():
            staff_session.last_seen_at = earlier
    assert client.get("/console/alerts.json").status_code == 200
    with session_scope() as session:
        assert {s.last_seen_at for s in session.execute(sa.select(StaffSession)).scalars()} == {earlier}
    client.get("/console/")  # using a page does count
    with session_scope() as session:
        assert any(s.last_seen_at > earlier for s in session.execute(sa.select(StaffSession)).scalars())
