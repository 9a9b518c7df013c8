"""One person's message through the web chat: stored, owner checked, Rasa, replies stored, pushed.

    await relay.handle_message(conversation_id, text, client_id=..., payload=..., typing=...)

1. The message is stored (once per client_id) before anything else.
2. While a person holds the conversation (waiting or assigned, bot.webchat.live) the
   message goes to Rasa only to be recorded (Rasa is paused and says nothing); the
   bot stays silent. Rasa still reads it, and if its safeguarding detector finds a
   disclosure (parse data "safeguarding") the escalation is raised to urgent, staff are
   alerted and the person is given the numbers (live.request_person).
3. Otherwise it goes to Rasa's REST channel with the session id as sender and
   metadata {"channel": "web"}; the tracker says whether the assistant handed over
   (bot.conversations.turns.read_turn: a message with custom {"handoff": {"reason",
   "priority", "category", "language"}}, or the actions action_request_human and
   action_escalate_safeguarding).
4. Before showing replies the owner is checked again; replies are stored, then pushed.
5. A handoff calls live.request_person. If Rasa or the action server fails, times out
   or says nothing, the person gets a short apology and a person is asked for
   (reason "bot_failure", once per failing spell): never silence.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional

import sqlalchemy as sa

from bot.conversations.commands import as_text, offered_payload
from bot.conversations.rasa_client import RasaClient
from bot.conversations.turns import converse
from bot.database import session_scope
from bot.handoff.models import Escalation
from bot.settings import get_settings
from bot.webchat import hub, live
from bot.webchat.models import ROLES, ChatConversation, ChatMessage, add_message, get_or_create_conversation

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARACTERS = 5000  # longer ones are cut; Rasa's own guard answers anything over 2,000
ROLE_PAYLOAD = "webchat:role:"
PERSON_PAYLOAD = "webchat:person"
CARRY_ON_PAYLOAD = "webchat:carry_on"
PAGE_PAYLOADS = {PERSON_PAYLOAD, CARRY_ON_PAYLOAD}
ROLE_BUTTONS = [
    {"title": "Parent or carer", "payload": ROLE_PAYLOAD + "parent"},
    {"title": "Young person", "payload": ROLE_PAYLOAD + "young_person"},
    {"title": "Professional", "payload": ROLE_PAYLOAD + "professional"},
]
GREETING = (
    "Hello. Before we start, are you asking as a parent or carer, as a young person about your own "
    "education, or as a professional? You can also just type your question."
)
ROLE_THANKS = {
    "parent": "Thank you. I'll talk about your child.",
    "young_person": "Thank you. I'll talk to you about your own education, health and care.",
    "professional": "Thank you. I'll give you the information, so you can pass it on to the family.",
}
SORRY = "Sorry, something went wrong on our side and I couldn't answer your last message."
FAILURE_SPELL = dt.timedelta(minutes=30)

Typing = Callable[[bool], Awaitable[None]]
_locks: Dict[str, asyncio.Lock] = {}


def _lock_for(conversation_id: str) -> asyncio.Lock:
    lock = _locks.get(conversation_id)
    if lock is None:
        if len(_locks) > 10_000:
            for key in [k for k, v in _locks.items() if not v.locked()]:
                del _locks[key]
        lock = _locks[conversation_id] = asyncio.Lock()
    return lock


# --- blocking helpers (run in threads) ------------------------------------------
def start_conversation(conversation_id: str) -> None:
    """A new conversation opens with the greeting that asks who the person is."""
    with session_scope() as session:
        conversation = get_or_create_conversation(session, conversation_id)
        has_messages = session.execute(
            sa.text("SELECT 1 FROM chat_messages WHERE conversation_id = :c LIMIT 1"), {"c": conversation.id}
        ).first()
        if not has_messages:
            add_message(session, conversation_id, "bot", GREETING, buttons=ROLE_BUTTONS, data={"greeting": True})


def role_of(conversation_id: str) -> Optional[str]:
    with session_scope() as session:
        conversation = session.get(ChatConversation, conversation_id)
        return conversation.role if conversation else None


def _store_person(conversation_id: str, text: str, client_id: Optional[str]):
    """Store the person's message; returns (seq, new) - new is False for a re-sent one."""
    with session_scope() as session:
        before = None
        if client_id:
            before = session.execute(
                sa.select(ChatMessage.seq).where(
                    ChatMessage.conversation_id == conversation_id, ChatMessage.client_id == client_id
                )
            ).scalar()
        message = add_message(session, conversation_id, "person", text, client_id=client_id)
        return message.seq, before is None


