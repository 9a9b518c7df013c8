"""The web app's client for the internal Rasa server (HTTP API and REST channel)."""
from __future__ import annotations

import hashlib
import ssl
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

import httpx

from bot.settings import Settings, get_settings


@lru_cache(maxsize=1)
def _tls() -> ssl.SSLContext:
    """One TLS context for every client: httpx builds a new one (loading every CA
    certificate) for each client otherwise, about 20 ms of CPU each time, twice per
    phone turn (bench/load.py, docs/benchmarks.md)."""
    return httpx.create_ssl_context()


class RasaClient:
    def __init__(self, settings: Optional[Settings] = None, timeout: float = 10.0) -> None:
        self.settings = settings or get_settings()
        self.timeout = timeout

    @property
    def _auth(self) -> Dict[str, str]:
        return {"token": self.settings.rasa_token}

    async def status(self, timeout: Optional[float] = None) -> Dict[str, Any]:
        """Rasa's /status: the loaded model's file and id. Raises if Rasa is down or has no model."""
        async with httpx.AsyncClient(timeout=timeout or self.timeout, verify=_tls()) as client:
            response = await client.get(f"{self.settings.rasa_url}/status", params=self._auth)
            response.raise_for_status()
            return response.json()

    async def send_message(self, sender: str, text: str, metadata: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
        """One user turn over the REST channel; returns the bot's messages."""
        payload: Dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            payload["metadata"] = metadata
        async with httpx.AsyncClient(timeout=self.timeout, verify=_tls()) as client:
            response = await client.post(f"{self.settings.rasa_url}/webhooks/rest/webhook", json=payload)
            response.raise_for_status()
            return response.json()

    async def append_events(self, conversation_id: str, events: List[Dict[str, Any]]) -> None:
        """Add events (pause, resume, a staff member's words as a bot utterance) to a conversation."""
        async with httpx.AsyncClient(timeout=self.timeout, verify=_tls()) as client:
            response = await client.post(f"{self.settings.rasa_url}/conversations/{conversation_id}/tracker/events",
                                         params={**self._auth, "include_events": "NONE"}, json=events)
            response.raise_for_status()

    def append_events_blocking(self, conversation_id: str, events: List[Dict[str, Any]]) -> None:
        """`append_events` for code that runs outside the event loop (staff actions in a thread)."""
        response = httpx.post(f"{self.settings.rasa_url}/conversations/{conversation_id}/tracker/events",
                              params={**self._auth, "include_events": "NONE"}, json=events, timeout=self.timeout)
        response.raise_for_status()

    async def tracker(self, conversation_id: str) -> Dict[str, Any]:
        async with httpx.AsyncClient(timeout=self.timeout, verify=_tls()) as client:
            response = await client.get(
                f"{self.settings.rasa_url}/conversations/{conversation_id}/tracker",
                params={**self._auth, "include_events": "ALL"},
            )
            response.raise_for_status()
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
