"""Fixtures for the certificate, meeting and usage tests: a migrated database of each
kind, settings pointed at it, a local SMTP server and the Twilio stub.

Import the fixtures into a conftest.py: ``from support.back_office import *``.
"""
from __future__ import annotations

import datetime as dt
from typing import Dict, Iterator

import pytest

from support.smtp_server import SmtpServer
from support.twilio_stub import TwilioStub

PUBLIC_BASE_URL = "https://line.example.org"
SERVICE_NAME = "SE SEND Mediation"
# A Friday morning in November (UTC): certificates issued now are dated Friday 20 November 2026.
NOW = dt.datetime(2026, 11, 20, 10, 0)
DECISION = dt.date(2026, 10, 1)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def twilio_stub() -> Iterator[TwilioStub]:
    stub = TwilioStub(auth_token="stub-auth-token").start()
    yield stub
    stub.stop()


@pytest.fixture
def office(database_url, monkeypatch, smtp_server, twilio_stub):
    """Settings for the back office on a migrated database; returns the Settings.
    The ``reconfigure`` fixture changes a setting for the rest of a test."""
    from bot import database
    from bot.settings import get_settings

    values: Dict[str, str] = {
        "DATABASE_URL": database_url,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "SERVICE_NAME": SERVICE_NAME,
        "SMTP_HOST": smtp_server.host,
        "SMTP_PORT": str(smtp_server.port),
        "MAIL_FROM": "line@service.example",
        "TWILIO_ACCOUNT_SID": twilio_stub.account_sid,
        "TWILIO_AUTH_TOKEN": "stub-auth-token",
        "TWILIO_FROM_NUMBER": "+441632960000",
        "TWILIO_API_BASE_URL": twilio_stub.url,
        "OUTBOX_WORKER_ENABLED": "false",
        "TIMEZONE": "Europe/London",
    }

    for name, value in values.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    settings = get_settings()
    database.get_engine.cache_clear()
    database.upgrade(database_url)
    yield settings
    get_settings.cache_clear()
    database.get_engine.cache_clear()


@pytest.fixture
def reconfigure(office, monkeypatch):
    from bot.settings import get_settings

    def apply(**env: str):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        return get_settings()

    return apply


PERSON = dict(requester_name="Jane Smith", child_name="Sam Smith", requester_role="parent",
              local_authority="Kent", about="plan_content", decision_date=DECISION)


def issue_not_pursuing(session, conversation_id: str = "conv-1", channel: str = "web", now=NOW, **overrides):
    """The conversation's order: information given, choice recorded, certificate issued."""
    from bot.mediation import service

    details = dict(PERSON, **overrides)
    service.record_mediation_information(session, conversation_id=conversation_id, channel=channel,
                                         local_authority=details["local_authority"], about=details["about"],
                                         decision_date=details["decision_date"], now=now)
    service.record_mediation_choice(session, conversation_id=conversation_id, pursue=False, now=now)
    return service.issue_certificate(session, conversation_id=conversation_id, channel=channel, now=now, **details)
