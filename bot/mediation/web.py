"""Public certificate pages: verification (HTML and JSON) and the PDF download.

    GET /certificates/verify                      a form to type a reference
    GET /certificates/verify/{reference}          valid, revoked, unknown or mistyped
    GET /api/v1/certificates/{reference}/status   the same as JSON
    GET /certificates/download/{token}            the PDF (404 unknown link, 410 expired or revoked)

A download link works for CERTIFICATE_LINK_DAYS after it was given (only its hash is
stored: bot.mediation.service.new_download_link). An expired link says how to get a new
one (ask the assistant again in the same chat, or contact the line) and that the
certificate itself is still valid; it names no certificate.

Only initials and the council are shown. Status codes: 200 valid or revoked, 404
unknown, 422 mistyped (so a typing slip is told apart from a forgery), 429 when one
address checks too many (CERTIFICATE_CHECK_RATE_LIMIT, bot.limits: guessing references
by the thousand is stopped), with Retry-After.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot import limits
from bot.database import session_scope
from bot.mediation.pdf import certificate_pdf
from bot.mediation.service import Verification, open_download, verify_reference
from bot.redress.dates import format_long
from bot.settings import get_settings

router = APIRouter(tags=["certificates"])
_templates = Environment(
    loader=FileSystemLoader(str(Path(__file__).parent / "templates")), autoescape=select_autoescape(["html"])
)
STATUS_CODES = {"valid": 200, "revoked": 200, "unknown": 404, "mistyped": 422}
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


def _page(template: str, status_code: int = 200, **context) -> HTMLResponse:
    html = _templates.get_template(template).render(service_name=get_settings().service_name, **context)
    return HTMLResponse(html, status_code=status_code, headers=NO_STORE)


def _verify(reference: str) -> Verification:
    with session_scope() as session:
        return verify_reference(session, reference)


def _check_wait(request: Request) -> int:
    """Count one certificate check for the client's address; seconds to wait (0: go ahead)."""
    return limits.source_wait("certificate_check", request.client.host if request.client else "unknown")


def _verification_page(request: Request, reference: Optional[str]) -> HTMLResponse:
    if not reference or not reference.strip():
        return _page("verify.html", title="Check a mediation certificate", result=None, typed="")
    wait = _check_wait(request)
    if wait:
        response = _page("unavailable.html", 429, title="Too many checks", message=limits.too_many_checks_message(wait))
        response.headers["Retry-After"] = str(wait)
        return response
    result = _verify(reference)
    return _page(
        "verify.html",
        STATUS_CODES[result.status],
        title="Check a mediation certificate",
        result=result,
        typed=reference.strip()[:40],
        issued_on=format_long(result.issued_on) if result.issued_on else "",
        revoked_on=format_long(result.revoked_on) if result.revoked_on else "",
    )


@router.get("/certificates/verify", response_class=HTMLResponse)
def verify_form(request: Request, reference: Optional[str] = Query(None, max_length=100)) -> HTMLResponse:
    return _verification_page(request, reference)


@router.get("/certificates/verify/{reference}", response_class=HTMLResponse)
def verify_page(request: Request, reference: str) -> HTMLResponse:
    return _verification_page(request, reference[:100])


@router.get("/api/v1/certificates/{reference}/status")
def certificate_status(request: Request, reference: str) -> JSONResponse:
    wait = _check_wait(request)
    if wait:
        return JSONResponse(
            {"status": "rate_limited", "message": limits.too_many_checks_message(wait), "retry_after": wait},
            status_code=429,
            headers={**NO_STORE, "Retry-After": str(wait)},
        )
    result = _verify(reference[:100])
    return JSONResponse(result.as_json(), status_code=STATUS_CODES[result.status], headers=NO_STORE)


@router.get("/certificates/download/{token}")
def download(token: str) -> Response:
    settings = get_settings()
    with session_scope() as session:
        found = open_download(session, token)
        if found.status == "unknown" or found.certificate is None:
            return _page(
                "unavailable.html",
                404,
                title="Certificate not found",
                message="There is no certificate at this address. Check the link in your text or email.",
            )
        if found.status == "revoked":
            return _page(
                "unavailable.html",
                410,
                title="Certificate revoked",
                message=f"Certificate {found.certificate.reference} was revoked and is no longer valid. "
                "Contact the service for a new one.",
            )
        if found.status == "expired":
            return _page(
                "expired.html",
                410,
                title="This download link has expired",
                days=settings.certificate_link_days,
                phone=settings.service_phone_number,
            )
        body, reference = certificate_pdf(found.certificate), found.certificate.reference
    return Response(
        body,
        media_type="application/pdf",
        headers={**NO_STORE, "Content-Disposition": f'inline; filename="mediation-certificate-{reference}.pdf"'},
    )
