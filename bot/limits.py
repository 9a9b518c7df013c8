"""Limits on what one request or one sender may send.

- `BodySizeLimit`: an ASGI middleware that refuses a request body over MAX_REQUEST_BYTES
  with 413 and a plain message, before any route reads it (declared or streamed).
- `RateLimiter`: at most N messages per sender in a sliding window; the public web
  chat (per conversation) and SMS (per phone number) use one each. Counts are kept in
  the web app's memory, so with several web app processes each counts on its own.
"""
from __future__ import annotations

import json
import math
import threading
import time
from collections import deque
from typing import Callable, Deque, Dict, Optional

from bot.settings import Settings, get_settings


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
        await self.app(scope, _replay([{"type": "http.request", "body": b"".join(chunks), "more_body": False}],
                                      receive), send)


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
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class RateLimiter:
    """At most `limit` hits per key in any `window` seconds (sliding window, thread-safe)."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._hits: Dict[str, Deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> int:
        """Count one hit; 0 if allowed, else the whole seconds to wait before the next is."""
        if self.limit <= 0:
            return 0
        now = self.clock()
        with self._lock:
            if len(self._hits) > 50_000:
                self._forget_idle(now)
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(1, math.ceil(hits[0] + self.window - now))
            hits.append(now)
            return 0

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]:
            del self._hits[key]


_limiters: Dict[str, RateLimiter] = {}


def limiter(channel: str, settings: Optional[Settings] = None) -> RateLimiter:
    """The rate limiter of a channel ("chat" or "sms"), built from the settings on first use."""
    settings = settings or get_settings()
    limit, window = {
        "chat": (settings.chat_rate_limit, settings.rate_limit_window_seconds),
        "sms": (settings.sms_rate_limit, settings.rate_limit_window_seconds),
        # One "please slow down" text per number per window, however many texts are refused.
        "sms_notice": (1 if settings.sms_rate_limit > 0 else 0, settings.rate_limit_window_seconds),
    }[channel]
    current = _limiters.get(channel)
    if current is None or (current.limit, current.window) != (limit, window):
        current = _limiters[channel] = RateLimiter(limit, window)
    return current


def slow_down_message(wait_seconds: int) -> str:
    return (f"You're sending messages faster than we can answer them. Please wait {wait_seconds} "
            f"second{'s' if wait_seconds != 1 else ''}, then send it again.")
