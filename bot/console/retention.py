"""The retention policy, enforced: delete or anonymise personal data past its time.

    python -m bot.console.retention     run once (the web app also runs it every RETENTION_JOB_HOURS)

What goes when (settings, documented in docs/privacy.md):
- conversation transcripts (Rasa's tracker events) and web chat messages, whole
  conversations whose last turn is older than RETENTION_TRANSCRIPT_MONTHS, with the
  staff notes on their escalations and the texts and emails sent (the outbox);
- the phone numbers and email addresses that sent texts and emails went to, once
  they are RETENTION_CALLBACK_DAYS old (the message stays until the transcripts go);
- callback numbers, callback emails and voicemail links of escalations resolved more
  than RETENTION_CALLBACK_DAYS ago, or raised more than RETENTION_TRANSCRIPT_MONTHS
  ago whatever their status (the escalation itself stays, with no personal details);
- certificates, and mediation and DR requests, older than RETENTION_CERTIFICATE_YEARS
  are anonymised (the certificates feature anonymises its own records; the reference,
  council, kind, status and dates stay, so verification and usage figures stand);
- ended staff sessions and sign-in attempts after a day;
- audit log entries older than RETENTION_AUDIT_YEARS;
- service log files (LOG_DIR, one a day) older than RETENTION_LOG_DAYS (the supervisor's
  rotation deletes them too while it runs: bot.log_privacy).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Dict, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot import log_privacy
from bot.console import audit
from bot.console.models import AuditEntry, CaseLink, LoginAttempt, StaffSession, utcnow
from bot.console.transcripts import EVENTS, events_table_exists
from bot.conversations.deliveries import forget_before as forget_deliveries_before
from bot.conversations.deliveries import forget_numbers_before
from bot.database import session_scope
from bot.disagreement_resolution.models import DisagreementResolutionRequest
from bot.handoff.models import Escalation, EscalationNote
from bot.mediation import service as certificates
from bot.mediation.inputs import local_today
from bot.mediation.models import MediationRequest
from bot.outbox.models import OutboxMessage
from bot.outbox.service import forget_full_answers
from bot.settings import Settings, get_settings
from bot.webchat.models import delete_older_than as delete_chats_older_than

log = logging.getLogger(__name__)
REMOVED = "(removed at retention)"


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


def apply_retention(
    database_url: Optional[str] = None, settings: Optional[Settings] = None, now: Optional[dt.datetime] = None
) -> RetentionReport:
    """One pass of the policy, in one transaction; returns what it did. Audited as the user 'retention'."""
    settings = settings or get_settings()
    now = now or utcnow()
    report = RetentionReport()
    with session_scope(database_url) as session:
        transcript_cutoff = months_before(now, settings.retention_transcript_months)
        report.add("conversations deleted", _delete_transcripts(session, transcript_cutoff))
        report.add("web chats deleted", delete_chats_older_than(session, transcript_cutoff))
        report.add("escalation notes deleted", _delete_old_notes(session, transcript_cutoff))
        # A case's links name its conversations (a web chat's id is the browser's key): kept
        # as long as the transcripts they join.
        report.add(
            "case links deleted",
            session.execute(
                sa.delete(CaseLink)
                .where(sa.func.coalesce(CaseLink.unlinked_at, CaseLink.linked_at) < transcript_cutoff)
                .execution_options(synchronize_session=False)
            ).rowcount,
        )
        callback_cutoff = now - dt.timedelta(days=settings.retention_callback_days)
        report.add("outbox recipients cleared", _clear_outbox_recipients(session, callback_cutoff))
        report.add("texts deleted", _delete_outbox(session, transcript_cutoff))
        report.add("callback details cleared", _clear_callbacks(session, callback_cutoff, transcript_cutoff))
        # The phone line and SMS: a webhook's answer is kept a day (Twilio retries within
        # minutes), the numbers behind conversations as long as callback details, and the
        # pages of long SMS answers FULL_ANSWER_DAYS.
        report.add("webhook answers deleted", forget_deliveries_before(session, now - dt.timedelta(days=1)))
        report.add("conversation numbers deleted", forget_numbers_before(session, callback_cutoff))
        report.add("long text answers deleted", forget_full_answers(session, now))
        certificate_cutoff = months_before(now, 12 * settings.retention_certificate_years)
        report.add("certificates anonymised", _anonymise_certificates(session, certificate_cutoff))
        report.add("requests anonymised", _anonymise_requests(session, certificate_cutoff))
        day_ago = now - dt.timedelta(days=1)
        report.add(
            "staff sessions deleted",
            session.execute(
                sa.delete(StaffSession).where(
                    sa.or_(
                        StaffSession.ended_at < day_ago,
                        StaffSession.created_at
                        < now - dt.timedelta(hours=settings.console_absolute_timeout_hours + 24),
                    )
                )
            ).rowcount,
        )
        report.add(
            "sign-in attempts deleted",
            session.execute(sa.delete(LoginAttempt).where(LoginAttempt.at < day_ago)).rowcount,
        )
        report.add(
            "audit entries deleted",
            session.execute(
                sa.delete(AuditEntry).where(AuditEntry.at < months_before(now, 12 * settings.retention_audit_years))
            ).rowcount,
        )
        report.add(
            "log files deleted",
            log_privacy.delete_old_logs(settings.log_dir, settings.retention_log_days, local_today(now)),
        )
        if any(report.counts.values()):
            audit.record(session, "retention", "retention_applied", None, report.describe())
    return report


def _delete_transcripts(session: Session, cutoff: dt.datetime) -> int:
    if not events_table_exists(session):
        return 0
    epoch = cutoff.replace(tzinfo=dt.timezone.utc).timestamp()
    stale = sa.select(EVENTS.c.sender_id).group_by(EVENTS.c.sender_id).having(sa.func.max(EVENTS.c.timestamp) < epoch)
    senders = list(session.execute(stale).scalars())
    for start in range(0, len(senders), 500):
        session.execute(sa.delete(EVENTS).where(EVENTS.c.sender_id.in_(senders[start : start + 500])))
    return len(senders)


def _delete_old_notes(session: Session, cutoff: dt.datetime) -> int:
    old = sa.select(Escalation.id).where(Escalation.created_at < cutoff)
    return session.execute(
        sa.delete(EscalationNote)
        .where(EscalationNote.escalation_id.in_(old))
        .execution_options(synchronize_session=False)
    ).rowcount


def _clear_callbacks(session: Session, resolved_cutoff: dt.datetime, raised_cutoff: dt.datetime) -> int:
    resolved_before = sa.and_(
        Escalation.status == "resolved",
        sa.func.coalesce(Escalation.resolved_at, Escalation.created_at) < resolved_cutoff,
    )
    return session.execute(
        sa.update(Escalation)
        .where(
            sa.or_(resolved_before, Escalation.created_at < raised_cutoff),
            sa.or_(
                Escalation.callback_number.is_not(None),
                Escalation.callback_email.is_not(None),
                Escalation.recording_url.is_not(None),
                Escalation.preferred_time.is_not(None),
            ),
        )
        # The preferred time is free text: it can hold a name or a number too.
        .values(callback_number=None, callback_email=None, recording_url=None, preferred_time=None)
        .execution_options(synchronize_session=False)
    ).rowcount


def _clear_outbox_recipients(session: Session, cutoff: dt.datetime) -> int:
    """Sent (or given up) texts and emails keep their words a while, not where they went."""
    return session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.status != "pending",
            OutboxMessage.created_at < cutoff,
            sa.or_(OutboxMessage.to_number.is_not(None), OutboxMessage.to_address.is_not(None)),
        )
        .values(to_number=None, to_address=None)
        .execution_options(synchronize_session=False)
    ).rowcount


def _delete_outbox(session: Session, cutoff: dt.datetime) -> int:
    """Old sent messages go; a council's notice of a mediation request is emptied instead (the request points at it)."""
    old = sa.and_(OutboxMessage.status != "pending", OutboxMessage.created_at < cutoff)
    referenced = sa.select(MediationRequest.la_notification_id).where(MediationRequest.la_notification_id.is_not(None))
    session.execute(
        sa.update(OutboxMessage)
        .where(old, OutboxMessage.id.in_(referenced), OutboxMessage.body != REMOVED)
        .values(body=REMOVED, subject=None)
        .execution_options(synchronize_session=False)
    )
    return session.execute(
        sa.delete(OutboxMessage)
        .where(old, OutboxMessage.id.not_in(referenced))
        .execution_options(synchronize_session=False)
    ).rowcount


