"""One kept HTTP session from the Rasa server to the action server, not a new one per call.

Rasa 3.6 opens a new aiohttp ClientSession (and a new TCP connection) for every custom
action call (`EndpointConfig.request`), and a form turn makes several: about 5% of the
Rasa server's CPU under load (py-spy, docs/benchmarks.md). Here `EndpointConfig.session`
hands back one session per event loop and endpoint settings, kept open, whose connections
are reused. Idle connections are dropped after KEEP_ALIVE_SECONDS, before the action
server (Sanic: 5 s) would close them, so a reused connection is never one the server is
closing. Installed by bot.conversations.stores, which the Rasa server imports at start-up.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Tuple

import aiohttp
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

KEEP_ALIVE_SECONDS = 3.0

_SESSIONS: Dict[Tuple[Any, ...], aiohttp.ClientSession] = {}


class _KeptSession:
    """`async with` gives the kept session and leaves it open."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *_exc: Any) -> bool:
        return False


def _kept_session(self: EndpointConfig) -> _KeptSession:
    loop = asyncio.get_running_loop()
    auth = (self.basic_auth or {}).get("username"), (self.basic_auth or {}).get("password")
    key = (id(loop), tuple(sorted((self.headers or {}).items())), auth)
    session = _SESSIONS.get(key)
    if session is None or session.closed or session.loop is not loop:
        session = aiohttp.ClientSession(
            headers=self.headers,
            auth=aiohttp.BasicAuth(*auth) if self.basic_auth else None,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_ALIVE_SECONDS),
        )
        _SESSIONS[key] = session
    return _KeptSession(session)


def install() -> None:
    EndpointConfig.session = _kept_session  # type: ignore[assignment,method-assign]


__all__ = ["install", "KEEP_ALIVE_SECONDS"]
