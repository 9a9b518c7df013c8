"""Mediation requests: stored with their statutory clocks, the council told by email
through the outbox (retried until its SMTP server takes it), and the certificate after
mediation or the deemed certificate issued through the same service."""
import datetime as dt
from io import BytesIO

import pytest
from pypdf import PdfReader

from bot.mediation.pdf import certificate_pdf
from bot.database import session_scope
from bot.mediation import requests as service
from bot.mediation.models import MediationRequest
from bot.outbox import send_due
from bot.outbox.models import OutboxMessage, utcnow
from bot.outbox.service import backoff_seconds
from support.back_office import DECISION, NOW

REQUEST = dict(conversation_id="web-42", channel="web", local_authority="west berks",
               issues="Section F does not say how many hours of speech and language therapy.",
               health_care_in_issue=False, contact_preference="email", contact_details="jane@family.example",
               availability="Weekday mornings", requester_name="Jane Smith", requester_role="parent",
               child_name="Sam Smith", about="plan_content", decision_date=DECISION)


def _pdf_text(certificate) -> str:
    return " ".join(PdfReader(BytesIO(certificate_pdf(certificate))).pages[0].extract_text().split())


def _request(session, now=NOW, **change):
    return service.request_mediation(session, now=now, **dict(REQUEST, **change))


def test_a_request_is_stored_with_its_clocks(office):
    with session_scope(office.database_url) as session:
        request = _request(session)
        request_id = request.id
    with session_scope(office.database_url) as session:
        stored = session.get(MediationRequest, request_id)
        assert (stored.local_authority, stored.status, stored.requested_at) == ("West Berkshire", "requested", NOW)
        assert stored.arrange_by == dt.date(2026, 12, 20)  # 30 days from Friday 20 November
        assert stored.icb_notify_by is None
        [clock] = service.mediation_clocks(stored, today=NOW.date())
        assert clock.name == "arrange_by" and "Sunday 20 December 2026" in clock.text and not clock.overdue
        assert service.mediation_clocks(stored, today=dt.date(2026, 12, 21))[0].overdue


def test_with_health_care_in_issue_each_icb_must_be_told_within_3_working_days(office):
    with session_scope(office.database_url) as session:
        request = _request(session, health_care_in_issue=True, icbs=["NHS Kent and Medway ICB"],
                           local_authority="Kent")
        assert request.icbs == ["NHS Kent and Medway ICB"]
        assert request.icb_notify_by == dt.date(2026, 11, 25)  # Friday + 3 working days = Wednesday
        clocks = service.mediation_clocks(request, today=NOW.date())
        assert [c.name for c in clocks] == ["icb_notify_by", "arrange_by"]
        assert "NHS Kent and Medway ICB by Wednesday 25 November 2026" in clocks[0].text
        # Christmas Eve: Christmas Day and the substitute Boxing Day are not working days.
        christmas = _request(session, conversation_id="c2", health_care_in_issue=True,
                             now=dt.datetime(2026, 12, 24, 12, 0))
        assert christmas.icb_notify_by == dt.date(2026, 12, 31)


def test_the_council_is_emailed_at_its_contact_address(office, smtp_server):
    with session_scope(office.database_url) as session:
        request_id = _request(session, local_authority="Kent").id
    assert send_due(office.database_url) == 1
    [mail] = smtp_server.received
    assert mail.recipients == ["send-mediation@kent.example"]
    assert "Mediation request for Kent" in mail.subject and "Sunday 20 December 2026" in mail.subject
    assert "speech and language therapy" in mail.body and "Weekday mornings" in mail.body and request_id in mail.body
    assert str(mail.message["From"]) == "SE SEND Mediation <line@service.example>"
    with session_scope(office.database_url) as session:
        request = session.get(MediationRequest, request_id)
        assert session.get(OutboxMessage, request.la_notification_id).status == "sent"


def test_the_council_email_is_retried_with_backoff_until_sent(office, smtp_server):
    with session_scope(office.database_url) as session:
        message_id = _request(session).la_notification_id
    smtp_server.fail_next(451, "4.3.0 Mailbox busy")
    assert send_due(office.database_url) == 0
    with session_scope(office.database_url) as session:
        message = session.get(OutboxMessage, message_id)
        assert message.status == "pending" and message.attempts == 1 and "451" in message.last_error
    assert send_due(office.database_url) == 0 and smtp_server.received == []  # not due yet
    later = utcnow() + dt.timedelta(seconds=backoff_seconds(1) + 1)
    assert send_due(office.database_url, now=later) == 1
    assert len(smtp_server.received) == 1 and smtp_server.attempts == 2
    assert send_due(office.database_url, now=later + dt.timedelta(hours=3)) == 0  # sent once


