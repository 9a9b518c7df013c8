"""Rasa tracker and lock stores configured from bot.settings.

endpoints.yml names these classes so that Rasa reads the same DATABASE_URL and
REDIS_URL as the rest of the product, instead of a second copy of them.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any, NamedTuple, Optional
from urllib.parse import urlsplit

from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.orm import sessionmaker

from bot.conversations import action_sessions, action_validation
from bot.database import ensure_sqlite_folder, sqlite_engine_arguments, sqlite_pragmas
from bot.settings import get_settings

# The Rasa server imports this module at start-up (endpoints.yml): check action server
# answers against a ready validator, not the whole schema again on every action.
action_validation.install()
# ... and call the action server over one kept session, not a new connection per action.
action_sessions.install()


class _Saved(NamedTuple):
    last_event_id: int  # the id of the conversation's newest row in the events table after the save
    events: int  # how many events the tracker held when it was saved
    tracker: DialogueStateTracker
    saved_at: float  # time.monotonic(), s


def _holds_only_latest_session(tracker: DialogueStateTracker) -> bool:
    """True when the tracker holds exactly the events SQLTrackerStore.retrieve would read back:
    those at or after the latest session start (all of them when there is none)."""
    starts = [e.timestamp for e in tracker.events if isinstance(e, SessionStarted)]
    if not starts:
        return True
    latest = max(starts)
    return all(e.timestamp >= latest for e in tracker.events)


class SettingsSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store on DATABASE_URL (SQLite by default), which keeps the trackers it
    saved recently.

    Reading a conversation back (its rows, JSON and a replay of every event) was a tenth of the
    Rasa server's CPU under load (docs/benchmarks.md). A tracker this server saved is handed
    back as it is while the conversation's newest row in the events table is still the one it
    wrote and nothing was added to the tracker since: one indexed query instead. Any write by
    another Rasa server (or a failed turn that was never saved) makes it read the rows again.
    Kept for RECENT_SECONDS at most, so that words are not held in memory long after the turn.
    """

    RECENT_CONVERSATIONS = 2000
    RECENT_SECONDS = 1800.0

    def __init__(self, domain=None, host: Optional[str] = None, event_broker=None, **kwargs: Any) -> None:
        self._saved: "OrderedDict[str, _Saved]" = OrderedDict()
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

    def _last_event_id(self, sender_id: str) -> int:
        query = select(func.max(self.SQLEvent.id)).where(self.SQLEvent.sender_id == sender_id)
        with self.engine.connect() as connection:
            return connection.execute(query).scalar() or 0

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        saved = self._saved.get(sender_id)
        if saved is not None:
            if (
                time.monotonic() - saved.saved_at < self.RECENT_SECONDS
                and len(saved.tracker.events) == saved.events
                and self._last_event_id(sender_id) == saved.last_event_id
            ):
                return saved.tracker
            del self._saved[sender_id]
        return await super().retrieve(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        self._saved.pop(tracker.sender_id, None)
        await super().save(tracker)
        now = time.monotonic()
        # The lock store holds the conversation while its turn is saved: the newest row is this one's.
        if _holds_only_latest_session(tracker):
            self._saved[tracker.sender_id] = _Saved(
                self._last_event_id(tracker.sender_id), len(tracker.events), tracker, now
            )
        while self._saved and (
            len(self._saved) > self.RECENT_CONVERSATIONS
            or now - next(iter(self._saved.values())).saved_at >= self.RECENT_SECONDS
        ):
            self._saved.popitem(last=False)


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's Redis lock store, with each read-modify-write of a conversation's ticket lock
    done under a short Redis mutex.

    Rasa 3.6 issues a ticket by reading the lock, adding a ticket and saving it back: two
    servers taking a message of one conversation at the same moment could both get the same
    ticket, both process at once, and one message's events were lost
    (tests/resilience/test_rasa_servers.py, about one run in two on a busy machine).
    """

    def _mutex(self, conversation_id: str):
        # Held for a few Redis round trips only; the timeouts (s) stop a crashed server blocking others.
        return self.red.lock(f"{self.key_prefix}mutex:{conversation_id}", timeout=10, blocking_timeout=10)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)


LOCK_KEY_PREFIX = "sendline"


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
        return AtomicRedisLockStore(
            host=parts.hostname or "localhost",
            port=parts.port or 6379,
            db=db,
            username=parts.username,
            password=parts.password,
            use_ssl=parts.scheme == "rediss",
            # Rasa takes an alphanumeric prefix only (it silently drops "send_line").
            key_prefix=LOCK_KEY_PREFIX,
        )
