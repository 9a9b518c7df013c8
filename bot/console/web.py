"""The staff console: server-rendered pages under /console.

Every page needs a signed-in member of staff with the right role; every form carries
the session's CSRF token; every response says `Cache-Control: no-store`; every
action is written to the audit log. Roles: mediator (queue, transcripts,
certificates, requests), manager (+ usage, audit log), admin (+ users).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Dict, Optional
from urllib.parse import quote

import sqlalchemy as sa
from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from bot.console import audit, auth, csrf, queue
from bot.console.cases_web import case_page
from bot.console.deps import (
    HERE,
    SESSION_COOKIE,
    Actor,
    BadCsrf,
    checked,
    client_ip,
    console_router,
    redirect,
    render,
    staff,
)
from bot.console.models import ROLES, StaffUser
from bot.database import session_scope
from bot.handoff import calls
from bot.handoff import sms as sms_handoff
from bot.handoff.models import CHANNELS, PRIORITIES, STATUSES
from bot.outbox import worker as outbox_worker
from bot.redaction import redact
from bot.settings import get_settings

log = logging.getLogger(__name__)

STATIC_FILES = {"console.css": "text/css", "console.js": "text/javascript"}


# --- start-up ------------------------------------------------------------------------
async def _startup() -> None:
    # Load spaCy for the redactor now, in the background, not on the first transcript view.
    global _warm_up_task
    _warm_up_task = asyncio.create_task(asyncio.to_thread(redact, "warm up"))


_warm_up_task: Optional[asyncio.Task] = None
router = console_router(on_startup=[_startup])


@router.get("/static/{name}")
def static(name: str) -> Response:
    if name not in STATIC_FILES:
        raise LookupError(name)
    return Response((HERE / "static" / name).read_bytes(), media_type=STATIC_FILES[name])


# --- sign-in and sign-out ------------------------------------------------------------
def _safe_next(target: str) -> str:
    return (
        target if target.startswith("/console") and not target.startswith("//") and "\\" not in target else "/console/"
    )


def _login_page(
    request: Request,
    error: str = "",
    username: str = "",
    status_code: int = 200,
    next_url: str = "/console/",
    notice: str = "",
) -> HTMLResponse:
    token = csrf.new_token()
    response = render(
        request,
        "login.html",
        None,
        status_code=status_code,
        login_csrf=token,
        error=error,
        username=username,
        next_url=_safe_next(next_url),
        notice=notice,
    )
    response.set_cookie(
        csrf.LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=_secure(), path="/console/login"
    )
    return response


def _secure() -> bool:
    return get_settings().public_base_url.startswith("https://")


@router.get("/login")
def login_form(request: Request, next: str = "/console/", changed: int = 0) -> Response:  # noqa: A002 - the query parameter's name
    notice = "Your password has been changed. Sign in with the new one." if changed else ""
    return _login_page(request, next_url=next, notice=notice)


@router.post("/login")
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    csrf_token: str = Form(""),
    next: str = Form("/console/"),
) -> Response:  # noqa: A002
    if not csrf.tokens_match(request.cookies.get(csrf.LOGIN_COOKIE), csrf_token):
        raise BadCsrf()
    with session_scope() as session:
        result = auth.sign_in(session, username, password, client_ip(request))
    if result.user is None:
        locked = result.error.startswith("Too many")
        return _login_page(request, result.error, username, 429 if locked else 401, next)
    response = redirect(f"/console/login/second-factor?next={quote(_safe_next(next))}")  # bot.console.account_web
    response.set_cookie(
        SESSION_COOKIE, result.token, httponly=True, samesite="strict", secure=_secure(), path="/console"
    )
    response.delete_cookie(csrf.LOGIN_COOKIE, path="/console/login")
    return response


@router.post("/logout")
def logout(request: Request, actor: Actor = Depends(checked())) -> Response:
    with session_scope() as session:
        current = auth.session_for(session, request.cookies.get(SESSION_COOKIE), touch=False)
        if current is not None:
            auth.sign_out(session, current, actor.ip)
    response = redirect("/console/login")
    response.delete_cookie(SESSION_COOKIE, path="/console")
    return response


# --- the escalations queue -----------------------------------------------------------
@router.get("/")
def queue_page(request: Request, actor: Actor = Depends(staff())) -> Response:
    """One row per family: who, what, how urgent, how to reach them, the council and the wait in staffed time."""
    filters = queue.Filters.parse(dict(request.query_params))
    settings = get_settings()
    with session_scope() as session:
        queue.link_automatically(session)  # one caller's phone and text cases are one case
        found = queue.list_cases(session, filters, actor.username)
        rows = [
            (
                case,
                queue.describe_wait(queue.waited(case.lead, settings=settings)),
                queue.past_target(case.lead, settings),
                queue.target_minutes(case.lead, settings),
            )
            for case in found.cases
        ]
        names = dict(session.execute(sa.select(StaffUser.username, StaffUser.display_name)).all())
        summaries = [redact(case.preferred_time()) if case.preferred_time() else "" for case in found.cases]
        authorities = queue.local_authorities(session)
        alerts = queue.alerts(session)
    return render(
        request,
        "queue.html",
        actor,
        rows=list(zip(rows, summaries)),
        found=found,
        filters=filters,
        authorities=authorities,
        alerts=alerts,
        statuses=STATUSES,
        priorities=PRIORITIES,
        channels=CHANNELS,
        sorts=queue.SORTS,
        names=names,
        poll_seconds=settings.console_alert_poll_seconds,
        resolved=_count(request.query_params.get("resolved")),
        skipped=_count(request.query_params.get("skipped")),
    )


def _count(value: Optional[str]) -> Optional[int]:
    """A count from the query string (after a bulk resolve), or None."""
    return int(value) if value and value.isdigit() and len(value) < 5 else None


@router.get("/alerts.json")
def alerts_json(actor: Actor = Depends(staff(touch=False))) -> Response:
    with session_scope() as session:
        return JSONResponse(queue.alerts(session))


# --- text conversations (bot.handoff.sms does the work) ---------------------------
async def _sms_action(request: Request, escalation_id: str, actor: Actor, action: str, *args) -> Response:
    try:
        await asyncio.to_thread(getattr(sms_handoff, action), escalation_id, *args)
    except sms_handoff.SmsHandoffError as error:
        return await asyncio.to_thread(
            case_page, request, actor, escalation_id, reply_error=str(error), status_code=409
        )

    def write_audit() -> None:
        with session_scope() as session:
            audit.record(session, actor.username, f"sms_{action}", escalation_id, None, actor.ip)

    await asyncio.to_thread(write_audit)
    outbox_worker.wake_threadsafe()
    return redirect(f"/console/escalations/{escalation_id}#sms")


@router.post("/escalations/{escalation_id}/sms/take-over")
async def sms_take_over(request: Request, escalation_id: str, actor: Actor = Depends(checked())) -> Response:
    return await _sms_action(request, escalation_id, actor, "take_over", actor.username, actor.display_name)


@router.post("/escalations/{escalation_id}/sms/reply")
async def sms_reply(
    request: Request, escalation_id: str, text: str = Form(""), actor: Actor = Depends(checked())
) -> Response:
    return await _sms_action(request, escalation_id, actor, "send_reply", text, actor.username)


@router.post("/escalations/{escalation_id}/sms/hand-back")
async def sms_hand_back(request: Request, escalation_id: str, actor: Actor = Depends(checked())) -> Response:
    return await _sms_action(request, escalation_id, actor, "hand_back", actor.username, actor.display_name)


@router.post("/escalations/{escalation_id}/call/next-caller")
async def take_next_caller(
    request: Request, escalation_id: str, mediator_number: str = Form(""), actor: Actor = Depends(checked())
) -> Response:
    """The line rings the mediator's phone and connects them to the caller who has waited longest."""
    try:
        sid = await asyncio.to_thread(calls.call_mediator_to_next_caller, mediator_number)
    except calls.CallError as error:
        return await asyncio.to_thread(
            case_page, request, actor, escalation_id, reply_error=str(error), status_code=409
        )

    def record() -> None:
        with session_scope() as session:
            escalation = queue.get(session, escalation_id)
            if escalation.status != "resolved" and not escalation.assigned_to:
                queue.assign(session, escalation, actor.username, actor.ip)
            audit.record(session, actor.username, "call_next_caller", escalation_id, f"call {sid}", actor.ip)

    await asyncio.to_thread(record)
    return redirect(f"/console/escalations/{escalation_id}#sms")