def test_an_unreachable_or_unconfigured_mail_server_loses_nothing(office, reconfigure, smtp_server):
    with session_scope(office.database_url) as session:
        message_id = _request(session).la_notification_id
    reconfigure(SMTP_HOST="")
    assert send_due(office.database_url) == 0
    reconfigure(SMTP_HOST="127.0.0.1", SMTP_PORT="1")  # nothing listens there
    assert send_due(office.database_url, now=utcnow() + dt.timedelta(minutes=5)) == 0
    with session_scope(office.database_url) as session:
        message = session.get(OutboxMessage, message_id)
        assert message.status == "pending" and message.attempts == 2 and "not reachable" in message.last_error
    reconfigure(SMTP_HOST=smtp_server.host, SMTP_PORT=str(smtp_server.port))
    assert send_due(office.database_url, now=utcnow() + dt.timedelta(hours=1)) == 1


def test_a_refused_address_fails_for_good_and_is_kept(office, smtp_server):
    with session_scope(office.database_url) as session:
        message_id = _request(session).la_notification_id
    smtp_server.fail_next(550, "5.1.1 No such mailbox")
    send_due(office.database_url)
    with session_scope(office.database_url) as session:
        message = session.get(OutboxMessage, message_id)
        assert message.status == "failed" and "550" in message.last_error and "speech" in message.body


def test_after_mediation_is_held_staff_issue_the_certificate_through_the_same_service(office):
    with session_scope(office.database_url) as session:
        request_id = _request(session).id
    with session_scope(office.database_url) as session:
        with pytest.raises(ValueError, match="mark mediation held or not arranged in time first"):
            service.issue_mediation_certificate(session, request_id, issued_by="mediator.anne", now=NOW)
        service.mark_mediation_arranged(session, request_id, meeting_on=dt.date(2026, 12, 10), by="mediator.anne")
        service.mark_mediation_held(session, request_id, held_on=dt.date(2026, 12, 10), by="mediator.anne",
                                    now=dt.datetime(2026, 12, 11, 9, 0))
        certificate = service.issue_mediation_certificate(session, request_id, issued_by="mediator.anne",
                                                          now=dt.datetime(2026, 12, 11, 9, 0))
        again = service.issue_mediation_certificate(session, request_id, issued_by="mediator.bob",
                                                    now=dt.datetime(2026, 12, 11, 9, 5))
    assert again.reference == certificate.reference
    assert (certificate.kind, certificate.issued_by, certificate.channel) == ("after_mediation", "mediator.anne", "console")
    assert certificate.appeal_by == dt.date(2027, 1, 11)  # 1 month from 11 December
    text = _pdf_text(certificate)
    assert "took part in mediation with West Berkshire" in text and "ended on Thursday 10 December 2026" in text


def test_not_arranged_in_time_gives_the_deemed_certificate_within_3_working_days(office):
    with session_scope(office.database_url) as session:
        request_id = _request(session).id
        request = service.mark_not_arranged_in_time(session, request_id, by="mediator.anne",
                                                    learned_on=dt.date(2026, 12, 18),
                                                    now=dt.datetime(2026, 12, 18, 15, 0))
        due = [c for c in service.mediation_clocks(request, today=dt.date(2026, 12, 18))
               if c.name == "deemed_certificate_by"]
        assert due[0].due == dt.date(2026, 12, 23)  # Friday + 3 working days
        with pytest.raises(ValueError, match="cannot be marked 'arranged'"):
            service.mark_mediation_arranged(session, request_id, meeting_on=dt.date(2027, 1, 5), by="x")
        certificate = service.issue_mediation_certificate(session, request_id, issued_by="mediator.anne",
                                                          now=dt.datetime(2026, 12, 18, 15, 5))
    assert certificate.kind == "deemed"
    text = _pdf_text(certificate)
    assert "could not be arranged within 30 days" in text and "Jane Smith" in text


@pytest.mark.parametrize("change,says", [
    (dict(issues=" "), "the mediation issues"),
    (dict(local_authority="Atlantis"), "did not recognise"),
    (dict(contact_preference="pigeon"), "Choose one of: phone, email, text, post"),
    (dict(availability=""), "when you are available"),
    (dict(icbs=["NHS Frimley ICB"]), "only when health care is in issue"),
    (dict(decision_date=dt.date(2027, 1, 1)), "is after today"),
])
def test_bad_requests_are_refused_and_nothing_is_queued(office, change, says):
    with session_scope(office.database_url) as session:
        with pytest.raises(ValueError, match=says):
            _request(session, **change)
        assert session.query(OutboxMessage).count() == 0
