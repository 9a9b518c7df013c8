"""A family's case in the console: the page, ownership, the live chat, callbacks, notes and reveals.

Ownership rules (issue 21): the holder of a case is the member of staff in its live chat,
else the one it is assigned to. Only the holder takes over, replies, hands back or
resolves a held chat; a manager may act instead of a colleague after confirming, and the
audit log records it. A mediator who is not the holder is told who is. Assigning a case
that someone holds, or to a colleague, asks for confirmation first. Resolving a held chat
hands it back to the assistant first (the family is told, the bot resumes).

Personal details stay hidden until revealed with a reason (audited); the holder keeps
them revealed for the rest of that visit (their staff session), and every page shown
with them revealed is audited. Pages refer to a conversation by its case reference, never
by its id (for a web chat that is the browser's secret key).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from typing import Any, Dict, List, Optional
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from bot.console import audit, auth, case_links, queue, transcripts
from bot.console.deps import (
    MIN_REASON_LENGTH,
    SESSION_COOKIE,
    Actor,
    checked,
    console_router,
    redirect,
    render,
    staff,
)
from bot.console.models import AuditEntry, StaffUser
from bot.database import session_scope
from bot.disagreement_resolution.models import DisagreementResolutionRequest
from bot.handoff import sms as sms_handoff
from bot.handoff.models import CALL_OUTCOMES, FINAL_OUTCOMES, STATUSES, CallbackAttempt, Escalation
from bot.mediation.models import Certificate, MediationRequest
from bot.outbox.numbers import display as display_number
from bot.redaction import default_redactor
from bot.settings import get_settings
from bot.webchat import hub, live
from bot.webchat.models import messages_after

log = logging.getLogger(__name__)
router = console_router()

REVEAL_ACTIONS = ("transcript_revealed", "personal_details_hidden")
SENDER_WORDS = {"person": "Family", "bot": "Assistant", "system": "Notice"}


def _safe_next(target: str) -> str:
    return target if target.startswith("/console") and not target.startswith("//") and "\\" not in target else ""


# --- who holds what --------------------------------------------------------------------
def _names(session) -> Dict[str, str]:
    return dict(session.execute(sa.select(StaffUser.username, StaffUser.display_name)).all())


def _holder(case: queue.Case) -> str:
    """The username of whoever holds the case: in its live chat, else assigned to it; '' if nobody."""
    if case.live == "assigned" and case.live_holder:
        return case.live_holder
    return (case.lead.assigned_to or "") if case.open else ""


def _revealed_reason(session, actor: Actor, case: queue.Case) -> str:
    """The reason this holder gave to reveal the case earlier in this visit ('' if none, or hidden since)."""
    if actor.username != _holder(case) or actor.session_started is None:
        return ""
    entry = (
        session.execute(
            sa.select(AuditEntry)
            .where(
                AuditEntry.actor == actor.username,
                AuditEntry.target == case.lead.id,
                AuditEntry.action.in_(REVEAL_ACTIONS),
                AuditEntry.at >= actor.session_started,
            )
            .order_by(AuditEntry.id.desc())
            .limit(1)
        )
        .scalars()
        .first()
    )
    if entry is None or entry.action != "transcript_revealed":
        return ""
    return (entry.detail or "").split(": ", 1)[-1]


def _live_messages(session, conversation_id: str, reveal: bool, after: int = 0) -> List[Dict[str, Any]]:
    """The web chat's messages as the case page shows them (redacted unless `reveal`)."""
    rows = messages_after(session, conversation_id, after)
    texts = [row.text or "" for row in rows]
    if not reveal and texts:
        texts = [result.text for result in default_redactor().redact_all(texts)]
    return [
        {
            "seq": row.seq,
            "sender": row.sender,
            "text": text,
            "who": row.staff_name if row.sender == "staff" and row.staff_name else SENDER_WORDS.get(row.sender, ""),
            "at": _short_time(row.created_at),
        }
        for row, text in zip(rows, texts)
    ]


def _short_time(value: dt.datetime) -> str:
    local = value.replace(tzinfo=dt.timezone.utc).astimezone(ZoneInfo(get_settings().timezone))
    return f"{local:%H:%M}"


