"""Rasa tracker and lock stores configured from bot.settings.

endpoints.yml names these classes so that Rasa reads the same DATABASE_URL and
REDIS_URL as the rest of the product, instead of a second copy of them.
"""
from __future__ import annotations

from typing import Any, Optional
from urllib.parse import urlsplit

from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import create_engine, event
from sqlalchemy.orm import sessionmaker

from bot.conversations import action_validation
from bot.database import ensure_sqlite_folder, sqlite_engine_arguments, sqlite_pragmas
from bot.settings import get_settings

# The Rasa server imports this module at start-up (endpoints.yml): check action server
# answers against a ready validator, not the whole schema again on every action.
action_validation.install()


class SettingsSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store on DATABASE_URL (SQLite by default)."""

    def __init__(self, domain=None, host: Optional[str] = None, event_broker=None, **kwargs: Any) -> None:
        url = host or get_settings().database_url
        if url.startswith("sqlite"):
            ensure_sqlite_folder(url)
        # SQLTrackerStore accepts a full SQLAlchemy URL in `host`.
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # Rasa's engine opens a new connection for each read and write (NullPool):
            # use the web app's pooled engine settings instead, with the same pragmas
            # (three processes share the file; bot.database.sqlite_engine_arguments).
            self.engine.dispose()
            self.engine = create_engine(url, **sqlite_engine_arguments(url))
            event.listen(self.engine, "connect", sqlite_pragmas)
            self.sessionmaker = sessionmaker(bind=self.engine)


class SettingsLockStore(LockStore):
    """In memory by default; Redis when REDIS_URL is set (needed for several Rasa servers)."""

    def __new__(cls, endpoint_config=None, **kwargs: Any) -> LockStore:  # type: ignore[misc]
        # Rasa instantiates the class named in endpoints.yml; returning the right
        # concrete store here keeps the choice in one setting.
        redis_url = get_settings().redis_url
        if not redis_url:
            return InMemoryLockStore()
        parts = urlsplit(redis_url)
        db = int(parts.path.strip("/") or 0)
        return RedisLockStore(
            host=parts.hostname or "localhost",
            port=parts.port or 6379,
            db=db,
            username=parts.username,
            password=parts.password,
            use_ssl=parts.scheme == "rediss",
            key_prefix="send_line",
        )
