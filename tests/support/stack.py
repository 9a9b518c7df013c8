"""The real product (the supervisor with all three services), started for tests.

The stack runs on its own ports and database, so a developer's `make run` can
stay up while the tests run.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Dict, List, Optional

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
TEST_PORTS = {"RASA_PORT": "15005", "ACTION_SERVER_PORT": "15055", "WEB_PORT": "18000"}
START_TIMEOUT = 240


class ServiceStack:
    """`python -m bot.supervisor` as a user runs it, with test settings."""

    def __init__(self, database_url: str, **extra_env: str) -> None:
        self.env = dict(os.environ)
        for name in ("RASA_URL", "ACTION_SERVER_URL", "REDIS_URL"):
            self.env.pop(name, None)
        self.env.update(TEST_PORTS)
        self.env.update({
            "DATABASE_URL": database_url,
            "PUBLIC_BASE_URL": f"http://localhost:{TEST_PORTS['WEB_PORT']}",
            "RASA_TOKEN": "integration-test-token",
        })
        self.env.update(extra_env)
        self.process: Optional[subprocess.Popen] = None
        self.output: List[str] = []
        self._reader: Optional[threading.Thread] = None

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.env['WEB_PORT']}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.env['RASA_PORT']}"

    @property
    def rasa_token(self) -> str:
        return self.env["RASA_TOKEN"]

    def start(self) -> "ServiceStack":
        self.output = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.supervisor"], cwd=ROOT, env=self.env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"supervisor exited with {self.process.returncode}:\n{self.log_tail()}")
            if any("all services are up" in line for line in self.output):
                return self
            time.sleep(0.5)
        self.stop()
        pytest.fail(f"services did not come up within {START_TIMEOUT} s:\n{self.log_tail()}")

    def _read(self) -> None:
        assert self.process and self.process.stdout
        for line in self.process.stdout:
            self.output.append(line.rstrip())

    def stop(self, timeout: float = 60) -> int:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        finally:
            if self._reader:
                self._reader.join(timeout=5)

    def child_pid(self, marker: str) -> int:
        """PID of the supervisor's child whose command line contains `marker`."""
        assert self.process
        children = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout.split()
        for pid in children:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            if marker in cmdline:
                return int(pid)
        raise LookupError(f"no child running {marker!r}")

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.output[-lines:])

    def say(self, sender: str, text: str) -> List[Dict]:
        response = httpx.post(f"{self.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=30)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> Dict:
        response = httpx.get(f"{self.rasa_url}/conversations/{sender}/tracker", params={"token": self.rasa_token}, timeout=30)
        response.raise_for_status()
        return response.json()