def _owner_words(case: queue.Case, names: Dict[str, str], actor: Actor) -> str:
    if case.live == "waiting":
        return "Waiting for a mediator to join"
    if case.live == "assigned":
        if case.live_holder == actor.username:
            return "You are in this chat"
        return f"{names.get(case.live_holder, case.live_holder)} is in this chat"
    if case.live == "snoozed":
        return "Put aside: the assistant answers meanwhile"
    return "With the assistant"


# --- the page --------------------------------------------------------------------------
def case_page(
    request: Request,
    actor: Actor,
    escalation_id: str,
    *,
    reveal_reason: str = "",
    error: str = "",
    status_code: int = 200,
    reply_error: str = "",
    confirm: Optional[Dict[str, Any]] = None,
) -> HTMLResponse:
    settings = get_settings()
    with session_scope() as session:
        queue.link_automatically(session)
        escalation = queue.get(session, escalation_id)
        case = queue.family(session, escalation)
        names = _names(session)
        if not reveal_reason:
            reveal_reason = _revealed_reason(session, actor, case)
            audit.record(
                session,
                actor.username,
                "personal_details_shown" if reveal_reason else "transcript_viewed",
                escalation.id,
                case.reference if reveal_reason else None,
                actor.ip,
            )
        revealed = bool(reveal_reason)
        # Every request's notes, once, whichever of the case's requests the page was opened at.
        notes = [note for each in case.escalations for note in each.notes]
        notes.sort(key=lambda note: note.created_at)
        timelines = _timelines(session, case, revealed)
        wait = queue.describe_wait(queue.waited(escalation, settings=settings))
        late = queue.past_target(escalation, settings)
        target = queue.target_minutes(escalation, settings)
        text_conversation = (
            sms_handoff.state(session, escalation, reveal=revealed) if escalation.channel in ("sms", "voice") else None
        )
        chat = _live_messages(session, escalation.conversation_id, revealed) if escalation.channel == "web" else []
        attempts = list(
            session.execute(
                sa.select(CallbackAttempt)
                .where(CallbackAttempt.escalation_id.in_([e.id for e in case.escalations]))
                .order_by(CallbackAttempt.at)
            ).scalars()
        )
        colleagues = list(
            session.execute(
                sa.select(StaffUser).where(StaffUser.active.is_(True)).order_by(StaffUser.display_name)
            ).scalars()
        )
        callback_number = next((e.callback_number for e in case.escalations if e.callback_number), None)
        preferred = case.preferred_time()
        facts = _facts(session, case.conversations)
    holder = _holder(case)
    return render(
        request,
        "escalation.html",
        actor,
        status_code=status_code,
        e=escalation,
        case=case,
        notes=notes,
        timelines=timelines,
        wait=wait,
        late=late,
        target=target,
        revealed=reveal_reason,
        error=error,
        statuses=STATUSES,
        reply_error=reply_error,
        min_reason=MIN_REASON_LENGTH,
        sms=text_conversation,
        mediator_numbers=[display_number(number) for number in settings.mediator_numbers],
        preferred_time=preferred or "",
        phone_number=display_number(text_conversation["number"])
        if text_conversation and text_conversation["number"]
        else "",
        callback_number=callback_number,
        callback_display=display_number(callback_number) if callback_number else "",
        chat=chat,
        last_seq=chat[-1]["seq"] if chat else 0,
        owner_words=_owner_words(case, names, actor),
        holder=holder,
        holder_name=names.get(holder, holder),
        names=names,
        attempts=attempts,
        outcomes=CALL_OUTCOMES,
        colleagues=colleagues,
        confirm=confirm,
        facts=facts,
        may_work=_may_work(actor, case),
        can_snooze=bool(attempts) and attempts[-1].outcome in queue.SNOOZE_OUTCOMES and case.open,
        present=hub.present(escalation.conversation_id) if escalation.channel == "web" else False,
    )


