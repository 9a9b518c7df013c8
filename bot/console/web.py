"""The staff console: server-rendered pages under /console.

Every page needs a signed-in member of staff with the right role; every form carries
the session's CSRF token; every response says `Cache-Control: no-store`; every
action is written to the audit log. Roles: mediator (queue, transcripts,
certificates, requests), manager (+ usage, audit log), admin (+ users).
"""
from __future__ import annotations

import asyncio
import inspect
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Optional
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from bot.console import audit, auth, csrf, queue, transcripts
from bot.database import session_scope
from bot.handoff.models import CHANNELS, PRIORITIES, STATUSES
from bot.redaction import redact
from bot.settings import get_settings

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "console_session"
MIN_REASON_LENGTH = 10
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; "
                               "form-action 'self'; base-uri 'none'",
}
# (path, label, role needed): the pages in the header, shown to those who may see them.
NAV_PAGES = [("/console/requests", "Requests", "mediator"), ("/console/certificates", "Certificates", "mediator"),
             ("/console/usage", "Usage", "manager"), ("/console/audit", "Audit log", "manager"),
             ("/console/users", "Users", "admin")]
STATIC_FILES = {"console.css": "text/css", "console.js": "text/javascript"}

templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals.update(reason_words=queue.reason_words, interpreter_words=queue.interpreter_words)


# --- errors the route class turns into pages -----------------------------------------
class NotSignedIn(Exception):
    pass


class Forbidden(Exception):
    pass


class BadCsrf(Exception):
    pass