def _store_role(conversation_id: str, role: str) -> None:
    with session_scope() as session:
        get_or_create_conversation(session, conversation_id).role = role


def _store_replies(conversation_id: str, messages: List[Dict[str, Any]]) -> int:
    stored = 0
    with session_scope() as session:
        for message in messages:
            data = {key: message[key] for key in ("image", "attachment", "custom") if message.get(key)}
            if data.get("custom") and isinstance(data["custom"], dict) and set(data["custom"]) == {"handoff"}:
                del data["custom"]  # the handoff signal (actions/handoff.py): acted on, nothing to show
            text = str(message.get("text") or "")
            if not text and not data and not message.get("buttons"):
                continue
            add_message(session, conversation_id, "bot", text, buttons=_buttons(message.get("buttons")), data=data)
            stored += 1
    return stored


def _offered_payloads(conversation_id: str) -> List[str]:
    """Every payload of a button the assistant (or the page's system messages) offered in this conversation."""
    with session_scope() as session:
        rows = session.execute(
            sa.select(ChatMessage.buttons).where(
                ChatMessage.conversation_id == conversation_id,
                ChatMessage.sender != "person",
                ChatMessage.buttons.isnot(None),
            )
        ).scalars()
        return [
            str(button.get("payload")) for buttons in rows for button in (buttons or []) if isinstance(button, dict)
        ]


def _buttons(buttons: Any) -> Optional[List[Dict[str, str]]]:
    if not isinstance(buttons, list):
        return None
    return [
        {"title": str(b.get("title") or b.get("payload")), "payload": str(b.get("payload") or b.get("title"))}
        for b in buttons
        if isinstance(b, dict) and (b.get("title") or b.get("payload"))
    ] or None


def _store_sorry(conversation_id: str) -> None:
    with session_scope() as session:
        add_message(session, conversation_id, "system", SORRY, data={"error": "bot_failure"})


def _failing_recently(conversation_id: str) -> bool:
    since = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - FAILURE_SPELL
    with session_scope() as session:
        return (
            session.execute(
                sa.select(Escalation.id)
                .where(
                    Escalation.conversation_id == conversation_id,
                    Escalation.reason == "bot_failure",
                    Escalation.created_at >= since,
                )
                .limit(1)
            ).first()
            is not None
        )


