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
from bot.handoff.notify import notify_staff_of_escalation
from bot.nlp.patterns import find_local_authority, find_local_authority_in

# bot_failure: the assistant failed (Rasa or the action server down, an error or a
# timeout); repeated_failure: it answered but could not understand the person.
REASONS = ("person_requested", "safeguarding", "repeated_failure", "voicemail", "callback", "bot_failure")
PRIORITIES = ("normal", "urgent")
CHANNELS = ("voice", "sms", "web")
STATUSES = ("new", "assigned", "waiting", "resolved")
OPEN_STATUSES = ("new", "assigned", "waiting")
# What kind of safeguarding concern (bot.safeguarding.CATEGORIES; migration 0008), in the
# console's words. Stored as plain text: a category the console does not know is shown as it is.
CATEGORIES = {
    "risk_to_life": "risk to life",
    "abuse_or_neglect": "abuse or neglect",
    "domestic_abuse": "domestic abuse",
    "carer_breaking_point": "parent or carer at breaking point",
}
# Reasons a person is waiting for (one open escalation of these per conversation, see
# raise_escalation); safeguarding outranks the others.
HANDOFF_REASONS = ("person_requested", "safeguarding", "repeated_failure", "bot_failure")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Escalation(Base):
    __tablename__ = "escalations"

    id = sa.Column(sa.String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, index=True)
    reason = sa.Column(
        sa.Enum(*REASONS, name="escalation_reason", native_enum=False, create_constraint=True), nullable=False
    )
    priority = sa.Column(
        sa.Enum(*PRIORITIES, name="escalation_priority", native_enum=False, create_constraint=True),
        nullable=False,
        default="normal",
    )
    channel = sa.Column(
        sa.Enum(*CHANNELS, name="escalation_channel", native_enum=False, create_constraint=True), nullable=False
    )
    conversation_id = sa.Column(sa.String(100), nullable=False, index=True)
    local_authority = sa.Column(sa.String(100), nullable=True)
    status = sa.Column(
        sa.Enum(*STATUSES, name="escalation_status", native_enum=False, create_constraint=True),
        nullable=False,
        default="new",
        index=True,
    )
    callback_number = sa.Column(sa.String(20), nullable=True)
    callback_email = sa.Column(sa.String(320), nullable=True)  # out of hours, by email (migration 0006)
    preferred_time = sa.Column(sa.String(100), nullable=True)
    recording_url = sa.Column(sa.String(500), nullable=True)
    summary = sa.Column(sa.Text, nullable=False, default="")
    # Safeguarding: the kind of concern (CATEGORIES); anyone: the language they wrote in
    # when it is not English, so staff can arrange an interpreter (migration 0008).
    category = sa.Column(sa.String(40), nullable=True)
    language = sa.Column(sa.String(60), nullable=True)
    # Staff work on it in the console (migration 0004_console).
    assigned_to = sa.Column(sa.String(64), nullable=True, index=True)  # a staff username
    assigned_at = sa.Column(sa.DateTime, nullable=True)
    resolved_at = sa.Column(sa.DateTime, nullable=True)

    notes = relationship(
        "EscalationNote",
        order_by="EscalationNote.created_at",
        cascade="all, delete-orphan",
        back_populates="escalation",
    )