def _timelines(session, case: queue.Case, revealed: bool) -> List[Dict[str, Any]]:
    """Each conversation of the case, the first first: what it was (a phone call, a text
    conversation, a web chat), its reference, how it joined the case, and its transcript."""
    timelines = []
    for conversation_id in case.conversations:
        first = min((e for e in case.escalations if e.conversation_id == conversation_id), key=lambda e: e.created_at)
        joined = case_links.link_of(session, conversation_id)
        timelines.append(
            {
                "label": queue.CHANNEL_WORDS.get(first.channel, "Conversation"),
                "started": first.created_at,
                "reference": queue.case_reference(conversation_id),
                "link": joined,
                "turns": transcripts.load(session, conversation_id, reveal=revealed),
            }
        )
    return timelines


def _may_work(actor: Actor, case: queue.Case) -> bool:
    """Whether `actor` may change the case's make-up (link, unlink, snooze): its holder or a manager."""
    return actor.can("manager") or _holder(case) == actor.username


def _facts(session, conversation_ids: List[str]) -> Dict[str, Any]:
    """What the assistant recorded for this family: mediation and DR requests, certificates (links)."""
    requests = list(
        session.execute(
            sa.select(MediationRequest).where(MediationRequest.conversation_id.in_(conversation_ids))
        ).scalars()
    )
    dr_requests = list(
        session.execute(
            sa.select(DisagreementResolutionRequest).where(
                DisagreementResolutionRequest.conversation_id.in_(conversation_ids)
            )
        ).scalars()
    )
    certificates = list(
        session.execute(sa.select(Certificate).where(Certificate.conversation_id.in_(conversation_ids))).scalars()
    )
    return {"requests": requests, "dr_requests": dr_requests, "certificates": certificates}


@router.get("/escalations/{escalation_id}")
def escalation_page(request: Request, escalation_id: str, actor: Actor = Depends(staff())) -> Response:
    return case_page(request, actor, escalation_id)


def _confirm(action: str, question: str, detail: str, button: str, **fields: str) -> Dict[str, Any]:
    return {
        "action": action,
        "question": question,
        "detail": detail,
        "button": button,
        "fields": {name: value for name, value in fields.items() if value},
    }


# --- assign ----------------------------------------------------------------------------
@router.post("/escalations/{escalation_id}/assign")
def assign(
    request: Request,
    escalation_id: str,
    return_to: str = Form(""),
    to: str = Form(""),
    confirm: str = Form(""),
    actor: Actor = Depends(checked()),
) -> Response:
    """Assign the case to me, or to a named colleague (`to`). Moving a case someone holds needs a
    confirmation; moving it out of a colleague's live chat needs a manager; the chat moves with it."""
    url = f"/console/escalations/{escalation_id}/assign"
    with session_scope() as session:
        escalation = queue.get(session, escalation_id)
        case = queue.family(session, escalation)
        names = _names(session)
        target = (to or actor.username).strip()
        active = (
            session.execute(sa.select(StaffUser).where(StaffUser.username == target, StaffUser.active.is_(True)))
            .scalars()
            .first()
        )
        conversation_id = escalation.conversation_id
    if active is None:
        return case_page(request, actor, escalation_id, error="Choose a colleague from the list.", status_code=400)
    target_name = names.get(target, target)
    in_chat = case.live_holder if case.live == "assigned" else ""
    holder = _holder(case)
    moving_chat = bool(in_chat) and in_chat != target
    if moving_chat and in_chat != actor.username and not actor.can("manager"):
        return case_page(
            request,
            actor,
            escalation_id,
            status_code=409,
            error=f"{names.get(in_chat, in_chat)} is in this family's live chat. Only they, or a "
            "manager, can move the case.",
        )
    if confirm != "1" and (
        target != actor.username or (holder and holder not in (target, actor.username)) or moving_chat
    ):
        whom = "you" if target == actor.username else target_name
        detail = (
            f"{names.get(holder, holder)} has this case"
            + (" and is in its live chat" if in_chat else "")
            + ". They will no longer be able to reply."
            if holder and holder != target
            else f"{target_name} will see it under “Only mine”."
        )
        return case_page(
            request,
            actor,
            escalation_id,
            confirm=_confirm(
                url, f"Assign this case to {whom}?", detail, f"Yes, assign it to {whom}", to=to, return_to=return_to
            ),
        )
    try:
        if moving_chat:
            live.take_over(conversation_id, target, target_name, force=True)
        with session_scope() as session:
            escalation = queue.get(session, escalation_id)
            queue.assign(session, escalation, target, actor.ip, actor=actor.username)
            if moving_chat:
                audit.record(
                    session,
                    actor.username,
                    "live_chat_moved",
                    escalation_id,
                    f"{case.reference}: from {in_chat} to {target}",
                    actor.ip,
                )
    except (queue.QueueError, live.LiveError) as problem:
        return case_page(request, actor, escalation_id, error=str(problem), status_code=400)
    return redirect(_safe_next(return_to) or f"/console/escalations/{escalation_id}")


