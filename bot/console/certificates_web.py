"""Certificates register in the console: search by reference, LA and date; view the PDF; revoke with a reason.

The certificates feature (bot.mediation) owns the data and the rules; these pages
call its service functions and audit every look and change.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from fastapi import Depends, Form, Request
from fastapi.responses import Response

from bot.console import audit, certificate_names
from bot.console.deps import MIN_REASON_LENGTH, Actor, checked, console_router, redirect, render, staff
from bot.console.references import case_reference
from bot.database import session_scope
from bot.handoff.models import Escalation
from bot.mediation import pdf, service
from bot.mediation.inputs import utcnow

router = console_router()


def _date(value: str) -> Optional[dt.date]:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/certificates")
def certificates_page(
    request: Request,
    reference: str = "",
    local_authority: str = "",
    issued_from: str = "",
    issued_to: str = "",
    actor: Actor = Depends(staff()),
) -> Response:
    rows, error = [], ""
    try:
        with session_scope() as session:
            rows = service.search_certificates(
                session,
                reference=reference.strip() or None,
                local_authority=local_authority.strip() or None,
                issued_from=_date(issued_from),
                issued_to=_date(issued_to),
            )
    except ValueError as problem:
        error = str(problem)
    return render(
        request,
        "certificates.html",
        actor,
        rows=rows,
        error=error,
        available=True,
        query={
            "reference": reference,
            "local_authority": local_authority,
            "issued_from": issued_from,
            "issued_to": issued_to,
        },
    )


def _certificate(reference: str):
    with session_scope() as session:
        try:
            certificate = service.find_certificate(session, reference)
        except ValueError:
            certificate = None
    if certificate is None:
        raise LookupError(reference)
    return certificate


def _case_of(certificate) -> Optional[str]:
    """The escalation (case page) of the certificate's conversation, if the family reached staff."""
    with session_scope() as session:
        return (
            session.execute(
                sa.select(Escalation.id)
                .where(Escalation.conversation_id == certificate.conversation_id)
                .order_by(Escalation.created_at)
            )
            .scalars()
            .first()
        )


def _page(request: Request, actor: Actor, certificate, error: str = "", status_code: int = 200) -> Response:
    with session_scope() as session:
        links = service.download_links(session, certificate)
    return render(
        request,
        "certificate.html",
        actor,
        c=certificate,
        error=error,
        status_code=status_code,
        case_id=_case_of(certificate),
        case_ref=case_reference(certificate.conversation_id),
        links=links,
        now=utcnow(),
    )


@router.get("/certificates/{reference}")
def certificate_page(request: Request, reference: str, actor: Actor = Depends(staff())) -> Response:
    certificate = _certificate(reference)
    with session_scope() as session:
        audit.record(session, actor.username, "certificate_viewed", certificate.reference, None, actor.ip)
    return _page(request, actor, certificate)


@router.get("/certificates/{reference}/pdf")
def certificate_pdf(request: Request, reference: str, actor: Actor = Depends(staff())) -> Response:
    """The PDF, for staff, with the family's names hidden: every download is audited (who,
    which certificate, when, from where) before it is served. Staff never see a family's
    download link (only its hash is stored)."""
    certificate = _certificate(reference)
    with session_scope() as session:
        audit.record(
            session,
            actor.username,
            "certificate_pdf_viewed",
            certificate.reference,
            "PDF downloaded in the console, names hidden",
            actor.ip,
        )
    return _pdf_response(certificate_names.names_hidden(certificate), certificate.reference)


@router.post("/certificates/{reference}/pdf")
def certificate_pdf_with_names(
    request: Request, reference: str, reason: str = Form(""), actor: Actor = Depends(checked())
) -> Response:
    """The PDF with the names, after a reason of at least MIN_REASON_LENGTH characters (audited)."""
    certificate = _certificate(reference)
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON_LENGTH:
        return _page(
            request,
            actor,
            certificate,
            status_code=400,
            error=f"Give a reason of at least {MIN_REASON_LENGTH} characters to see the names on the certificate.",
        )
    with session_scope() as session:
        audit.record(
            session,
            actor.username,
            "certificate_pdf_viewed",
            certificate.reference,
            f"PDF downloaded in the console, names shown: {reason[:500]}",
            actor.ip,
        )
    return _pdf_response(certificate, certificate.reference)


def _pdf_response(certificate, reference: str) -> Response:
    return Response(
        pdf.certificate_pdf(certificate),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{reference}.pdf"'},
    )


@router.post("/certificates/{reference}/revoke")
def revoke(
    request: Request, reference: str, reason: str = Form(""), confirm: str = Form(""), actor: Actor = Depends(checked())
) -> Response:
    """Revoke with a reason and a confirmation (issue 21): it cannot be undone."""
    certificate = _certificate(reference)
    if reason.strip() and confirm != "1":
        return _page(
            request,
            actor,
            certificate,
            status_code=400,
            error="Confirm that this certificate must be revoked: the family can no longer use it.",
        )
    try:
        with session_scope() as session:
            service.revoke_certificate(session, certificate.reference, reason=reason, by=actor.username)
            audit.record(
                session, actor.username, "certificate_revoked", certificate.reference, reason.strip()[:500], actor.ip
            )
    except ValueError as problem:
        return _page(request, actor, certificate, error=str(problem), status_code=400)
    return redirect(f"/console/certificates/{certificate.reference}")
