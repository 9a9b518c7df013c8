"""The web app: the one public surface (chat page, JSON API, Twilio webhooks, staff console).

    uvicorn bot.app:app   (bot.supervisor starts it for `make run`)
"""
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError, TimeoutError as PoolTimeout

from bot import health
from bot.api_errors import database_error_handler, validation_error_handler
from bot.certificates import web as certificates_web
from bot.console import web as console_web
from bot.limits import BodySizeLimit
from bot.routes import web as route_checker_web
from bot.settings import get_settings
from bot.webchat import web as webchat_web
from telephony import web as telephony_web


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(
        title=settings.service_name,
        description="Information line for SEND mediation, disagreement resolution, tribunal appeals and complaints.",
        version="0.1.0",
    )
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(DBAPIError, database_error_handler)
    app.add_exception_handler(PoolTimeout, database_error_handler)
    app.add_middleware(BodySizeLimit)
    app.include_router(health.router)
    app.include_router(route_checker_web.router)
    app.include_router(telephony_web.router)
    app.include_router(certificates_web.router)
    app.include_router(console_web.router)
    app.include_router(webchat_web.router)
    return app


app = create_app()
