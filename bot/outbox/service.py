"""Enqueue outbound SMS and email and send the due ones, never twice.

Every try is recorded (outbox_attempts) and committed before the request goes out. A
try that ends without a clear answer (Twilio timed out, or the connection dropped after
the request went) may have been taken: before the next try, the message is looked up at
Twilio (same numbers, same body, since the first such try) and, if there, marked sent
with its sid instead of being sent again. A try left without an outcome (the worker died
during it) counts the same.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from typing import Callable, List, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.database import session_scope
from bot.outbox import email as smtp_email
from bot.outbox import twilio_sms
from bot.outbox.errors import PermanentSendError, TransientSendError, UnconfirmedSendError  # noqa: F401 - re-exported
from bot.outbox.models import FullAnswer, OutboxAttempt, OutboxMessage, SmsOptOut, recipient, utcnow
from bot.outbox.numbers import e164
from bot.settings import Settings, get_settings

log = logging.getLogger(__name__)

BASE_BACKOFF_SECONDS = 5.0
MAX_BACKOFF_SECONDS = 3600.0
# Twilio's clock and ours may differ: a lookup starts this long before our first unclear try.
CLOCK_SKEW = dt.timedelta(minutes=2)
# An SMS answer too long for 3 texts links to a page with all of it (bot.outbox.web).
FULL_ANSWER_PATH = "/telephony/texts"
FULL_ANSWER_DAYS = 30


def hash_number(number: str, settings: Optional[Settings] = None) -> str:
    """A stable, keyed stand-in for a phone number (never reversible without the salt)."""
    settings = settings or get_settings()
    digits = normalise_number(number)
    return hmac.new(settings.phone_hash_salt.encode(), digits.encode(), hashlib.sha256).hexdigest()


def normalise_number(number: str) -> str:
    """E.164 (bot.outbox.numbers, libphonenumber): '+44 (0)7700 900123' -> '+447700900123'.
    What it cannot read (a withheld caller) keeps its digits, so it still has a stable hash."""
    parsed = e164(number)
    if parsed:
        return parsed
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


def keep_full_answer(session: Session, body: str, settings: Optional[Settings] = None) -> str:
    """Store an answer too long for 3 texts; returns the public link to its page (bot.outbox.web)."""
    settings = settings or get_settings()
    token = secrets.token_urlsafe(16)[:22]
    session.add(FullAnswer(token=token, body=body))
    return f"{settings.public_base_url}{FULL_ANSWER_PATH}/{token}"


def forget_full_answers(session: Session, now: Optional[dt.datetime] = None) -> int:
    """Pages of full answers are kept FULL_ANSWER_DAYS, then deleted."""
    cutoff = (now or utcnow()) - dt.timedelta(days=FULL_ANSWER_DAYS)
    return session.execute(sa.delete(FullAnswer).where(FullAnswer.created_at < cutoff)).rowcount or 0


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


Sender = Callable[[str, str], str]  # (to, body) -> provider sid
# (to, body, since) -> sids of messages with that body taken for that number since then,
# oldest first; raises TransientSendError if the provider cannot be asked.
Finder = Callable[[str, str, dt.datetime], Sequence[str]]
EmailSender = Callable[[str, str, str], str]  # (to, subject, body) -> Message-ID


def send_due(
    database_url: Optional[str] = None,
    sender: Optional[Sender] = None,
    settings: Optional[Settings] = None,
    now: Optional[dt.datetime] = None,
    limit: int = 50,
    email_sender: Optional[EmailSender] = None,
    finder: Optional[Finder] = None,
) -> int:
    """Send the messages that are due; returns how many were sent (or found already sent).

    Each message is claimed, sent and marked sent in one transaction, so two
    workers never send the same message. Messages to one number (or address) go in
    order: a message waits while an older one to the same recipient is still pending.
    SMS go through Twilio (`sender`, and `finder` to look up a try that got no answer),
    email through SMTP (`email_sender`).
    """
    settings = settings or get_settings()
    # Looked up at call time, so a test's monkeypatch of the module reaches the worker.
    sender = sender or twilio_sms.send_sms
    finder = finder or twilio_sms.find_sms
    email_sender = email_sender or smtp_email.send_email
    sent = 0
    blocked: set = set()
    for message_id in _due_ids(database_url, now, limit):
        attempt_id = _record_attempt(database_url, message_id)  # committed first: it outlives a crash
        with session_scope(database_url) as session:
            message = _claim(session, message_id, now)  # first: SQLite's WAL cannot turn a read into a write
            attempt = session.get(OutboxAttempt, attempt_id)
            if message is None or not _may_send(session, message, blocked):
                session.delete(attempt)  # nothing was tried
                continue
            message.attempts += 1
            max_attempts = (
                settings.outbox_max_attempts if message.channel == "sms" else settings.outbox_email_max_attempts
            )
            try:
                if message.channel == "sms":
                    message.provider_sid = _found_earlier(session, message, attempt, finder) or sender(
                        message.to_number, message.body
                    )
                else:
                    message.provider_sid = email_sender(message.to_address, message.subject or "", message.body)[:64]
            except PermanentSendError as error:
                _finish(attempt, "failed", error=error)
                message.status = "failed"
                message.last_error = str(error)[:2000]
                log.error("outbox: message %s to %s failed for good: %s", message.id, _masked(message), error)
                continue
            except Exception as error:  # noqa: BLE001 - any other failure is retried
                _finish(attempt, "unknown" if isinstance(error, UnconfirmedSendError) else "failed", error=error)
                message.last_error = str(error)[:2000]
                blocked.add(recipient(message))
                if message.attempts >= max_attempts:
                    message.status = "failed"
                    log.error(
                        "outbox: message %s to %s failed after %s attempts: %s",
                        message.id,
                        _masked(message),
                        message.attempts,
                        error,
                    )
                else:
                    message.next_attempt_at = (now or utcnow()) + dt.timedelta(
                        seconds=backoff_seconds(message.attempts)
                    )
                    log.warning(
                        "outbox: message %s to %s not sent (attempt %s), retrying at %s: %s",
                        message.id,
                        _masked(message),
                        message.attempts,
                        message.next_attempt_at.isoformat(timespec="seconds"),
                        error,
                    )
                continue
            if attempt.outcome is None:
                _finish(attempt, "sent", sid=message.provider_sid)
            message.status = "sent"
            message.sent_at = utcnow()
            message.last_error = None
            sent += 1
    return sent


def _record_attempt(database_url: Optional[str], message_id: int) -> int:
    """A try at sending, in its own committed transaction (before the claim, which SQLite's lock would block)."""
    with session_scope(database_url) as session:
        attempt = OutboxAttempt(message_id=message_id, started_at=utcnow())
        session.add(attempt)
        session.flush()
        return attempt.id


def _may_send(session: Session, message: OutboxMessage, blocked: set) -> bool:
    """False if the message must wait (an older one to its recipient is pending) or not go (STOP)."""
    if recipient(message) in blocked:
        return False
    if _older_pending(session, message):
        blocked.add(recipient(message))
        return False
    if message.channel == "sms" and message.kind != "mediator_alert" and is_opted_out(session, message.to_number):
        message.status = "suppressed"
        message.last_error = "the number opted out (STOP)"
        return False
    return True


def _found_earlier(session: Session, message: OutboxMessage, attempt: OutboxAttempt, finder: Finder) -> Optional[str]:
    """The sid Twilio gave this message on an earlier try that got no answer, if it took it; else None."""
    unclear_since = session.execute(
        sa.select(sa.func.min(OutboxAttempt.started_at)).where(
            OutboxAttempt.message_id == message.id,
            OutboxAttempt.id < attempt.id,
            sa.or_(OutboxAttempt.outcome == "unknown", OutboxAttempt.outcome.is_(None)),
        )
    ).scalar_one()
    if unclear_since is None:
        return None
    sids = list(finder(message.to_number, message.body, unclear_since - CLOCK_SKEW))
    # A message with the same words to the same number may be another row's (sent earlier).
    taken = (
        set(
            session.execute(
                sa.select(OutboxMessage.provider_sid).where(
                    OutboxMessage.provider_sid.in_(sids), OutboxMessage.id != message.id
                )
            ).scalars()
        )
        if sids
        else set()
    )
    sid = next((sid for sid in sids if sid not in taken), None)
    if sid:
        _finish(attempt, "found", sid=sid)
        log.info(
            "outbox: message %s to %s was taken by Twilio on an earlier try (%s); not sent again",
            message.id,
            _masked(message),
            sid,
        )
    return sid


def _finish(attempt: OutboxAttempt, outcome: str, sid: Optional[str] = None, error: Optional[Exception] = None) -> None:
    attempt.outcome = outcome
    attempt.finished_at = utcnow()
    attempt.provider_sid = sid
    attempt.error = str(error)[:2000] if error else None


def _due_ids(database_url: Optional[str], now: Optional[dt.datetime], limit: int) -> List[int]:
    with session_scope(database_url) as session:
        return list(
            session.execute(
                sa.select(OutboxMessage.id)
                .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= (now or utcnow()))
                .order_by(OutboxMessage.id)
                .limit(limit)
            ).scalars()
        )


def _claim(session: Session, message_id: int, now: Optional[dt.datetime]) -> Optional[OutboxMessage]:
    # The UPDATE takes the row's write lock (SQLite: the database's) until commit; a
    # second worker's claim waits, then finds the row no longer pending and skips it.
    result = session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == "pending",
            OutboxMessage.next_attempt_at <= (now or utcnow()),
        )
        .values(attempts=OutboxMessage.attempts)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    return session.get(OutboxMessage, message_id, populate_existing=True)


def _older_pending(session: Session, message: OutboxMessage) -> bool:
    same_recipient = (
        OutboxMessage.to_number == message.to_number
        if message.channel == "sms"
        else OutboxMessage.to_address == message.to_address
    )
    return (
        session.execute(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.channel == message.channel,
                same_recipient,
                OutboxMessage.status == "pending",
                OutboxMessage.id < message.id,
            )
        ).scalar_one()
        > 0
    )


def _masked(message: OutboxMessage) -> str:
    if message.channel == "sms":
        return mask_number(message.to_number)
    local, _, domain = (message.to_address or "").partition("@")
    return f"{local[:1]}***@{domain}"
