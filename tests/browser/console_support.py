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


PASSWORD = "browser test password"


# (app address, username) -> the cookies of a session signed in by `sign_in`, for the next new
# browser of that user. The service takes each authenticator code once and accepts at most the
# steps either side of now, so signing in afresh in every new browser waited up to 30 s each time.
_SIGNED_IN: Dict[tuple, list] = {}


def sign_in(page, app, username: str, password: str = PASSWORD) -> None:
    """Sign in to the console of ``app`` (anything with a ``url``) as a browser user does.

    A new browser (no cookies yet) of a user with the standard password takes over the session
    this user signed in with earlier in the run, when the service still accepts it, as a second
    tab would; anything else (another password, a browser that was signed in, a session that
    ended) signs in with the form and a fresh code."""
    import re

    from playwright.sync_api import expect

    key = (app.url, username)
    reused = password == PASSWORD and not page.context.cookies(f"{app.url}/console/") and key in _SIGNED_IN
    if reused:
        page.context.add_cookies(_SIGNED_IN[key])
    page.goto(f"{app.url}/console/")
    if reused and "/console/login" not in page.url:
        return
    expect(page).to_have_url(re.compile(r"/console/login\?next="))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    enter_code(page, app, username)
    if password == PASSWORD:
        expect(page).not_to_have_url(re.compile(r"/console/login"))
        _SIGNED_IN[key] = page.context.cookies(f"{app.url}/console/")


def enter_code(page, app, username: str) -> None:
    """The second step of sign-in: the code the user's authenticator app shows (the secret
    add_user set up, or the one the page shows at a first sign-in; tests/support/console.py)."""
    import re

    from playwright.sync_api import expect

    from support.console import totp_code

    expect(page).to_have_url(re.compile(r"/console/login/second-factor"))
    shown = page.locator("#totp-secret")
    secret = shown.inner_text().replace(" ", "") if shown.count() else None
    page.get_by_label("Code from your authenticator app").fill(
        totp_code(username, getattr(app, "database_url", app.url), secret))
    page.get_by_role("button", name=re.compile("Sign in")).click()
