"""The web app: the one public surface (chat page, JSON API, Twilio webhooks, staff console).

uvicorn bot.app:app   (bot.supervisor starts it for `make run`)
"""

from contextlib import asynccontextmanager
from typing import AsyncIterator

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot import health, log_privacy
from bot.api_errors import database_error_handler, validation_error_handler
from bot.console import account_web as console_account
from bot.console import cases_web as console_cases
from bot.console import certificate_reissue as console_reissue
from bot.console import certificates_web as console_certificates
from bot.console import requests_web as console_requests
from bot.console import retention
from bot.console import usage_web as console_usage
from bot.console import web as console_web
from bot.limits import BodySizeLimit
from bot.mediation import web as certificates_web
from bot.outbox import worker as outbox_worker
from bot.redress import web as route_checker_web
from bot.security_headers import SecurityHeaders
from bot.settings import get_settings
from bot.webchat import web as webchat_web
from telephony import web as telephony_web


@asynccontextmanager
async def background_jobs(_app: FastAPI) -> AsyncIterator[None]:
    """The background jobs for the app's lifetime: the outbox worker (texts and emails) and
    the retention job (Starlette's lifespan; on_startup/on_shutdown are deprecated)."""
    await outbox_worker.start()
    await retention.start_job()
    try:
        yield
    finally:
        await outbox_worker.stop()
        await retention.stop_job()


def create_app() -> FastAPI:
    log_privacy.install()
    settings = get_settings()
    # Outside development a published or missing secret stops the app here (UnsafeSecrets).
    settings.refuse_unsafe_secrets()
    app = FastAPI(
        title=settings.service_name,
        description="Information line for SEND mediation, disagreement resolution, tribunal appeals and complaints.",
        version="0.1.0",
        lifespan=background_jobs,
        # The interactive API docs load Swagger UI from a CDN: on a developer's machine only.
        # The schema itself is always at /openapi.json.
        docs_url="/docs" if settings.is_development else None,
        redoc_url=None,
    )
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(DBAPIError, database_error_handler)
    app.add_exception_handler(PoolTimeout, database_error_handler)
    app.add_middleware(BodySizeLimit)
    app.add_middleware(SecurityHeaders)
    app.include_router(health.router)
    app.include_router(route_checker_web.router)
    app.include_router(telephony_web.router)
    app.include_router(certificates_web.router)
    for console_pages in (
        console_web,
        console_cases,
        console_certificates,
        console_requests,
        console_usage,
        console_account,
        console_reissue,
    ):
        app.include_router(console_pages.router)
    app.include_router(webchat_web.router)
    return app


app = create_app()
