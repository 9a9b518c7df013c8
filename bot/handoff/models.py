"""Escalations: every live transfer, voicemail and callback request, for the staff console.

No personal details beyond what the escalation needs: the callback number or email
is kept only for callbacks, and the summary is written without names or numbers.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session, relationship

from bot.database import Base

# bot_failure: the assistant failed (Rasa or the action server down, an error or a
# timeout); repeated_failure: it answered but could not understand the person.
REASONS = ("person_requested", "safeguarding", "repeated_failure", "voicemail", "callback", "bot_failure")
PRIORITIES = ("normal", "urgent")
CHANNELS = ("voice", "sms", "web")
STATUSES = ("new", "assigned", "waiting", "resolved")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Escalation(Base):
    __tablename__ = "escalations"

    id = sa.Column(sa.String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    created_at = sa.Column(sa.DateTime, nullable=False, default=_utcnow, index=True)
    reason = sa.Column(sa.Enum(*REASONS, name="escalation_reason", native_enum=False, create_constraint=True), nullable=False)
    priority = sa.Column(sa.Enum(*PRIORITIES, name="escalation_priority", native_enum=False, create_constraint=True),
                         nullable=False, default="normal")
    channel = sa.Column(sa.Enum(*CHANNELS, name="escalation_channel", native_enum=False, create_constraint=True), nullable=False)
    conversation_id = sa.Column(sa.String(100), nullable=False, index=True)
    local_authority = sa.Column(sa.String(100), nullable=True)
    status = sa.Column(sa.Enum(*STATUSES, name="escalation_status", native_enum=False, create_constraint=True),
                       nullable=False, default="new", index=True)
    callback_number = sa.Column(sa.String(20), nullable=True)
    callback_email = sa.Column(sa.String(320), nullable=True)  # out of hours, by email (migration 0006)
    preferred_time = sa.Column(sa.String(100), nullable=True)
    recording_url = sa.Column(sa.String(500), nullable=True)
    summary = sa.Column(sa.Text, nullable=False, default="")
    # Staff work on it in the console (migration 0004_console).
    assigned_to = sa.Column(sa.String(64), nullable=True, index=True)  # a staff username
    assigned_at = sa.Column(sa.DateTime, nullable=True)
    resolved_at = sa.Column(sa.DateTime, nullable=True)

    notes = relationship("EscalationNote", order_by="EscalationNote.created_at", cascade="all, delete-orphan",
                         back_populates="escalation")


class EscalationNote(Base):
    """A staff note on an escalation (what was done, who called back)."""

    __tablename__ = "escalation_notes"

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    escalation_id = sa.Column(sa.String(36), sa.ForeignKey("escalations.id", ondelete="CASCADE"), nullable=False,
                              index=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=_utcnow)
    author = sa.Column(sa.String(64), nullable=False)
    text = sa.Column(sa.Text, nullable=False)

    escalation = relationship("Escalation", back_populates="notes")


def record_escalation(
    session: Session,
    *,
    reason: str,
    channel: str,
    conversation_id: str,
    summary: str = "",
    local_authority: Optional[str] = None,
    callback_number: Optional[str] = None,
    callback_email: Optional[str] = None,
    preferred_time: Optional[str] = None,
    recording_url: Optional[str] = None,
    status: str = "new",
    notify: bool = False,
) -> Escalation:
    """Add an escalation to `session`. Safeguarding is always urgent.

    notify=True also texts the mediators on duty (no personal details) through the
    outbox, in the same transaction; see bot.handoff.notify. The console shows every
    new escalation whatever `notify` says.
    """
    if reason not in REASONS:
        raise ValueError(f"unknown escalation reason {reason!r}")
    if (callback_number or callback_email) and reason != "callback":
        raise ValueError("a callback number or email is kept only for callback requests")
    escalation = Escalation(
        reason=reason,
        priority="urgent" if reason == "safeguarding" else "normal",
        channel=channel,
        conversation_id=conversation_id,
        local_authority=local_authority,
        status=status,
        callback_number=callback_number,
        callback_email=callback_email,
        preferred_time=preferred_time,
        recording_url=recording_url,
        summary=summary,
    )
    session.add(escalation)
    if notify:
        from bot.handoff.notify import notify_staff_of_escalation

        notify_staff_of_escalation(session, escalation)
    return escalation
