"""The audit log: every staff action, who, what, when and from where."""

from __future__ import annotations

from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.console.models import AuditEntry


def record(
    session: Session,
    actor: str,
    action: str,
    target: Optional[str] = None,
    detail: Optional[str] = None,
    ip_address: Optional[str] = None,
) -> AuditEntry:
    """Append one entry to `session` (committed with the work it describes)."""
    entry = AuditEntry(
        actor=actor[:64],
        action=action[:64],
        target=(target or None) and target[:200],
        detail=detail,
        ip_address=ip_address,
    )
    session.add(entry)
    return entry


def entries(
    session: Session, *, actor: str = "", action: str = "", limit: int = 200, before_id: Optional[int] = None
) -> List[AuditEntry]:
    """Newest first, optionally for one actor or action; page with before_id."""
    query = sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(AuditEntry.action == action)
    if before_id:
        query = query.where(AuditEntry.id < before_id)
    return list(session.execute(query).scalars())


def actions(session: Session) -> List[str]:
    return list(session.execute(sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action)).scalars())
