"""A reissued certificate keeps the revoked one's date of issue (issue 21).

The appeal deadline is 2 months from the decision letter or 1 month from the date of the
mediation certificate, whichever is later (SEND Regulations 2014, reg. 43; CoP 11.50;
../shared/domain/send-routes.md, route 3). A replacement dated on the day of the reissue would
give the family a later deadline than the certificate they had, or, after the 2 months to
contact the adviser, mark it late; only a corrected decision-letter date moves the deadline.
"""

from __future__ import annotations

import datetime as dt

from bot.console import certificate_reissue
from bot.database import session_scope
from bot.mediation import service
from support.back_office import DECISION, NOW, issue_not_pursuing

# NOW is Friday 20 November 2026, DECISION 1 October 2026: 2 months from the letter is
# 1 December 2026, 1 month from the certificate 20 December 2026, the later one.
ORIGINAL_APPEAL_BY = dt.date(2026, 12, 21)  # 20 December 2026 is a Sunday: the next working day
A_MONTH_LATER = NOW + dt.timedelta(days=30)  # 20 December 2026: dated then, it would run to 20 January 2027


def revoked(conversation_id: str) -> str:
    with session_scope() as session:
        old = issue_not_pursuing(session, conversation_id=conversation_id)
        assert (old.issued_on, old.appeal_by) == (NOW.date(), ORIGINAL_APPEAL_BY)
        service.revoke_certificate(
            session,
            old.reference,
            reason="Issued with the wrong council",
            by="mediator",
            now=NOW + dt.timedelta(days=1),
        )
        return old.reference


def reissued(session, reference: str, reason: str, now: dt.datetime, **corrections):
    """The replacement of revoked certificate `reference`, issued again at `now` by a mediator."""
    return certificate_reissue.reissue(
        session, reference, reason=reason, by="mediator", issued_by="Mediator Person", now=now, **corrections
    )


def test_a_reissue_keeps_the_date_of_issue_and_so_the_appeal_deadline(console):
    reference = revoked("web-reissue-dates")
    with session_scope() as session:
        new = reissued(
            session, reference, "The council was wrong: it is Medway", A_MONTH_LATER, local_authority="Medway"
        )
        assert new.reference != reference and new.local_authority == "Medway"
        assert new.issued_on == NOW.date()
        assert new.appeal_by == ORIGINAL_APPEAL_BY
        assert not service.late_certificate(new.decision_date, new.issued_on, new.kind)
        said = service.certificate_appeal_text(new, today=A_MONTH_LATER.date())
        assert "until Monday 21 December 2026" in said and "20 November 2026)" in said
        new_reference = new.reference
        assert certificate_reissue.links(session, new_reference)["reissued_at"] == A_MONTH_LATER

    page = console.signed_in("mediator").get(f"/console/certificates/{new_reference}").text
    assert "20 November 2026" in page and "21 December 2026" in page  # issued, and appeal by
    assert "Reissued on 20 December 2026 at " in page
    assert "January 2027" not in page


def test_a_reissue_after_the_two_months_to_contact_the_adviser_is_not_marked_late(console):
    """Dated on a reissue after 1 December 2026, the certificate would read as given late
    (no deadline the family can rely on) though the family contacted the adviser in time."""
    reference = revoked("web-reissue-not-late")
    with session_scope() as session:
        new = reissued(
            session,
            reference,
            "A misspelt name on the certificate",
            dt.datetime(2026, 12, 7, 11, 0),
            requester_name="Jayne Smith",
        )
        assert new.issued_on == NOW.date() and new.appeal_by == ORIGINAL_APPEAL_BY
        assert "passed" not in service.appeal_by_words(new)


def test_only_a_corrected_decision_letter_moves_the_deadline(console):
    reference = revoked("web-reissue-new-letter")
    letter = DECISION + dt.timedelta(days=14)  # 15 October 2026: 2 months runs to 15 December 2026
    with session_scope() as session:
        new = reissued(session, reference, "The decision letter was dated later", A_MONTH_LATER, decision_date=letter)
        # Still 1 month from the original date of issue, the later of the two.
        assert (new.decision_date, new.issued_on, new.appeal_by) == (letter, NOW.date(), ORIGINAL_APPEAL_BY)


def test_a_decision_letter_dated_after_the_certificate_is_refused(console):
    reference = revoked("web-reissue-letter-after")
    client = console.signed_in("mediator")
    refused = client.post(
        f"/console/certificates/{reference}/reissue",
        data={
            "csrf_token": client.csrf,
            "reason": "The decision letter was dated later",
            "decision_date": "2026-11-25",
        },
    )
    assert refused.status_code == 400
    assert "25 November 2026, is after this certificate was issued (20 November 2026)" in refused.text
    with session_scope() as session:
        assert certificate_reissue.links(session, reference)["replaced_by"] is None