# --- audit log (managers) ------------------------------------------------------------
@router.get("/audit")
def audit_page(
    request: Request, actor_name: str = "", action: str = "", before: int = 0, actor: Actor = Depends(staff("manager"))
) -> Response:
    with session_scope() as session:
        rows = audit.entries(session, actor=actor_name.strip(), action=action.strip(), before_id=before or None)
        actions = audit.actions(session)
        audit.record(session, actor.username, "audit_viewed", None, None, actor.ip)
    return render(request, "audit.html", actor, rows=rows, actions=actions, actor_name=actor_name, action=action)


# --- staff users (admins) ------------------------------------------------------------
def _users_page(request: Request, actor: Actor, error: str = "", status_code: int = 200, form: Dict = None):
    with session_scope() as session:
        users = list(session.execute(sa.select(StaffUser).order_by(StaffUser.username)).scalars())
    return render(
        request,
        "users.html",
        actor,
        users=users,
        roles=ROLES,
        error=error,
        status_code=status_code,
        form=form or {},
        min_length=auth.MIN_PASSWORD_LENGTH,
    )


@router.get("/users")
def users_page(request: Request, actor: Actor = Depends(staff("admin"))) -> Response:
    return _users_page(request, actor)


@router.post("/users")
def create_user(
    request: Request,
    username: str = Form(""),
    display_name: str = Form(""),
    role: str = Form(""),
    password: str = Form(""),
    actor: Actor = Depends(checked("admin")),
) -> Response:
    try:
        with session_scope() as session:
            auth.create_user(
                session,
                username=username,
                password=password,
                role=role,
                display_name=display_name,
                actor=actor.username,
                ip_address=actor.ip,
            )
    except auth.UserError as error:
        return _users_page(
            request, actor, str(error), 400, {"username": username, "display_name": display_name, "role": role}
        )
    return redirect("/console/users")


@router.post("/users/{username}/disable")
def disable_user(request: Request, username: str, actor: Actor = Depends(checked("admin"))) -> Response:
    if username == actor.username:
        return _users_page(request, actor, "You cannot disable yourself.", 400)
    try:
        with session_scope() as session:
            auth.disable_user(session, username, actor=actor.username, ip_address=actor.ip)
    except auth.UserError as error:
        return _users_page(request, actor, str(error), 400)
    return redirect("/console/users")
