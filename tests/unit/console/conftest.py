"""Fixtures for the console tests: a migrated database, the app, signed-in clients."""
from __future__ import annotations

import re
from typing import Dict

import pytest

from support.settings_env import apply_settings, reset_settings

from support.console import add_user, totp_code

PASSWORD = "a long enough password"
ROLES = ("mediator", "manager", "admin")


@pytest.fixture
def configure(monkeypatch, tmp_path):

    def apply(database_url: str = "", **env: str):
        values: Dict[str, str] = {
            "DATABASE_URL": database_url or f"sqlite:///{tmp_path / 'console.db'}",
            "PUBLIC_BASE_URL": "http://testserver",
            "OUTBOX_WORKER_ENABLED": "false",
            "RETENTION_JOB_HOURS": "0",
            "MEDIATOR_NUMBERS": "+447700900001,+447700900002",
        }
        values.update(env)
        return apply_settings(monkeypatch, values)

    yield apply
    reset_settings()


class Console:
    """The app behind a TestClient, with one user of each role."""

    def __init__(self, settings) -> None:
        from fastapi.testclient import TestClient

        from bot.app import create_app

        self.settings = settings
        self.app = create_app()
        self.TestClient = TestClient
        for role in ROLES:
            add_user(settings.database_url, role, role, PASSWORD, f"{role.title()} Person")

    def client(self):
        return self.TestClient(self.app, follow_redirects=False)

    def sign_in(self, username: str, password: str = PASSWORD, client=None):
        client = client or self.client()
        page = client.get("/console/login")
        token = csrf_from(page.text)
        response = client.post("/console/login", data={"username": username, "password": password,
                                                       "csrf_token": token, "next": "/console/"})
        if response.status_code != 303:
            return client, response
        return client, self.second_factor(client, username, response.headers["location"])

    def second_factor(self, client, username: str, location: str, next_url: str = "/console/"):
        """The second step: the code from the user's authenticator app (set up now if it is not yet)."""
        page = client.get(location)
        shown = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page.text)
        secret = shown.group(1).replace(" ", "") if shown else None
        return client.post("/console/login/second-factor",
                           data={"code": totp_code(username, self.settings.database_url, secret),
                                 "csrf_token": csrf_from(page.text), "next": next_url})

    def signed_in(self, role: str):
        client, response = self.sign_in(role)
        assert response.status_code == 303, response.text
        client.csrf = csrf_from(client.get("/console/").text)
        return client


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture
def make_console(configure):
    """make_console(**env): the console with settings changed."""
    return lambda database_url="", **env: Console(configure(database_url, **env))


@pytest.fixture
def console(make_console) -> Console:
    return make_console()
