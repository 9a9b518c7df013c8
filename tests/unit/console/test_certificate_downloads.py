"""Staff and certificate downloads (issue 20): every download of a certificate's PDF in the
console is in the audit log (who, which certificate, when); the certificate page says how
many download links the family was given and until when, but never a link itself."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from bot.console.models import AuditEntry
from bot.database import session_scope
from bot.mediation import service
from support.back_office import issue_not_pursuing


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def test_a_staff_download_of_a_certificate_is_in_the_audit_log(console):
    with session_scope() as session:
        certificate = issue_not_pursuing(session)
        link = service.new_download_link(session, certificate)
    mediator = console.signed_in("mediator")

    page = mediator.get(f"/console/certificates/{certificate.reference}")
    assert page.status_code == 200
    secret = link.url.rsplit("/", 1)[1]
    assert secret not in page.text and "/certificates/download/" not in page.text
    assert re.search(r'id="certificate-links">1; the latest works until \d+ \w+ \d{4} at', page.text)

    before = _utcnow()
    pdf = mediator.get(f"/console/certificates/{certificate.reference}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    with session_scope() as session:
        [entry] = session.execute(sa.select(AuditEntry).where(AuditEntry.action == "certificate_pdf_viewed")).scalars()
    assert (entry.actor, entry.target, entry.ip_address) == ("mediator", certificate.reference, "testclient")
    assert before - dt.timedelta(seconds=1) <= entry.at <= _utcnow() + dt.timedelta(seconds=1)

    log = console.signed_in("manager").get("/console/audit", params={"action": "certificate_pdf_viewed"}).text
    assert certificate.reference in log and "mediator" in log and "PDF downloaded in the console" in log
