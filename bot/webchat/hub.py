"""Tell the browsers connected to a conversation that something new is stored for it.

Messages are always stored first (bot.webchat.models); the hub only "pokes" the
WebSocket handlers of a conversation, which then read what is new from the database.
So a poke can be lost without losing anything:

- one web server: the poke goes straight to the handlers in this process;
- several web servers (REDIS_URL set): the poke is published on Redis (channel
  ``webchat:poke``) and every server's subscriber wakes its own handlers;
- and in any case each handler looks at the database every WEBCHAT_POLL_SECONDS,
  which also covers writers in other processes without Redis (a command line, a
  test, a console on another worker).

``poke`` may be called from any thread (staff actions run in threads).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import defaultdict
from typing import Dict, Optional, Set

from bot.settings import get_settings

log = logging.getLogger(__name__)

CHANNEL = "webchat:poke"

_waiters: Dict[str, Set[asyncio.Event]] = defaultdict(set)
_pages: Dict[str, Set[asyncio.Event]] = defaultdict(set)  # the person's own pages (not staff watching)
_loop: Optional[asyncio.AbstractEventLoop] = None
_lock = threading.Lock()
_subscriber: Optional[asyncio.Task] = None
_redis_publisher = None


def subscribe(conversation_id: str, watcher: bool = False) -> asyncio.Event:
    """An event set whenever `conversation_id` is poked; call from the event loop.

    ``watcher=True``: a member of staff following the chat in the console, not the
    person's own page (``present`` counts only the person's pages).
    """
    global _loop
    _loop = asyncio.get_running_loop()
    event = asyncio.Event()
    with _lock:
        _waiters[conversation_id].add(event)
        if not watcher:
            _pages[conversation_id].add(event)
    if not watcher:
        _wake_local(conversation_id, skip=event)  # staff following the chat see the person is back
    return event


def unsubscribe(conversation_id: str, event: asyncio.Event) -> None:
    with _lock:
        waiters = _waiters.get(conversation_id)
        if waiters is not None:
            waiters.discard(event)
            if not waiters:
                del _waiters[conversation_id]
        pages = _pages.get(conversation_id)
        left = pages is not None and event in pages
        if left:
            pages.discard(event)
            if not pages:
                del _pages[conversation_id]
    if left:
        _wake_local(conversation_id)  # staff following the chat see the person has left


def present(conversation_id: str) -> bool:
    """True while the person has the chat open in a browser connected to this server."""
    with _lock:
        return bool(_pages.get(conversation_id))


def connected() -> int:
    with _lock:
        return sum(len(waiters) for waiters in _waiters.values())


def _wake_local(conversation_id: str, skip: Optional[asyncio.Event] = None) -> None:
    with _lock:
        events = [event for event in _waiters.get(conversation_id, ()) if event is not skip]
    if not events or _loop is None:
        return
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    for event in events:
        if running is _loop:
            event.set()
        else:
            _loop.call_soon_threadsafe(event.set)


def poke(conversation_id: str) -> None:
    """Something new is stored for this conversation: wake its handlers on every server."""
    settings = get_settings()
    if settings.redis_url:
        try:
            _publisher(settings.redis_url).publish(CHANNEL, conversation_id)
            return
        except Exception as error:  # noqa: BLE001 - Redis down: local handlers and polling still work
            log.warning("web chat: could not publish on Redis: %s", error)
    _wake_local(conversation_id)


def _publisher(url: str):
    global _redis_publisher
    if _redis_publisher is None:
        import redis  # only when Redis is configured (several web servers)

        _redis_publisher = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return _redis_publisher


async def _listen(url: str) -> None:
    """Wake local handlers for every poke published by any server; reconnects after errors."""
    import redis.asyncio as aioredis  # only when Redis is configured

    delay = 1.0
    while True:
        client = aioredis.Redis.from_url(url)
        try:
            pubsub = client.pubsub()
            await pubsub.subscribe(CHANNEL)
            delay = 1.0
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    data = message["data"]
                    _wake_local(data.decode() if isinstance(data, bytes) else str(data))
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - keep listening; polling covers the gap
            log.warning("web chat: Redis subscription lost (%s); retrying in %.0f s", error, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)
        finally:
            try:
                await client.close()
            except Exception:  # noqa: BLE001
                pass


async def start() -> None:
    global _loop, _subscriber
    _loop = asyncio.get_running_loop()
    url = get_settings().redis_url
    if url and _subscriber is None:
        _subscriber = asyncio.create_task(_listen(url))


async def stop() -> None:
    global _subscriber
    if _subscriber is not None:
        _subscriber.cancel()
        _subscriber = None
