"""Helpers for the staff console tests: a conversation in Rasa's real tracker store, staff users."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, Optional, Sequence, Tuple

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


def add_user(database_url: str, username: str, role: str, password: str, name: str = "",
             second_factor: bool = True) -> None:
    """A staff user; with ``second_factor`` their authenticator app is set up already, with
    the secret totp_secret_of(username), as if they had done it at a first sign-in."""
    from bot.console import auth
    from bot.console.models import utcnow
    from bot.database import session_scope

    with session_scope(database_url) as session:
        user = auth.create_user(session, username=username, password=password, role=role,
                                display_name=name or username.title(), actor="test")
        if second_factor:
            user.totp_secret, user.totp_enrolled_at = totp_secret_of(username), utcnow()


def totp_secret_of(username: str) -> str:
    """The TOTP secret add_user sets up for ``username`` (tests only: derived from the name)."""
    return base64.b32encode(hashlib.sha1(f"test second factor {username}".encode()).digest()).decode()


_last_steps: Dict[Tuple[str, str], int] = {}


def totp_code(username: str, where: str, secret: Optional[str] = None) -> str:
    """The code an authenticator app would show ``username`` now, never one already given to
    the service at ``where`` (a database or web address): the service refuses a code twice,
    so a test that signs in again soon gets the next step's code (waiting if need be)."""
    from bot.console import second_factor

    secret = secret or totp_secret_of(username)
    while True:
        now = time.time()
        current = int(now) // second_factor.STEP_SECONDS
        # The step before is still accepted, unless it may end before the service checks.
        first = current - 1 if now % second_factor.STEP_SECONDS < 25 else current
        step = max(first, _last_steps.get((where, username), first - 1) + 1)
        if step <= current + second_factor.DRIFT_STEPS:
            _last_steps[(where, username)] = step
            return second_factor.code_at(secret, step)
        time.sleep(0.5)
