"""Fixtures for the fault and hostile-input tests.

Only the pieces a test needs are started, on ports 20000-20999:
- `rasa_cluster` (one per run): the action server and two Rasa servers with the
  trained model, sharing one PostgreSQL tracker store and a Redis lock store, as in
  production (README, Production). Tests stop, pause and restart its parts and leave
  them running again.
- `web_app`: the web app in-process (FastAPI TestClient) on a database of the test's
  choosing, pointed at whatever Rasa the test names (none by default).
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import httpx
import pytest

from bot.settings import Settings
from bot.supervisor import Service, build_services, child_environment
from support import servers
from support.settings_env import apply_settings, reset_settings
from support.stack import ROOT
from support.telephony import ALWAYS_OPEN, AUTH_TOKEN, PUBLIC_BASE_URL, TwilioPoster


def _root_conftest():
    """tests/conftest.py (its PostgreSQL helpers); a plain import would find this file instead."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("tests_root_conftest", ROOT / "tests" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_ROOT_CONFTEST = _root_conftest()
create_postgres_database, drop_postgres_database = (_ROOT_CONFTEST.create_postgres_database,
                                                    _ROOT_CONFTEST.drop_postgres_database)
RASA_TOKEN = "resilience-test-token"
ACTION_PORT, RASA_PORTS = 20055, (20005, 20006)
START_TIMEOUT = 240


@dataclass
class Part:
    """One running service of the cluster: its command, environment and readiness check."""
    service: Service
    env: Dict[str, str]
    log: Path
    process: Optional[subprocess.Popen] = None

    def start(self) -> "Part":
        handle = self.log.open("a")
        self.process = subprocess.Popen(self.service.command, cwd=ROOT, env=self.env, stdout=handle,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        return self

    def wait_ready(self) -> "Part":
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process and self.process.poll() is None, f"{self.service.name} exited:\n{self.tail()}"
            if self.service.ready():
                return self
            time.sleep(0.5)
        pytest.fail(f"{self.service.name} did not start in {START_TIMEOUT} s:\n{self.tail()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.resume()
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def pause(self) -> None:
        """Freeze the process: it accepts connections but answers nothing (a hung server)."""
        os.killpg(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.killpg(self.process.pid, signal.SIGCONT)

    @property
    def running(self) -> bool:
        return bool(self.process) and self.process.poll() is None

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""


@dataclass
class RasaCluster:
    database_url: str
    actions: Part
    rasa: List[Part]
    urls: List[str] = field(default_factory=list)

    def say(self, server: int, sender: str, text: str, timeout: float = 60) -> List[Dict]:
        response = httpx.post(f"{self.urls[server]}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                              timeout=timeout)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str, server: int = 0) -> Dict:
        response = httpx.get(f"{self.urls[server]}/conversations/{sender}/tracker",
                             params={"token": RASA_TOKEN, "include_events": "ALL"}, timeout=30)
        response.raise_for_status()
        return response.json()

    def ensure_actions_running(self) -> None:
        if not self.actions.running:
            self.actions.start().wait_ready()


def _settings(database_url: str, rasa_port: int, model: Path) -> Settings:
    return Settings(_env_file=None, database_url=database_url, redis_url=servers.redis_url(9), rasa_port=rasa_port,
                    action_server_port=ACTION_PORT, rasa_token=RASA_TOKEN, model_path=str(model), web_port=20080)


@pytest.fixture(scope="session")
def rasa_cluster(tmp_path_factory) -> Iterator[RasaCluster]:
    from bot import database

    folder = tmp_path_factory.mktemp("cluster")
    model = folder / "model.tar.gz"
    shutil.copy(ROOT / "models" / "current.tar.gz", model)  # a colleague's retraining must not change it mid-run
    database_url = create_postgres_database()
    database.upgrade(database_url)
    parts: List[Part] = []
    try:
        for index, port in enumerate(RASA_PORTS):
            settings = _settings(database_url, port, model)
            services = {service.name: service for service in build_services(settings)}
            env = dict(child_environment(settings), ACTION_SERVER_PORT=str(ACTION_PORT), RASA_PORT=str(port))
            if index == 0:
                actions = Part(services["actions"], env, folder / "actions.log").start()
                parts.append(actions)
            parts.append(Part(services["rasa"], env, folder / f"rasa{index}.log"))
        actions.wait_ready()
        for part in parts[1:]:
            part.start()
        for part in parts[1:]:
            part.wait_ready()
        yield RasaCluster(database_url, actions, parts[1:], [f"http://127.0.0.1:{port}" for port in RASA_PORTS])
    finally:
        for part in reversed(parts):
            part.stop()
        drop_postgres_database(database_url)


@pytest.fixture
def web_app(monkeypatch, tmp_path):
    """make(**env): the web app in-process, signed Twilio poster included (.client, .twilio)."""
    from fastapi.testclient import TestClient

    clients: List[TestClient] = []

    def make(**env: str):
        values = {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'web.db'}",
            "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
            "TWILIO_FROM_NUMBER": "+441632960000",
            "RASA_URL": "http://127.0.0.1:20999",  # nothing listens there unless a test says so
            "ACTION_SERVER_URL": "http://127.0.0.1:20998/webhook",
            "RASA_TOKEN": RASA_TOKEN,
            "STAFFED_HOURS": ALWAYS_OPEN,
            "MEDIATOR_NUMBERS": "",
            "OUTBOX_WORKER_ENABLED": "false",
            "RETENTION_JOB_HOURS": "0",
            "REDIS_URL": "",
        }
        values.update(env)
        apply_settings(monkeypatch, values)
        from bot.app import create_app

        client = TestClient(create_app(), raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        client.twilio = TwilioPoster(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)
    reset_settings()


class ChatReader:
    """Frames of a TestClient WebSocket, read with a time limit so a missing answer fails, not hangs."""

    def __init__(self, socket) -> None:
        self.socket = socket
        self.frames: List[Dict] = []

    def next(self, timeout: float = 60) -> Dict:
        import json

        import anyio
        from starlette.websockets import WebSocketDisconnect

        async def receive():
            with anyio.fail_after(timeout):
                return await self.socket._send_rx.receive()

        message = self.socket.portal.call(receive)
        if message["type"] == "websocket.close":
            raise WebSocketDisconnect(code=message.get("code", 1000))
        frame = json.loads(message["text"])
        self.frames.append(frame)
        return frame

    def until(self, predicate, timeout: float = 60) -> Dict:
        deadline = time.monotonic() + timeout
        while True:
            frame = self.next(max(0.1, deadline - time.monotonic()))
            if predicate(frame):
                return frame

    def start(self, session: Optional[str] = None, after: int = 0) -> str:
        self.socket.send_json({"type": "start", "session": session, "after": after})
        return self.until(lambda frame: frame["type"] == "session")["session"]

    def say(self, text: str, client_id: str) -> None:
        self.socket.send_json({"type": "say", "text": text, "client_id": client_id, "payload": None})


@pytest.fixture
def chat_reader():
    return ChatReader


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database (direct URL)."""
    from bot import database

    url = create_postgres_database()
    database.upgrade(url)
    try:
        yield url
    finally:
        database.get_engine.cache_clear()
        drop_postgres_database(url)
