"""The web chat's routes: the page, the embeddable loader, the privacy notice, the WebSocket.

    GET  /                 the chat page (?embed=1: the compact page the widget frames)
    GET  /widget.js        a script council pages embed to open the same chat
    GET  /chat/privacy     the chat's privacy notice
    WS   /chat/ws          the chat itself (protocol below)
    /static/webchat/...    styles and script; nothing from any other site, no tracking

WebSocket protocol (JSON frames):

    browser -> server   {"type": "start", "session": <id or null>, "after": <last seq seen>}
                        {"type": "say", "text": ..., "client_id": ..., "payload": <quick reply or null>}
                        {"type": "contact", "phone": ..., "email": ..., "preferred_time": ...}
    server -> browser   {"type": "session", "session": <id>, "role": <role or null>}
                        {"type": "message", "seq": n, "sender": "person|bot|staff|system", "text": ...,
                         "buttons": [...], "data": {...}, "client_id": ..., "staff_name": ...}
                        {"type": "owner", "state": "bot|waiting|assigned|snoozed|resolved", "staff_name": ...,
                         "urgent": bool}   (urgent: waiting for or with a person after a safeguarding concern)
                        {"type": "typing", "on": true|false}
                        {"type": "contact", "ok": bool, "message": ...}
                        {"type": "refused", "client_id": ..., "reason": "too_long|rate_limited",
                         "message": ..., "retry_after": seconds}   (bot.limits; the message was not kept)

The session id is the browser's secret key to its conversation (kept in its local
storage): 32 random characters, never chosen by the browser. Messages are stored
before they are acknowledged, so a reload, a reconnect or a restart of the server
shows the whole conversation again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
from pathlib import Path
from typing import Any, Dict, Optional, Tuple
from urllib.parse import urlsplit

from fastapi import APIRouter, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from bot import limits
from bot.api_errors import is_database_unavailable
from bot.database import session_scope
from bot.settings import get_settings
from bot.webchat import hub, live, relay
from bot.webchat.models import ChatConversation, messages_after

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
SESSION_PATTERN = re.compile(r"^web-[A-Za-z0-9_-]{32}$")
START_TIMEOUT = 30.0


_reminder_task: Optional[asyncio.Task] = None


async def _startup() -> None:
    global _reminder_task
    await hub.start()
    _reminder_task = asyncio.create_task(_reminder_worker())


async def _shutdown() -> None:
    global _reminder_task
    if _reminder_task is not None:
        _reminder_task.cancel()
        _reminder_task = None
    await hub.stop()


async def _reminder_worker() -> None:
    """Reminds people waiting on an urgent (safeguarding) request that nobody joined yet
    what to do meanwhile (bot.webchat.live.send_due_reminders: kept in the database, so
    a restart loses nothing, and claimed there, so several web servers send one)."""
    failing = False
    while True:
        interval = max(0.2, min(5.0, get_settings().safeguarding_reminder_seconds / 4))
        try:
            await asyncio.to_thread(live.send_due_reminders)
            failing = False
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - keep the worker alive; say so once per failing spell
            if not failing:
                log.error("web chat: safeguarding reminders could not be sent: %s", str(error).splitlines()[0][:300])
            failing = True
        await asyncio.sleep(interval)


router = APIRouter(tags=["web chat"], on_startup=[_startup], on_shutdown=[_shutdown])
STATIC = {path.name: path for path in (HERE / "static").iterdir() if path.suffix in (".css", ".js", ".svg")}


def _security_headers(response: Response, framed: bool = False) -> Response:
    settings = get_settings()
    ancestors = " ".join(settings.webchat_embed_origins.split()) if framed else "'self'"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        f"frame-ancestors {ancestors or chr(39) + 'none' + chr(39)}; base-uri 'none'; form-action 'self'"
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def chat_page(request: Request, embed: int = 0) -> Response:
    settings = get_settings()
    response = templates.TemplateResponse(
        request,
        "chat.html",
        {
            "service_name": settings.service_name,
            "embed": bool(embed),
            "retention_months": settings.retention_transcript_months,
            "phone": settings.service_phone_number,
        },
    )
    return _security_headers(response, framed=bool(embed))


@router.get("/chat/privacy", response_class=HTMLResponse, include_in_schema=False)
def privacy_page(request: Request) -> Response:
    settings = get_settings()
    response = templates.TemplateResponse(
        request,
        "privacy.html",
        {
            "service_name": settings.service_name,
            "retention_months": settings.retention_transcript_months,
            "callback_days": settings.retention_callback_days,
            "embed": False,
        },
    )
    return _security_headers(response)


@router.get("/static/webchat/{name}", include_in_schema=False)
def static_file(name: str) -> Response:
    path = STATIC.get(name)
    if path is None or name == "widget.js":
        return Response("Not found", status_code=404, media_type="text/plain")
    return FileResponse(path, headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"})


@router.get("/widget.js", include_in_schema=False)
def widget_script() -> Response:
    settings = get_settings()
    body = (HERE / "static" / "widget.js").read_text(encoding="utf-8")
    body = body.replace("__CHAT_ORIGIN__", json.dumps(settings.public_base_url))
    body = body.replace("__SERVICE_NAME__", json.dumps(settings.service_name))
    return Response(
        body,
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"},
    )


# --- the WebSocket -----------------------------------------------------------------
def _resume_or_new(requested: Optional[str]) -> Tuple[str, Optional[str], bool]:
    """(session id, role, resumed): the browser's own conversation if we have it, else a new one."""
    if isinstance(requested, str) and SESSION_PATTERN.match(requested):
        with session_scope() as session:
            conversation = session.get(ChatConversation, requested)
            if conversation is not None:
                return conversation.id, conversation.role, True
    conversation_id = f"web-{secrets.token_urlsafe(24)}"
    relay.start_conversation(conversation_id)
    return conversation_id, None, False


