"""Twilio's REST API through the helper library; TWILIO_API_BASE_URL points it at a local stub."""
from __future__ import annotations

from functools import lru_cache
from typing import Optional
from urllib.parse import urlsplit, urlunsplit

from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from bot.outbox.service import PermanentSendError, TransientSendError
from bot.settings import Settings, get_settings

REQUEST_TIMEOUT_SECONDS = 10


class RedirectingHttpClient(TwilioHttpClient):
    """Sends every request to `base_url` instead of *.twilio.com, path and query kept."""

    def __init__(self, base_url: str, **kwargs) -> None:
        super().__init__(timeout=REQUEST_TIMEOUT_SECONDS, **kwargs)
        parts = urlsplit(base_url.rstrip("/"))
        self._scheme, self._netloc, self._prefix = parts.scheme, parts.netloc, parts.path

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        url = urlunsplit((self._scheme, self._netloc, self._prefix + parts.path, parts.query, parts.fragment))
        return super().request(method, url, *args, **kwargs)


def make_client(settings: Optional[Settings] = None) -> Client:
    settings = settings or get_settings()
    if not (settings.twilio_account_sid and settings.twilio_auth_token):
        raise PermanentSendError("Twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)")
    http_client = (RedirectingHttpClient(settings.twilio_api_base_url) if settings.twilio_api_base_url
                   else TwilioHttpClient(timeout=REQUEST_TIMEOUT_SECONDS))
    return Client(settings.twilio_account_sid, settings.twilio_auth_token, http_client=http_client)


@lru_cache(maxsize=4)
def _client(account_sid: str, auth_token: str, api_base_url: str) -> Client:
    return make_client(Settings(_env_file=None, twilio_account_sid=account_sid, twilio_auth_token=auth_token,
                                twilio_api_base_url=api_base_url))


def send_sms(to_number: str, body: str, settings: Optional[Settings] = None) -> str:
    """Send one SMS; returns the message SID. Raises Permanent/TransientSendError."""
    settings = settings or get_settings()
    if not settings.twilio_from_number:
        raise PermanentSendError("TWILIO_FROM_NUMBER is not set")
    if not (settings.twilio_account_sid and settings.twilio_auth_token):
        raise PermanentSendError("Twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)")
    client = _client(settings.twilio_account_sid, settings.twilio_auth_token, settings.twilio_api_base_url)
    try:
        message = client.messages.create(to=to_number, from_=settings.twilio_from_number, body=body)
    except TwilioRestException as error:
        detail = f"Twilio {error.status}" + (f" error {error.code}" if error.code else "") + f": {error.msg}"
        # 429 and 5xx are worth retrying; other 4xx (bad number, opted out) are not.
        if error.status == 429 or error.status >= 500:
            raise TransientSendError(detail) from error
        raise PermanentSendError(detail) from error
    return message.sid
