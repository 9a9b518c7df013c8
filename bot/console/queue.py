"""The escalations queue: filter, assign, notes, status, and how long each has waited."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Dict, List, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.console import audit
from bot.handoff.models import CHANNELS, PRIORITIES, STATUSES, Escalation, EscalationNote, category_words
from bot.settings import Settings, get_settings

MAX_NOTE_LENGTH = 4000


class QueueError(ValueError):
    """A request the queue cannot do (message for a person)."""


@dataclass
class Filters:
    status: str = ""
    priority: str = ""
    local_authority: str = ""
    channel: str = ""
    mine: bool = False

    @classmethod
    def parse(cls, params: Dict[str, str]) -> "Filters":
        def pick(name: str, allowed) -> str:
            value = (params.get(name) or "").strip()
            return value if value in allowed else ""

        return cls(status=pick("status", STATUSES), priority=pick("priority", PRIORITIES),
                   local_authority=(params.get("local_authority") or "").strip()[:100],
                   channel=pick("channel", CHANNELS), mine=params.get("mine") == "1")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def target_minutes(escalation: Escalation, settings: Settings) -> int:
    return settings.console_urgent_target_minutes if escalation.priority == "urgent" else settings.console_target_minutes


def waited(escalation: Escalation, now: Optional[dt.datetime] = None) -> dt.timedelta:
    end = escalation.resolved_at if escalation.status == "resolved" and escalation.resolved_at else (now or _utcnow())
    return end - escalation.created_at


def past_target(escalation: Escalation, settings: Optional[Settings] = None, now: Optional[dt.datetime] = None) -> bool:
    settings = settings or get_settings()
    return escalation.status != "resolved" and waited(escalation, now) > dt.timedelta(minutes=target_minutes(escalation, settings))


def describe_wait(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min"
    return f"{hours // 24} days"


def reason_words(escalation: Escalation) -> str:
    """The reason as the queue shows it: 'Safeguarding: risk to life', 'Person requested'."""
    if escalation.reason == "safeguarding":
        kind = category_words(escalation.category)
        return f"Safeguarding: {kind}" if kind else "Safeguarding"
    return escalation.reason.replace("_", " ").capitalize()


def interpreter_words(escalation: Escalation) -> str:
    """'Needs an interpreter: Polish' for someone who wrote in another language; else ''."""
    return f"Needs an interpreter: {escalation.language}" if escalation.language else ""


def list_escalations(session: Session, filters: Filters, username: str = "", limit: int = 500) -> List[Escalation]:
    """Open ones first (urgent, then oldest); resolved ones after, oldest first."""
    query = sa.select(Escalation)
    if filters.status:
        query = query.where(Escalation.status == filters.status)
    if filters.priority:
        query = query.where(Escalation.priority == filters.priority)
    if filters.channel:
        query = query.where(Escalation.channel == filters.channel)
    if filters.local_authority:
        query = query.where(Escalation.local_authority == filters.local_authority)
    if filters.mine:
        query = query.where(Escalation.assigned_to == username)
    resolved_last = sa.case((Escalation.status == "resolved", 1), else_=0)
    urgent_first = sa.case((Escalation.priority == "urgent", 0), else_=1)
    query = query.order_by(resolved_last, urgent_first, Escalation.created_at).limit(limit)
    return list(session.execute(query).scalars())


def local_authorities(session: Session) -> List[str]:
    return list(session.execute(sa.select(Escalation.local_authority).where(Escalation.local_authority.is_not(None))
                                .distinct().order_by(Escalation.local_authority)).scalars())


def get(session: Session, escalation_id: str) -> Escalation:
    escalation = session.get(Escalation, escalation_id)
    if escalation is None:
        raise LookupError(escalation_id)
    return escalation


def assign(session: Session, escalation: Escalation, username: str, ip_address: Optional[str] = None) -> None:
    if escalation.status == "resolved":
        raise QueueError("This escalation is resolved. Reopen it first.")
    escalation.assigned_to = username
    escalation.assigned_at = _utcnow()
    if escalation.status == "new":
        escalation.status = "assigned"
    audit.record(session, username, "escalation_assigned", escalation.id, f"to {username}", ip_address)


def set_status(session: Session, escalation: Escalation, status: str, username: str,
               ip_address: Optional[str] = None) -> None:
    if status not in STATUSES:
        raise QueueError(f"Choose a status: {', '.join(STATUSES)}.")
    previous = escalation.status
    escalation.status = status
    escalation.resolved_at = _utcnow() if status == "resolved" else None
    if status == "new":
        escalation.assigned_to = escalation.assigned_at = None
    audit.record(session, username, "escalation_status", escalation.id, f"{previous} -> {status}", ip_address)


def add_note(session: Session, escalation: Escalation, text: str, username: str,
             ip_address: Optional[str] = None) -> EscalationNote:
    text = (text or "").strip()
    if not text:
        raise QueueError("Write the note before adding it.")
    if len(text) > MAX_NOTE_LENGTH:
        raise QueueError(f"A note can be at most {MAX_NOTE_LENGTH} characters.")
    note = EscalationNote(escalation_id=escalation.id, author=username, text=text)
    session.add(note)
    audit.record(session, username, "escalation_note", escalation.id, None, ip_address)
    return note


def alerts(session: Session, since: Optional[dt.datetime] = None) -> Dict[str, object]:
    """What the queue page polls: counts of new escalations, urgent ones, and the newest id. No personal details."""
    base = sa.select(sa.func.count()).select_from(Escalation).where(Escalation.status == "new")
    new = session.execute(base).scalar_one()
    urgent = session.execute(base.where(Escalation.priority == "urgent")).scalar_one()
    newest = session.execute(sa.select(sa.func.max(Escalation.created_at))).scalar()
    return {"new": new, "urgent": urgent, "newest": newest.isoformat() if newest else ""}
