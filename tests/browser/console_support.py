"""The web app alone (no Rasa needed for the console), as a real uvicorn process with its own database."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, Optional

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
PORT = 17100


class WebApp:
    def __init__(self, database_url: str, port: int = PORT, **extra_env: str) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.port = port
        self.env: Dict[str, str] = dict(os.environ)
        self.env.update({
            "DATABASE_URL": database_url,
            "PUBLIC_BASE_URL": self.url,
            "OUTBOX_WORKER_ENABLED": "false",
            "RETENTION_JOB_HOURS": "0",
            "RASA_URL": "http://127.0.0.1:9",
            "CONSOLE_ALERT_POLL_SECONDS": "5",
        })
        self.env.update(extra_env)
        self.process: Optional[subprocess.Popen] = None
        self.log = ROOT / "var" / f"console-browser-{port}.log"

    def migrate(self) -> None:
        subprocess.run([sys.executable, "-m", "bot.database", "upgrade"], cwd=ROOT, env=self.env, check=True,
                       capture_output=True)

    def start(self) -> "WebApp":
        self.log.parent.mkdir(exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "bot.app:app", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT, env=self.env, stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the web app exited:\n{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/console/login", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        pytest.fail(f"the web app did not start:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


class RasaApiStub:
    """A real HTTP server speaking the part of Rasa's HTTP API the live handoff uses
    (POST /conversations/{id}/tracker/events); it keeps every event it is sent, so a
    test sees what the tracker would record. Anything else answers as a silent Rasa."""

    def __init__(self, port: int) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.events: Dict[str, list] = {}
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")
                path = self.path.split("?")[0]
                if path.startswith("/conversations/") and path.endswith("/tracker/events"):
                    conversation = path.split("/")[2]
                    stub.events.setdefault(conversation, []).extend(body if isinstance(body, list) else [body])
                data = b"[]" if path.startswith("/webhooks/") else b"{}"
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
