"""GET /health: is every part of the product up? HTTP 503 when any part is down.

With several Rasa servers (RASA_SERVERS, RASA_URLS) each one is checked and reported
(``components.rasa.detail.servers``, each named by its number and ``url_id``, its scheme,
host and port: never a token, a password or a path). ``rasa`` is "ok" when every server
answers with a model loaded, "down" when none does, and "degraded" between: then the
whole answer is "degraded" with HTTP 200, because the web app still answers everyone (a
conversation whose server refuses connections moves to the next one), but someone must
fix the server that is down (README "Production").

``staff_alerts`` says whether alerts to staff about new escalations are reaching them
("failing" when any could not be sent in the last 24 hours, with how many and why). It
does not make the answer 503: the service still answers families, but someone must fix it.
"""

from __future__ import annotations

import asyncio
import time
from functools import partial
from pathlib import Path
from typing import Any, Dict

import httpx
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from bot import database
from bot.conversations.rasa_client import RasaClient, model_fingerprint
from bot.handoff.notify import recent_failures
from bot.settings import get_settings

router = APIRouter(tags=["health"])


class ComponentHealth(BaseModel):
    status: str  # "ok" or "down"; rasa also "degraded"; staff_alerts: "ok" or "failing"
    detail: Dict[str, Any] = {}


class HealthReport(BaseModel):
    status: str
    components: Dict[str, ComponentHealth]


async def _timed(check) -> ComponentHealth:
    started = time.perf_counter()
    try:
        detail = await check()
        status = "ok"
    except Exception as error:  # any failure means this part is down
        detail, status = {"error": _describe(error)}, "down"
    detail["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return ComponentHealth(status=status, detail=detail)


def _describe(error: Exception) -> str:
    if isinstance(error, httpx.HTTPStatusError):
        return f"HTTP {error.response.status_code} from {url_id(str(error.request.url))}{error.request.url.path}"
    if isinstance(error, httpx.RequestError):
        return f"unreachable: {type(error).__name__}"
    return f"{type(error).__name__}: {error}"[:300]


async def _check_database() -> Dict[str, Any]:
    settings = get_settings()
    await run_in_threadpool(database.ping)
    return {"backend": "sqlite" if settings.is_sqlite else settings.database_url.split(":", 1)[0]}


def url_id(url: str) -> str:
    """A server's URL fit to show: scheme, host and port only (no user, password, path or query)."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return "(not a valid URL)"
    return f"{parsed.scheme}://{parsed.netloc.decode('ascii')}"  # netloc: host and port, no user or password


async def _check_rasa_server(server: int) -> Dict[str, Any]:
    """One Rasa server's /status; raises when it does not answer or has no model loaded."""
    settings = get_settings()
    status = await RasaClient(settings).status(timeout=settings.health_timeout_seconds, server=server)
    model_file = status.get("model_file")
    if not model_file:
        raise RuntimeError("no model loaded")
    return {
        "model_loaded": True,
        "model_file": model_file,
        "model_id": status.get("model_id"),
        "model_fingerprint": model_fingerprint(_local_model_path(model_file)),
    }


async def _check_rasa() -> ComponentHealth:
    """Every Rasa server, at once: "ok" when all are, "down" when none is, else "degraded".
    The first server that is up also gives its model at the top (one server: as before)."""
    urls = get_settings().rasa_server_urls
    checks = await asyncio.gather(*(_timed(partial(_check_rasa_server, index)) for index in range(len(urls))))
    servers = [
        {"server": number, "url_id": url_id(url), "status": check.status, "model_loaded": False, **check.detail}
        for number, (url, check) in enumerate(zip(urls, checks), start=1)
    ]
    up = [server for server in servers if server["status"] == "ok"]
    status = "ok" if len(up) == len(servers) else "degraded" if up else "down"
    first = up[0] if up else {}
    detail: Dict[str, Any] = {
        "model_loaded": bool(up),
        **{key: first.get(key) for key in ("model_file", "model_id", "model_fingerprint")},
        "servers_up": len(up),
        "servers": servers,
    }
    if not up:
        detail["error"] = "; ".join(f"server {server['server']}: {server['error']}" for server in servers)
    if len({server["model_id"] for server in up}) > 1:
        detail["models_differ"] = True  # e.g. halfway through a deployment
    return ComponentHealth(status=status, detail=detail)


def _local_model_path(model_file: str) -> str:
    # Rasa reports the file name relative to the folder it loaded the model from.
    path = Path(model_file)
    return str(path if path.is_absolute() else Path(get_settings().model_path).parent / path)


async def _check_action_server() -> Dict[str, Any]:
    settings = get_settings()
    url = settings.action_server_url.rsplit("/webhook", 1)[0] + "/health"
    async with httpx.AsyncClient(timeout=settings.health_timeout_seconds) as client:
        response = await client.get(url)
        response.raise_for_status()
    return {}


async def _check_web_app() -> Dict[str, Any]:
    return {}


def _staff_alert_failures() -> Dict[str, Any]:
    with database.session_scope() as session:
        failures = recent_failures(session)
    latest = failures["latest"]
    return {
        "not_sent_24h": failures["count"],
        "urgent_not_sent_24h": failures["urgent"],
        "latest": latest.isoformat(timespec="seconds") + "Z" if latest else None,
        "reason": failures["reason"],
    }


async def _check_staff_alerts() -> ComponentHealth:
    """Are alerts about new escalations reaching staff? (bot.handoff.notify.recent_failures)"""
    component = await _timed(lambda: run_in_threadpool(_staff_alert_failures))
    if component.status == "ok" and component.detail.get("not_sent_24h"):
        component.status = "failing"
    return component


@router.get(
    "/health",
    response_model=HealthReport,
    responses={503: {"model": HealthReport, "description": "At least one part is down"}},
    summary="Status of the web app, database, each Rasa server and the action server",
    description='"ok": every part is up. "degraded" (HTTP 200): some Rasa servers are down but '
    'at least one answers with its model. "down" (HTTP 503): the database, the action server '
    "or every Rasa server is down.",
)
async def health() -> JSONResponse:
    names = ("web_app", "database", "rasa", "action_server")
    results = await asyncio.gather(
        _timed(_check_web_app), _timed(_check_database), _check_rasa(), _timed(_check_action_server)
    )
    components = dict(zip(names, results))
    statuses = {component.status for component in results}
    overall = "ok" if statuses == {"ok"} else "degraded" if statuses == {"ok", "degraded"} else "down"
    components["staff_alerts"] = await _check_staff_alerts()
    report = HealthReport(status=overall, components=components)
    return JSONResponse(report.dict(), status_code=503 if overall == "down" else 200)
