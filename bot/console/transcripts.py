"""Conversation transcripts read from Rasa's tracker store (table `events`, same database).

Each turn keeps what staff need: who spoke (the person, the assistant, a notice, or a
mediator by name), the words (redacted unless revealed) and when. The assistant's
internal names (intents, actions, slots, payloads such as ``/request_human``) are not
shown: a transcript is for people.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.redaction import default_redactor

EVENTS = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("sender_id", sa.String),
    sa.column("type_name", sa.String),
    sa.column("timestamp", sa.Float),
    sa.column("intent_name", sa.String),
    sa.column("action_name", sa.String),
    sa.column("data", sa.Text),
)
# Entities whose values are never personal (councils, routes, plan sections).
SAFE_ENTITIES = {"local_authority", "route", "ehc_section", "age_group", "topic"}


@dataclass
class Turn:
    at: dt.datetime
    kind: str  # "user", "bot", "staff" (a mediator's words), "notice" (the chat's own notices)
    text: str = ""
    speaker: str = ""  # a mediator's username (kind "staff")
    intent: str = ""
    confidence: Optional[float] = None
    action: str = ""
    entities: List[str] = field(default_factory=list)
    redacted: bool = False


def events_table_exists(session: Session) -> bool:
    return sa.inspect(session.get_bind()).has_table("events")


def load(session: Session, conversation_id: str, *, reveal: bool = False) -> List[Turn]:
    """The conversation's turns in order, for people: what the person wrote, what the assistant
    and mediators answered, the chat's notices; personal details redacted unless `reveal`.
    No action, intent or slot names; a button the person pressed shows as its title."""
    if not events_table_exists(session):
        return []
    rows = session.execute(
        sa.select(EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.intent_name, EVENTS.c.action_name, EVENTS.c.data)
        .where(EVENTS.c.sender_id == conversation_id)
        .order_by(EVENTS.c.id)
    ).all()
    turns: List[Turn] = []
    for type_name, timestamp, intent_name, action_name, data in rows:
        turn = _turn(type_name, timestamp, intent_name, action_name, _json(data))
        if turn is not None:
            turns.append(turn)
    if not reveal:
        texts = [turn.text for turn in turns]
        for turn, redacted in zip(turns, default_redactor().redact_all(texts)):
            turn.redacted = redacted.text != turn.text
            turn.text = redacted.text
            # Entity values may repeat a personal detail (a name, a date): only the safe ones show.
            turn.entities = [
                e if e.split("=", 1)[0] in SAFE_ENTITIES else e.split("=", 1)[0] + "=[hidden]" for e in turn.entities
            ]
    return turns


def _json(data) -> dict:
    if isinstance(data, dict):
        return data
    try:
        return json.loads(data or "{}")
    except ValueError:
        return {}


def _turn(type_name: str, timestamp: float, intent_name: str, action_name: str, data: dict) -> Optional[Turn]:
    at = dt.datetime.fromtimestamp(timestamp or data.get("timestamp") or 0, dt.timezone.utc).replace(tzinfo=None)
    if type_name == "user":
        parse = data.get("parse_data") or {}
        intent = parse.get("intent") or {}
        entities = [f"{e.get('entity')}={e.get('value')}" for e in parse.get("entities") or [] if e.get("entity")]
        text = data.get("text") or ""
        if text.startswith("/") or not text.strip():
            # A button's payload ("/request_human", "webchat:carry_on"): what the person did, not its name.
            text = "(pressed a button)"
        return Turn(
            at, "user", text, intent_name or intent.get("name") or "", intent.get("confidence"), entities=entities
        )
    if type_name == "bot":
        text = data.get("text") or ""
        buttons = (data.get("data") or {}).get("buttons") or []
        if buttons:
            text += "\n" + " | ".join(str(b.get("title", "")) for b in buttons)
        if not text.strip():
            return None  # a signal to the channel (a handoff), nothing anyone saw
        metadata = data.get("metadata") or {}
        if metadata.get("from_staff"):
            return Turn(at, "staff", text, speaker=str(metadata["from_staff"]))
        if metadata.get("from_webchat") == "notice":
            return Turn(at, "notice", text)
        return Turn(at, "bot", text)
    return None