def _news(conversation_id: str, after: int):
    with session_scope() as session:
        messages = [message.as_event() for message in messages_after(session, conversation_id, after)]
        owner = live.owner_in(session, conversation_id)
    return messages, {
        "type": "owner",
        "state": owner.state.value,
        "staff_name": owner.staff_name,
        "urgent": owner.urgent,
    }


def allowed_origin(origin: Optional[str], settings) -> bool:
    """Whether a browser page at ``origin`` may open the chat's WebSocket.

    The chat page is always served by this service (on council sites it is framed), so a
    browser's socket comes from PUBLIC_BASE_URL's origin; in development also from any
    loopback address. A page elsewhere (cross-site WebSocket hijacking, with a chat key
    copied from somewhere) is refused. No Origin header: a browser always sends one, so it is
    refused too, unless in development with WEBCHAT_ALLOW_MISSING_ORIGIN set (for a script)."""
    if not origin:
        return settings.is_development and settings.webchat_allow_missing_origin
    own = urlsplit(settings.public_base_url)
    seen = urlsplit(origin)
    if (seen.scheme, seen.netloc) == (own.scheme, own.netloc):
        return True
    return settings.is_development and seen.hostname in ("localhost", "127.0.0.1", "::1")


@router.websocket("/chat/ws")
async def chat_socket(websocket: WebSocket) -> None:
    settings = get_settings()
    if not allowed_origin(websocket.headers.get("origin"), settings):
        log.warning(
            "web chat: a socket from another site was refused (%s)", websocket.headers.get("origin") or "no Origin"
        )
        await websocket.close(code=1008)  # before accepting: the handshake is refused (403)
        return
    await websocket.accept()
    # Counted per address over all its chats (bot.limits): a new socket starts nothing afresh.
    limits.SOURCE.set(websocket.client.host if websocket.client else "")
    try:
        start = await asyncio.wait_for(websocket.receive_json(), timeout=START_TIMEOUT)
    except (asyncio.TimeoutError, WebSocketDisconnect, ValueError, KeyError):
        await _close(websocket)
        return
    if not isinstance(start, dict) or start.get("type") != "start":
        await _close(websocket, 1008)
        return
    try:
        conversation_id, role, resumed = await asyncio.to_thread(_resume_or_new, start.get("session"))
    except Exception as error:
        if not is_database_unavailable(error):
            raise
        log.error("web chat: database unavailable at the start of a chat: %s", str(error).splitlines()[0][:300])
        await _close(websocket, 1013)  # try again later: the browser reconnects with backoff
        return
    after = _int(start.get("after")) if resumed else 0
    send_lock = asyncio.Lock()

    async def send(frame: Dict[str, Any]) -> None:
        async with send_lock:
            await websocket.send_json(frame)

    async def typing(on: bool) -> None:
        try:
            await send({"type": "typing", "on": on})
        except Exception:  # noqa: BLE001 - the browser went away; the reply is stored anyway
            pass

    wake = hub.subscribe(conversation_id)

    async def push() -> None:
        nonlocal after
        last_owner = None
        while True:
            wake.clear()
            messages, owner = await asyncio.to_thread(_news, conversation_id, after)
            for message in messages:
                await send(message)
                after = max(after, message["seq"])
            if owner != last_owner:
                await send(owner)
                last_owner = owner
            try:
                await asyncio.wait_for(wake.wait(), timeout=settings.webchat_poll_seconds)
            except asyncio.TimeoutError:
                pass

    pusher: Optional[asyncio.Task] = None
    try:
        # Inside the try: a browser may leave between "start" and this answer.
        await send({"type": "session", "session": conversation_id, "role": role})
        pusher = asyncio.create_task(push())
        while True:
            receive = asyncio.ensure_future(websocket.receive_json())
            done, _ = await asyncio.wait({receive, pusher}, return_when=asyncio.FIRST_COMPLETED)
            if pusher in done:
                receive.cancel()
                pusher.result()  # raises what stopped it
                break
            frame = receive.result()
            if not isinstance(frame, dict):
                continue
            kind = frame.get("type")
            if kind == "say":
                refusal = _refusal(conversation_id, frame)
                if refusal:
                    await send(refusal)
                    continue
                asyncio.create_task(_relay(conversation_id, frame, typing, websocket))
            elif kind == "contact":
                asyncio.create_task(_contact(conversation_id, frame, send))
    except (WebSocketDisconnect, RuntimeError, ValueError):
        pass
    except Exception:  # noqa: BLE001
        log.exception("web chat: socket of %s failed", conversation_id)
    finally:
        if pusher is not None:
            pusher.cancel()
        hub.unsubscribe(conversation_id, wake)
        await _close(websocket)


