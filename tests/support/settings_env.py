"""Point the app's settings and database at a test's environment (unit tests)."""
from __future__ import annotations

from typing import Dict

from bot import database
from bot.settings import get_settings


def apply_settings(monkeypatch, values: Dict[str, str]):
    """Set the environment, rebuild the cached settings and engine, migrate; the settings."""
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    reset_settings()
    settings = get_settings()
    database.upgrade(settings.database_url)
    return settings


def reset_settings() -> None:
    get_settings.cache_clear()
    database.get_engine.cache_clear()
