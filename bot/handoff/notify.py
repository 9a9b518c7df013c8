"""Tell staff about a new escalation: a text to every mediator on duty, through the outbox.

The text never carries personal details (no name, number, council or words of the
conversation): only that there is a new escalation, whether it is urgent, and the
channel. Staff sign in to the console to see the rest; the console's queue shows
the same escalation as an alert (urgent ones highlighted) as soon as it is stored.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Dict, List

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.database import Base
from bot.outbox.models import OutboxMessage
from bot.outbox.service import enqueue_sms
from bot.settings import Settings, get_settings

log = logging.getLogger(__name__)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class AlertFailure(Base):
    """An alert to staff about an escalation that was not sent (no numbers or no text service
    configured). The console and /health show recent ones, so a team that is not being
    alerted finds out (migration 0010). No personal details: what failed, not who."""

    __tablename__ = "staff_alert_failures"

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    at = sa.Column(sa.DateTime, nullable=False, default=utcnow, index=True)
    escalation_id = sa.Column(sa.String(36), nullable=True)
    priority = sa.Column(sa.String(10), nullable=False, default="normal")
    reason = sa.Column(sa.String(200), nullable=False)


CHANNEL_WORDS = {"voice": "phone", "sms": "text", "web": "web chat"}


def alert_text(escalation, settings: Settings) -> str:
    """The words of the alert: the same for every escalation of one priority and channel."""
    channel = CHANNEL_WORDS.get(escalation.channel, "")
    if escalation.reason == "safeguarding":
        return f"New urgent safeguarding escalation on the SEND line console ({channel}). Please look now."
    if escalation.priority == "urgent":
        return f"New urgent escalation on the SEND line console ({channel}). Please look now."
    return f"New escalation on the SEND line console ({channel})."


def notify_staff_of_escalation(session: Session, escalation, settings: Settings = None) -> List:
    """Enqueue the alert to each number in MEDIATOR_NUMBERS; returns the outbox messages.

    Call it in the transaction that stores the escalation (record_escalation(...,
    notify=True) does), so an escalation is never stored without its alert. An alert
    that cannot be sent is logged as an error: no numbers to text (for an urgent one),
    or the texts could not be queued; the outbox logs a text Twilio refused for good.
    Every channel (web chat, phone, SMS) alerts through here.
    """
    settings = settings or get_settings()
    body = alert_text(escalation, settings)
    if escalation.id is None:
        session.flush()  # its id, for the log
    if not settings.mediator_numbers:
        # Nobody can be texted: the console is the only place it shows, and it says so.
        (log.error if escalation.priority == "urgent" else log.warning)(
            "alert: no MEDIATOR_NUMBERS set, so nobody was texted about %s escalation %s (%s, %s); "
            "it is in the console queue",
            escalation.priority,
            escalation.id,
            escalation.reason,
            escalation.channel,
        )
        record_failure(session, escalation, NO_NUMBERS)
        return []
    if not (settings.twilio_account_sid and settings.twilio_from_number):
        # Queued, but the outbox has no way to send them: say so now, not when they fail.
        log.error(
            "alert: Twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_FROM_NUMBER), so the texts about "
            "%s escalation %s cannot be sent; it is in the console queue",
            escalation.priority,
            escalation.id,
        )
        record_failure(session, escalation, NO_TWILIO)
    try:
        return [enqueue_sms(session, number, body, kind="mediator_alert") for number in settings.mediator_numbers]
    except Exception:
        log.exception(
            "alert: could not queue the texts to the mediators about %s escalation %s (%s, %s)",
            escalation.priority,
            escalation.id,
            escalation.reason,
            escalation.channel,
        )
        raise


NO_TWILIO = "no text message service is configured (TWILIO_ACCOUNT_SID, TWILIO_FROM_NUMBER), so nobody was texted"
NO_NUMBERS = "no mediator numbers are configured (MEDIATOR_NUMBERS), so nobody was texted"


def record_failure(session: Session, escalation, reason: str) -> None:
    """Keep a staff alert that was not sent (AlertFailure): no personal details."""
    session.add(
        AlertFailure(
            escalation_id=getattr(escalation, "id", None),
            priority=getattr(escalation, "priority", None) or "normal",
            reason=reason[:200],
        )
    )


def recent_failures(session: Session, hours: int = 24) -> Dict[str, object]:
    """Staff alerts not sent in the last `hours`: {"count", "urgent", "latest": UTC datetime or None,
    "reason"} (the newest failure's reason), counting texts the outbox gave up on too."""
    since = utcnow() - dt.timedelta(hours=hours)
    rows = (
        session.execute(sa.select(AlertFailure).where(AlertFailure.at >= since).order_by(AlertFailure.at.desc()))
        .scalars()
        .all()
    )
    refused = (
        session.execute(
            sa.select(OutboxMessage)
            .where(
                OutboxMessage.kind == "mediator_alert",
                OutboxMessage.status == "failed",
                OutboxMessage.created_at >= since,
            )
            .order_by(OutboxMessage.created_at.desc())
        )
        .scalars()
        .all()
    )
    latest = max([row.at for row in rows] + [row.created_at for row in refused], default=None)
    reason = rows[0].reason if rows else ""
    if refused and (not rows or refused[0].created_at >= rows[0].at):
        reason = "texts to mediators were refused by the text message service"
    return {
        "count": len(rows) + len(refused),
        "urgent": sum(1 for row in rows if row.priority == "urgent"),
        "latest": latest,
        "reason": reason,
    }
