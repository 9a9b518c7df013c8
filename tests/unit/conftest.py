"""Fixtures for the tests of the Twilio side (telephony/ and bot/outbox/): the Twilio stub and the settings
that point at it (a folder's own `configure` fixture takes precedence in that folder)."""
from __future__ import annotations

from typing import Dict, Iterator

import pytest

from support.settings_env import apply_settings, reset_settings
from support.telephony import ALWAYS_OPEN, AUTH_TOKEN, MEDIATORS, PUBLIC_BASE_URL
from support.twilio_stub import TwilioStub


@pytest.fixture
def twilio_stub() -> Iterator[TwilioStub]:
    stub = TwilioStub(auth_token=AUTH_TOKEN).start()
    yield stub
    stub.stop()


@pytest.fixture
def configure(monkeypatch, tmp_path, twilio_stub):
    """Set environment settings for the telephony code; returns a function to change them."""

    def apply(database_url: str = "", **env: str):
        values: Dict[str, str] = {
            "DATABASE_URL": database_url or f"sqlite:///{tmp_path / 'telephony.db'}",
            "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "TWILIO_ACCOUNT_SID": twilio_stub.account_sid,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_FROM_NUMBER": "+441632960000",
            "TWILIO_API_BASE_URL": twilio_stub.url,
            "MEDIATOR_NUMBERS": ",".join(MEDIATORS),
            "RASA_URL": "http://127.0.0.1:9",  # no Rasa in unit tests: the keypad paths need none
            "STAFFED_HOURS": ALWAYS_OPEN,
            "OUTBOX_WORKER_ENABLED": "false",
            "SERVICE_NAME": "SE SEND Mediation",
        }
        values.update(env)
        return apply_settings(monkeypatch, values)

    yield apply
    reset_settings()
