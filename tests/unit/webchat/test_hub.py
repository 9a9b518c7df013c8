"""Pokes reach the chats of a conversation: in-process, from other threads, and through Redis."""
from __future__ import annotations

import asyncio
import threading

import pytest
import redis

from bot.webchat import hub
from support import servers


@pytest.fixture
def settings_with(monkeypatch):
    from bot.settings import get_settings

    def apply(**env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        hub._redis_publisher = None

    yield apply
    get_settings.cache_clear()
    hub._redis_publisher = None


async def _woken(event: asyncio.Event, timeout: float = 5.0) -> bool:
    try:
        await asyncio.wait_for(event.wait(), timeout)
        return True
    except asyncio.TimeoutError:
        return False


def test_a_poke_from_another_thread_wakes_only_that_conversation(settings_with):
    settings_with(REDIS_URL="")

    async def scenario():
        mine, other = hub.subscribe("web-mine"), hub.subscribe("web-other")
        threading.Thread(target=hub.poke, args=("web-mine",)).start()
        assert await _woken(mine)
        assert not other.is_set()
        hub.unsubscribe("web-mine", mine)
        hub.unsubscribe("web-other", other)
        assert hub.connected() == 0

    asyncio.run(scenario())


def test_pokes_travel_through_redis_between_servers(settings_with):
    redis_url = servers.redis_url(15)  # the configured or a throwaway Redis; skipped (and counted) without one
    settings_with(REDIS_URL=redis_url)

    async def scenario():
        await hub.start()
        try:
            event = hub.subscribe("web-far")
            await asyncio.sleep(0.3)  # the subscription is in place
            # Another server publishes: a plain Redis client, as bot.webchat.hub.poke does there.
            redis.Redis.from_url(redis_url).publish(hub.CHANNEL, "web-far")
            assert await _woken(event)
            hub.unsubscribe("web-far", event)
        finally:
            await hub.stop()

    asyncio.run(scenario())
