"""Helpers for the staff console tests: a conversation in Rasa's real tracker store, staff users."""
from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from typing import List, Optional, Sequence, Tuple

# A conversation full of personal details, as a parent might write it.
FIXTURE_TURNS: Sequence[Tuple[str, str]] = (
    ("user", "Hello, my name is Sarah Jones and I need help with my son's EHCP"),
    ("bot", "I can help with that. Which council is it?"),
    ("user", "Kent. My son Oliver Jones was born on 14/03/2014 and goes to Hilltop Primary."),
    ("bot", "Thank you. What happened?"),
    ("user", "Kent refused to assess. You can call me on 07700 900123 or email sarah.jones@example.com"),
    ("user", "We live at 27 Orchard Road, Maidstone. The postcode is ME14 2LT. His teacher Mrs Patel agrees Oliver needs support."),
    ("bot", "A mediator will look at this. The decision letter was dated 12 May 2026, so the appeal deadline matters."),
)
# Every personal detail in FIXTURE_TURNS: none may show in a redacted transcript.
FIXTURE_PERSONAL_DETAILS = ("Sarah", "Jones", "Oliver", "14/03/2014", "07700 900123", "sarah.jones@example.com",
                            "27 Orchard Road", "ME14 2LT", "Patel")
# What must stay: the council, the topic, the decision date a mediator needs.
FIXTURE_KEPT = ("Kent", "EHCP", "refused to assess", "12 May 2026", "Hilltop Primary")


def save_conversation(database_url: str, conversation_id: str, turns: Sequence[Tuple[str, str]] = FIXTURE_TURNS,
                      started: Optional[float] = None) -> None:
    """Write the turns to Rasa's SQL tracker store on `database_url`, as Rasa would."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.conversations.stores import SettingsSQLTrackerStore

    at = started if started is not None else time.time() - 60 * len(turns)
    events: List = []
    for index, (who, text) in enumerate(turns):
        stamp = at + index * 30
        if who == "user":
            events.append(ActionExecuted("action_listen", timestamp=stamp))
            events.append(UserUttered(text, {"name": "ask_ehcp", "confidence": 0.93},
                                      [{"entity": "local_authority", "value": "Kent", "start": 0, "end": 4}],
                                      timestamp=stamp))
        else:
            events.append(ActionExecuted("utter_answer", timestamp=stamp))
            events.append(BotUttered(text, timestamp=stamp))
    store = SettingsSQLTrackerStore(domain=Domain.empty(), host=database_url)
    tracker = DialogueStateTracker.from_events(conversation_id, events)
    # In a thread of its own: Playwright's sync API keeps an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            pool.submit(asyncio.run, store.save(tracker)).result()
        finally:
            store.engine.dispose()


def add_user(database_url: str, username: str, role: str, password: str, name: str = "") -> None:
    from bot.console import auth
    from bot.database import session_scope

    with session_scope(database_url) as session:
        auth.create_user(session, username=username, password=password, role=role,
                         display_name=name or username.title(), actor="test")
