"""Outbound messages waiting to be sent (SMS and email), and numbers that have opted out."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from bot.database import Base

STATUSES = ("pending", "sent", "failed", "suppressed")
KINDS = (
    "reply",
    "certificate_link",
    "callback_confirmation",
    "mediator_alert",
    "link",
    "la_mediation_request",
    "certificate_email",
)
CHANNELS = ("sms", "email")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    kind = sa.Column(sa.String(40), nullable=False, default="reply")
    channel = sa.Column(
        sa.Enum(*CHANNELS, name="outbox_channel", native_enum=False, create_constraint=True),
        nullable=False,
        default="sms",
        server_default="sms",
    )
    to_number = sa.Column(sa.String(20), nullable=True, index=True)  # SMS
    to_address = sa.Column(sa.String(320), nullable=True)  # email
    subject = sa.Column(sa.String(300), nullable=True)  # email
    body = sa.Column(sa.Text, nullable=False)
    status = sa.Column(
        sa.Enum(*STATUSES, name="outbox_status", native_enum=False, create_constraint=True),
        nullable=False,
        default="pending",
    )
    attempts = sa.Column(sa.Integer, nullable=False, default=0)
    next_attempt_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    last_error = sa.Column(sa.Text, nullable=True)
    provider_sid = sa.Column(sa.String(64), nullable=True)
    sent_at = sa.Column(sa.DateTime, nullable=True)

    __table_args__ = (sa.Index("ix_outbox_due", "status", "next_attempt_at"),)


# What became of one try at sending a message. "unknown": the request may have reached
# Twilio (timed out, or the connection dropped before the answer), so the message is
# looked up there before it is sent again; "failed": it certainly did not go (refused,
# or never reached the provider); no outcome: the try is under way, or the worker died
# during it (treated as "unknown").
ATTEMPT_OUTCOMES = ("sent", "found", "failed", "unknown")


class OutboxAttempt(Base):
    """One try at sending an outbox message, recorded (committed) before the request goes out."""

    __tablename__ = "outbox_attempts"

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    message_id = sa.Column(
        sa.Integer, sa.ForeignKey("outbox_messages.id", ondelete="CASCADE"), nullable=False, index=True
    )
    started_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    finished_at = sa.Column(sa.DateTime, nullable=True)
    outcome = sa.Column(
        sa.Enum(*ATTEMPT_OUTCOMES, name="outbox_attempt_outcome", native_enum=False, create_constraint=True),
        nullable=True,
    )
    provider_sid = sa.Column(sa.String(64), nullable=True)
    error = sa.Column(sa.Text, nullable=True)


class SmsOptOut(Base):
    """A number that texted STOP, kept as a hash: we never text it again until START."""

    __tablename__ = "sms_opt_outs"

    number_hash = sa.Column(sa.String(64), primary_key=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)


def recipient(message: OutboxMessage) -> str:
    """The number or address a message goes to (messages to one recipient keep their order)."""
    return (message.to_number if message.channel == "sms" else message.to_address) or ""


class FullAnswer(Base):
    """An answer too long for 3 texts, shown on a page the texts link to (bot.outbox.web).
    Found only by its random token; deleted after FULL_ANSWER_DAYS."""

    __tablename__ = "full_answers"

    token = sa.Column(sa.String(32), primary_key=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, index=True)
    body = sa.Column(sa.Text, nullable=False)
