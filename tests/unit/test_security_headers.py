"""Security headers on every public page; proxies believed only when configured; no CDN page in production."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.settings import Settings, get_settings
from bot.supervisor import proxy_arguments

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {"RASA_TOKEN": "r" * 40, "PHONE_HASH_SALT": "s" * 40}


@pytest.fixture
def app_with(monkeypatch, tmp_path):
    def make(**env):
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'headers.db'}")
        monkeypatch.setenv("OUTBOX_WORKER_ENABLED", "false")
        monkeypatch.setenv("RETENTION_JOB_HOURS", "0")
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        from bot import database
        from bot.app import create_app

        database.upgrade(get_settings().database_url)
        return TestClient(create_app())
    yield make
    get_settings.cache_clear()


@pytest.mark.parametrize("path", ["/certificates/verify", "/certificates/verify/SEND-0000-XXXX", "/openapi.json",
                                  "/no-such-page", "/api/route-check"])
def test_every_public_response_carries_the_security_headers(app_with, path):
    response = app_with().get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP on a developer's machine


def test_pages_keep_their_own_policy_and_https_adds_hsts(app_with):
    client = app_with(PUBLIC_BASE_URL="https://send-line.example.org", WEBCHAT_EMBED_ORIGINS="https://www.kent.gov.uk")
    chat = client.get("/")
    assert "frame-ancestors 'self'" in chat.headers["Content-Security-Policy"]  # the chat page's own
    assert chat.headers["Strict-Transport-Security"].startswith("max-age=")


def test_no_page_loads_from_a_cdn_outside_development(app_with):
    production = app_with(ENVIRONMENT="production", **SECRETS)
    assert production.get("/docs").status_code == 404
    assert production.get("/openapi.json").status_code == 200


def test_proxy_headers_are_believed_only_from_trusted_proxies():
    assert proxy_arguments(Settings(_env_file=None)) == ["--no-proxy-headers"]
    assert proxy_arguments(Settings(_env_file=None, trusted_proxies="10.0.0.5, 10.0.0.6")) == [
        "--proxy-headers", "--forwarded-allow-ips", "10.0.0.5,10.0.0.6"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("trusted, seen", [("", "127.0.0.1"), ("127.0.0.1", "203.0.113.9")])
def test_a_spoofed_forwarded_for_is_ignored_by_the_real_server(tmp_path, trusted, seen):
    # A real uvicorn with the supervisor's proxy options, serving an app that says who it thinks called.
    (tmp_path / "whoami.py").write_text(
        "async def app(scope, receive, send):\n"
        "    await send({'type': 'http.response.start', 'status': 200, 'headers': []})\n"
        "    await send({'type': 'http.response.body', 'body': scope['client'][0].encode()})\n")
    port = _free_port()
    arguments = proxy_arguments(Settings(_env_file=None, trusted_proxies=trusted))
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "whoami:app", "--port", str(port), *arguments],
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "FORWARDED_ALLOW_IPS": "*"})  # ignored: our options decide
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert answer.text == seen
    finally:
        server.terminate()
        server.wait(timeout=10)
