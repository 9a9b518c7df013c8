"""Each delivery of a channel's webhook is acted on once, and a repeat gets the same answer.

Twilio retries a webhook it got no answer to in time, and replays happen (a proxy, a
signed request captured and sent again). Before a webhook is acted on, its key is
written here (``claim``): a text's ``MessageSid``; a call's ``CallSid`` with the step's
URL and everything posted, where every step of a call has its own URL (telephony.voice
puts the step number in it). The answer is stored with the key once it is built
(``finish``). A repeat finds the key: it gets the stored answer and nothing else
happens; one that comes while the first is still being worked on waits for it.

And the numbers behind the phone and SMS conversations (``ConversationNumber``): a
caller's or texter's number is kept beside the conversation id (an SMS conversation's id
is a keyed hash of the number, which cannot be reversed), so staff can call or text back;
the console shows it only behind the reveal-with-reason, which is audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Mapping, Optional

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.database import Base, session_scope

log = logging.getLogger(__name__)

PROCESSING = "processing"
DONE = "done"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"

    key = sa.Column(sa.String(120), primary_key=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, index=True)
    channel = sa.Column(sa.String(10), nullable=False)  # "voice" or "sms"
    conversation_id = sa.Column(sa.String(100), nullable=True, index=True)
    status = sa.Column(sa.String(12), nullable=False, default=PROCESSING)
    status_code = sa.Column(sa.Integer, nullable=True)
    media_type = sa.Column(sa.String(60), nullable=True)
    body = sa.Column(sa.Text, nullable=True)
    finished_at = sa.Column(sa.DateTime, nullable=True)


class ConversationNumber(Base):
    __tablename__ = "conversation_numbers"

    conversation_id = sa.Column(sa.String(100), primary_key=True)
    channel = sa.Column(sa.String(10), nullable=False)
    number = sa.Column(sa.String(20), nullable=False)  # E.164 (bot.outbox.numbers)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    updated_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, onupdate=utcnow)


@dataclass
class Stored:
    status: str
    status_code: Optional[int]
    media_type: Optional[str]
    body: Optional[str]


def sms_key(message_sid: str) -> str:
    return f"sms:{message_sid}"


def voice_key(call_sid: str, path: str, query: str, form: Mapping[str, str]) -> str:
    """One key per step of a call: the step's URL and everything Twilio posted to it."""
    posted = json.dumps(sorted((str(name), str(value)) for name, value in form.items()))
    digest = hashlib.sha256(f"{path}?{query}\n{posted}".encode()).hexdigest()[:40]
    return f"voice:{call_sid[:40]}:{digest}"


def claim(
    key: str, channel: str, conversation_id: Optional[str] = None, database_url: Optional[str] = None
) -> Optional[Stored]:
    """Record that `key` is being acted on; None if this is its first delivery, else what
    is stored for it (committed before the caller acts, so a concurrent repeat sees it)."""
    try:
        with session_scope(database_url) as session:
            session.add(WebhookDelivery(key=key, channel=channel, conversation_id=conversation_id))
        return None
    except IntegrityError:
        return lookup(key, database_url)


def lookup(key: str, database_url: Optional[str] = None) -> Optional[Stored]:
    with session_scope(database_url) as session:
        row = session.get(WebhookDelivery, key)
        if row is None:
            return None
        return Stored(row.status, row.status_code, row.media_type, row.body)


def finish(
    key: str, status_code: int, media_type: Optional[str], body: str, database_url: Optional[str] = None
) -> None:
    with session_scope(database_url) as session:
        row = session.get(WebhookDelivery, key)
        if row is not None:
            row.status, row.status_code, row.media_type, row.body = DONE, status_code, media_type, body
            row.finished_at = utcnow()


def release(key: str, database_url: Optional[str] = None) -> None:
    """The first delivery failed before it answered: let Twilio's retry act on it."""
    with session_scope(database_url) as session:
        row = session.get(WebhookDelivery, key)
        if row is not None and row.status == PROCESSING:
            session.delete(row)


def keep_number(session: Session, conversation_id: str, channel: str, number: str) -> None:
    """The number behind a phone or SMS conversation (E.164), for staff to call or text back."""
    row = session.get(ConversationNumber, conversation_id)
    if row is None:
        session.add(ConversationNumber(conversation_id=conversation_id, channel=channel, number=number))
    else:
        row.number, row.updated_at = number, utcnow()


def number_of(session: Session, conversation_id: str) -> Optional[str]:
    row = session.get(ConversationNumber, conversation_id)
    return row.number if row is not None else None


def forget_before(session: Session, cutoff: dt.datetime) -> int:
    """Retention: deliveries older than `cutoff` are no longer needed to spot a repeat."""
    result = session.execute(sa.delete(WebhookDelivery).where(WebhookDelivery.created_at < cutoff))
    return result.rowcount or 0


def forget_numbers_before(session: Session, cutoff: dt.datetime) -> int:
    """Retention: the number behind a conversation not heard from since `cutoff`."""
    result = session.execute(sa.delete(ConversationNumber).where(ConversationNumber.updated_at < cutoff))
    return result.rowcount or 0