# --- the relay ------------------------------------------------------------------
async def handle_message(
    conversation_id: str,
    text: str,
    *,
    client_id: Optional[str] = None,
    payload: Optional[str] = None,
    typing: Optional[Typing] = None,
    client: Optional[RasaClient] = None,
) -> None:
    """Handle one message from the person (text typed, or a quick reply's title and payload)."""
    text = (text or "").strip()[:MAX_MESSAGE_CHARACTERS]
    payload = (payload or "").strip()[:MAX_MESSAGE_CHARACTERS] or None
    if not text and not payload:
        return
    async with _lock_for(conversation_id):
        # A payload is a command only if it is one of the page's own or a button we offered;
        # anything else, and anything typed, is words (bot.conversations.commands).
        if payload and payload not in PAGE_PAYLOADS and not payload.startswith(ROLE_PAYLOAD):
            offered = await asyncio.to_thread(_offered_payloads, conversation_id)
            if offered_payload(payload, offered) is None:
                text, payload = text or payload, None
        seq, new = await asyncio.to_thread(_store_person, conversation_id, text or payload, client_id)
        hub.poke(conversation_id)
        if not new:
            return  # re-sent after a dropped connection: already handled
        if payload == PERSON_PAYLOAD:
            await asyncio.to_thread(live.request_person, conversation_id, "person_requested", "web")
            return
        if payload == CARRY_ON_PAYLOAD:
            try:
                await asyncio.to_thread(live.carry_on, conversation_id)
            except live.LiveError:
                pass
            return
        client = client or RasaClient(get_settings(), timeout=get_settings().webchat_rasa_timeout_seconds)
        role = payload[len(ROLE_PAYLOAD) :] if payload and payload.startswith(ROLE_PAYLOAD) else None
        if role in ROLES:
            await _choose_role(client, conversation_id, role)
            await _ask_rasa(client, conversation_id, "/greet", typing)
            return
        await _ask_rasa(
            client, conversation_id, as_text(text) if role is not None else payload or as_text(text), typing
        )


async def _choose_role(client: RasaClient, conversation_id: str, role: str) -> None:
    # Kept for the page's wording only. (Setting Rasa's person_role slot here made the
    # route check ask the role again and refuse the same answer; see the report.)
    await asyncio.to_thread(_store_role, conversation_id, role)
    await asyncio.to_thread(_store_replies, conversation_id, [{"text": ROLE_THANKS[role]}])
    hub.poke(conversation_id)


async def _ask_rasa(client: RasaClient, conversation_id: str, text: str, typing: Optional[Typing]) -> None:
    held = await asyncio.to_thread(live.is_held, conversation_id)
    if not held and typing:
        await typing(True)
    try:
        turn = await converse(client, conversation_id, text, channel="web")
    except Exception as error:  # noqa: BLE001 - Rasa or the action server failed or timed out
        log.error("web chat: the assistant did not answer %s: %r", conversation_id, error)
        if held:
            return  # the person's words reach staff through our own record
        await _bot_failed(conversation_id)
        return
    finally:
        if not held and typing:
            await typing(False)
    # The owner is checked again: a mediator may have taken over while Rasa was thinking.
    if held or await asyncio.to_thread(live.is_held, conversation_id):
        if turn.messages:
            log.warning(
                "web chat: %s is held by a person; %d bot message(s) not shown", conversation_id, len(turn.messages)
            )
            try:
                await client.append_events(conversation_id, [{"event": "pause"}])
            except Exception:  # noqa: BLE001
                pass
        if turn.disclosure or turn.handoff_reason == "safeguarding":
            # Rasa only recorded the message (paused), but the detector read it: the
            # escalation becomes urgent, staff are alerted and the person gets the numbers.
            await asyncio.to_thread(
                live.request_person,
                conversation_id,
                "safeguarding",
                "web",
                turn.local_authority,
                category=turn.handoff_category or turn.disclosure,
                language=turn.handoff_language,
            )
        return
    stored = await asyncio.to_thread(_store_replies, conversation_id, turn.messages)
    hub.poke(conversation_id)
    if turn.handoff_reason:
        await asyncio.to_thread(
            live.request_person,
            conversation_id,
            turn.handoff_reason,
            "web",
            turn.local_authority,
            category=turn.handoff_category,
            language=turn.handoff_language,
        )
    elif not stored:
        log.error("web chat: the assistant said nothing to %s", conversation_id)
        await _bot_failed(conversation_id)


async def _bot_failed(conversation_id: str) -> None:
    await asyncio.to_thread(_store_sorry, conversation_id)
    hub.poke(conversation_id)
    if not await asyncio.to_thread(_failing_recently, conversation_id):
        await asyncio.to_thread(live.request_person, conversation_id, "bot_failure", "web")
