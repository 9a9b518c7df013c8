"""Mediation and disagreement resolution (DR) requests in the console: the list with
their statutory dates (overdue ones first and marked), one request's page, and the
staff actions each kind of request supports.

bot.mediation and bot.disagreement_resolution own the data and the rules
(bot.mediation.requests, bot.disagreement_resolution.service); these pages call their
service functions, audit every look and change, and hide personal details (names,
contact details, the family's own words) unless a mediator gives a reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

import sqlalchemy as sa
from fastapi import Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot.console import audit
from bot.console.deps import MIN_REASON_LENGTH, Actor, checked, console_router, redirect, render, staff
from bot.console.models import AuditEntry
from bot.database import session_scope
from bot.disagreement_resolution import service as dr_service
from bot.disagreement_resolution.models import DR_STATUSES, DisagreementResolutionRequest
from bot.mediation import requests as mediation_requests
from bot.mediation.models import MEDIATION_STATUSES, Certificate, MediationRequest
from bot.redaction import default_redactor
from bot.redress.situation import APPEALABLE_DECISIONS

KINDS = {"mediation": MediationRequest, "dr": DisagreementResolutionRequest}
KIND_WORDS = {"mediation": "Mediation request", "dr": "Disagreement resolution request"}
STATUS_WORDS = {
    "requested": "Requested",
    "arranged": "Arranged",
    "held": "Held",
    "not_arranged_in_time": "Not arranged in time",
    "withdrawn": "Withdrawn",
    "waiting_for_agreement": "Waiting for agreement",
    "agreed": "Agreed",
    "declined": "Declined",
}
CLOCK_WORDS = {
    "icb_notify_by": "Tell the ICBs by",
    "arrange_by": "Arrange by",
    "deemed_certificate_by": "Issue the certificate by",
}
OPEN_STATUSES = {"requested", "arranged", "not_arranged_in_time", "waiting_for_agreement", "agreed"}

router = console_router()


class FormProblem(ValueError):
    """A form field a person filled in wrongly (the message says how)."""


# --- reading -----------------------------------------------------------------------
@dataclass
class Filters:
    kind: str = ""  # "", "mediation" or "dr"
    status: str = ""
    local_authority: str = ""
    overdue: bool = False
    reference: str = ""  # the reference the family was given (the request id's first 8 characters)

    @classmethod
    def parse(cls, params: Dict[str, str]) -> "Filters":
        kind = params.get("kind", "") if params.get("kind", "") in KINDS else ""
        status = (params.get("status") or "").strip()
        return cls(
            kind=kind,
            status=status if status in STATUS_WORDS else "",
            local_authority=(params.get("local_authority") or "").strip()[:100],
            overdue=params.get("overdue") == "1",
            reference="".join((params.get("reference") or "").split())[:40],
        )


def family_reference(request) -> str:
    """The reference the assistant gave the family for a request ("3F9A2C71": its id's first 8 characters)."""
    return request.id[:8].upper()


@dataclass
class Row:
    kind: str
    request: object
    clocks: List[mediation_requests.Clock]
    certificates: List = None
    icb_told: Optional[Tuple[str, str]] = None  # (the day the ICBs were told, by whom), from the audit log

    @property
    def overdue(self) -> bool:
        return any(clock.overdue for clock in self.clocks if not self.done(clock))

    def done(self, clock) -> bool:
        """A clock met: the ICBs were told (recorded in the console)."""
        return clock.name == "icb_notify_by" and self.icb_told is not None

    @property
    def reference(self) -> str:
        return family_reference(self.request)


ICB_TOLD = "mediation_request_icb_told"


def icb_told(session: Session, request_ids: List[str]) -> Dict[str, Tuple[str, str]]:
    """{request id: (day told, by)} for the mediation requests whose ICBs were told (the audit log keeps it)."""
    told: Dict[str, Tuple[str, str]] = {}
    for start in range(0, len(request_ids), 500):
        for target, detail, actor in session.execute(
            sa.select(AuditEntry.target, AuditEntry.detail, AuditEntry.actor)
            .where(AuditEntry.action == ICB_TOLD, AuditEntry.target.in_(request_ids[start : start + 500]))
            .order_by(AuditEntry.id)
        ):
            told[target] = ((detail or "").replace("ICBs told on ", ""), actor)
    return told


def clocks_of(kind: str, request, today: Optional[dt.date] = None) -> List[mediation_requests.Clock]:
    return mediation_requests.mediation_clocks(request, today) if kind == "mediation" else []


def list_requests(
    session: Session, filters: Filters, today: Optional[dt.date] = None, limit: int = 500
) -> Dict[str, List[Row]]:
    """{"mediation": rows, "dr": rows}: overdue first, then open ones oldest first, then the rest newest first."""
    result: Dict[str, List[Row]] = {}
    for kind, model in KINDS.items():
        if filters.kind and filters.kind != kind:
            continue
        query = sa.select(model)
        if filters.status:
            query = query.where(model.status == filters.status)
        if filters.local_authority:
            query = query.where(model.local_authority == filters.local_authority)
        if filters.reference:
            prefix = filters.reference.lower().replace("-", "")[:32]
            query = query.where(sa.func.replace(sa.func.lower(model.id), "-", "").like(prefix + "%"))
        requests = list(session.execute(query.order_by(model.requested_at.desc()).limit(limit)).scalars())
        told = icb_told(session, [r.id for r in requests]) if kind == "mediation" else {}
        rows = [Row(kind, r, clocks_of(kind, r, today), icb_told=told.get(r.id)) for r in requests]
        if filters.overdue:
            rows = [row for row in rows if row.overdue]
        rows.sort(
            key=lambda row: (
                not row.overdue,
                row.request.status not in OPEN_STATUSES,
                row.request.requested_at.timestamp() * (1 if row.request.status in OPEN_STATUSES else -1),
            )
        )
        result[kind] = rows
    return result


def local_authorities(session: Session) -> List[str]:
    names = set()
    for model in KINDS.values():
        names.update(session.execute(sa.select(model.local_authority).distinct()).scalars())
    return sorted(names)


def _get(session: Session, kind: str, request_id: str):
    model = KINDS.get(kind)
    request = session.get(model, request_id) if model is not None else None
    if request is None:
        raise LookupError(request_id)
    return request


def _certificates(session: Session, request_id: str) -> List:
    return list(
        session.execute(
            sa.select(Certificate).where(Certificate.mediation_request_id == request_id).order_by(Certificate.issued_at)
        ).scalars()
    )


def _shown(kind: str, request, reveal: bool) -> Dict[str, str]:
    """The request's personal fields: as stored if revealed, else redacted or replaced by what they are."""
    names = [name for name in (getattr(request, "requester_name", None), getattr(request, "child_name", None)) if name]
    names += [word for name in names for word in name.split() if len(word) > 1]  # "Oliver's" as well
    words = request.issues if kind == "mediation" else request.disagreement
    if reveal:
        return {
            "words": words,
            "requester_name": request.requester_name or "Not recorded",
            "child_name": getattr(request, "child_name", None) or "Not recorded",
            "contact_details": request.contact_details or "Not recorded",
            "availability": request.availability or "Not recorded",
            "other_party_name": getattr(request, "other_party_name", None) or "",
        }
    hidden = "Recorded (hidden)"
    return {
        "words": default_redactor().redact(words, names).text,
        "requester_name": hidden if request.requester_name else "Not recorded",
        "child_name": hidden if getattr(request, "child_name", None) else "Not recorded",
        "contact_details": hidden if request.contact_details else "Not recorded",
        "availability": default_redactor().redact(request.availability, names).text
        if request.availability
        else "Not recorded",
        # Free text ("the name of the school, college or body"): it can hold a person's name too.
        "other_party_name": default_redactor().redact(request.other_party_name, names).text
        if getattr(request, "other_party_name", None)
        else "",
    }


# --- pages ---------------------------------------------------------------------------
@router.get("/requests")
def requests_page(request: Request, actor: Actor = Depends(staff())) -> Response:
    filters = Filters.parse(dict(request.query_params))
    with session_scope() as session:
        tables = list_requests(session, filters)
        authorities = local_authorities(session)
    statuses = [
        s
        for s in STATUS_WORDS
        if (filters.kind != "dr" or s in DR_STATUSES) and (filters.kind != "mediation" or s in MEDIATION_STATUSES)
    ]
    overdue = sum(row.overdue for rows in tables.values() for row in rows)
    return render(
        request,
        "requests.html",
        actor,
        tables=tables,
        filters=filters,
        authorities=authorities,
        statuses=statuses,
        status_words=STATUS_WORDS,
        kind_words=KIND_WORDS,
        overdue=overdue,
        clock_words=CLOCK_WORDS,
    )


def _request_page(
    request: Request,
    actor: Actor,
    kind: str,
    request_id: str,
    *,
    reveal_reason: str = "",
    error: str = "",
    status_code: int = 200,
    form: Optional[Dict[str, str]] = None,
):
    with session_scope() as session:
        item = _get(session, kind, request_id)
        row = Row(
            kind,
            item,
            clocks_of(kind, item),
            _certificates(session, item.id) if kind == "mediation" else [],
            icb_told=icb_told(session, [item.id]).get(item.id),
        )
        shown = _shown(kind, item, bool(reveal_reason))
        if not reveal_reason:
            audit.record(session, actor.username, f"{kind}_request_viewed", item.id, None, actor.ip)
    return render(
        request,
        "request.html",
        actor,
        status_code=status_code,
        kind=kind,
        row=row,
        r=row.request,
        shown=shown,
        revealed=reveal_reason,
        error=error,
        form=form or {},
        kind_words=KIND_WORDS,
        status_words=STATUS_WORDS,
        clock_words=CLOCK_WORDS,
        min_reason=MIN_REASON_LENGTH,
        about_values=APPEALABLE_DECISIONS,
    )


@router.get("/requests/{kind}/{request_id}")
def request_page(request: Request, kind: str, request_id: str, actor: Actor = Depends(staff())) -> Response:
    return _request_page(request, actor, kind, request_id)


@router.post("/requests/{kind}/{request_id}/reveal")
def reveal_request(
    request: Request, kind: str, request_id: str, reason: str = Form(""), actor: Actor = Depends(checked())
) -> Response:
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON_LENGTH:
        return _request_page(
            request,
            actor,
            kind,
            request_id,
            status_code=400,
            error=f"Give a reason of at least {MIN_REASON_LENGTH} characters to show personal details.",
        )
    with session_scope() as session:
        item = _get(session, kind, request_id)
        audit.record(session, actor.username, f"{kind}_request_revealed", item.id, reason[:500], actor.ip)
    return _request_page(request, actor, kind, request_id, reveal_reason=reason)


# --- staff actions -------------------------------------------------------------------
def _date(form: Dict[str, str], name: str, what: str, required: bool = True) -> Optional[dt.date]:
    value = (form.get(name) or "").strip()
    if not value:
        if required:
            raise FormProblem(f"Enter {what}.")
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise FormProblem(f"Enter {what} as a real date, for example 2026-11-27.") from None


def _issue_certificate(session: Session, request_id: str, by: str, form: Dict[str, str]) -> str:
    certificate = mediation_requests.issue_mediation_certificate(
        session,
        request_id,
        issued_by=by,
        requester_name=form.get("requester_name", "").strip() or None,
        child_name=form.get("child_name", "").strip() or None,
        requester_role=form.get("requester_role", "").strip() or None,
        about=form.get("about", "").strip() or None,
        decision_date=_date(form, "decision_date", "the date on the decision letter", required=False),
    )
    session.flush()
    return f"{certificate.kind} certificate {certificate.reference}"


def _icb_told(session: Session, request_id: str, by: str, form: Dict[str, str]) -> str:
    """Staff told the ICBs of a mediation about health care (CFA 2014 s.53(3)): recorded in the audit log."""
    request = session.get(MediationRequest, request_id)
    if not request.health_care_in_issue:
        raise FormProblem("This request has no health care in issue, so there are no ICBs to tell.")
    day = _date(form, "told_on", "the day the ICBs were told", required=False) or dt.date.today()
    if day > dt.date.today():
        raise FormProblem("The day the ICBs were told cannot be in the future.")
    return f"ICBs told on {day.isoformat()}"


def _withdraw(withdraw: Callable[..., object]) -> Callable[[Session, str, str, Dict[str, str]], str]:
    """A withdrawal needs a reason (kept in the audit log) and a confirmation."""

    def do(session: Session, request_id: str, by: str, form: Dict[str, str]) -> str:
        reason = " ".join((form.get("reason") or "").split())
        if len(reason) < MIN_REASON_LENGTH:
            raise FormProblem(f"Say why the request is withdrawn (at least {MIN_REASON_LENGTH} characters).")
        if form.get("confirm") != "1":
            raise FormProblem("Confirm that the family asked to withdraw the request.")
        withdraw(session, request_id, by=by)
        return f"withdrawn: {reason[:500]}"

    return do


def _arranged(session: Session, request_id: str, by: str, form: Dict[str, str]) -> str:
    """A meeting after the arrange-by date (30 days, SEND Regulations 2014 reg.37) needs a confirmation."""
    meeting_on = _date(form, "meeting_on", "the date of the mediation meeting")
    request = session.get(MediationRequest, request_id)
    if meeting_on > request.arrange_by and form.get("confirm_late") != "1":
        raise LateMeeting(
            f"The meeting on {meeting_on.day} {meeting_on:%B %Y} is after the date mediation must take "
            f"place by ({request.arrange_by.day} {request.arrange_by:%B %Y}). If it cannot be arranged "
            "in time, mark it not arranged in time: the family is then due a certificate. To record "
            "this date anyway, tick the box and save again."
        )
    mediation_requests.mark_mediation_arranged(session, request_id, meeting_on=meeting_on, by=by)
    return "arranged" + (" after the arrange-by date (confirmed)" if meeting_on > request.arrange_by else "")


class LateMeeting(FormProblem):
    """A meeting date past the statutory arrange-by date, not yet confirmed."""


# action -> (the kind of request, what it does; returns a detail for the audit log)
ACTIONS: Dict[Tuple[str, str], Callable[[Session, str, str, Dict[str, str]], str]] = {
    ("mediation", "arranged"): _arranged,
    ("mediation", "icb-told"): _icb_told,
    ("mediation", "held"): lambda s, i, by, f: (
        mediation_requests.mark_mediation_held(s, i, held_on=_date(f, "held_on", "the day mediation ended"), by=by)
        and "held"
    ),
    ("mediation", "not-arranged"): lambda s, i, by, f: (
        mediation_requests.mark_not_arranged_in_time(
            s, i, by=by, learned_on=_date(f, "learned_on", "the day you learned of it", required=False)
        )
        and "not arranged in time"
    ),
    ("mediation", "withdraw"): _withdraw(mediation_requests.withdraw_mediation),
    ("mediation", "certificate"): _issue_certificate,
    ("dr", "agreed"): lambda s, i, by, f: (
        dr_service.mark_dr_agreed(
            s, i, by=by, agreed_on=_date(f, "agreed_on", "the day every party agreed", required=False)
        )
        and "agreed"
    ),
    ("dr", "declined"): lambda s, i, by, f: (
        dr_service.mark_dr_declined(s, i, by=by, reason=f.get("reason", "")) and "declined"
    ),
    ("dr", "held"): lambda s, i, by, f: (
        dr_service.mark_dr_held(s, i, held_on=_date(f, "held_on", "the day of the meeting"), by=by) and "held"
    ),
    ("dr", "withdraw"): _withdraw(dr_service.withdraw_dr),
}


@router.post("/requests/{kind}/{request_id}/{action}")
def request_action(
    request: Request,
    kind: str,
    request_id: str,
    action: str,
    meeting_on: str = Form(""),
    held_on: str = Form(""),
    learned_on: str = Form(""),
    agreed_on: str = Form(""),
    reason: str = Form(""),
    requester_name: str = Form(""),
    child_name: str = Form(""),
    requester_role: str = Form(""),
    about: str = Form(""),
    decision_date: str = Form(""),
    told_on: str = Form(""),
    confirm: str = Form(""),
    confirm_late: str = Form(""),
    actor: Actor = Depends(checked()),
) -> Response:
    do = ACTIONS.get((kind, action))
    if do is None:
        raise LookupError(action)
    form = dict(
        meeting_on=meeting_on,
        held_on=held_on,
        learned_on=learned_on,
        agreed_on=agreed_on,
        reason=reason,
        requester_name=requester_name,
        child_name=child_name,
        requester_role=requester_role,
        about=about,
        decision_date=decision_date,
        told_on=told_on,
        confirm=confirm,
        confirm_late=confirm_late,
    )
    try:
        with session_scope() as session:
            item = _get(session, kind, request_id)
            detail = do(session, item.id, actor.username, form)
            audit.record(
                session, actor.username, f"{kind}_request_{action.replace('-', '_')}", item.id, detail, actor.ip
            )
    except ValueError as problem:  # FormProblem, or the service's own message for a person
        if isinstance(problem, LateMeeting):
            form["late"] = "1"
        return _request_page(request, actor, kind, request_id, error=str(problem), status_code=400, form=form)
    return redirect(f"/console/requests/{kind}/{request_id}")
