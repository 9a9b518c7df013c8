"""The outbox worker in the web app: sends due messages every few seconds, or at once when woken.

Started and stopped by the app's lifespan (bot.app); anything that has just queued a
message wakes it (`wake_threadsafe`, from any thread).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Optional

from bot.outbox.service import send_due
from bot.settings import get_settings

log = logging.getLogger(__name__)

_worker_task: Optional[asyncio.Task] = None
_worker_wake: Optional[asyncio.Event] = None
_loop: Optional[asyncio.AbstractEventLoop] = None


async def start() -> None:
    global _worker_task, _worker_wake, _loop
    settings = get_settings()
    if settings.outbox_worker_enabled:
        _loop = asyncio.get_running_loop()
        _worker_wake = asyncio.Event()
        _worker_task = asyncio.create_task(_outbox_worker(settings.outbox_poll_seconds, _worker_wake))


async def stop() -> None:
    if _worker_task:
        _worker_task.cancel()


async def _outbox_worker(poll_seconds: float, wake: asyncio.Event) -> None:
    failing = False
    while True:
        try:
            await asyncio.to_thread(send_due)
            failing = False
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - keep the worker alive; say so once
            if not failing:
                log.error("outbox worker: %s", error)
            failing = True
        try:
            await asyncio.wait_for(wake.wait(), timeout=poll_seconds)
        except asyncio.TimeoutError:
            pass
        wake.clear()


def wake_threadsafe() -> None:
    """Wake the worker now (from any thread); a no-op when it is not running."""
    if _loop is not None and _worker_wake is not None:
        _loop.call_soon_threadsafe(_worker_wake.set)