def _anonymise_requests(session: Session, cutoff: dt.datetime) -> int:
    """Mediation and DR requests: the council, status and dates stay for usage; the people and their words go."""
    count = 0
    for model, words in ((MediationRequest, "issues"), (DisagreementResolutionRequest, "disagreement")):
        personal = dict(requester_name=None, contact_details=None, **{words: REMOVED})
        if model is MediationRequest:
            personal.update(child_name=None, availability=REMOVED, icbs_json="[]")
        else:
            personal.update(
                availability=None,
                other_party_name=None,
                declined_reason=sa.case((model.declined_reason.is_(None), None), else_=REMOVED),
            )
        count += session.execute(
            sa.update(model)
            .where(model.requested_at < cutoff, getattr(model, words) != REMOVED)
            .values(**personal)
            .execution_options(synchronize_session=False)
        ).rowcount
    return count


def _anonymise_certificates(session: Session, cutoff: dt.datetime) -> int:
    """The certificates feature owns its data and its anonymiser."""
    return int(certificates.anonymise_certificates_before(session, cutoff) or 0)


# --- the job in the web app (started by bot.app's lifespan) ---------------------------
_retention_task: Optional[asyncio.Task] = None


async def start_job() -> None:
    hours = get_settings().retention_job_hours
    if hours > 0:
        global _retention_task
        _retention_task = asyncio.create_task(_retention_worker(hours * 3600))


async def stop_job() -> None:
    if _retention_task:
        _retention_task.cancel()


async def _retention_worker(interval: float) -> None:
    while True:
        try:
            report = await asyncio.to_thread(apply_retention)
            log.info("retention: %s", report.describe())
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - keep the worker alive; the next run tries again
            log.exception("retention job failed")
        await asyncio.sleep(interval)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    report = apply_retention()
    print(f"==> retention: {report.describe()}")


if __name__ == "__main__":
    main()
