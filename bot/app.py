"""The web app: the one public surface (chat page, JSON API, Twilio webhooks, staff console).

    uvicorn bot.app:app   (bot.supervisor starts it for `make run`)
"""
from fastapi import FastAPI

from bot import health
from bot.settings import get_settings


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(
        title=settings.service_name,
        description="Information line for SEND mediation, disagreement resolution, tribunal appeals and complaints.",
        version="0.1.0",
    )
    app.include_router(health.router)
    return app


app = create_app()
