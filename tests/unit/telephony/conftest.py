"""Fixtures for the telephony tests: signed requests to a fresh app (the Twilio stub and
`configure` are in tests/unit/conftest.py, shared with the outbox's tests)."""
from __future__ import annotations

import pytest

from support.telephony import TwilioPoster


@pytest.fixture
def twilio(configure):
    """configure() first, then a signed-request poster on a fresh app."""
    from fastapi.testclient import TestClient

    def make(**env):
        configure(**env)
        from bot.app import create_app

        return TwilioPoster(TestClient(create_app()))

    return make
