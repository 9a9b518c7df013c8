"""Twilio's REST API through the helper library; TWILIO_API_BASE_URL points it at a local stub.

A failed send is sorted three ways: Twilio answered with an error (permanent, or 429/5xx
worth retrying); the request never reached Twilio (no connection: retried); or it went
and no answer came back (a timeout, a dropped connection: UnconfirmedSendError, and the
outbox looks the message up with `find_sms` before sending it again).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import List, Optional
from urllib.parse import urlsplit, urlunsplit

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from urllib3.exceptions import NewConnectionError

from bot.outbox.errors import PermanentSendError, TransientSendError, UnconfirmedSendError
from bot.settings import Settings, get_settings

REQUEST_TIMEOUT_SECONDS = 10
# A lookup reads at most this many of the number's messages (newest first).
LOOKUP_LIMIT = 100


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
    http_client = (
        RedirectingHttpClient(settings.twilio_api_base_url)
        if settings.twilio_api_base_url
        else TwilioHttpClient(timeout=REQUEST_TIMEOUT_SECONDS)
    )
    return Client(settings.twilio_account_sid, settings.twilio_auth_token, http_client=http_client)


@lru_cache(maxsize=4)
def _client(account_sid: str, auth_token: str, api_base_url: str) -> Client:
    return make_client(
        Settings(
            _env_file=None,  # type: ignore[call-arg]  # pydantic's BaseSettings takes it
            twilio_account_sid=account_sid,
            twilio_auth_token=auth_token,
            twilio_api_base_url=api_base_url,
        )
    )


def _configured_client(settings: Settings) -> Client:
    if not settings.twilio_from_number:
        raise PermanentSendError("TWILIO_FROM_NUMBER is not set")
    if not (settings.twilio_account_sid and settings.twilio_auth_token):
        raise PermanentSendError("Twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)")
    return _client(settings.twilio_account_sid, settings.twilio_auth_token, settings.twilio_api_base_url)


def send_sms(to_number: str, body: str, settings: Optional[Settings] = None) -> str:
    """Send one SMS; returns the message SID. Raises Permanent/Transient/UnconfirmedSendError."""
    settings = settings or get_settings()
    client = _configured_client(settings)
    try:
        # Delivery reports come back to /telephony/sms/status (logged; signed like every webhook).
        message = client.messages.create(
            to=to_number,
            from_=settings.twilio_from_number,
            body=body,
            status_callback=f"{settings.public_base_url}/telephony/sms/status",
        )
    except TwilioRestException as error:
        detail = f"Twilio {error.status}" + (f" error {error.code}" if error.code else "") + f": {error.msg}"
        # 429 and 5xx are worth retrying; other 4xx (bad number, opted out) are not.
        if error.status == 429 or error.status >= 500:
            raise TransientSendError(detail) from error
        raise PermanentSendError(detail) from error
    except requests.RequestException as error:
        if not _request_went_out(error):
            raise TransientSendError(f"Twilio not reachable: {error}") from error
        raise UnconfirmedSendError(f"Twilio did not answer (the message may have been taken): {error}") from error
    except Exception as error:  # an unreadable answer: the request went, what came of it is unknown
        raise UnconfirmedSendError(f"Twilio's answer could not be read: {error!r}") from error
    return message.sid


def find_sms(to_number: str, body: str, since: dt.datetime, settings: Optional[Settings] = None) -> List[str]:
    """Sids of the messages with this body Twilio took for this number since `since` (UTC), oldest first.

    Two reads of Twilio's message list, from our number to theirs: those sent since then
    (DateSent>), and the newest, for any still queued (a queued message has no date sent).
    Raises TransientSendError if Twilio cannot be asked.
    """
    settings = settings or get_settings()
    client = _configured_client(settings)
    since = since.replace(tzinfo=dt.timezone.utc) if since.tzinfo is None else since
    try:
        listed = client.messages.list(
            to=to_number, from_=settings.twilio_from_number, date_sent_after=since, limit=LOOKUP_LIMIT
        ) + client.messages.list(to=to_number, from_=settings.twilio_from_number, limit=20)
    except TwilioRestException as error:
        raise TransientSendError(f"Twilio {error.status} to a message lookup: {error.msg}") from error
    except requests.RequestException as error:
        raise TransientSendError(f"Twilio not reachable for a message lookup: {error}") from error
    matches = {}
    for message in listed:
        when = message.date_sent or message.date_created
        if (message.body or "").strip() == body.strip() and when is not None and when >= since:
            matches[message.sid] = message.date_created or when
    return sorted(matches, key=lambda sid: matches[sid])


def _request_went_out(error: requests.RequestException) -> bool:
    """False only when no connection was made (refused, no route, name unknown, connect timeout)."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return False
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return not isinstance(reason, NewConnectionError)
