"""GET /health with several Rasa servers (issue 22): each one is checked and reported on its
own, by number and scheme://host:port only (never the API token or a password in its URL);
one down out of two makes the answer "degraded" (HTTP 200: the web app still answers
everyone), all down makes it "down" (HTTP 503).

Real local HTTP servers answer as Rasa's /status does (the model's file and id, or HTTP 409
"No agent loaded" as Rasa 3.6 answers without a model) and as the action server's /health.
"""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, Optional
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from support.settings_env import apply_settings, reset_settings

TOKEN = "rasa-token-that-must-never-show-0123456789"
PASSWORD = "proxy-password-that-must-never-show"
MODEL = "20261201-101500-current.tar.gz"


class StatusServer:
    """A real HTTP server answering GET /status as a Rasa server (with or without a model),
    and GET /health as the action server."""

    def __init__(self, model_file: Optional[str] = MODEL) -> None:
        self.model_file = model_file
        self.tokens: List[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802
                parts = urlsplit(self.path)
                server.tokens.extend(parse_qs(parts.query).get("token", []))
                if parts.path == "/health":
                    self._send(200, {"status": "ok"})
                elif parts.path == "/status" and server.model_file:
                    self._send(
                        200, {"model_file": server.model_file, "model_id": "7f3c2a", "num_active_training_jobs": 0}
                    )
                elif parts.path == "/status":
                    self._send(
                        409,
                        {
                            "status": "failure",
                            "reason": "Conflict",
                            "code": 409,
                            "message": "No agent loaded. To continue processing, a model of a trained "
                            "agent needs to be loaded.",
                        },
                    )
                else:
                    self._send(404, {})

            def _send(self, status: int, payload: Dict) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return self.http.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture
def servers():
    started: List[StatusServer] = []

    def start(model_file: Optional[str] = MODEL) -> StatusServer:
        started.append(StatusServer(model_file))
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def health(monkeypatch, tmp_path, servers):
    """GET /health of the web app (in-process) with RASA_URLS set to `rasa_urls`."""
    actions = servers()

    def get(*rasa_urls: str):
        apply_settings(
            monkeypatch,
            {
                "DATABASE_URL": f"sqlite:///{tmp_path / 'health.db'}",
                "RASA_URLS": ",".join(rasa_urls),
                "RASA_SERVERS": str(len(rasa_urls)),
                "RASA_TOKEN": TOKEN,
                "ACTION_SERVER_URL": f"{actions.url}/webhook",
                "OUTBOX_WORKER_ENABLED": "false",
            },
        )
        from bot.app import create_app

        return TestClient(create_app()).get("/health")

    yield get
    reset_settings()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed once the probe is


def test_one_rasa_server_down_of_two_is_degraded_and_named_without_secrets(health, servers):
    up, no_model = servers(), servers(model_file=None)
    response = health(f"http://ops:{PASSWORD}@127.0.0.1:{up.port}", no_model.url)

    assert response.status_code == 200, response.text  # still answering: not taken out of service
    report = response.json()
    assert report["status"] == "degraded"
    rasa = report["components"]["rasa"]
    assert rasa["status"] == "degraded" and rasa["detail"]["servers_up"] == 1
    first, second = rasa["detail"]["servers"]
    assert (first["server"], first["url_id"], first["status"]) == (1, f"http://127.0.0.1:{up.port}", "ok")
    assert first["model_loaded"] is True and first["model_file"] == MODEL
    assert (second["server"], second["url_id"], second["status"]) == (2, no_model.url, "down")
    assert second["model_loaded"] is False
    assert second["error"] == f"HTTP 409 from {no_model.url}/status"
    # The first server that is up gives the model at the top, as with one server.
    assert rasa["detail"]["model_loaded"] is True and rasa["detail"]["model_file"] == MODEL
    assert {name: part["status"] for name, part in report["components"].items() if name != "rasa"} == {
        "web_app": "ok",
        "database": "ok",
        "action_server": "ok",
        "staff_alerts": "ok",
    }
    # Both servers were asked, with the token; neither the token nor the password is shown.
    assert up.tokens == [TOKEN] and no_model.tokens == [TOKEN]
    assert TOKEN not in response.text and PASSWORD not in response.text and "ops:" not in response.text


def test_every_rasa_server_down_is_503_and_says_why_for_each(health, servers):
    no_model, closed = servers(model_file=None), _closed_port()
    response = health(no_model.url, f"http://127.0.0.1:{closed}")

    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "down"
    rasa = report["components"]["rasa"]
    assert rasa["status"] == "down" and rasa["detail"]["servers_up"] == 0
    assert rasa["detail"]["model_loaded"] is False
    assert [server["status"] for server in rasa["detail"]["servers"]] == ["down", "down"]
    assert rasa["detail"]["servers"][1]["error"] == "unreachable: ConnectError"
    assert rasa["detail"]["error"] == (
        f"server 1: HTTP 409 from {no_model.url}/status; server 2: unreachable: ConnectError"
    )


def test_every_rasa_server_up_is_ok(health, servers):
    first, second = servers(), servers()
    response = health(first.url, second.url)

    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "ok"
    rasa = report["components"]["rasa"]["detail"]
    assert rasa["servers_up"] == 2 and [server["status"] for server in rasa["servers"]] == ["ok", "ok"]
    assert "models_differ" not in rasa