# --- status ----------------------------------------------------------------------------
@router.post("/escalations/{escalation_id}/status")
def change_status(
    request: Request,
    escalation_id: str,
    status: str = Form(""),
    confirm: str = Form(""),
    actor: Actor = Depends(checked()),
) -> Response:
    """Resolving a case whose live chat is held hands the chat back to the assistant first."""
    with session_scope() as session:
        escalation = queue.get(session, escalation_id)
        case = queue.family(session, escalation)
        names = _names(session)
    held = status == "resolved" and case.live in ("waiting", "assigned")
    forced = False
    if held and case.live == "assigned" and case.live_holder != actor.username:
        holder_name = names.get(case.live_holder, case.live_holder)
        if not actor.can("manager"):
            return case_page(
                request,
                actor,
                escalation_id,
                status_code=409,
                error=f"{holder_name} is in this live chat. Only they, or a manager, can resolve it.",
            )
        if confirm != "1":
            return case_page(
                request,
                actor,
                escalation_id,
                confirm=_confirm(
                    f"/console/escalations/{escalation_id}/status",
                    f"Resolve {holder_name}'s live chat?",
                    f"{holder_name} is in this chat with the family. Resolving it ends their chat and hands the family "
                    "back to the assistant.",
                    "Yes, resolve it",
                    status="resolved",
                ),
            )
        forced = True
    try:
        if held:
            live.resolve(escalation.conversation_id, actor.username, force=forced)
        with session_scope() as session:
            queue.set_status(session, queue.get(session, escalation_id), status, actor.username, actor.ip)
            if held:
                audit.record(
                    session,
                    actor.username,
                    "live_resolve",
                    escalation_id,
                    case.reference + (f": in place of {case.live_holder}" if forced else ""),
                    actor.ip,
                )
    except (queue.QueueError, live.LiveError) as problem:
        return case_page(request, actor, escalation_id, error=str(problem), status_code=400)
    return redirect(f"/console/escalations/{escalation_id}")


@router.post("/escalations/{escalation_id}/notes")
def add_note(request: Request, escalation_id: str, text: str = Form(""), actor: Actor = Depends(checked())) -> Response:
    try:
        with session_scope() as session:
            queue.add_note(session, queue.get(session, escalation_id), text, actor.username, actor.ip)
    except queue.QueueError as error:
        return case_page(request, actor, escalation_id, error=str(error), status_code=400)
    return redirect(f"/console/escalations/{escalation_id}#notes")


# --- reveal ----------------------------------------------------------------------------
@router.post("/escalations/{escalation_id}/reveal")
def reveal(request: Request, escalation_id: str, reason: str = Form(""), actor: Actor = Depends(checked())) -> Response:
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON_LENGTH:
        return case_page(
            request,
            actor,
            escalation_id,
            status_code=400,
            error=f"Give a reason of at least {MIN_REASON_LENGTH} characters to show personal details.",
        )
    with session_scope() as session:
        escalation = queue.get(session, escalation_id)
        audit.record(
            session,
            actor.username,
            "transcript_revealed",
            escalation.id,
            f"{queue.case_reference(escalation.conversation_id)}: {reason[:500]}",
            actor.ip,
        )
    return case_page(request, actor, escalation_id, reveal_reason=reason)


@router.post("/escalations/{escalation_id}/hide")
def hide(request: Request, escalation_id: str, actor: Actor = Depends(checked())) -> Response:
    with session_scope() as session:
        escalation = queue.get(session, escalation_id)
        audit.record(session, actor.username, "personal_details_hidden", escalation.id, None, actor.ip)
    return redirect(f"/console/escalations/{escalation_id}")


