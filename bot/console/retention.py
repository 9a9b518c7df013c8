"""The retention policy, enforced: delete or anonymise personal data past its time.

    python -m bot.console.retention     run once (the web app also runs it every RETENTION_JOB_HOURS)

What goes when (settings, documented in docs/privacy.md):
- conversation transcripts (Rasa's tracker events), whole conversations whose last
  turn is older than RETENTION_TRANSCRIPT_MONTHS, with the staff notes on their
  escalations and the texts sent in them (the outbox);
- callback numbers and voicemail links of escalations resolved more than
  RETENTION_CALLBACK_DAYS ago (the escalation itself stays, with no personal details);
- certificates older than RETENTION_CERTIFICATE_YEARS are anonymised (the certificates
  feature does the work; the record and its reference stay for usage figures);
- ended staff sessions and sign-in attempts after a day;
- audit log entries older than RETENTION_AUDIT_YEARS.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Dict, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.console.models import AuditEntry, LoginAttempt, StaffSession, utcnow
from bot.console.transcripts import EVENTS, events_table_exists
from bot.database import session_scope
from bot.handoff.models import Escalation, EscalationNote
from bot.outbox.models import OutboxMessage
from bot.settings import Settings, get_settings

log = logging.getLogger(__name__)


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day `months` calendar months earlier (the last day of a shorter month)."""
    year, month = divmod(moment.month - 1 - months, 12)
    year += moment.year
    month += 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


@dataclass
class RetentionReport:
    counts: Dict[str, int] = field(default_factory=dict)

    def add(self, name: str, count: Optional[int]) -> None:
        self.counts[name] = self.counts.get(name, 0) + max(count or 0, 0)

    def describe(self) -> str:
        return ", ".join(f"{name} {count}" for name, count in self.counts.items()) or "nothing to do"


def apply_retention(database_url: Optional[str] = None, settings: Optional[Settings] = None,
                    now: Optional[dt.datetime] = None) -> RetentionReport:
    """One pass of the policy, in one transaction; returns what it did. Audited as the user 'retention'."""
    settings = settings or get_settings()
    now = now or utcnow()
    report = RetentionReport()
    with session_scope(database_url) as session:
        transcript_cutoff = months_before(now, settings.retention_transcript_months)
        report.add("conversations deleted", _delete_transcripts(session, transcript_cutoff))
        report.add("escalation notes deleted", _delete_old_notes(session, transcript_cutoff))
        report.add("texts deleted", session.execute(
            sa.delete(OutboxMessage).where(OutboxMessage.status != "pending", OutboxMessage.created_at < transcript_cutoff)
            .execution_options(synchronize_session=False)).rowcount)
        report.add("callback numbers cleared", _clear_callbacks(session, now - dt.timedelta(days=settings.retention_callback_days)))
        report.add("certificates anonymised", _anonymise_certificates(session, months_before(now, 12 * settings.retention_certificate_years)))
        day_ago = now - dt.timedelta(days=1)
        report.add("staff sessions deleted", session.execute(sa.delete(StaffSession).where(
            sa.or_(StaffSession.ended_at < day_ago,
                   StaffSession.created_at < now - dt.timedelta(hours=settings.console_absolute_timeout_hours + 24)))
        ).rowcount)
        report.add("sign-in attempts deleted", session.execute(sa.delete(LoginAttempt).where(LoginAttempt.at < day_ago)).rowcount)
        report.add("audit entries deleted", session.execute(
            sa.delete(AuditEntry).where(AuditEntry.at < months_before(now, 12 * settings.retention_audit_years))
        ).rowcount)
        if any(report.counts.values()):
            from bot.console import audit

            audit.record(session, "retention", "retention_applied", None, report.describe())
    return report


def _delete_transcripts(session: Session, cutoff: dt.datetime) -> int:
    if not events_table_exists(session):
        return 0
    epoch = cutoff.replace(tzinfo=dt.timezone.utc).timestamp()
    stale = (sa.select(EVENTS.c.sender_id).group_by(EVENTS.c.sender_id)
             .having(sa.func.max(EVENTS.c.timestamp) < epoch))
    senders = list(session.execute(stale).scalars())
    for start in range(0, len(senders), 500):
        session.execute(sa.delete(EVENTS).where(EVENTS.c.sender_id.in_(senders[start:start + 500])))
    return len(senders)


def _delete_old_notes(session: Session, cutoff: dt.datetime) -> int:
    old = sa.select(Escalation.id).where(Escalation.created_at < cutoff)
    return session.execute(sa.delete(EscalationNote).where(EscalationNote.escalation_id.in_(old))
                           .execution_options(synchronize_session=False)).rowcount


def _clear_callbacks(session: Session, cutoff: dt.datetime) -> int:
    resolved_before = sa.func.coalesce(Escalation.resolved_at, Escalation.created_at) < cutoff
    return session.execute(
        sa.update(Escalation)
        .where(Escalation.status == "resolved", resolved_before,
               sa.or_(Escalation.callback_number.is_not(None), Escalation.recording_url.is_not(None)))
        .values(callback_number=None, recording_url=None)
        .execution_options(synchronize_session=False)
    ).rowcount


def _anonymise_certificates(session: Session, cutoff: dt.datetime) -> int:
    """The certificates feature owns its data: use its anonymiser when it provides one."""
    try:
        from bot.certificates import service as certificates
    except ImportError:
        return 0
    anonymise = getattr(certificates, "anonymise_certificates_before", None)
    if anonymise is None:
        log.warning("retention: bot.certificates.service has no anonymise_certificates_before(session, cutoff); "
                    "certificates are not anonymised")
        return 0
    return int(anonymise(session, cutoff) or 0)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    report = apply_retention()
    print(f"==> retention: {report.describe()}")


if __name__ == "__main__":
    main()
