"""Twilio request signatures, checked against the public URL (so they hold behind a proxy)."""

from __future__ import annotations

import logging
from typing import Mapping, Optional

from fastapi import HTTPException, Request
from starlette.datastructures import FormData
from twilio.request_validator import RequestValidator

from bot.settings import Settings, get_settings

log = logging.getLogger(__name__)


def public_url(request: Request, settings: Settings) -> str:
    """The URL Twilio requested: PUBLIC_BASE_URL + path + the query exactly as sent."""
    query = request.url.query
    return f"{settings.public_base_url}{request.url.path}" + (f"?{query}" if query else "")


def is_valid(url: str, params: Mapping, signature: Optional[str], auth_token: str) -> bool:
    if not signature or not auth_token:
        return False
    return RequestValidator(auth_token).validate(url, params, signature)


async def verified_form(request: Request) -> FormData:
    """The posted form of a genuine Twilio request; 403 for anything else."""
    settings = get_settings()
    form = await request.form()
    if not settings.twilio_validate_signatures:
        return form
    if not is_valid(
        public_url(request, settings), form, request.headers.get("X-Twilio-Signature"), settings.twilio_auth_token
    ):
        log.warning("telephony: rejected a request to %s with a missing or wrong Twilio signature", request.url.path)
        raise HTTPException(status_code=403, detail="Twilio signature missing or invalid")
    return form


def warn_if_disabled(settings: Optional[Settings] = None) -> None:
    settings = settings or get_settings()
    if not settings.twilio_validate_signatures:
        log.warning(
            "TWILIO_VALIDATE_SIGNATURES is false: Twilio webhooks are NOT authenticated. "
            "Use this only on a development machine."
        )
    elif not settings.twilio_auth_token:
        log.warning("TWILIO_AUTH_TOKEN is not set: every Twilio webhook will be refused (403).")