# --- callbacks -------------------------------------------------------------------------
def _next_try(value: str) -> Optional[dt.datetime]:
    """A datetime-local value ('2027-01-04T14:30', London time) as naive UTC; ValueError if unreadable."""
    if not value.strip():
        return None
    local = dt.datetime.fromisoformat(value.strip()).replace(tzinfo=ZoneInfo(get_settings().timezone))
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


@router.post("/escalations/{escalation_id}/call")
def record_call(
    request: Request,
    escalation_id: str,
    outcome: str = Form(""),
    next_try: str = Form(""),
    close: str = Form(""),
    actor: Actor = Depends(checked()),
) -> Response:
    """One try to call the family back: its outcome, when to try next, or close the case with it."""
    try:
        when = _next_try(next_try)
    except ValueError:
        return case_page(
            request,
            actor,
            escalation_id,
            status_code=400,
            error="Enter the next try as a date and time, like 4 January 2027 at 14:30.",
        )
    try:
        with session_scope() as session:
            escalation = queue.get(session, escalation_id)
            queue.record_call(
                session,
                escalation,
                outcome,
                actor.username,
                actor.ip,
                next_try=when,
                close=close == "1" or outcome in FINAL_OUTCOMES,
            )
    except queue.QueueError as error:
        return case_page(request, actor, escalation_id, error=str(error), status_code=400)
    return redirect(f"/console/escalations/{escalation_id}#callback")


@router.post("/escalations/{escalation_id}/snooze")
def snooze(request: Request, escalation_id: str, until: str = Form(""), actor: Actor = Depends(checked())) -> Response:
    """Put the callback aside until a time after a try that reached nobody; the queue shows it again then."""
    try:
        when = _next_try(until)
    except ValueError:
        when = None
    if when is None:
        return case_page(
            request,
            actor,
            escalation_id,
            status_code=400,
            error="Enter when to try again as a date and time, like 4 January 2027 at 14:30.",
        )
    with session_scope() as session:
        case = queue.family(session, queue.get(session, escalation_id))
    if not _may_work(actor, case):
        return case_page(request, actor, escalation_id, status_code=409, error=_not_yours(case))
    try:
        with session_scope() as session:
            queue.snooze(session, queue.get(session, case.lead.id), when, actor.username, actor.ip)
    except queue.QueueError as error:
        return case_page(request, actor, escalation_id, error=str(error), status_code=400)
    return redirect(f"/console/escalations/{escalation_id}#callback")


# --- one family, one case: link and unlink (bot.console.case_links) ---------------------
def _not_yours(case: queue.Case) -> str:
    with session_scope() as session:
        names = _names(session)
    holder = _holder(case)
    if holder:
        return f"{names.get(holder, holder)} is handling this case. Only they, or a manager, can do that."
    return "Only the mediator handling this case, or a manager, can do that. Assign it to yourself first."


