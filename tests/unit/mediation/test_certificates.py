"""Mediation advice and certificates on SQLite and PostgreSQL: recorded with who, what,
when and which channel; issued once per conversation; found however the reference is
typed; revoked with a reason; bad input refused with a message a person can act on."""
import datetime as dt
import re

import pytest
import sqlalchemy as sa

from bot.mediation import service
from bot.mediation.models import Certificate, MediationAdvice
from bot.database import session_scope
from support.back_office import DECISION, NOW, PERSON, issue_not_pursuing


def test_information_and_choice_are_recorded_with_their_times(office):
    url = office.database_url
    with session_scope(url) as session:
        service.record_mediation_information(session, conversation_id="c1", channel="voice", local_authority="kcc",
                                             about="refusal_to_assess", decision_date=DECISION, now=NOW)
    later = NOW + dt.timedelta(minutes=3)
    with session_scope(url) as session:
        service.record_mediation_choice(session, conversation_id="c1", pursue=True, now=later)
    with session_scope(url) as session:
        advice = session.execute(sa.select(MediationAdvice)).scalar_one()
        assert (advice.channel, advice.local_authority, advice.about) == ("voice", "Kent", "refusal_to_assess")
        assert advice.information_given_at == NOW and advice.choice_at == later and advice.pursue is True
        assert advice.contact_adviser_by == dt.date(2026, 12, 1)  # 2 months from the letter (Regs 33)


def test_the_information_says_what_the_law_requires_and_the_deadlines():
    info = service.mediation_information(local_authority="Kent", about="plan_content", decision_date=DECISION,
                                         today=NOW.date())
    assert info.certificate_needed and info.contact_adviser_by == dt.date(2026, 12, 1)
    text = " ".join(info.paragraphs)
    assert "free" in text and "your choice" in text and "3 working days" in text and "30 days" in text
    assert "Tuesday 1 December 2026" in text  # contact the adviser by, and appeal by without a certificate
    assert "Tuesday 1 December 2026" in info.appeal_by_text


def test_section_i_only_needs_no_certificate_and_says_why(office):
    info = service.mediation_information(local_authority="Kent", about="plan_placement_only", decision_date=DECISION,
                                         today=NOW.date())
    assert not info.certificate_needed and "section I" in info.why_not_needed
    with session_scope(office.database_url) as session:
        with pytest.raises(service.NoCertificateNeeded, match="do not need a mediation certificate"):
            service.record_mediation_information(session, conversation_id="c1", channel="web", local_authority="Kent",
                                                 about="plan_placement_only", decision_date=DECISION, now=NOW)
        with pytest.raises(service.NoCertificateNeeded):
            service.issue_certificate(session, conversation_id="c1", channel="web", now=NOW,
                                      **dict(PERSON, about="plan_placement_only"))


def test_a_certificate_is_stored_with_who_what_when_and_channel(office):
    with session_scope(office.database_url) as session:
        certificate = issue_not_pursuing(session, conversation_id="voice-CA123", channel="voice")
        reference = certificate.reference
    with session_scope(office.database_url) as session:
        stored = service.find_certificate(session, reference)
        assert (stored.requester_name, stored.child_name, stored.requester_role) == ("Jane Smith", "Sam Smith", "parent")
        assert (stored.local_authority, stored.about, stored.decision_date) == ("Kent", "plan_content", DECISION)
        assert (stored.channel, stored.conversation_id, stored.kind, stored.status) == (
            "voice", "voice-CA123", "not_pursuing", "valid")
        assert stored.issued_at == NOW and stored.issued_on == dt.date(2026, 11, 20)
        # 1 month from the certificate (Sunday 20 December) is later than 2 months from the
        # letter, and moves to the next working day.
        assert stored.appeal_by == dt.date(2026, 12, 21)
        assert "Monday 21 December 2026" in service.certificate_appeal_text(stored)
        link = service.new_download_link(session, stored)
        secret = link.url.rsplit("/", 1)[1]
        assert link.url == f"https://line.example.org/certificates/download/{secret}" and len(secret) >= 40
        assert secret not in service.verify_url(reference) and not hasattr(stored, "token")


