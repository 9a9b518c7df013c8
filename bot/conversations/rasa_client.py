"""The web app's client for the internal Rasa servers (HTTP API and REST channel).

With several Rasa servers (RASA_SERVERS, RASA_URLS) each turn goes to the one with the
fewest turns in flight from this process (`ServerLoad`), ties to the conversation's own (a
hash of its id, `server_index`), and to the next one when that does not take connections.
They share the tracker store and Redis's conversation locks, so no turn needs a particular
server (README "Several Rasa servers"): a hash alone left one server with more of the
conversations at a time than the other, and its queue set the slowest turns.
"""

from __future__ import annotations

import hashlib
import logging
import ssl
from collections import Counter
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence

import httpx

from bot.settings import Settings, get_settings

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _tls() -> ssl.SSLContext:
    """One TLS context for every client: httpx builds a new one (loading every CA
    certificate) for each client otherwise, about 20 ms of CPU each time, twice per
    phone turn (bench/load.py, docs/benchmarks.md)."""
    return httpx.create_ssl_context()


def server_index(conversation_id: str, servers: int) -> int:
    """Which of `servers` Rasa servers (0-based) takes `conversation_id`: the same one every
    time, in every web app process (a hash of the id, not Python's per-process `hash`), so a
    conversation's turns are not spread over servers that would each load its tracker."""
    if servers <= 1:
        return 0
    digest = hashlib.blake2b(conversation_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % servers


def servers_for(conversation_id: str, urls: Sequence[str]) -> List[str]:
    """`urls` in the order to try them for `conversation_id`: its own server first, then
    the next ones round the list (the fallback when its own server does not answer)."""
    first = server_index(conversation_id, len(urls))
    return [*urls[first:], *urls[:first]]


class ServerLoad:
    """Turns in flight to each Rasa server from this process."""

    def __init__(self) -> None:
        self._in_flight: Counter = Counter()

    def order(self, conversation_id: str, urls: Sequence[str]) -> List[str]:
        """`urls` least busy first; among equally busy ones the conversation's own first, then
        round the list (`servers_for`): with one server, or none busy, just `servers_for`."""
        return sorted(servers_for(conversation_id, urls), key=lambda url: self._in_flight[url])

    @contextmanager
    def busy(self, url: str) -> Iterator[None]:
        """Count a turn in flight to `url` while the block runs."""
        self._in_flight[url] += 1
        try:
            yield
        finally:
            self._in_flight[url] -= 1

    def in_flight(self, url: str) -> int:
        return self._in_flight[url]


# One per process: every RasaClient of the web app shares what is in flight.
SERVER_LOAD = ServerLoad()

# Only a request that never reached a server moves on to the next one: a turn a server
# received (even one that timed out) is never sent twice.
_NOT_REACHED = (httpx.ConnectError, httpx.ConnectTimeout)


class RasaClient:
    """Talks to the Rasa server(s) of `settings.rasa_server_urls` (one or more)."""

    def __init__(self, settings: Optional[Settings] = None, timeout: float = 10.0) -> None:
        self.settings = settings or get_settings()
        self.timeout = timeout

    @property
    def _auth(self) -> Dict[str, str]:
        return {"token": self.settings.rasa_token}

    async def _request(self, conversation_id: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """`method` `path` on the least busy server (SERVER_LOAD), else the next that answers; raises
        httpx.HTTPStatusError on an error status, the last connection error when none answers."""
        urls = SERVER_LOAD.order(conversation_id, self.settings.rasa_server_urls)
        async with httpx.AsyncClient(timeout=self.timeout, verify=_tls()) as client:
            for attempt, base in enumerate(urls):
                try:
                    with SERVER_LOAD.busy(base):
                        response = await client.request(method, f"{base}{path}", **kwargs)
                except _NOT_REACHED:
                    if attempt == len(urls) - 1:
                        raise
                    log.warning("Rasa server %s did not answer; trying the next one", base)
                    continue
                response.raise_for_status()
                return response
        raise RuntimeError("no Rasa server is configured")  # rasa_server_urls is never empty

    async def status(self, timeout: Optional[float] = None, server: int = 0) -> Dict[str, Any]:
        """Rasa's /status of one server (the first by default): the loaded model's file and id.
        Raises if that server is down or has no model."""
        url = self.settings.rasa_server_urls[server]
        async with httpx.AsyncClient(timeout=timeout or self.timeout, verify=_tls()) as client:
            response = await client.get(f"{url}/status", params=self._auth)
            response.raise_for_status()
            return response.json()

    async def send_message(
        self, sender: str, text: str, metadata: Optional[Dict[str, Any]] = None
    ) -> List[Dict[str, Any]]:
        """One user turn over the REST channel; returns the bot's messages."""
        payload: Dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            payload["metadata"] = metadata
        response = await self._request(sender, "POST", "/webhooks/rest/webhook", json=payload)
        return response.json()

    async def append_events(self, conversation_id: str, events: List[Dict[str, Any]]) -> None:
        """Add events (pause, resume, a staff member's words as a bot utterance) to a conversation."""
        await self._request(
            conversation_id,
            "POST",
            f"/conversations/{conversation_id}/tracker/events",
            params={**self._auth, "include_events": "NONE"},
            json=events,
        )

    def append_events_blocking(self, conversation_id: str, events: List[Dict[str, Any]]) -> None:
        """`append_events` for code that runs outside the event loop (staff actions in a thread)."""
        urls = servers_for(conversation_id, self.settings.rasa_server_urls)
        for attempt, base in enumerate(urls):
            try:
                response = httpx.post(
                    f"{base}/conversations/{conversation_id}/tracker/events",
                    params={**self._auth, "include_events": "NONE"},
                    json=events,
                    timeout=self.timeout,
                )
            except _NOT_REACHED:
                if attempt == len(urls) - 1:
                    raise
                continue
            response.raise_for_status()
            return

    async def tracker(self, conversation_id: str) -> Dict[str, Any]:
        response = await self._request(
            conversation_id,
            "GET",
            f"/conversations/{conversation_id}/tracker",
            params={**self._auth, "include_events": "ALL"},
        )
        return response.json()


def model_fingerprint(model_file: str) -> Optional[str]:
    """SHA-256 of the trained model archive, when the file is readable here.

    (Rasa Open Source leaves `project_fingerprint` empty in the model metadata,
    so the archive's own hash identifies exactly which model is loaded.)
    """
    path = Path(model_file)
    if not path.is_file():
        return None
    stat = path.stat()
    return _hash_file(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _hash_file(path: str, _mtime_ns: int, _size: int) -> str:
    # Cached per file version; a new model has a new mtime.
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return f"sha256:{digest.hexdigest()}"