def _refusal(conversation_id: str, frame: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """A "refused" frame for a message that is too long or comes too fast (bot.limits); None if it may go."""
    settings = get_settings()
    client_id = str(frame.get("client_id") or "")[:64]
    if len(str(frame.get("text") or "")) > settings.chat_max_message_characters:
        return {
            "type": "refused",
            "client_id": client_id,
            "reason": "too_long",
            "message": f"Your message is too long. Please keep it under "
            f"{settings.chat_max_message_characters:,} characters.",
        }
    wait = limits.limiter("chat", settings).hit(conversation_id) or limits.source_wait("chat_source", settings=settings)
    if wait:
        return {
            "type": "refused",
            "client_id": client_id,
            "reason": "rate_limited",
            "retry_after": wait,
            "message": limits.slow_down_message(wait),
        }
    return None


async def _relay(conversation_id: str, frame: Dict[str, Any], typing, websocket: Optional[WebSocket] = None) -> None:
    try:
        await relay.handle_message(
            conversation_id,
            str(frame.get("text") or ""),
            client_id=str(frame.get("client_id") or "")[:64] or None,
            payload=frame.get("payload") if isinstance(frame.get("payload"), str) else None,
            typing=typing,
        )
    except Exception as error:  # noqa: BLE001
        if websocket is not None and is_database_unavailable(error):
            # Not stored, so not acknowledged: closing makes the browser reconnect and send it again.
            log.error("web chat: database unavailable; closing the chat of %s so it re-sends", conversation_id)
            await _close(websocket, 1013)
            return
        # Logged with the traceback; the stored message stays.
        log.exception("web chat: relaying a message of %s failed", conversation_id)


async def _contact(conversation_id: str, frame: Dict[str, Any], send) -> None:
    try:
        text = await asyncio.to_thread(
            live.leave_contact,
            conversation_id,
            str(frame.get("phone") or "")[:40],
            str(frame.get("email") or "")[:200],
            str(frame.get("preferred_time") or ""),
        )
        reply = {"type": "contact", "ok": True, "message": text}
    except ValueError as error:
        reply = {"type": "contact", "ok": False, "message": str(error)}
    try:
        await send(reply)
    except Exception:  # noqa: BLE001
        pass


async def _close(websocket: WebSocket, code: int = 1000) -> None:
    try:
        await websocket.close(code=code)
    except Exception:  # noqa: BLE001 - already closed
        pass


def _int(value: Any) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0