def test_asking_again_in_the_conversation_returns_the_same_certificate(office):
    with session_scope(office.database_url) as session:
        first = issue_not_pursuing(session, conversation_id="c1")
    with session_scope(office.database_url) as session:
        again = issue_not_pursuing(session, conversation_id="c1", now=NOW + dt.timedelta(hours=1))
        other = issue_not_pursuing(session, conversation_id="c2")
    assert again.reference == first.reference and again.id == first.id
    assert other.reference != first.reference
    with session_scope(office.database_url) as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Certificate)).scalar_one() == 2


def test_a_reference_already_taken_is_replaced_not_lost(office, monkeypatch):
    from bot.mediation import references

    with session_scope(office.database_url) as session:
        taken = issue_not_pursuing(session, conversation_id="c1").reference
    fresh = references.new_reference()
    offered = iter([taken, taken, fresh])
    monkeypatch.setattr(service, "new_reference", lambda: next(offered))
    with session_scope(office.database_url) as session:
        assert issue_not_pursuing(session, conversation_id="c2").reference == fresh
    with session_scope(office.database_url) as session:
        assert [c.reference for c in service.search_certificates(session)] == [fresh, taken]


def test_no_certificate_before_the_information_and_the_choice(office):
    with session_scope(office.database_url) as session:
        with pytest.raises(ValueError, match="record that the mediation information was given"):
            service.issue_certificate(session, conversation_id="c1", channel="web", now=NOW, **PERSON)
        service.record_mediation_information(session, conversation_id="c1", channel="web", local_authority="Kent",
                                             about="plan_content", decision_date=DECISION, now=NOW)
        service.record_mediation_choice(session, conversation_id="c1", pursue=True, now=NOW)
        with pytest.raises(ValueError, match="decided not to pursue mediation"):
            service.issue_certificate(session, conversation_id="c1", channel="web", now=NOW, **PERSON)
        with pytest.raises(ValueError, match="Give the mediation information first"):
            service.record_mediation_choice(session, conversation_id="other", pursue=False)


@pytest.mark.parametrize("change,says", [
    (dict(requester_name="  "), "the name of the parent or young person"),
    (dict(child_name=""), "the child's or young person's name"),
    (dict(requester_name="12345"), "does not look like a name"),
    (dict(decision_date=dt.date(2026, 12, 1)), "is after today"),
    (dict(local_authority="Narnia"), "did not recognise 'Narnia'"),
    (dict(local_authority="Leeds"), "not one of the 16 South East councils"),
    (dict(requester_role="professional"), "Only a parent or carer"),
    (dict(about="school_sen_provision"), "only for appeals to the tribunal"),
])
def test_bad_input_is_refused_with_a_message_to_read_back(office, change, says):
    with session_scope(office.database_url) as session:
        service.record_mediation_information(session, conversation_id="c1", channel="web", local_authority="Kent",
                                             about="plan_content", decision_date=DECISION, now=NOW)
        service.record_mediation_choice(session, conversation_id="c1", pursue=False, now=NOW)
        with pytest.raises(ValueError, match=says):
            service.issue_certificate(session, conversation_id="c1", channel="web", now=NOW, **dict(PERSON, **change))


def test_a_young_person_asking_for_themselves_needs_one_name(office):
    with session_scope(office.database_url) as session:
        certificate = issue_not_pursuing(session, requester_name="Alex Jones", child_name=None,
                                         requester_role="young_person")
    assert certificate.child_name == "Alex Jones"


def test_find_accepts_any_typing_and_tells_a_slip_from_an_unknown(office):
    with session_scope(office.database_url) as session:
        reference = issue_not_pursuing(session).reference
    typed = reference.lower().replace("-", " ")
    with session_scope(office.database_url) as session:
        assert service.find_certificate(session, typed).reference == reference
        assert service.find_certificate(session, reference.replace("-", "")[3:]).reference == reference
        slip = reference[:-1] + ("A" if reference[-1] != "A" else "B")
        with pytest.raises(ValueError, match="mistyped"):
            service.find_certificate(session, slip)
        unknown = next(r for r in (service.new_reference() for _ in range(10)) if r != reference)
        assert service.find_certificate(session, unknown) is None


