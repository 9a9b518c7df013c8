"""Limits on what one request or one sender may send.

- `BodySizeLimit`: an ASGI middleware that refuses a request body over MAX_REQUEST_BYTES
  with 413 and a plain message, before any route reads it (declared or streamed).
- `RateLimiter`: at most N hits per key in a moving window, with the `limits` library
  (counts in the web app's memory, or in Redis when REDIS_URL is set, so several web app
  processes and a restart share them). `limiter(name)` gives each use its own:

      chat               messages per web chat conversation (CHAT_RATE_LIMIT per window)
      sms                texts per phone number (SMS_RATE_LIMIT per window)
      sms_notice         one "please slow down" text per number per window
      chat_source        web chat messages per source address, over all its chats
                         (CHAT_SOURCE_RATE_LIMIT): a new socket does not start the count again
      escalation         requests for a person (callbacks included) per source address
                         (ESCALATION_RATE_LIMIT); safeguarding is never limited
      certificate_check  certificate verifications per source address (CERTIFICATE_CHECK_RATE_LIMIT)

  A source is the client's address as the web app sees it (X-Forwarded-For only from
  TRUSTED_PROXIES). The web chat socket puts it in `SOURCE` for the code it calls.
  If Redis cannot be reached the hit is allowed and logged (a chat must not stop
  because a counter is down).
"""

from __future__ import annotations

import json
import logging
import math
import time
from contextvars import ContextVar
from typing import Dict, Optional, Tuple

from limits import RateLimitItem, RateLimitItemPerSecond, parse_many
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from bot.settings import Settings, get_settings

log = logging.getLogger(__name__)
# The public client's address for the code a channel calls (set by the web chat socket).
SOURCE: ContextVar[str] = ContextVar("rate_limit_source", default="")


def too_large_message(limit: int) -> str:
    return f"The request is too large: at most {limit:,} bytes are accepted."


class BodySizeLimit:
    """Refuse HTTP request bodies larger than MAX_REQUEST_BYTES with 413 (JSON message)."""

    def __init__(self, app, max_bytes: Optional[int] = None) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes or get_settings().max_request_bytes
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                too_big = False
            if too_big:
                await _refuse(send, limit)
                return
        # No (or a false) Content-Length: read the body here, up to the limit, then replay it.
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message]), send)
                return
            body = message.get("body", b"")
            size += len(body)
            if size > limit:
                await _refuse(send, limit)
                return
            chunks.append(body)
            more = message.get("more_body", False)
        await self.app(
            scope, _replay([{"type": "http.request", "body": b"".join(chunks), "more_body": False}], receive), send
        )


def _replay(messages, then=None):
    pending = list(messages)

    async def receive():
        if pending:
            return pending.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive


async def _refuse(send, limit: int) -> None:
    body = json.dumps({"message": too_large_message(limit)}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RateLimiter:
    """At most ``items`` (limits' RateLimitItems: all must allow) per key, moving windows."""

    def __init__(self, name: str, items: Tuple[RateLimitItem, ...], storage: Storage) -> None:
        self.name, self.items = name, items
        self._strategy = MovingWindowRateLimiter(storage)

    def hit(self, key: str) -> int:
        """Count one hit; 0 if allowed, else the whole seconds to wait before the next is."""
        if not self.items:
            return 0
        try:
            for item in self.items:
                if not self._strategy.hit(item, self.name, key):  # counted only when allowed
                    reset, _remaining = self._strategy.get_window_stats(item, self.name, key)
                    return max(1, math.ceil(reset - time.time()))
        except Exception as error:  # noqa: BLE001 - Redis down: allow, and say so
            log.error(
                "rate limit %s: the counter store failed (%s); the request was allowed", self.name, type(error).__name__
            )
        return 0


def _every(limit: int, window: float) -> Tuple[RateLimitItem, ...]:
    return (RateLimitItemPerSecond(limit, max(1, math.ceil(window))),) if limit > 0 else ()


def _rules(text: str) -> Tuple[RateLimitItem, ...]:
    """'5/hour;20/day' (limits' notation) -> its items; '' or '0' -> no limit."""
    return tuple(parse_many(text)) if text and text.strip() not in ("0", "none") else ()


def _items(name: str, settings: Settings) -> Tuple[RateLimitItem, ...]:
    window = settings.rate_limit_window_seconds
    if name == "chat":
        return _every(settings.chat_rate_limit, window)
    if name == "sms":
        return _every(settings.sms_rate_limit, window)
    if name == "sms_notice":
        # One "please slow down" text per number per window, however many texts are refused.
        return _every(1 if settings.sms_rate_limit > 0 else 0, window)
    return _rules(
        {
            "chat_source": settings.chat_source_rate_limit,
            "escalation": settings.escalation_rate_limit,
            "certificate_check": settings.certificate_check_rate_limit,
        }[name]
    )


# The settings the limiters were made from (new settings, as in tests: new, empty counters).
_made_for: Optional[Settings] = None
_limiters: Dict[str, RateLimiter] = {}
_storage: Optional[Storage] = None


def limiter(name: str, settings: Optional[Settings] = None) -> RateLimiter:
    """The rate limiter called ``name`` (see the module's docstring), built from the settings:
    counts in Redis when REDIS_URL is set, else in this process's memory."""
    global _made_for, _storage
    settings = settings or get_settings()
    if _made_for is not settings:
        _limiters.clear()
        _made_for = settings
        _storage = storage_from_string(settings.redis_url or "memory://")
    current = _limiters.get(name)
    if current is None:
        current = _limiters[name] = RateLimiter(name, _items(name, settings), _storage)
    return current


def source_wait(name: str, source: Optional[str] = None, settings: Optional[Settings] = None) -> int:
    """Count one hit of ``name`` for a source address (``SOURCE`` when not given); the
    seconds to wait, 0 when allowed (and when there is no source to count)."""
    source = source if source is not None else SOURCE.get()
    if not source:
        return 0
    return limiter(name, settings).hit(source)


def wait_words(seconds: int) -> str:
    """3600 -> 'an hour', 125 -> '3 minutes', 40 -> '40 seconds'."""
    if seconds >= 3600:
        hours = math.ceil(seconds / 3600)
        return "an hour" if hours == 1 else f"{hours} hours"
    if seconds >= 60:
        minutes = math.ceil(seconds / 60)
        return "a minute" if minutes == 1 else f"{minutes} minutes"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def slow_down_message(wait_seconds: int) -> str:
    return (
        f"You're sending messages faster than we can answer them. Please wait {wait_seconds} "
        f"second{'s' if wait_seconds != 1 else ''}, then send it again."
    )


def too_many_requests_message(wait_seconds: int, phone_number: str = "") -> str:
    """What a person is told when their address asked for a person too often (ESCALATION_RATE_LIMIT)."""
    text = (
        "You've asked for a person several times in a short while, so we can't take another request from "
        f"here just now. Please try again in {wait_words(wait_seconds)}."
    )
    if phone_number:
        text += f" If you need to speak to someone sooner, call us on {phone_number}."
    return text + " If anyone is in immediate danger, call 999."


def too_many_checks_message(wait_seconds: int) -> str:
    """What a person (or program) checking certificates too fast is told (CERTIFICATE_CHECK_RATE_LIMIT)."""
    return f"Too many certificate checks from your address. Please wait {wait_words(wait_seconds)}, then try again."
