"""A revoked certificate issued again, corrected, from the console (issue 21, gap 10).

A certificate revoked for a mistake (the wrong council, a misspelt name, the wrong date on
the decision letter) leaves the family without one. A mediator issues its replacement from
the revoked certificate's page: a new certificate with a new reference, through the
certificates feature's own rules (bot.mediation.service.issue_certificate: the same checks as
any issue), with the same details except those corrected, the mediator's reason, and a link
both ways (bot.console.models.CertificateReissue). Audited ("certificate_reissued").

The corrected names are typed in, never shown: the console shows no family's names without a
reason. The replacement keeps the revoked certificate's date of issue, and its page says
separately when it was issued again: the appeal deadline is 2 months from the decision letter or
1 month from the date of the mediation certificate, whichever is later (SEND Regulations 2014,
reg. 43; SEND Code of Practice 11.50), so a replacement dated on the day of the reissue would
give the family a later deadline than the certificate they were given (or, after the 2 months
to contact the adviser, mark it late) for nothing but a correction of ours. Only a corrected
decision-letter date moves the deadline, as the law counts from that letter.
"""

from __future__ import annotations

import datetime as dt
from typing import Dict, Optional, Union

import sqlalchemy as sa
from fastapi import Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot.console import audit
from bot.console.deps import MIN_REASON_LENGTH, Actor, checked, console_router, long_date, redirect, templates
from bot.console.models import CertificateReissue, utcnow
from bot.database import session_scope
from bot.mediation import service
from bot.mediation.models import Certificate

router = console_router()


class ReissueError(ValueError):
    """A reissue that cannot be done (message for a person)."""


Links = Dict[str, Union[None, str, dt.datetime]]


def links(session: Session, reference: str) -> Links:
    """{"replaces": the revoked reference this one replaces, "reissued_at": when it was issued
    again (UTC), "replaced_by": its replacement's reference}."""
    replaces = session.execute(
        sa.select(CertificateReissue.revoked_reference, CertificateReissue.at).where(
            CertificateReissue.new_reference == reference
        )
    ).first()
    replaced_by = session.execute(
        sa.select(CertificateReissue.new_reference).where(CertificateReissue.revoked_reference == reference)
    ).scalar()
    return {
        "replaces": replaces[0] if replaces else None,
        "reissued_at": replaces[1] if replaces else None,
        "replaced_by": replaced_by,
    }


def reissue(
    session: Session,
    reference: str,
    *,
    reason: str,
    by: str,
    issued_by: str,
    local_authority: str = "",
    decision_date: Optional[dt.date] = None,
    requester_name: str = "",
    child_name: str = "",
    now: Optional[dt.datetime] = None,
    ip_address: Optional[str] = None,
) -> Certificate:
    """Issue the replacement of revoked certificate `reference`: the same details but those given
    (an empty one keeps the revoked certificate's), a new reference, and the revoked one's date of
    issue, so the appeal deadline is not moved by the reissue (see the module's docstring); `now`
    is when it is issued again (kept with the link). `by` is the staff username, `issued_by` the
    name printed as the issuer. Raises ReissueError (not revoked, replaced already, the family has
    a valid one, a reason under MIN_REASON_LENGTH, a decision letter dated after the certificate)
    or the service's ValueError."""
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON_LENGTH:
        raise ReissueError(f"Say why it is issued again, in at least {MIN_REASON_LENGTH} characters.")
    old = service.find_certificate(session, reference)
    if old is None:
        raise ReissueError("There is no such certificate.")
    if old.status != "revoked":
        raise ReissueError("Only a revoked certificate can be issued again.")
    done = links(session, old.reference)["replaced_by"]
    if done:
        raise ReissueError(f"This certificate was issued again already, as {done}.")
    standing = session.execute(
        sa.select(Certificate.reference).where(
            Certificate.conversation_id == old.conversation_id,
            Certificate.kind == old.kind,
            Certificate.status != "revoked",
        )
    ).scalar()
    if standing:
        raise ReissueError(f"The family has a valid certificate already: {standing}.")
    if decision_date and decision_date > old.issued_on:
        raise ReissueError(
            f"The decision letter's date, {long_date(decision_date)}, is after this certificate was issued "
            f"({long_date(old.issued_on)}). Please check the date."
        )
    new = service.issue_certificate(
        session,
        conversation_id=old.conversation_id,
        channel=old.channel,
        requester_name=requester_name.strip() or old.requester_name,
        child_name=child_name.strip() or old.child_name,
        requester_role=old.requester_role,
        local_authority=local_authority.strip() or old.local_authority,
        about=old.about,
        decision_date=decision_date or old.decision_date,
        kind=old.kind,
        issued_by=issued_by,
        mediation_request_id=old.mediation_request_id,
        # Issued as of the revoked certificate's moment: the same date of issue, and the appeal
        # deadline worked out from it by the certificates feature's own rule (issue 21).
        now=old.issued_at,
    )
    session.add(
        CertificateReissue(
            revoked_reference=old.reference,
            new_reference=new.reference,
            at=now or utcnow(),
            by=by,
            reason=reason[:500],
        )
    )
    corrected = [
        name
        for name, value in (
            ("local authority", local_authority),
            ("decision date", decision_date),
            ("name", requester_name),
            ("child's name", child_name),
        )
        if value
    ]
    audit.record(
        session,
        by,
        "certificate_reissued",
        new.reference,
        f"replaces {old.reference}"
        + (f"; corrected: {', '.join(corrected)}" if corrected else "")
        + f": {reason[:500]}",
        ip_address,
    )
    session.flush()
    return new


def _links_for_page(reference: str) -> Links:
    with session_scope() as session:
        return links(session, reference)


# The certificate page (bot.console.certificates_web) shows the links both ways.
templates.env.globals["certificate_reissue_links"] = _links_for_page


@router.post("/certificates/{reference}/reissue")
def reissue_page(
    request: Request,
    reference: str,
    reason: str = Form(""),
    local_authority: str = Form(""),
    decision_date: str = Form(""),
    requester_name: str = Form(""),
    child_name: str = Form(""),
    actor: Actor = Depends(checked()),
) -> Response:
    """Issue the replacement of a revoked certificate, then show it."""
    from bot.console import certificates_web  # its page, with the error, when the reissue is refused

    certificate = certificates_web._certificate(reference)
    try:
        date = dt.date.fromisoformat(decision_date) if decision_date.strip() else None
    except ValueError:
        return certificates_web._page(
            request, actor, certificate, status_code=400, error="Enter the decision letter's date like 2027-01-04."
        )
    try:
        with session_scope() as session:
            new = reissue(
                session,
                certificate.reference,
                reason=reason,
                by=actor.username,
                issued_by=actor.display_name,
                local_authority=local_authority,
                decision_date=date,
                requester_name=requester_name,
                child_name=child_name,
                ip_address=actor.ip,
            )
            new_reference = new.reference
    except ValueError as problem:
        return certificates_web._page(request, actor, certificate, error=str(problem), status_code=400)
    return redirect(f"/console/certificates/{new_reference}")
