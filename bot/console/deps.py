"""The staff console's shared plumbing: who is asking (`staff`, `checked`), the page
renderer, the security headers on every response, and `console_router()` for each page module.

The page modules (`web`, `certificates_web`, `requests_web`, `usage_web`) import this;
nothing here imports them, and bot.app includes each one's router.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from bot.console import audit, auth, csrf, queue
from bot.database import session_scope
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
NAV_PAGES = [
    ("/console/requests", "Requests", "mediator"),
    ("/console/certificates", "Certificates", "mediator"),
    ("/console/usage", "Usage", "manager"),
    ("/console/audit", "Audit log", "manager"),
    ("/console/users", "Users", "admin"),
]

templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals.update(
    reason_words=queue.reason_words, interpreter_words=queue.interpreter_words, case_reference=queue.case_reference
)


# --- times and dates as staff read them: Europe/London, "4 January 2027" ----------------
def london(value: Optional[dt.datetime]) -> Optional[dt.datetime]:
    """A stored time (naive UTC) in the service's time zone (TIMEZONE, Europe/London)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(ZoneInfo(get_settings().timezone))


def _day(value, month_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = london(value)
    return f"{value.day} {value.strftime(month_format)}"


def long_date(value) -> str:
    """'4 January 2027' (no leading zero), for a date or a stored time."""
    return _day(value, "%B %Y")


def short_date(value) -> str:
    """'4 Jan 2027' (tables)."""
    return _day(value, "%b %Y")


def iso_day(value: str) -> str:
    """'2027-01-04' (as the audit log keeps a day) as '4 January 2027'."""
    try:
        return long_date(dt.date.fromisoformat(value))
    except (TypeError, ValueError):
        return value or ""


def when(value: Optional[dt.datetime]) -> str:
    """'4 January 2027 at 14:05' in London time."""
    local = london(value)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}" if local else ""


def short_when(value: Optional[dt.datetime]) -> str:
    """'4 Jan 14:05' in London time (tables)."""
    local = london(value)
    return f"{local.day} {local:%b %H:%M}" if local else ""


def iso_london(value: Optional[dt.datetime]) -> str:
    """For <time datetime>: the instant with its offset ("2027-01-04T14:05:00+00:00")."""
    local = london(value)
    return local.isoformat(timespec="seconds") if local else ""


_CHAT_KEY = re.compile(r"\bweb-[A-Za-z0-9_-]{16,}")


def hide_chat_keys(text: Optional[str]) -> str:
    """Any web chat key in `text` (an old audit entry's detail) shown as its case reference instead."""
    return _CHAT_KEY.sub(lambda match: queue.case_reference(match.group(0)), text or "")


def redacted(text: Optional[str], revealed: object = False) -> str:
    """Free text shown in the console (a summary, a note, a preferred time): as stored once the
    details are revealed with a reason, else with names, numbers and addresses redacted, as
    transcripts are (bot.redaction). Issue 20: every free-text field goes through it."""
    if not text:
        return ""
    return text if revealed else redact(text)


templates.env.filters.update(
    when=when,
    short_when=short_when,
    long_date=long_date,
    short_date=short_date,
    iso_day=iso_day,
    iso_london=iso_london,
    hide_chat_keys=hide_chat_keys,
    redacted=redacted,
)


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
                response = (
                    RedirectResponse(f"/console/login?next={quote(target)}", status_code=303)
                    if request.method == "GET"
                    else _message(request, 401, "Sign in first", "Your session has ended. Sign in again.")
                )
            except Forbidden:
                response = _message(
                    request,
                    403,
                    "You cannot see this page",
                    "Your role does not allow it. Ask a manager if you need it.",
                )
            except BadCsrf:
                response = _message(request, 403, "This form has expired", "Go back, reload the page and try again.")
            except LookupError:
                response = _message(request, 404, "Page not found", "Nothing is stored under that address.")
            response.headers.update(SECURITY_HEADERS)
            return response

        return console_handler


def _message(request: Request, status: int, title: str, text: str) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "message.html", {"title": title, "text": text, "actor": None}, status_code=status
    )


# --- who is asking -------------------------------------------------------------------
@dataclass
class Actor:
    username: str
    display_name: str
    role: str
    csrf_token: str
    ip: str
    session_started: Optional[dt.datetime] = None  # this visit: when the staff session began (UTC)

    def can(self, role: str) -> bool:
        return auth.role_allows(self.role, role)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def staff(role: str = "mediator", touch: bool = True) -> Callable[..., Actor]:
    """A dependency: the signed-in member of staff, who must have at least `role`.

    ``touch=False`` for what a page asks by itself (the alerts poll, live updates): it does
    not count as the person using the console, so an idle session still ends.
    """

    def dependency(request: Request) -> Actor:
        ip = client_ip(request)
        with session_scope() as session:
            current = auth.session_for(session, request.cookies.get(SESSION_COOKIE), touch=touch)
            if current is None:
                actor = None
            else:
                user = current.user
                actor = Actor(
                    user.username,
                    user.display_name,
                    user.role,
                    current.csrf_token,
                    ip,
                    current.staff_session.created_at,
                )
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
    context.update(
        actor=actor,
        service_name=settings.service_name,
        path=request.url.path,
        nav_pages=NAV_PAGES,
        alert_poll_seconds=settings.console_alert_poll_seconds,
    )
    if actor is not None and "alerts" not in context:
        with session_scope() as session:
            context["alerts"] = queue.alerts(session)
    if actor is not None and "alert_failures" not in context:
        with session_scope() as session:
            context["alert_failures"] = queue.alert_failures(session)
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def console_router(**kwargs) -> APIRouter:
    """A router for console pages: under /console, the security headers and error pages on every response."""
    return APIRouter(prefix="/console", tags=["console"], route_class=ConsoleRoute, include_in_schema=False, **kwargs)
