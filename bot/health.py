"""GET /health: is every part of the product up? HTTP 503 when any part is down.

``staff_alerts`` says whether alerts to staff about new escalations are reaching them
("failing" when any could not be sent in the last 24 hours, with how many and why). It
does not make the answer 503: the service still answers families, but someone must fix it.
"""

from __future__ import annotations

import asyncio
import time
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
    status: str  # "ok" or "down"; staff_alerts: "ok" or "failing"
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
        return f"HTTP {error.response.status_code} from {error.request.url.copy_with(query=None)}"
    if isinstance(error, httpx.RequestError):
        return f"unreachable: {type(error).__name__}"
    return f"{type(error).__name__}: {error}"[:300]


async def _check_database() -> Dict[str, Any]:
    settings = get_settings()
    await run_in_threadpool(database.ping)
    return {"backend": "sqlite" if settings.is_sqlite else settings.database_url.split(":", 1)[0]}


async def _check_rasa() -> Dict[str, Any]:
    settings = get_settings()
    status = await RasaClient(settings).status(timeout=settings.health_timeout_seconds)
    model_file = status.get("model_file")
    return {
        "model_loaded": bool(model_file),
        "model_file": model_file,
        "model_id": status.get("model_id"),
        "model_fingerprint": model_fingerprint(_local_model_path(model_file)) if model_file else None,
    }


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
    summary="Status of the web app, database, Rasa server and action server",
)
async def health() -> JSONResponse:
    names = ("web_app", "database", "rasa", "action_server")
    results = await asyncio.gather(
        _timed(_check_web_app), _timed(_check_database), _timed(_check_rasa), _timed(_check_action_server)
    )
    components = dict(zip(names, results))
    healthy = all(component.status == "ok" for component in results) and components["rasa"].detail.get("model_loaded")
    components["staff_alerts"] = await _check_staff_alerts()
    report = HealthReport(status="ok" if healthy else "down", components=components)
    return JSONResponse(report.dict(), status_code=200 if healthy else 503)
