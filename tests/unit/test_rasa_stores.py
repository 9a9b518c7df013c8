"""Rasa's stores follow the product's settings: one DATABASE_URL, Redis locks when REDIS_URL is set."""
import asyncio

import pytest
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.conversations.stores import SettingsLockStore, SettingsSQLTrackerStore
from bot.settings import get_settings
from support import servers


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
    settings_env(REDIS_URL=servers.redis_url(15))  # configured or throwaway; skipped (and counted) without one
    store = SettingsLockStore(endpoint_config=None)
    assert isinstance(store, RedisLockStore)
    store.red.ping()
    # Two tickets for one conversation are served in order, through Redis.
    first = store.issue_ticket("conversation-a")
    second = store.issue_ticket("conversation-a")
    assert second == first + 1
    assert store.get_lock("conversation-a").is_locked(first) is False
    # The keys carry this service's prefix, so one Redis can serve other things too.
    assert store.key_prefix.startswith("sendline:")
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


def test_tracker_store_on_sqlite_keeps_one_connection_with_the_shared_pragmas(tmp_path):
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'rasa.db'}"
    store = SettingsSQLTrackerStore(domain=Domain.empty(), host=url)
    connects = []
    sa.event.listen(store.engine, "connect", lambda *_: connects.append(1))
    for turn in range(3):
        tracker = asyncio.run(store.get_or_create_tracker("parent-2"))
        tracker.update(UserUttered(f"turn {turn}", {"name": "greet", "confidence": 1.0}))
        asyncio.run(store.save(tracker))
    with store.engine.connect() as connection:
        pragmas = [connection.execute(sa.text(f"PRAGMA {name}")).scalar_one()
                   for name in ("journal_mode", "busy_timeout", "foreign_keys")]
    assert pragmas == ["wal", 30000, 1]
    assert len(connects) == 1  # not one connection (and its pragmas) for each read and write

    # Another process (the web app, another Rasa server) reads every turn from the file.
    again = SettingsSQLTrackerStore(domain=Domain.empty(), host=url)
    restored = asyncio.run(again.retrieve("parent-2"))
    assert [event.text for event in restored.events if isinstance(event, UserUttered)] == [
        "turn 0", "turn 1", "turn 2"]
    store.engine.dispose()
    again.engine.dispose()


def test_the_newest_turn_read_from_the_events_table_reads_as_rasas_whole_tracker(database_url, monkeypatch):
    """The phone line reads a turn from the events table (a few rows) instead of asking
    Rasa for the whole tracker: what it makes of the turn is the same."""
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet
    from rasa.shared.core.trackers import EventVerbosity

    from bot.conversations.turn_events import read_newest_turn
    from bot.conversations.turns import last_bot_messages, pending_buttons, read_turn

    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
    domain = Domain.from_yaml("version: '3.1'\nentities: [local_authority]\nslots:\n  local_authority:\n"
                              "    type: text\n    mappings: [{type: from_entity, entity: local_authority}]\n")
    store = SettingsSQLTrackerStore(domain=domain, host=database_url)
    buttons = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]

    def user(text, intent, entities=()):
        return UserUttered(text, {"name": intent, "confidence": 0.9}, list(entities))

    turns = [
        [SessionStarted(), ActionExecuted("action_listen"),
         user("Kent", "inform_local_authority", [{"entity": "local_authority", "value": "Kent"}]),
         SlotSet("local_authority", "Kent"), BotUttered("Kent, thank you.", {"buttons": buttons}),
         ActionExecuted("action_listen")],
        [user("blah", "nlu_fallback"), ActionExecuted("action_default_fallback"),
         BotUttered("Sorry", metadata={"utter_action": "utter_default"}), ActionExecuted("action_listen")],
        [user("it is in Surrey", "inform_local_authority"), ActionExecuted("route_check_form"),
         SlotSet("local_authority", "Surrey"), BotUttered("How old?", {"buttons": buttons}),
         ActionExecuted("action_listen")],
        [user("a person please", "request_human"), ActionExecuted("action_request_human"),
         BotUttered("Putting you through", {"custom": {"handoff": {"reason": "person_requested"}}}),
         ActionExecuted("action_listen")],
        [SessionStarted(), SlotSet("local_authority", "Medway"), ActionExecuted("action_listen"),
         user("hello", "greet"), BotUttered("Hello")],
    ]
    events = []
    for number, turn in enumerate(turns):
        events += turn
        asyncio.run(store.save(DialogueStateTracker.from_events("caller-1", events, domain.slots)))
        whole = asyncio.run(store.retrieve_full_tracker("caller-1")).current_state(EventVerbosity.ALL)
        newest = read_newest_turn("caller-1", database_url)
        assert newest["events"][0]["event"] == "user" and len(newest["events"]) < len(whole["events"])
        assert last_bot_messages(newest) == last_bot_messages(whole), number
        assert pending_buttons(newest) == pending_buttons(whole), number
        ours, rasas = read_turn([], newest), read_turn([], whole)
        assert (ours.handoff_reason, ours.not_understood, ours.topic, ours.local_authority) == (
            rasas.handoff_reason, rasas.not_understood, rasas.topic, rasas.local_authority), number
    assert read_turn([], newest).local_authority == "Medway"
    assert read_newest_turn("nobody-here", database_url) is None
    store.engine.dispose()
    get_settings.cache_clear()


