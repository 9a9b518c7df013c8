"""Enqueue outbound SMS and email and send the due ones, never twice."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from typing import Callable, List, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.database import session_scope
from bot.outbox.models import OutboxMessage, SmsOptOut, recipient, utcnow
from bot.settings import Settings, get_settings

log = logging.getLogger(__name__)

BASE_BACKOFF_SECONDS = 5.0
MAX_BACKOFF_SECONDS = 3600.0


def hash_number(number: str, settings: Optional[Settings] = None) -> str:
    """A stable, keyed stand-in for a phone number (never reversible without the salt)."""
    settings = settings or get_settings()
    digits = normalise_number(number)
    return hmac.new(settings.phone_hash_salt.encode(), digits.encode(), hashlib.sha256).hexdigest()


def normalise_number(number: str) -> str:
    """E.164 for UK numbers: '07700 900123' -> '+447700900123'."""
    cleaned = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    elif cleaned.startswith("0"):
        cleaned = "+44" + cleaned[1:]
    return cleaned


def mask_number(number: Optional[str]) -> str:
    """For logs: '+447700900123' -> '+44*******123'."""
    if not number:
        return "(none)"
    return number[:3] + "*" * max(len(number) - 6, 0) + number[-3:]


def backoff_seconds(attempts: int) -> float:
    """5 s, 10 s, 20 s, ... capped at an hour."""
    return min(BASE_BACKOFF_SECONDS * (2 ** max(attempts - 1, 0)), MAX_BACKOFF_SECONDS)


def enqueue_sms(session: Session, to_number: str, body: str, kind: str = "reply") -> OutboxMessage:
    message = OutboxMessage(channel="sms", to_number=normalise_number(to_number), body=body, kind=kind)
    session.add(message)
    return message


def enqueue_email(session: Session, to_address: str, subject: str, body: str, kind: str) -> OutboxMessage:
    """An email, written to the outbox in the caller's transaction and sent by the worker."""
    address = (to_address or "").strip()
    if "@" not in address or any(ch.isspace() for ch in address):
        raise ValueError(f"{to_address!r} is not an email address.")
    message = OutboxMessage(channel="email", to_address=address, subject=subject, body=body, kind=kind)
    session.add(message)
    return message


def set_opt_out(session: Session, number: str, opted_out: bool) -> None:
    number_hash = hash_number(number)
    existing = session.get(SmsOptOut, number_hash)
    if opted_out and existing is None:
        session.add(SmsOptOut(number_hash=number_hash))
    elif not opted_out and existing is not None:
        session.delete(existing)


def is_opted_out(session: Session, number: str) -> bool:
    return session.get(SmsOptOut, hash_number(number)) is not None


class PermanentSendError(Exception):
    """Twilio refused the message for a reason retrying will not change."""


class TransientSendError(Exception):
    """Twilio or the network failed in a way worth retrying."""


Sender = Callable[[str, str], str]  # (to, body) -> provider sid
EmailSender = Callable[[str, str, str], str]  # (to, subject, body) -> Message-ID


def send_due(
    database_url: Optional[str] = None,
    sender: Optional[Sender] = None,
    settings: Optional[Settings] = None,
    now: Optional[dt.datetime] = None,
    limit: int = 50,
    email_sender: Optional[EmailSender] = None,
) -> int:
    """Send the messages that are due; returns how many were sent.

    Each message is claimed, sent and marked sent in one transaction, so two
    workers never send the same message. Messages to one number (or address) go in
    order: a message waits while an older one to the same recipient is still pending.
    SMS go through Twilio (`sender`), email through SMTP (`email_sender`).
    """
    settings = settings or get_settings()
    if sender is None:
        from telephony.twilio_client import send_sms as sender  # noqa: N813
    if email_sender is None:
        from bot.outbox.email import send_email as email_sender
    sent = 0
    blocked: set = set()
    for message_id in _due_ids(database_url, now, limit):
        with session_scope(database_url) as session:
            message = _claim(session, message_id, now)
            if message is None or recipient(message) in blocked:
                continue
            if _older_pending(session, message):
                blocked.add(recipient(message))
                continue
            if message.channel == "sms" and message.kind != "mediator_alert" and is_opted_out(session, message.to_number):
                message.status = "suppressed"
                message.last_error = "the number opted out (STOP)"
                continue
            message.attempts += 1
            max_attempts = settings.outbox_max_attempts if message.channel == "sms" else settings.outbox_email_max_attempts
            try:
                if message.channel == "sms":
                    message.provider_sid = sender(message.to_number, message.body)
                else:
                    message.provider_sid = email_sender(message.to_address, message.subject or "", message.body)[:64]
            except PermanentSendError as error:
                message.status = "failed"
                message.last_error = str(error)[:2000]
                log.error("outbox: message %s to %s failed for good: %s", message.id, _masked(message), error)
                continue
            except Exception as error:  # noqa: BLE001 - any other failure is retried
                message.last_error = str(error)[:2000]
                blocked.add(recipient(message))
                if message.attempts >= max_attempts:
                    message.status = "failed"
                    log.error("outbox: message %s to %s failed after %s attempts: %s",
                              message.id, _masked(message), message.attempts, error)
                else:
                    message.next_attempt_at = (now or utcnow()) + dt.timedelta(seconds=backoff_seconds(message.attempts))
                    log.warning("outbox: message %s to %s not sent (attempt %s), retrying at %s: %s",
                                message.id, _masked(message), message.attempts,
                                message.next_attempt_at.isoformat(timespec="seconds"), error)
                continue
            message.status = "sent"
            message.sent_at = utcnow()
            message.last_error = None
            sent += 1
    return sent


def _due_ids(database_url: Optional[str], now: Optional[dt.datetime], limit: int) -> List[int]:
    with session_scope(database_url) as session:
        return list(session.execute(
            sa.select(OutboxMessage.id)
            .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= (now or utcnow()))
            .order_by(OutboxMessage.id)
            .limit(limit)
        ).scalars())


def _claim(session: Session, message_id: int, now: Optional[dt.datetime]) -> Optional[OutboxMessage]:
    # The UPDATE takes the row's write lock (SQLite: the database's) until commit; a
    # second worker's claim waits, then finds the row no longer pending and skips it.
    result = session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending",
               OutboxMessage.next_attempt_at <= (now or utcnow()))
        .values(attempts=OutboxMessage.attempts)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    return session.get(OutboxMessage, message_id, populate_existing=True)


def _older_pending(session: Session, message: OutboxMessage) -> bool:
    same_recipient = (OutboxMessage.to_number == message.to_number if message.channel == "sms"
                      else OutboxMessage.to_address == message.to_address)
    return session.execute(
        sa.select(sa.func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.channel == message.channel, same_recipient, OutboxMessage.status == "pending",
               OutboxMessage.id < message.id)
    ).scalar_one() > 0


def _masked(message: OutboxMessage) -> str:
    if message.channel == "sms":
        return mask_number(message.to_number)
    local, _, domain = (message.to_address or "").partition("@")
    return f"{local[:1]}***@{domain}"
