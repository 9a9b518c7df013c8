"""Web chat unit tests: a migrated database of each kind, settings pointing at it."""
from __future__ import annotations

import pytest


@pytest.fixture
def chat_db(monkeypatch, database_url):
    from bot import database
    from bot.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")  # nothing listens: Rasa calls fail fast, as when it is down
    monkeypatch.setenv("MEDIATOR_NUMBERS", "")
    monkeypatch.setenv("REDIS_URL", "")
    get_settings.cache_clear()
    database.get_engine.cache_clear()
    database.upgrade(database_url)
    yield database_url
    get_settings.cache_clear()
    database.get_engine.cache_clear()