def _texts(tracker):
    return [event.text for event in tracker.events if isinstance(event, UserUttered)] if tracker else None


def _turn(text, timestamp=None):
    return [
        ActionExecuted("action_listen", timestamp=timestamp),
        UserUttered(text, {"name": "greet", "confidence": 1.0}, timestamp=timestamp),
    ]


def test_a_server_reads_back_what_another_server_wrote_after_its_own_save(database_url):
    """Two Rasa servers share the events table: the tracker one server keeps from its own save
    is not used once the other has added a turn, nor after a turn that was never saved."""
    first = SettingsSQLTrackerStore(domain=Domain.empty(), host=database_url)
    second = SettingsSQLTrackerStore(domain=Domain.empty(), host=database_url)
    try:
        tracker = DialogueStateTracker.from_events("parent-2", _turn("hello"))
        asyncio.run(first.save(tracker))
        assert _texts(asyncio.run(first.retrieve("parent-2"))) == ["hello"]

        other = asyncio.run(second.retrieve("parent-2"))
        for event in _turn("my son was refused an assessment"):
            other.update(event)
        asyncio.run(second.save(other))
        assert _texts(asyncio.run(first.retrieve("parent-2"))) == ["hello", "my son was refused an assessment"]

        # A turn added to the tracker but never saved (the server failed mid-turn) is not read back.
        mine = asyncio.run(first.retrieve("parent-2"))
        mine.update(UserUttered("never saved", {"name": "greet", "confidence": 1.0}))
        assert _texts(asyncio.run(first.retrieve("parent-2"))) == ["hello", "my son was refused an assessment"]
    finally:
        first.engine.dispose()
        second.engine.dispose()


def test_a_conversation_deleted_from_the_table_is_gone_for_the_server_that_saved_it(database_url):
    import sqlalchemy as sa

    store = SettingsSQLTrackerStore(domain=Domain.empty(), host=database_url)
    try:
        asyncio.run(store.save(DialogueStateTracker.from_events("parent-3", _turn("hello"))))
        with store.engine.begin() as connection:  # as the retention job deletes an old transcript
            connection.execute(sa.text("DELETE FROM events WHERE sender_id = 'parent-3'"))
        assert asyncio.run(store.retrieve("parent-3")) is None
    finally:
        store.engine.dispose()


def test_after_a_new_session_the_saving_server_reads_only_that_session_as_any_server_does(database_url):
    from rasa.shared.core.events import SessionStarted

    store = SettingsSQLTrackerStore(domain=Domain.empty(), host=database_url)
    fresh = SettingsSQLTrackerStore(domain=Domain.empty(), host=database_url)
    try:
        tracker = DialogueStateTracker.from_events("parent-4", _turn("yesterday's question"))
        asyncio.run(store.save(tracker))
        tracker = asyncio.run(store.retrieve("parent-4"))
        later = tracker.events[-1].timestamp + 3600
        for event in [ActionExecuted("action_session_start", timestamp=later), SessionStarted(timestamp=later)]:
            tracker.update(event)
        for event in _turn("today's question", timestamp=later + 1):
            tracker.update(event)
        asyncio.run(store.save(tracker))
        assert _texts(asyncio.run(store.retrieve("parent-4"))) == _texts(asyncio.run(fresh.retrieve("parent-4")))
        assert _texts(asyncio.run(fresh.retrieve("parent-4"))) == ["today's question"]
    finally:
        store.engine.dispose()
        fresh.engine.dispose()