@router.post("/escalations/{escalation_id}/link")
def link_case(
    request: Request,
    escalation_id: str,
    other: str = Form(""),
    reason: str = Form(""),
    confirm: str = Form(""),
    actor: Actor = Depends(checked()),
) -> Response:
    """Join another case (by its reference) to this one, with a reason and a confirmation: the
    family's requests become one case, resolved together. Audited ("case_linked")."""
    reason = " ".join(reason.split())
    with session_scope() as session:
        escalation = queue.get(session, escalation_id)
        case = queue.family(session, escalation)
        found = queue.find_case(session, other)
        other_case = queue.family(session, found) if found is not None else None
        names = _names(session)
    if not _may_work(actor, case):
        return case_page(request, actor, escalation_id, status_code=409, error=_not_yours(case))
    if other_case is None:
        return case_page(
            request,
            actor,
            escalation_id,
            status_code=400,
            error="Enter the other case's reference as the queue shows it, like C-3F9A2C71.",
        )
    if other_case.reference == case.reference:
        return case_page(request, actor, escalation_id, status_code=400, error="That is this case.")
    if len(reason) < MIN_REASON_LENGTH:
        return case_page(
            request,
            actor,
            escalation_id,
            status_code=400,
            error=f"Say why these are the same family, in at least {MIN_REASON_LENGTH} characters.",
        )
    other_holder = _holder(other_case)
    if other_holder and other_holder != actor.username and not actor.can("manager"):
        return case_page(
            request,
            actor,
            escalation_id,
            status_code=409,
            error=f"{names.get(other_holder, other_holder)} is handling case {other_case.reference}. "
            "Only they, or a manager, can link it.",
        )
    if confirm != "1":
        lead = other_case.lead
        detail = (
            f"Case {other_case.reference}: {queue.reason_words(lead)}, {lead.status}. Both become one case: its "
            "requests, conversations and notes show here, and resolving the case resolves them all. Your "
            "reason goes in the audit log."
        )
        return case_page(
            request,
            actor,
            escalation_id,
            confirm=_confirm(
                f"/console/escalations/{escalation_id}/link",
                f"Link case {other_case.reference} to this case?",
                detail,
                "Yes, link the cases",
                other=other_case.reference,
                reason=reason,
            ),
        )
    try:
        with session_scope() as session:
            case_links.link(session, case.conversations[0], other_case.conversations[0], actor.username, reason)
            holder = _holder(case)
            if holder and other_case.open:
                for member in other_case.escalations:
                    if member.status != "resolved":
                        queue.get(session, member.id).assigned_to = holder
            audit.record(
                session,
                actor.username,
                "case_linked",
                escalation_id,
                f"{other_case.reference} joined {case.reference}: {reason[:500]}",
                actor.ip,
            )
    except case_links.LinkError as problem:
        return case_page(request, actor, escalation_id, error=str(problem), status_code=400)
    return redirect(f"/console/escalations/{escalation_id}#conversations")


@router.post("/escalations/{escalation_id}/unlink")
def unlink_case(
    request: Request,
    escalation_id: str,
    reference: str = Form(""),
    confirm: str = Form(""),
    actor: Actor = Depends(checked()),
) -> Response:
    """Take a conversation joined to this case out of it again (a wrong link); audited ("case_unlinked")."""
    with session_scope() as session:
        case = queue.family(session, queue.get(session, escalation_id))
    if not _may_work(actor, case):
        return case_page(request, actor, escalation_id, status_code=409, error=_not_yours(case))
    conversation_id = next((c for c in case.conversations if queue.case_reference(c) == reference), None)
    if conversation_id is None:
        return case_page(request, actor, escalation_id, status_code=400, error="That conversation is not in this case.")
    if confirm != "1":
        return case_page(
            request,
            actor,
            escalation_id,
            confirm=_confirm(
                f"/console/escalations/{escalation_id}/unlink",
                f"Take {reference} out of this case?",
                f"{reference} becomes a case of its own again, and is never joined to this one automatically again.",
                f"Yes, take {reference} out",
                reference=reference,
            ),
        )
    try:
        with session_scope() as session:
            case_links.unlink(session, conversation_id, actor.username)
            audit.record(
                session,
                actor.username,
                "case_unlinked",
                escalation_id,
                f"{reference} taken out of {case.reference}",
                actor.ip,
            )
    except case_links.LinkError as problem:
        return case_page(request, actor, escalation_id, error=str(problem), status_code=400)
    return redirect(f"/console/escalations/{escalation_id}#conversations")


# --- the live web chat (bot.webchat.live does the work) --------------------------------
def _conversation(escalation_id: str):
    with session_scope() as session:
        escalation = queue.get(session, escalation_id)
        return escalation.conversation_id, queue.family(session, escalation), _names(session)


def _live_audit(actor: Actor, escalation_id: str, action: str, detail: str) -> None:
    with session_scope() as session:
        audit.record(session, actor.username, action, escalation_id, detail, actor.ip)


def _colleague_guard(
    request: Request,
    actor: Actor,
    escalation_id: str,
    confirm: str,
    action: str,
    refusal: str,
    question: str,
    detail: str,
    button: str,
) -> Optional[HTMLResponse]:
    """Acting in a colleague's live chat: a mediator is refused (409), a manager is asked to
    confirm first; None once a manager has confirmed."""
    if not actor.can("manager"):
        return case_page(request, actor, escalation_id, status_code=409, reply_error=refusal)
    if confirm != "1":
        return case_page(
            request,
            actor,
            escalation_id,
            confirm=_confirm(f"/console/escalations/{escalation_id}/{action}", question, detail, button),
        )
    return None


