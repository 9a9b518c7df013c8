"""Rate limits per source address (bot/limits.py, the `limits` library), over real HTTP:
requests for a person from the public web chat are counted per address over all its
chats (a new socket starts nothing afresh), certificate checks per address, and with
REDIS_URL the counts outlive a restart of the web app. Safeguarding is never limited."""
from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import httpx
import pytest
import sqlalchemy as sa

from bot.mediation.references import new_reference
from support import servers

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebApp:
    """The web app alone in a real uvicorn (no Rasa: its URL answers nothing)."""

    def __init__(self, tmp_path: Path, **env: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = f"sqlite:///{tmp_path / 'limits.db'}"
        self.env: Dict[str, str] = {**os.environ, "DATABASE_URL": self.database_url, "PUBLIC_BASE_URL": self.url,
                                    "OUTBOX_WORKER_ENABLED": "false", "RETENTION_JOB_HOURS": "0",
                                    "RASA_URL": "http://127.0.0.1:9", "REDIS_URL": "", **env}
        self.log = tmp_path / f"web-{self.port}.log"
        self.process: Optional[subprocess.Popen] = None
        subprocess.run([sys.executable, "-m", "bot.database", "upgrade"], cwd=ROOT, env=self.env, check=True,
                       capture_output=True)

    def start(self) -> "WebApp":
        self.process = subprocess.Popen([sys.executable, "-m", "uvicorn", "bot.app:app", "--host", "127.0.0.1",
                                         "--port", str(self.port)], cwd=ROOT, env=self.env,
                                        stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                if httpx.get(f"{self.url}/certificates/verify", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"the web app did not start:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)

    def count(self, sql: str) -> int:
        engine = sa.create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return connection.execute(sa.text(sql)).scalar_one()
        finally:
            engine.dispose()


@pytest.fixture
def web_app(tmp_path):
    apps: List[WebApp] = []

    def start(**env: str) -> WebApp:
        app = WebApp(tmp_path, **env).start()
        apps.append(app)
        return app

    yield start
    for app in apps:
        app.stop()


async def _chat(app: WebApp, frame: Dict, answer_type: str, words: str = "") -> Dict:
    """Open a new chat (a new socket, a new conversation), send one frame, return the first
    frame of ``answer_type`` (whose text has ``words``, when given)."""
    import websockets

    async with websockets.connect(f"ws://127.0.0.1:{app.port}/chat/ws", origin=app.url) as socket_:
        await socket_.send(json.dumps({"type": "start", "session": None}))
        await socket_.send(json.dumps(frame))
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            got = json.loads(await asyncio.wait_for(socket_.recv(), timeout=15))
            if got.get("type") == answer_type and words in str(got.get("text") or got.get("message") or ""):
                return got
    raise AssertionError(f"no {answer_type} frame with {words!r}")


ALWAYS_STAFFED = ",".join(f"{day}=00:00-23:59" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
UNKNOWN = new_reference()  # well formed, never issued: 404
PERSON = {"type": "say", "text": "Talk to a person", "payload": "webchat:person", "client_id": "c1"}


def test_requests_for_a_person_are_limited_per_address_across_new_sockets(web_app):
    app = web_app(ESCALATION_RATE_LIMIT="2/hour", STAFFED_HOURS=ALWAYS_STAFFED)
    for _ in range(2):
        asyncio.run(_chat(app, PERSON, "message", "asked a mediator from our team to join"))
    assert app.count("SELECT count(*) FROM escalations") == 2
    # A third chat from the same address: told to wait; nothing new for staff.
    refused = asyncio.run(_chat(app, PERSON, "message", "asked for a person several times"))
    assert refused["sender"] == "system" and "try again in" in refused["text"]
    # A callback asked for from a fourth chat is refused in the same words.
    contact = asyncio.run(_chat(app, {"type": "contact", "phone": "07700 900123"}, "contact"))
    assert contact["ok"] is False and "several times" in contact["message"]
    time.sleep(1)
    assert app.count("SELECT count(*) FROM escalations") == 2


def test_certificate_checks_are_limited_per_address(web_app):
    app = web_app(CERTIFICATE_CHECK_RATE_LIMIT="3/minute")
    for _ in range(3):
        assert httpx.get(f"{app.url}/api/v1/certificates/{UNKNOWN}/status").status_code == 404
    refused = httpx.get(f"{app.url}/api/v1/certificates/{UNKNOWN}/status")
    assert refused.status_code == 429 and refused.json()["status"] == "rate_limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    page = httpx.get(f"{app.url}/certificates/verify/{UNKNOWN}")
    assert page.status_code == 429 and "Too many certificate checks" in page.text
    assert page.headers["content-security-policy"]  # a public page like the others
    # Another address is not held back.
    other = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"))
    assert other.get(f"{app.url}/api/v1/certificates/{UNKNOWN}/status").status_code == 404


def test_with_redis_the_counts_outlive_a_restart(web_app):
    import redis

    url = servers.redis_url(13)  # configured or throwaway; skipped (and counted) without one
    store = redis.Redis.from_url(url)
    for key in store.scan_iter("LIMITER/certificate_check/*"):
        store.delete(key)
    first = web_app(CERTIFICATE_CHECK_RATE_LIMIT="2/minute", REDIS_URL=url)
    for _ in range(2):
        assert httpx.get(f"{first.url}/api/v1/certificates/{UNKNOWN}/status").status_code == 404
    first.stop()
    again = web_app(CERTIFICATE_CHECK_RATE_LIMIT="2/minute", REDIS_URL=url)
    assert httpx.get(f"{again.url}/api/v1/certificates/{UNKNOWN}/status").status_code == 429
    assert list(store.scan_iter("LIMITER/certificate_check/*"))


def test_safeguarding_is_never_limited(monkeypatch, tmp_path):
    from support.settings_env import apply_settings, reset_settings

    from bot import limits
    from bot.webchat import live

    settings = apply_settings(monkeypatch, {"DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}",
                                            "ESCALATION_RATE_LIMIT": "1/hour", "RASA_URL": "http://127.0.0.1:9",
                                            "OUTBOX_WORKER_ENABLED": "false"})
    try:
        limits.SOURCE.set("203.0.113.7")
        live.request_person("web-a", "person_requested")
        live.request_person("web-b", "person_requested")  # refused: the address's one for the hour
        for conversation in ("web-c", "web-d"):
            live.request_person(conversation, "safeguarding", category="risk_to_life")
        engine = sa.create_engine(settings.database_url)
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT conversation_id, reason FROM escalations "
                                              "ORDER BY conversation_id")).all()
        engine.dispose()
        assert [tuple(r) for r in rows] == [("web-a", "person_requested"), ("web-c", "safeguarding"),
                                            ("web-d", "safeguarding")]
    finally:
        reset_settings()