def test_revocation_records_who_when_and_why_and_allows_a_corrected_certificate(office):
    with session_scope(office.database_url) as session:
        first = issue_not_pursuing(session)
    with session_scope(office.database_url) as session:
        with pytest.raises(ValueError, match="why the certificate is revoked"):
            service.revoke_certificate(session, first.reference, reason=" ", by="mediator.anne")
        revoked = service.revoke_certificate(session, first.reference, reason="Child's name misspelt",
                                             by="mediator.anne", now=NOW + dt.timedelta(hours=2))
        assert (revoked.status, revoked.revoked_by, revoked.revoked_reason) == (
            "revoked", "mediator.anne", "Child's name misspelt")
    with session_scope(office.database_url) as session:
        with pytest.raises(ValueError, match="already revoked"):
            service.revoke_certificate(session, first.reference, reason="again", by="x")
        corrected = service.issue_certificate(session, conversation_id="conv-1", channel="console",
                                              issued_by="mediator.anne", now=NOW, **dict(PERSON, child_name="Sam Smyth"))
    assert corrected.reference != first.reference and corrected.issued_by == "mediator.anne"


def test_search_by_council_dates_and_part_of_a_reference(office):
    with session_scope(office.database_url) as session:
        kent = issue_not_pursuing(session, conversation_id="c1")
        surrey = issue_not_pursuing(session, conversation_id="c2", local_authority="Surrey",
                                    now=NOW + dt.timedelta(days=3))
    with session_scope(office.database_url) as session:
        assert [c.reference for c in service.search_certificates(session, local_authority="surrey")] == [surrey.reference]
        assert [c.reference for c in service.search_certificates(session, issued_to=dt.date(2026, 11, 21))] == [
            kent.reference]
        assert [c.reference for c in service.search_certificates(session, reference=kent.reference[4:8].lower())] == [
            kent.reference]
        assert [c.reference for c in service.search_certificates(session, reference=surrey.reference.lower())] == [
            surrey.reference]


def test_the_certificate_is_texted_with_reference_and_link_but_no_names(office, twilio_stub):
    from bot.outbox import send_due

    with session_scope(office.database_url) as session:
        certificate = issue_not_pursuing(session, channel="voice")
        service.send_certificate_sms(session, certificate, "07700 900123")
    assert send_due(office.database_url) == 1
    [text] = twilio_stub.messages()
    body = text.form["Body"]
    assert text.form["To"] == "+447700900123"
    link = re.search(r"https://line\.example\.org/certificates/download/[\w-]+", body).group(0)
    assert certificate.reference in body and "works until" in body
    with session_scope(office.database_url) as session:
        assert service.open_download(session, link.rsplit("/", 1)[1]).status == "ok"
    assert "Monday 21 December 2026" in body
    assert "Sam" not in body and "Smith" not in body and "Jane" not in body


def test_the_certificate_can_be_emailed_through_smtp(office, smtp_server):
    from bot.outbox import send_due

    with session_scope(office.database_url) as session:
        certificate = issue_not_pursuing(session)
        service.send_certificate_email(session, certificate, "jane@family.example")
    assert send_due(office.database_url) == 1
    [mail] = smtp_server.received
    assert mail.recipients == ["jane@family.example"] and certificate.reference in mail.subject
    link = re.search(r"https://line\.example\.org/certificates/download/([\w-]+)", mail.body).group(1)
    assert "Monday 21 December 2026" in mail.body and "The link works until" in mail.body
    with session_scope(office.database_url) as session:
        assert service.open_download(session, link).status == "ok"


def test_the_reference_can_be_spoken_in_groups():
    assert service.spoken_reference("SEM-7KQ4-MX2P") == "S E M, 7 K Q 4, M X 2 P"