@router.post("/escalations/{escalation_id}/take-over")
def take_over(
    request: Request, escalation_id: str, confirm: str = Form(""), actor: Actor = Depends(checked())
) -> Response:
    conversation_id, case, names = _conversation(escalation_id)
    holder = _holder(case)
    forced = bool(holder) and holder != actor.username
    if forced:
        holder_name = names.get(holder, holder)
        stop = _colleague_guard(
            request,
            actor,
            escalation_id,
            confirm,
            "take-over",
            f"{holder_name} has this case. Only they, or a manager, can take over its chat.",
            f"Take over from {holder_name}?",
            f"{holder_name} has this case. If you take over, they can no longer reply to the family.",
            f"Yes, take over from {holder_name}",
        )
        if stop is not None:
            return stop
    try:
        live.take_over(conversation_id, actor.username, actor.display_name, force=forced)
    except live.LiveError as problem:
        return case_page(request, actor, escalation_id, reply_error=f"That did not work: {problem}.", status_code=409)
    with session_scope() as session:
        escalation = queue.get(session, escalation_id)
        if escalation.status != "resolved" and escalation.assigned_to != actor.username:
            queue.assign(session, escalation, actor.username, actor.ip)
        audit.record(
            session,
            actor.username,
            "live_take_over",
            escalation_id,
            case.reference + (f": from {holder}" if forced else ""),
            actor.ip,
        )
    return redirect(f"/console/escalations/{escalation_id}#live")


@router.post("/escalations/{escalation_id}/hand-back")
def hand_back(
    request: Request, escalation_id: str, confirm: str = Form(""), actor: Actor = Depends(checked())
) -> Response:
    conversation_id, case, names = _conversation(escalation_id)
    forced = case.live == "assigned" and case.live_holder != actor.username
    if forced:
        holder_name = names.get(case.live_holder, case.live_holder)
        stop = _colleague_guard(
            request,
            actor,
            escalation_id,
            confirm,
            "hand-back",
            f"{holder_name} is in this live chat. Only they, or a manager, can hand it back.",
            f"Hand back {holder_name}'s chat?",
            f"{holder_name} is in this chat with the family. Handing it back ends their chat.",
            "Yes, hand it back to the assistant",
        )
        if stop is not None:
            return stop
    try:
        live.hand_back(conversation_id, actor.username, force=forced)
    except live.LiveError as problem:
        return case_page(request, actor, escalation_id, reply_error=f"That did not work: {problem}.", status_code=409)
    _live_audit(
        actor, escalation_id, "live_hand_back", case.reference + (f": in place of {case.live_holder}" if forced else "")
    )
    return redirect(f"/console/escalations/{escalation_id}#live")


@router.post("/escalations/{escalation_id}/reply")
def reply(request: Request, escalation_id: str, text: str = Form(""), actor: Actor = Depends(checked())) -> Response:
    """Only the member of staff in the chat replies; the family sees it under their name."""
    text = text.strip()
    if not text:
        return case_page(request, actor, escalation_id, reply_error="Write a reply before sending it.", status_code=400)
    conversation_id, case, names = _conversation(escalation_id)
    try:
        live.send_staff_message(conversation_id, text, actor.display_name, actor.username)
    except live.HeldByColleague as problem:
        return case_page(
            request,
            actor,
            escalation_id,
            status_code=409,
            reply_error=f"{names.get(problem.holder, problem.name)} is in this live chat. Only they can reply.",
        )
    except live.LiveError:
        return case_page(
            request, actor, escalation_id, status_code=409, reply_error="Take over the chat before replying."
        )
    _live_audit(actor, escalation_id, "live_send_staff_message", case.reference)
    return redirect(f"/console/escalations/{escalation_id}#reply-text")


