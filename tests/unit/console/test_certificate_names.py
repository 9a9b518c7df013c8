"""The certificate's PDF in the console shows the family's names only after a reason, which is
audited with the download (issue 21, gap 10: 'names in the PDF shown without a reason')."""
from __future__ import annotations

import io

import sqlalchemy as sa
from pypdf import PdfReader

from bot.console.models import AuditEntry
from bot.database import session_scope
from support.back_office import issue_not_pursuing


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_the_names_on_a_certificate_need_a_reason(console):
    with session_scope() as session:
        reference = issue_not_pursuing(session, conversation_id="web-names").reference
    client = console.signed_in("mediator")
    page = client.get(f"/console/certificates/{reference}")
    assert "Why do you need the names on the certificate?" in page.text and "Jane Smith" not in page.text

    hidden = client.get(f"/console/certificates/{reference}/pdf")
    assert hidden.status_code == 200 and hidden.content.startswith(b"%PDF")
    text = _text(hidden.content)
    assert "Jane Smith" not in text and "Sam Smith" not in text and "[name hidden]" in text
    assert reference in text and "Kent" in text

    refused = client.post(f"/console/certificates/{reference}/pdf", data={"csrf_token": client.csrf, "reason": "x"})
    assert refused.status_code == 400 and "Give a reason of at least 10 characters" in refused.text
    shown = client.post(f"/console/certificates/{reference}/pdf",
                        data={"csrf_token": client.csrf, "reason": "Sending a copy to the tribunal"})
    assert shown.status_code == 200 and shown.headers["content-type"] == "application/pdf"
    assert "Jane Smith" in _text(shown.content) and "Sam Smith" in _text(shown.content)
    with session_scope() as session:
        details = [(e.actor, e.target, e.detail) for e in session.execute(sa.select(AuditEntry).where(
            AuditEntry.action == "certificate_pdf_viewed").order_by(AuditEntry.id)).scalars()]
    assert details == [("mediator", reference, "PDF downloaded in the console, names hidden"),
                       ("mediator", reference, "PDF downloaded in the console, names shown: Sending a copy to the "
                                               "tribunal")]