class EscalationNote(Base):
    """A staff note on an escalation (what was done, who called back)."""

    __tablename__ = "escalation_notes"

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    escalation_id = sa.Column(
        sa.String(36), sa.ForeignKey("escalations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    author = sa.Column(sa.String(64), nullable=False)
    text = sa.Column(sa.Text, nullable=False)

    escalation = relationship("Escalation", back_populates="notes")


# What came of one try to call a family back (the console's callback workflow, migration 0010).
CALL_OUTCOMES = {
    "reached": "Reached",
    "no_answer": "No answer",
    "voicemail": "Voicemail left",
    "wrong_number": "Wrong number",
}
# Outcomes that end the callback (the case is resolved with the outcome recorded).
FINAL_OUTCOMES = ("reached", "wrong_number")


class CallbackAttempt(Base):
    """One try to call a family back: who, when, what came of it, and when to try next (UTC)."""

    __tablename__ = "callback_attempts"

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    escalation_id = sa.Column(
        sa.String(36), sa.ForeignKey("escalations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    by = sa.Column(sa.String(64), nullable=False)  # a staff username
    outcome = sa.Column(sa.String(20), nullable=False)  # one of CALL_OUTCOMES
    next_try_at = sa.Column(sa.DateTime, nullable=True)


def council_name(value: Optional[str]) -> Optional[str]:
    """The council's own name when ``value`` names one ("brighton" -> "Brighton and Hove"),
    else None: whatever else reached this field (a sentence with a name and a phone number
    in it, a made-up entity) is not kept, and the console never shows it."""
    if not value or not isinstance(value, str):
        return None
    authority = find_local_authority(value) or find_local_authority_in(value[:200])
    return authority.name if authority else None


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
    category: Optional[str] = None,
    language: Optional[str] = None,
    priority: Optional[str] = None,
) -> Escalation:
    """Add an escalation to `session`. Safeguarding is always urgent.

    ``category``: the kind of safeguarding concern (CATEGORIES; kept for safeguarding
    only); ``language``: the language the person wrote in, when not English;
    ``priority``: "urgent" to raise any escalation (a callback asked for after a
    safeguarding concern), never to lower safeguarding.

    notify=True also texts the mediators on duty (no personal details) through the
    outbox, in the same transaction; see bot.handoff.notify. The console shows every
    new escalation whatever `notify` says.
    """
    if reason not in REASONS:
        raise ValueError(f"unknown escalation reason {reason!r}")
    if (callback_number or callback_email) and reason not in ("callback", "safeguarding"):
        raise ValueError("a callback number or email is kept only for callback requests")
    if priority is not None and priority not in PRIORITIES:
        raise ValueError(f"unknown priority {priority!r}")
    escalation = Escalation(
        reason=reason,
        priority="urgent" if reason == "safeguarding" or priority == "urgent" else "normal",
        category=clean_category(category) if reason == "safeguarding" else None,
        language=clean_language(language),
        channel=channel,
        conversation_id=conversation_id,
        local_authority=council_name(local_authority),
        status=status,
        callback_number=callback_number,
        callback_email=callback_email,
        preferred_time=preferred_time,
        recording_url=recording_url,
        summary=summary,
    )
    session.add(escalation)
    if notify:
        notify_staff_of_escalation(session, escalation)
    return escalation


def clean_category(category: Optional[str]) -> Optional[str]:
    """A safeguarding category as stored: one of CATEGORIES, or None."""
    category = (category or "").strip().lower() if isinstance(category, str) else ""
    return category if category in CATEGORIES else None


def clean_language(language: Optional[str]) -> Optional[str]:
    """A language name as stored ("Polish"): letters, spaces and hyphens, at most 60; None for English or nothing."""
    if not isinstance(language, str):
        return None
    language = " ".join(language.split())[:60]
    if not language or not all(ch.isalpha() or ch in " -()'" for ch in language):
        return None
    if language.lower() in ("english", "en", "en-gb", "british english"):
        return None
    return language[0].upper() + language[1:]


def category_words(category: Optional[str]) -> str:
    """'risk to life' for the console (the stored value, readable, if the console does not know it)."""
    if not category:
        return ""
    return CATEGORIES.get(category, category.replace("_", " "))


def open_escalation(session: Session, conversation_id: str, reasons=HANDOFF_REASONS) -> Optional[Escalation]:
    """The conversation's open escalation for one of `reasons` (safeguarding first, then the oldest)."""
    query = (
        sa.select(Escalation)
        .where(
            Escalation.conversation_id == conversation_id,
            Escalation.status.in_(OPEN_STATUSES),
            Escalation.reason.in_(tuple(reasons)),
        )
        .order_by(sa.case((Escalation.reason == "safeguarding", 0), else_=1), Escalation.created_at)
        .limit(1)
    )
    return session.execute(query).scalars().first()


def raise_escalation(
    session: Session,
    *,
    reason: str,
    channel: str,
    conversation_id: str,
    summary: str = "",
    local_authority: Optional[str] = None,
    category: Optional[str] = None,
    language: Optional[str] = None,
    status: str = "new",
    notify: bool = False,
    escalation_id: Optional[str] = None,
    one_per_conversation: bool = True,
):
    """One open escalation per conversation: record a handoff, or fold it into the open one.

    Returns (escalation, news): news is True when staff have something new to act on (a
    new escalation, or an open one raised to safeguarding), and only then are they
    alerted (``notify``). An open escalation for a person (HANDOFF_REASONS) takes a new
    request: a safeguarding concern raises it to safeguarding, urgent, with its
    category, back to "new" if nobody had it; a repeated request changes nothing but
    the category or language it did not know. With ``one_per_conversation=False`` (the
    web chat, where each fresh request after a hand-back is its own) only safeguarding
    is folded: a concern into any open request, and any request into an open concern.
    A new escalation gets `escalation_id` when given (the phone line puts it in its
    TwiML before the row exists).
    """
    existing = open_escalation(session, conversation_id) if reason in HANDOFF_REASONS else None
    if existing is not None and not one_per_conversation and "safeguarding" not in (reason, existing.reason):
        existing = None
    if existing is None:
        escalation = record_escalation(
            session,
            reason=reason,
            channel=channel,
            conversation_id=conversation_id,
            summary=summary,
            local_authority=local_authority,
            category=category,
            language=language,
            status=status,
            notify=False,
        )
        if escalation_id:
            escalation.id = escalation_id
        session.flush()
        news = True
    else:
        escalation, news = existing, False
        if reason == "safeguarding" and existing.reason != "safeguarding":
            existing.reason, existing.priority, news = "safeguarding", "urgent", True
            existing.summary = summary or existing.summary
            if existing.status != "new" and not existing.assigned_to:
                existing.status = "new"
        if reason == "safeguarding" and not existing.category:
            existing.category = clean_category(category)
        existing.language = existing.language or clean_language(language)
        existing.local_authority = existing.local_authority or local_authority
    if news and notify:
        notify_staff_of_escalation(session, escalation)
    return escalation, news


REASON_SUMMARIES = {
    "person_requested": "asked for a person",
    "safeguarding": "may be at risk (safeguarding)",
    "repeated_failure": "could not be answered by the assistant",
    "bot_failure": "got no answer: the assistant failed",
}


def record_unrelayed_handoff(
    session: Session,
    conversation_id: str,
    reason: str,
    priority: str = "normal",
    category: Optional[str] = None,
    language: Optional[str] = None,
) -> Escalation:
    """A handoff asked for on a channel that does not store it itself: Rasa's own REST channel,
    used without the web app (issue 21). The web chat, phone line and SMS store theirs
    (bot.webchat.live, telephony); a conversation on none of them would otherwise reach nobody.

    One open escalation per conversation (raise_escalation); channel "web" (an API client),
    urgent when ``priority`` says so or for safeguarding; staff are alerted.
    """
    reason = reason if reason in REASONS else "person_requested"
    escalation, _ = raise_escalation(
        session,
        reason=reason,
        channel="web",
        conversation_id=conversation_id,
        summary=f"REST channel: the person {REASON_SUMMARIES.get(reason, reason.replace('_', ' '))}.",
        category=category,
        language=language,
        notify=True,
    )
    if priority == "urgent":
        escalation.priority = "urgent"
    return escalation