class ConsoleRoute(APIRoute):
    """Adds the security headers to every console response, errors included."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def console_handler(request: Request) -> Response:
            try:
                response = await handler(request)
            except NotSignedIn:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                response = (RedirectResponse(f"/console/login?next={quote(target)}", status_code=303)
                            if request.method == "GET" else _message(request, 401, "Sign in first",
                                                                     "Your session has ended. Sign in again."))
            except Forbidden:
                response = _message(request, 403, "You cannot see this page",
                                    "Your role does not allow it. Ask a manager if you need it.")
            except BadCsrf:
                response = _message(request, 403, "This form has expired",
                                    "Go back, reload the page and try again.")
            except LookupError:
                response = _message(request, 404, "Page not found", "Nothing is stored under that address.")
            response.headers.update(SECURITY_HEADERS)
            return response

        return console_handler


def _message(request: Request, status: int, title: str, text: str) -> HTMLResponse:
    return templates.TemplateResponse(request, "message.html", {"title": title, "text": text, "actor": None},
                                      status_code=status)


# --- who is asking -------------------------------------------------------------------
@dataclass
class Actor:
    username: str
    display_name: str
    role: str
    csrf_token: str
    ip: str

    def can(self, role: str) -> bool:
        return auth.role_allows(self.role, role)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def staff(role: str = "mediator") -> Callable[..., Actor]:
    """A dependency: the signed-in member of staff, who must have at least `role`."""

    def dependency(request: Request) -> Actor:
        ip = client_ip(request)
        with session_scope() as session:
            current = auth.session_for(session, request.cookies.get(SESSION_COOKIE))
            if current is None:
                actor = None
            else:
                user = current.user
                actor = Actor(user.username, user.display_name, user.role, current.csrf_token, ip)
                if not actor.can(role):
                    audit.record(session, user.username, "access_denied", request.url.path, f"needs {role}", ip)
        if actor is None:
            raise NotSignedIn()
        if not actor.can(role):
            raise Forbidden()
        return actor

    return dependency


def checked(role: str = "mediator") -> Callable[..., Actor]:
    """Like staff(), for a form post: the form's csrf_token must be the session's."""
    get_actor = staff(role)

    def dependency(request: Request, csrf_token: str = Form("")) -> Actor:
        actor = get_actor(request)
        if not csrf.tokens_match(actor.csrf_token, csrf_token):
            with session_scope() as session:
                audit.record(session, actor.username, "csrf_refused", request.url.path, None, actor.ip)
            raise BadCsrf()
        return actor

    return dependency


def render(request: Request, name: str, actor: Optional[Actor], status_code: int = 200, **context) -> HTMLResponse:
    settings = get_settings()
    context.update(actor=actor, service_name=settings.service_name, path=request.url.path, nav_pages=NAV_PAGES)
    if actor is not None and "alerts" not in context:
        with session_scope() as session:
            context["alerts"] = queue.alerts(session)
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# --- the retention job in the background ---------------------------------------------
_retention_task: Optional[asyncio.Task] = None
_warm_up_task: Optional[asyncio.Task] = None


async def _startup() -> None:
    global _retention_task, _warm_up_task
    # Load spaCy for the redactor now, in the background, not on the first transcript view.
    _warm_up_task = asyncio.create_task(asyncio.to_thread(redact, "warm up"))
    hours = get_settings().retention_job_hours
    if hours > 0:
        _retention_task = asyncio.create_task(_retention_worker(hours * 3600))


async def _shutdown() -> None:
    if _retention_task:
        _retention_task.cancel()


async def _retention_worker(interval: float) -> None:
    from bot.console.retention import apply_retention

    while True:
        try:
            report = await asyncio.to_thread(apply_retention)
            log.info("retention: %s", report.describe())
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - keep the worker alive; the next run tries again
            log.exception("retention job failed")
        await asyncio.sleep(interval)


router = APIRouter(prefix="/console", tags=["console"], route_class=ConsoleRoute, include_in_schema=False,
                   on_startup=[_startup], on_shutdown=[_shutdown])


@router.get("/static/{name}")
def static(name: str) -> Response:
    if name not in STATIC_FILES:
        raise LookupError(name)
    return Response((HERE / "static" / name).read_bytes(), media_type=STATIC_FILES[name])


# --- sign-in and sign-out ------------------------------------------------------------
def _safe_next(target: str) -> str:
    return target if target.startswith("/console") and not target.startswith("//") and "\\" not in target else "/console/"


def _login_page(request: Request, error: str = "", username: str = "", status_code: int = 200,
                next_url: str = "/console/") -> HTMLResponse:
    token = csrf.new_token()
    response = render(request, "login.html", None, status_code=status_code, login_csrf=token, error=error,
                      username=username, next_url=_safe_next(next_url))
    response.set_cookie(csrf.LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=_secure(),
                        path="/console/login")
    return response


def _secure() -> bool:
    return get_settings().public_base_url.startswith("https://")


@router.get("/login")
def login_form(request: Request, next: str = "/console/") -> Response:  # noqa: A002 - the query parameter's name
    return _login_page(request, next_url=next)


@router.post("/login")
def login(request: Request, username: str = Form(""), password: str = Form(""), csrf_token: str = Form(""),
          next: str = Form("/console/")) -> Response:  # noqa: A002
    if not csrf.tokens_match(request.cookies.get(csrf.LOGIN_COOKIE), csrf_token):
        raise BadCsrf()
    with session_scope() as session:
        result = auth.sign_in(session, username, password, client_ip(request))
    if result.user is None:
        locked = result.error.startswith("Too many")
        return _login_page(request, result.error, username, 429 if locked else 401, next)
    response = redirect(_safe_next(next))
    response.set_cookie(SESSION_COOKIE, result.token, httponly=True, samesite="strict", secure=_secure(),
                        path="/console")
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
    filters = queue.Filters.parse(dict(request.query_params))
    settings = get_settings()
    with session_scope() as session:
        rows = [(e, queue.describe_wait(queue.waited(e)), queue.past_target(e, settings), queue.target_minutes(e, settings))
                for e in queue.list_escalations(session, filters, actor.username)]
        authorities = queue.local_authorities(session)
        alerts = queue.alerts(session)
    return render(request, "queue.html", actor, rows=rows, filters=filters, authorities=authorities, alerts=alerts,
                  statuses=STATUSES, priorities=PRIORITIES, channels=CHANNELS,
                  poll_seconds=settings.console_alert_poll_seconds)


@router.get("/alerts.json")
def alerts_json(actor: Actor = Depends(staff())) -> Response:
    with session_scope() as session:
        return JSONResponse(queue.alerts(session))


def _escalation_page(request: Request, actor: Actor, escalation_id: str, *, reveal_reason: str = "", error: str = "",
                     status_code: int = 200, reply_error: str = "") -> HTMLResponse:
    settings = get_settings()
    with session_scope() as session:
        escalation = queue.get(session, escalation_id)
        notes = list(escalation.notes)
        turns = transcripts.load(session, escalation.conversation_id, reveal=bool(reveal_reason))
        wait = queue.describe_wait(queue.waited(escalation))
        late = queue.past_target(escalation, settings)
        target = queue.target_minutes(escalation, settings)
        if not reveal_reason:
            audit.record(session, actor.username, "transcript_viewed", escalation.id, None, actor.ip)
    live = live_chat_state(escalation) if escalation.channel == "web" else None
    return render(request, "escalation.html", actor, status_code=status_code, e=escalation, notes=notes, turns=turns,
                  wait=wait, late=late, target=target, revealed=reveal_reason, error=error, statuses=STATUSES,
                  live=live, reply_error=reply_error, min_reason=MIN_REASON_LENGTH)


@router.get("/escalations/{escalation_id}")
def escalation_page(request: Request, escalation_id: str, actor: Actor = Depends(staff())) -> Response:
    return _escalation_page(request, actor, escalation_id)


@router.post("/escalations/{escalation_id}/assign")
def assign(request: Request, escalation_id: str, return_to: str = Form(""),
           actor: Actor = Depends(checked())) -> Response:
    try:
        with session_scope() as session:
            queue.assign(session, queue.get(session, escalation_id), actor.username, actor.ip)
    except queue.QueueError as error:
        return _escalation_page(request, actor, escalation_id, error=str(error), status_code=400)
    return redirect(_safe_next(return_to) if return_to else f"/console/escalations/{escalation_id}")


@router.post("/escalations/{escalation_id}/status")
def change_status(request: Request, escalation_id: str, status: str = Form(""),
                  actor: Actor = Depends(checked())) -> Response:
    try:
        with session_scope() as session:
            queue.set_status(session, queue.get(session, escalation_id), status, actor.username, actor.ip)
    except queue.QueueError as error:
        return _escalation_page(request, actor, escalation_id, error=str(error), status_code=400)
    return redirect(f"/console/escalations/{escalation_id}")


@router.post("/escalations/{escalation_id}/notes")
def add_note(request: Request, escalation_id: str, text: str = Form(""), actor: Actor = Depends(checked())) -> Response:
    try:
        with session_scope() as session:
            queue.add_note(session, queue.get(session, escalation_id), text, actor.username, actor.ip)
    except queue.QueueError as error:
        return _escalation_page(request, actor, escalation_id, error=str(error), status_code=400)
    return redirect(f"/console/escalations/{escalation_id}#notes")


@router.post("/escalations/{escalation_id}/reveal")
def reveal(request: Request, escalation_id: str, reason: str = Form(""), actor: Actor = Depends(checked())) -> Response:
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON_LENGTH:
        return _escalation_page(request, actor, escalation_id, status_code=400,
                                error=f"Give a reason of at least {MIN_REASON_LENGTH} characters to show personal details.")
    with session_scope() as session:
        escalation = queue.get(session, escalation_id)
        audit.record(session, actor.username, "transcript_revealed", escalation.id,
                     f"conversation {escalation.conversation_id}: {reason[:500]}", actor.ip)
    return _escalation_page(request, actor, escalation_id, reveal_reason=reason)


# --- live web chat (the web chat's bot.handoff.live does the work) -------------------
def _live_module():
    try:
        from bot.handoff import live
    except ImportError:
        return None
    return live


def live_chat_state(escalation) -> Optional[Dict[str, str]]:
    """{'owner': ..., 'available': 'yes'} when live handoff is installed, else None."""
    live = _live_module()
    if live is None:
        return None
    owner = ""
    for name in ("owner_of", "current_owner", "get_owner", "owner_state"):
        getter = getattr(live, name, None)
        if getter is not None and not inspect.iscoroutinefunction(getter):
            try:
                state = getter(escalation.conversation_id)
                owner = str(getattr(state, "value", getattr(state, "owner", state)) or "")
            except Exception:  # noqa: BLE001 - the state is a nicety; the controls still work
                log.exception("console: could not read the owner of %s", escalation.conversation_id)
            break
    return {"owner": owner}


async def _call_live(name: str, *args):
    live = _live_module()
    if live is None:
        raise LookupError("live handoff is not installed")
    func = getattr(live, name)
    if inspect.iscoroutinefunction(func):
        return await func(*args)
    return await asyncio.to_thread(func, *args)


async def _live_action(request: Request, escalation_id: str, actor: Actor, action: str, *args) -> Response:
    def conversation() -> str:
        with session_scope() as session:
            return queue.get(session, escalation_id).conversation_id

    conversation_id = await asyncio.to_thread(conversation)
    try:
        await _call_live(action, conversation_id, *args)
    except LookupError:
        raise
    except Exception as error:  # noqa: BLE001 - say what failed on the page
        log.exception("console: %s on %s failed", action, conversation_id)
        return await asyncio.to_thread(_escalation_page, request, actor, escalation_id,
                                       reply_error=f"That did not work: {error}", status_code=409)

    def write_audit() -> None:
        with session_scope() as session:
            escalation = queue.get(session, escalation_id)
            if action == "take_over" and escalation.status != "resolved" and not escalation.assigned_to:
                queue.assign(session, escalation, actor.username, actor.ip)
            audit.record(session, actor.username, f"live_{action}", escalation_id,
                         f"conversation {conversation_id}", actor.ip)

    await asyncio.to_thread(write_audit)
    return redirect(f"/console/escalations/{escalation_id}#live")


@router.post("/escalations/{escalation_id}/take-over")
async def take_over(request: Request, escalation_id: str, actor: Actor = Depends(checked())) -> Response:
    return await _live_action(request, escalation_id, actor, "take_over", actor.username)


@router.post("/escalations/{escalation_id}/hand-back")
async def hand_back(request: Request, escalation_id: str, actor: Actor = Depends(checked())) -> Response:
    return await _live_action(request, escalation_id, actor, "hand_back", actor.username)


@router.post("/escalations/{escalation_id}/reply")
async def reply(request: Request, escalation_id: str, text: str = Form(""), actor: Actor = Depends(checked())) -> Response:
    text = text.strip()
    if not text:
        return await asyncio.to_thread(_escalation_page, request, actor, escalation_id,
                                       reply_error="Write a reply before sending it.", status_code=400)
    return await _live_action(request, escalation_id, actor, "send_staff_message", text, actor.display_name)


# --- audit log (managers) ------------------------------------------------------------
@router.get("/audit")
def audit_page(request: Request, actor_name: str = "", action: str = "", before: int = 0,
               actor: Actor = Depends(staff("manager"))) -> Response:
    with session_scope() as session:
        rows = audit.entries(session, actor=actor_name.strip(), action=action.strip(), before_id=before or None)
        actions = audit.actions(session)
        audit.record(session, actor.username, "audit_viewed", None, None, actor.ip)
    return render(request, "audit.html", actor, rows=rows, actions=actions, actor_name=actor_name, action=action)


# --- staff users (admins) ------------------------------------------------------------
def _users_page(request: Request, actor: Actor, error: str = "", status_code: int = 200, form: Dict = None):
    from bot.console.models import ROLES, StaffUser
    import sqlalchemy as sa

    with session_scope() as session:
        users = list(session.execute(sa.select(StaffUser).order_by(StaffUser.username)).scalars())
    return render(request, "users.html", actor, users=users, roles=ROLES, error=error, status_code=status_code,
                  form=form or {}, min_length=auth.MIN_PASSWORD_LENGTH)


@router.get("/users")
def users_page(request: Request, actor: Actor = Depends(staff("admin"))) -> Response:
    return _users_page(request, actor)


@router.post("/users")
def create_user(request: Request, username: str = Form(""), display_name: str = Form(""), role: str = Form(""),
                password: str = Form(""), actor: Actor = Depends(checked("admin"))) -> Response:
    try:
        with session_scope() as session:
            auth.create_user(session, username=username, password=password, role=role, display_name=display_name,
                             actor=actor.username, ip_address=actor.ip)
    except auth.UserError as error:
        return _users_page(request, actor, str(error), 400,
                           {"username": username, "display_name": display_name, "role": role})
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


# The pages of other features' data register on this router when imported.
from bot.console import certificates_web, requests_web, usage_web  # noqa: E402,F401
