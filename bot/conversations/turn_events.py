"""The newest turn of a conversation, read from Rasa's tracker store table.

After each phone or SMS turn the line needs only what happened since the person's last
message (the assistant's messages, buttons and actions; that message's intent and
entities) and one slot (``local_authority``). Asking Rasa for the tracker
(``GET /conversations/<id>/tracker``) makes the single Rasa server load every event of
the conversation, replay them all and serialise them (``include_events`` only trims the
serialising): about 12 ms of its CPU for each phone turn, a fifth of what the turn
itself costs (bench/load.py, docs/benchmarks.md).

Rasa's SQL tracker store (bot.conversations.stores) keeps the events in the ``events``
table of the product's own database (bot.database.RASA_OWNED_TABLES) and saves a turn
before it answers it, so the web app reads the few rows it needs there. When that table
has no message of the conversation (Rasa keeps its trackers elsewhere, or the database
cannot be read), Rasa is asked, as before.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, List, Optional

from sqlalchemy import text

from bot.conversations.rasa_client import RasaClient
from bot.database import get_engine

log = logging.getLogger(__name__)

# Slots read for the line (bot.conversations.turns.read_turn).
SLOTS = ("local_authority",)
# Events after which Rasa's tracker has no slot values (carried-over values follow as slot events).
_SLOT_RESETS = ("session_started", "restart", "reset_slots")

_SINCE_LAST_USER = text(
    "SELECT data FROM events WHERE sender_id = :sender AND id >= "
    "(SELECT max(id) FROM events WHERE sender_id = :sender AND type_name = 'user') ORDER BY id"
)
_SLOT_EVENTS = text(
    "SELECT data FROM events WHERE sender_id = :sender AND type_name IN ('slot', 'session_started', 'restart', "
    "'reset_slots') ORDER BY id"
)


def read_newest_turn(sender: str, database_url: Optional[str] = None) -> Optional[Dict[str, Any]]:
    """A tracker as Rasa's HTTP API shapes it, with only the events from the last user
    message on, the latest message and the slots in SLOTS; None when the events table has
    no user message for `sender`."""
    with get_engine(database_url).connect() as connection:
        events: List[Dict[str, Any]] = [
            json.loads(data) for data in connection.execute(_SINCE_LAST_USER, {"sender": sender}).scalars()
        ]
        if not events:
            return None
        slot_events = [json.loads(data) for data in connection.execute(_SLOT_EVENTS, {"sender": sender}).scalars()]
    slots: Dict[str, Any] = {name: None for name in SLOTS}
    for event in slot_events:
        if event.get("event") in _SLOT_RESETS:
            slots = {name: None for name in SLOTS}
        elif event.get("name") in slots:
            slots[event["name"]] = event.get("value")
    return {"sender_id": sender, "events": events, "latest_message": events[0].get("parse_data") or {}, "slots": slots}


async def newest_turn(client: RasaClient, sender: str) -> Dict[str, Any]:
    """`read_newest_turn` off the event loop; the whole tracker from Rasa when that has nothing."""
    try:
        tracker = await asyncio.to_thread(read_newest_turn, sender, client.settings.database_url)
    except Exception as error:  # noqa: BLE001 - no events table here, or the database failed: ask Rasa
        log.debug("conversation %s not read from the events table: %s", sender, error)
        tracker = None
    if tracker is not None:
        return tracker
    return await client.tracker(sender)