@router.get("/escalations/{escalation_id}/live/events")
async def live_events(
    request: Request, escalation_id: str, after: int = 0, actor: Actor = Depends(staff(touch=False))
) -> Response:
    """Server-sent events: each new message of the case's web chat ("message"), and who holds it and
    whether the family still has the chat open ("state"). Redacted unless this holder revealed it in
    this visit. Ends after the console's idle timeout, and as soon as the staff session ends (signed
    out in another tab, idle, past its absolute limit: the stream does not keep it alive, issue 20);
    the browser reconnects (and signs in again)."""
    token = request.cookies.get(SESSION_COOKIE)

    def load(last: int):
        with session_scope() as session:
            if auth.session_for(session, token, touch=False) is None:
                return None
            escalation = queue.get(session, escalation_id)
            case = queue.family(session, escalation)
            revealed = bool(_revealed_reason(session, actor, case))
            messages = _live_messages(session, escalation.conversation_id, revealed, after=last)
            state = {
                "owner": _owner_words(case, _names(session), actor),
                "live": case.live,
                "mine": case.live == "assigned" and case.live_holder == actor.username,
            }
            return escalation.conversation_id, messages, state

    first = await asyncio.to_thread(load, after)
    if first is None:
        return Response(status_code=204)  # the session ended just now: EventSource stops
    conversation_id = first[0]
    settings = get_settings()
    stop_at = asyncio.get_running_loop().time() + 60 * settings.console_idle_timeout_minutes

    async def stream():
        wake = hub.subscribe(conversation_id, watcher=True)
        last, sent_state = int(request.headers.get("last-event-id") or after or 0), None
        try:
            yield "retry: 2000\n\n"
            while asyncio.get_running_loop().time() < stop_at and not await request.is_disconnected():
                wake.clear()
                loaded = await asyncio.to_thread(load, last)
                if loaded is None:
                    break  # the staff session ended: nothing more reaches this page
                _, messages, state = loaded
                for message in messages:
                    last = message["seq"]
                    yield f"id: {last}\nevent: message\ndata: {json.dumps(message)}\n\n"
                state["present"] = hub.present(conversation_id)
                if state != sent_state:
                    sent_state = state
                    yield f"event: state\ndata: {json.dumps(state)}\n\n"
                try:
                    await asyncio.wait_for(wake.wait(), timeout=settings.webchat_poll_seconds)
                except asyncio.TimeoutError:
                    yield ": still here\n\n"
        finally:
            hub.unsubscribe(conversation_id, wake)

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"X-Accel-Buffering": "no"})


# --- bulk resolve (from the queue) -----------------------------------------------------
@router.post("/bulk-resolve")
def bulk_resolve(
    request: Request, ids: List[str] = Form([]), confirm: str = Form(""), actor: Actor = Depends(checked())
) -> Response:
    """Resolve the chosen cases after a confirmation page. A case in a colleague's live chat is left
    as it is; a live chat the actor holds or that is waiting is handed back first (the family is told)."""
    with session_scope() as session:
        cases, seen = [], set()
        for escalation_id in ids[:200]:
            escalation = session.get(Escalation, escalation_id)
            if escalation is None or escalation.conversation_id in seen:
                continue
            seen.add(escalation.conversation_id)
            case = queue.family(session, escalation)
            if case.open:
                cases.append(case)
        names = _names(session)
    held = {
        case.reference: names.get(case.live_holder, case.live_holder)
        for case in cases
        if case.live == "assigned" and case.live_holder != actor.username
    }
    if not cases:
        return redirect("/console/")
    if confirm != "1":
        return render(request, "bulk_resolve.html", actor, cases=cases, held=held)
    resolved = 0
    for case in cases:
        if case.reference in held:
            continue
        try:
            if case.live in ("waiting", "assigned"):
                live.resolve(case.lead.conversation_id, actor.username)
            with session_scope() as session:
                queue.set_status(session, queue.get(session, case.lead.id), "resolved", actor.username, actor.ip)
            resolved += 1
        except (queue.QueueError, live.LiveError):
            log.warning("console: bulk resolve skipped case %s", case.reference)
    with session_scope() as session:
        audit.record(
            session,
            actor.username,
            "bulk_resolve",
            None,
            f"{resolved} resolved: " + ", ".join(c.reference for c in cases if c.reference not in held)[:1500],
            actor.ip,
        )
    return redirect(f"/console/?resolved={resolved}&skipped={len(cases) - resolved}")
