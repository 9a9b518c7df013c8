"""Rasa's stores follow the product's settings: one DATABASE_URL, Redis locks when REDIS_URL is set."""
import asyncio
import os

import pytest
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.conversations.stores import SettingsLockStore, SettingsSQLTrackerStore
from bot.settings import get_settings

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def settings_env(monkeypatch):
    def apply(**values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
    yield apply
    get_settings.cache_clear()


def test_lock_store_is_in_memory_by_default(settings_env):
    settings_env(REDIS_URL="")
    assert isinstance(SettingsLockStore(endpoint_config=None), InMemoryLockStore)


def test_lock_store_uses_redis_when_configured(settings_env):
    settings_env(REDIS_URL=REDIS_URL)
    store = SettingsLockStore(endpoint_config=None)
    assert isinstance(store, RedisLockStore)
    try:
        store.red.ping()
    except Exception as error:  # noqa: BLE001
        pytest.fail(f"Redis is not reachable at {REDIS_URL} ({error}); .ci/run starts it", pytrace=False)
    # Two tickets for one conversation are served in order, through Redis.
    first = store.issue_ticket("conversation-a")
    second = store.issue_ticket("conversation-a")
    assert second == first + 1
    assert store.get_lock("conversation-a").is_locked(first) is False
    store.delete_lock("conversation-a")


def test_tracker_store_keeps_events_on_the_configured_database(database_url):
    store = SettingsSQLTrackerStore(domain=Domain.empty(), host=database_url)
    tracker = DialogueStateTracker.from_events("parent-1", [
        ActionExecuted("action_listen"), UserUttered("hello", {"name": "greet", "confidence": 1.0}),
    ])
    asyncio.run(store.save(tracker))

    again = SettingsSQLTrackerStore(domain=Domain.empty(), host=database_url)
    restored = asyncio.run(again.retrieve("parent-1"))
    assert [event.text for event in restored.events if isinstance(event, UserUttered)] == ["hello"]
    store.engine.dispose()
    again.engine.dispose()
