"""The certificate's PDF in the console shows the family's names only after a reason (issue 21, gap 10).

The console's PDF of a certificate (bot.console.certificates_web) prints "[name hidden]" where
the parent's or young person's and the child's names go. A member of staff who needs them (to
send a copy, to answer the tribunal) gives a reason first, as for a transcript: the PDF with
the names follows, and the reason goes in the audit log with the download
("certificate_pdf_viewed"). The PDF is drawn by the certificates feature (bot.mediation.pdf)
from a copy of the certificate, so nothing stored changes.
"""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from fastapi import Depends, Form, Request
from fastapi.responses import Response

from bot.console import audit
from bot.console.deps import MIN_REASON_LENGTH, Actor, checked, console_router
from bot.database import session_scope
from bot.mediation import pdf
from bot.mediation.models import Certificate

router = console_router()
HIDDEN = "[name hidden]"


def names_hidden(certificate: Certificate) -> Any:
    """A copy of `certificate` for the PDF with both names hidden (one HIDDEN when they were the
    same: a young person who asked for themselves is named once)."""
    values = {column.key: getattr(certificate, column.key) for column in sa.inspect(Certificate).columns}
    values["requester_name"] = HIDDEN
    values["child_name"] = HIDDEN if certificate.child_name == certificate.requester_name else "[child's name hidden]"
    return SimpleNamespace(**values)


def pdf_response(certificate: Any, reference: str) -> Response:
    return Response(pdf.certificate_pdf(certificate), media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{reference}.pdf"'})


@router.post("/certificates/{reference}/pdf")
def certificate_pdf_with_names(request: Request, reference: str, reason: str = Form(""),
                               actor: Actor = Depends(checked())) -> Response:
    """The PDF with the names, after a reason of at least MIN_REASON_LENGTH characters (audited)."""
    from bot.console import certificates_web  # its page, with the error, when there is no reason

    certificate = certificates_web._certificate(reference)
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON_LENGTH:
        return certificates_web._page(request, actor, certificate, status_code=400,
                                      error=f"Give a reason of at least {MIN_REASON_LENGTH} characters to see the "
                                            "names on the certificate.")
    with session_scope() as session:
        audit.record(session, actor.username, "certificate_pdf_viewed", certificate.reference,
                     f"PDF downloaded in the console, names shown: {reason[:500]}", actor.ip)
    return pdf_response(certificate, certificate.reference)
