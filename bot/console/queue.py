"""The escalations queue: one case per family, filter and search, assign, notes, status,
and how long each has waited in staffed time.

A case is a conversation and the conversations joined to it (bot.console.case_links: by
hand, or automatically for one caller's phone calls and texts): every escalation of them (a
safeguarding concern, then a callback request) is one row of the queue, with the others as
its history. The case's lead escalation is the open urgent one, else the oldest open one,
else the newest. A callback snoozed after a try that reached nobody leaves the queue until
its time, then comes back marked due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.console import audit, case_links
from bot.console.models import CallbackSnooze
from bot.console.references import case_reference  # noqa: F401  (staff-facing name of a case; used here and re-exported)
from bot.conversations.deliveries import ConversationNumber
from bot.disagreement_resolution.models import DisagreementResolutionRequest
from bot.handoff.hours import bank_holiday_name
from bot.handoff.models import (
    CALL_OUTCOMES,
    CHANNELS,
    OPEN_STATUSES,
    PRIORITIES,
    STATUSES,
    CallbackAttempt,
    Escalation,
    EscalationNote,
    category_words,
)
from bot.handoff.notify import recent_failures
from bot.mediation.models import Certificate, MediationRequest
from bot.outbox.service import normalise_number
from bot.settings import Settings, get_settings
from bot.webchat.live import ConversationOwner
from bot.webchat.models import ChatConversation

MAX_NOTE_LENGTH = 4000


class QueueError(ValueError):
    """A request the queue cannot do (message for a person)."""


PAGE_SIZE = 50
ROLE_WORDS = {"parent": "Parent or carer", "young_person": "Young person", "professional": "Professional"}
SORTS = {"priority": "Urgent, live chats waiting, then oldest", "newest": "Newest first", "oldest": "Oldest first"}


@dataclass
class Filters:
    status: str = ""
    priority: str = ""
    local_authority: str = ""
    channel: str = ""
    mine: bool = False
    q: str = ""  # a case reference (C-...), a request or certificate reference, or a phone number
    sort: str = "priority"
    page: int = 1
    snoozed: bool = False  # show the callbacks snoozed until later too

    @classmethod
    def parse(cls, params: Dict[str, str]) -> "Filters":
        def pick(name: str, allowed) -> str:
            value = (params.get(name) or "").strip()
            return value if value in allowed else ""

        try:
            page = max(1, min(int(params.get("page") or 1), 10_000))
        except ValueError:
            page = 1
        return cls(
            status=pick("status", STATUSES),
            priority=pick("priority", PRIORITIES),
            local_authority=(params.get("local_authority") or "").strip()[:100],
            channel=pick("channel", CHANNELS),
            mine=params.get("mine") == "1",
            q=" ".join((params.get("q") or "").split())[:60],
            sort=pick("sort", SORTS) or "priority",
            page=page,
            snoozed=params.get("snoozed") == "1",
        )

    def query_string(self, **changes) -> str:
        """The filters as a query string, with `changes` (for the paging links)."""
        values = {
            "status": self.status,
            "priority": self.priority,
            "local_authority": self.local_authority,
            "channel": self.channel,
            "mine": "1" if self.mine else "",
            "q": self.q,
            "sort": "" if self.sort == "priority" else self.sort,
            "page": "" if self.page == 1 else self.page,
            "snoozed": "1" if self.snoozed else "",
        }
        values.update(changes)
        return urlencode({name: value for name, value in values.items() if value not in ("", None, 1)})


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def target_minutes(escalation: Escalation, settings: Settings) -> int:
    return (
        settings.console_urgent_target_minutes if escalation.priority == "urgent" else settings.console_target_minutes
    )


def staffed_time(start: dt.datetime, end: dt.datetime, settings: Optional[Settings] = None) -> dt.timedelta:
    """How much of `start`..`end` (naive UTC) fell in staffed hours (STAFFED_HOURS, Europe/London,
    not on England's bank holidays): the wait a family is owed an answer for. At most 62 days."""
    settings = settings or get_settings()
    zone = ZoneInfo(settings.timezone)
    start_local = start.replace(tzinfo=dt.timezone.utc).astimezone(zone)
    end_local = end.replace(tzinfo=dt.timezone.utc).astimezone(zone)
    total = dt.timedelta()
    day = start_local.date()
    while day <= end_local.date() and (day - start_local.date()).days <= 62:
        span = None if bank_holiday_name(day) else settings.staffed_span(day.weekday())
        if span:
            opens = dt.datetime.combine(day, span[0], tzinfo=zone)
            closes = dt.datetime.combine(day, span[1], tzinfo=zone)
            overlap = min(closes, end_local) - max(opens, start_local)
            if overlap > dt.timedelta():
                total += overlap
        day += dt.timedelta(days=1)
    return total


def waited(
    escalation: Escalation, now: Optional[dt.datetime] = None, settings: Optional[Settings] = None
) -> dt.timedelta:
    """The wait in staffed time, from being raised to being resolved (or now)."""
    end = escalation.resolved_at if escalation.status == "resolved" and escalation.resolved_at else (now or _utcnow())
    return staffed_time(escalation.created_at, end, settings)


def past_target(escalation: Escalation, settings: Optional[Settings] = None, now: Optional[dt.datetime] = None) -> bool:
    settings = settings or get_settings()
    return escalation.status != "resolved" and waited(escalation, now, settings) > dt.timedelta(
        minutes=target_minutes(escalation, settings)
    )


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
    """Escalations one by one (each case's lead first): urgent, then oldest; resolved ones after."""
    return [case.lead for case in list_cases(session, filters, username, limit=limit).cases]


@dataclass
class Case:
    """A family's escalations (one conversation): `lead` is what the queue row shows."""

    reference: str
    lead: Escalation
    escalations: List[Escalation]  # newest first
    live: str = ""  # the live chat's owner state ("waiting", "assigned"...) for a web chat, else ""
    live_holder: str = ""  # the staff username in the live chat
    next_try_at: Optional[dt.datetime] = None  # the callback's next try (UTC)
    attempts: int = 0
    role: str = ""  # who the person said they are in the web chat ("parent", "young_person", "professional")
    conversations: List[str] = field(default_factory=list)  # the root first, then those joined to it
    snoozed_until: Optional[dt.datetime] = None  # a callback put aside until then (UTC), while open

    def snoozed(self, now: Optional[dt.datetime] = None) -> bool:
        """Put aside until later: the queue leaves it out until then."""
        return self.snoozed_until is not None and self.snoozed_until > (now or _utcnow())

    def due(self, now: Optional[dt.datetime] = None) -> bool:
        """A snoozed callback whose time has come: back in the queue, marked due."""
        return self.snoozed_until is not None and self.snoozed_until <= (now or _utcnow())

    def who(self) -> str:
        """'Parent or carer', 'Young person', 'Professional', or '' when not known."""
        return ROLE_WORDS.get(self.role, "")

    @property
    def open(self) -> bool:
        return self.lead.status in OPEN_STATUSES

    @property
    def waiting_for_person(self) -> bool:
        """A family in a live chat waiting for a mediator to join."""
        return self.open and self.live == "waiting"

    @property
    def history(self) -> List[Escalation]:
        return [e for e in self.escalations if e.id != self.lead.id]

    def contact(self) -> str:
        """How to reach the family: 'Live chat, waiting', 'Phone', 'Email', 'Text', 'Phone call' ..."""
        if self.live == "waiting":
            return "Live chat: waiting for a mediator"
        if self.live == "assigned":
            return f"Live chat with {self.live_holder}"
        if any(e.callback_number for e in self.escalations):
            return "Call back by phone"
        if any(e.callback_email for e in self.escalations):
            return "Reply by email"
        return {"sms": "Text conversation", "voice": "Phone call", "web": "Web chat"}.get(self.lead.channel, "")

    def preferred_time(self) -> Optional[str]:
        return next((e.preferred_time for e in self.escalations if e.preferred_time), None)

    def council(self) -> Optional[str]:
        return self.lead.local_authority or next(
            (e.local_authority for e in self.escalations if e.local_authority), None
        )


def _lead(escalations: List[Escalation]) -> Escalation:
    open_ones = [e for e in escalations if e.status in OPEN_STATUSES]
    if open_ones:
        return sorted(open_ones, key=lambda e: (e.priority != "urgent", e.created_at))[0]
    return max(escalations, key=lambda e: e.created_at)


@dataclass
class CasePage:
    cases: List[Case]
    total: int
    page: int
    pages: int
    authorities: List[str] = field(default_factory=list)
    snoozed: int = 0  # callbacks snoozed until later (left out unless asked for)


CHANNEL_WORDS = {"sms": "Text conversation", "voice": "Phone call", "web": "Web chat"}


def build_cases(session: Session, escalations: Iterable[Escalation]) -> List[Case]:
    """Escalations grouped into cases (a conversation and those joined to it), with each web
    chat's live state, callback tries and snooze."""
    escalations = list(escalations)
    roots = case_links.roots_of(session, [e.conversation_id for e in escalations])
    by_root: Dict[str, List[Escalation]] = {}
    for escalation in escalations:
        by_root.setdefault(roots[escalation.conversation_id], []).append(escalation)
    ids = list(roots)
    owners = {}
    for start in range(0, len(ids), 500):
        owners.update(
            {
                row.conversation_id: row
                for row in session.execute(
                    sa.select(ConversationOwner).where(ConversationOwner.conversation_id.in_(ids[start : start + 500]))
                ).scalars()
            }
        )
    roles = {}
    for start in range(0, len(ids), 500):
        roles.update(
            dict(
                session.execute(
                    sa.select(ChatConversation.id, ChatConversation.role).where(
                        ChatConversation.id.in_(ids[start : start + 500])
                    )
                ).all()
            )
        )
    cases = []
    for root, family in by_root.items():
        family.sort(key=lambda e: e.created_at, reverse=True)
        conversations = sorted(
            {e.conversation_id for e in family},
            key=lambda c: (c != root, min(e.created_at for e in family if e.conversation_id == c)),
        )
        chats = [owners[c] for c in conversations if c in owners]
        owner = next((o for o in chats if o.state in ("waiting", "assigned")), chats[0] if chats else None)
        case = Case(
            case_reference(root),
            _lead(family),
            family,
            live=owner.state if owner is not None else "",
            live_holder=(owner.staff_username or "") if owner is not None else "",
            role=next((roles[c] for c in conversations if roles.get(c)), ""),
            conversations=conversations,
        )
        cases.append(case)
    lead_ids = [case.lead.id for case in cases]
    tries: Dict[str, List] = {}
    snoozes: Dict[str, dt.datetime] = {}
    for start in range(0, len(lead_ids), 500):
        chunk = lead_ids[start : start + 500]
        for attempt in session.execute(
            sa.select(CallbackAttempt).where(CallbackAttempt.escalation_id.in_(chunk)).order_by(CallbackAttempt.at)
        ).scalars():
            tries.setdefault(attempt.escalation_id, []).append(attempt)
        snoozes.update(
            dict(
                session.execute(
                    sa.select(CallbackSnooze.escalation_id, CallbackSnooze.until).where(
                        CallbackSnooze.escalation_id.in_(chunk), CallbackSnooze.cleared_at.is_(None)
                    )
                ).all()
            )
        )
    for case in cases:
        attempts = tries.get(case.lead.id, [])
        case.attempts = len(attempts)
        case.next_try_at = attempts[-1].next_try_at if attempts and case.open else None
        case.snoozed_until = snoozes.get(case.lead.id) if case.open else None
    return cases


def _search(session: Session, text: str) -> Optional[set]:
    """The conversations `text` points at (a case, request or certificate reference, or a phone number)."""
    text = text.strip()
    if not text:
        return None
    found: set = set()
    compact = "".join(text.split()).upper()
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 7 and not any(ch.isalpha() for ch in text):
        number = normalise_number(text)
        found |= set(
            session.execute(sa.select(Escalation.conversation_id).where(Escalation.callback_number == number)).scalars()
        )
        found |= set(
            session.execute(
                sa.select(ConversationNumber.conversation_id).where(ConversationNumber.number == number)
            ).scalars()
        )
        return found
    reference = compact[2:] if compact.startswith("C-") else compact
    if len(reference) >= 4:
        for conversation_id in session.execute(sa.select(Escalation.conversation_id).distinct()).scalars():
            if case_reference(conversation_id)[2:].startswith(reference):
                found.add(conversation_id)
        prefix = reference.lower().replace("-", "")[:8]
        for model in (MediationRequest, DisagreementResolutionRequest):
            found |= set(
                session.execute(
                    sa.select(model.conversation_id).where(
                        sa.func.replace(sa.func.lower(model.id), "-", "").like(prefix + "%")
                    )
                ).scalars()
            )
        certificate = compact.replace(" ", "")
        found |= set(
            session.execute(
                sa.select(Certificate.conversation_id).where(
                    sa.func.replace(sa.func.upper(Certificate.reference), "-", "") == certificate.replace("-", "")
                )
            ).scalars()
        )
    return found


def list_cases(session: Session, filters: Filters, username: str = "", limit: int = 5000) -> CasePage:
    """One row per family. Open cases first: urgent, then live chats waiting for a person, then the
    oldest (or as `filters.sort` says); resolved ones after. Callbacks snoozed until later are left
    out (unless `filters.snoozed`). Paged PAGE_SIZE at a time."""
    query = sa.select(Escalation)
    if filters.channel:
        query = query.where(Escalation.channel == filters.channel)
    matches = _search(session, filters.q)
    if matches is not None:
        if not matches:
            return CasePage([], 0, 1, 1)
        matches = case_links.conversations_of(session, list(matches)[:1000])
        query = query.where(Escalation.conversation_id.in_(list(matches)[:1000]))
    query = query.order_by(Escalation.created_at.desc()).limit(limit)
    cases = build_cases(session, session.execute(query).scalars())
    if filters.status:
        cases = [c for c in cases if c.lead.status == filters.status]
    if filters.priority:
        cases = [c for c in cases if c.lead.priority == filters.priority]
    if filters.local_authority:
        cases = [c for c in cases if c.council() == filters.local_authority]
    if filters.mine:
        cases = [c for c in cases if c.lead.assigned_to == username or c.live_holder == username]
    now = _utcnow()
    snoozed = sum(1 for c in cases if c.snoozed(now))
    if not filters.snoozed and not filters.q:
        cases = [c for c in cases if not c.snoozed(now)]
    if filters.sort == "newest":
        cases.sort(key=lambda c: c.lead.created_at, reverse=True)
    elif filters.sort == "oldest":
        cases.sort(key=lambda c: c.lead.created_at)
    else:
        cases.sort(key=lambda c: (not c.open, c.lead.priority != "urgent", not c.waiting_for_person, c.lead.created_at))
    total = len(cases)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(filters.page, pages)
    return CasePage(cases[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], total, page, pages, snoozed=snoozed)


def family(session: Session, escalation: Escalation) -> Case:
    """The case `escalation` belongs to: every escalation of its conversation and those joined to it."""
    escalations = (
        session.execute(
            sa.select(Escalation).where(
                Escalation.conversation_id.in_(case_links.case_conversations(session, escalation.conversation_id))
            )
        )
        .scalars()
        .all()
    )
    return build_cases(session, escalations)[0]


def link_automatically(session: Session) -> None:
    """Join one caller's phone and text cases (case_links.link_by_number); a race with another
    request doing the same is left to the next page."""
    try:
        with session.begin_nested():
            case_links.link_by_number(session)
    except IntegrityError:
        pass


def find_case(session: Session, reference: str) -> Optional[Escalation]:
    """An escalation of the case whose reference is `reference` ("C-3F9A2C71", any case, with or
    without "C-"; a joined conversation's own reference finds its case too), or None."""
    compact = "".join(reference.split()).upper()
    compact = compact[2:] if compact.startswith("C-") else compact
    if len(compact) != 8:
        return None
    for conversation_id in session.execute(sa.select(Escalation.conversation_id).distinct()).scalars():
        if case_reference(conversation_id) == "C-" + compact:
            return (
                session.execute(
                    sa.select(Escalation)
                    .where(Escalation.conversation_id == conversation_id)
                    .order_by(Escalation.created_at)
                )
                .scalars()
                .first()
            )
    return None


def local_authorities(session: Session) -> List[str]:
    return list(
        session.execute(
            sa.select(Escalation.local_authority)
            .where(Escalation.local_authority.is_not(None))
            .distinct()
            .order_by(Escalation.local_authority)
        ).scalars()
    )


def get(session: Session, escalation_id: str) -> Escalation:
    escalation = session.get(Escalation, escalation_id)
    if escalation is None:
        raise LookupError(escalation_id)
    return escalation


def _open_family(session: Session, escalation: Escalation) -> List[Escalation]:
    """The open escalations of `escalation`'s case, `escalation` included."""
    others = (
        session.execute(
            sa.select(Escalation).where(
                Escalation.conversation_id.in_(case_links.case_conversations(session, escalation.conversation_id)),
                Escalation.status.in_(OPEN_STATUSES),
                Escalation.id != escalation.id,
            )
        )
        .scalars()
        .all()
    )
    return [escalation] + list(others)


def assign(
    session: Session,
    escalation: Escalation,
    username: str,
    ip_address: Optional[str] = None,
    actor: Optional[str] = None,
) -> None:
    """Assign the case (every open escalation of the family) to `username`; `actor` did it (default: them)."""
    if escalation.status == "resolved":
        raise QueueError("This escalation is resolved. Reopen it first.")
    actor = actor or username
    previous = escalation.assigned_to
    for member in _open_family(session, escalation):
        member.assigned_to = username
        member.assigned_at = _utcnow()
        if member.status == "new":
            member.status = "assigned"
    detail = f"to {username}" + (f" (from {previous})" if previous and previous != username else "")
    audit.record(session, actor, "escalation_assigned", escalation.id, detail, ip_address)


def set_status(
    session: Session, escalation: Escalation, status: str, username: str, ip_address: Optional[str] = None
) -> None:
    """Change the case's status; resolving resolves every open escalation of the family."""
    if status not in STATUSES:
        raise QueueError(f"Choose a status: {', '.join(STATUSES)}.")
    previous = escalation.status
    members = _open_family(session, escalation) if status == "resolved" else [escalation]
    if status == "resolved":
        for member in members:
            _end_snooze(session, member)
    for member in members:
        member.status = status
        member.resolved_at = _utcnow() if status == "resolved" else None
        if status == "new":
            member.assigned_to = member.assigned_at = None
    audit.record(session, username, "escalation_status", escalation.id, f"{previous} -> {status}", ip_address)


def record_call(
    session: Session,
    escalation: Escalation,
    outcome: str,
    username: str,
    ip_address: Optional[str] = None,
    next_try: Optional[dt.datetime] = None,
    close: bool = False,
    now: Optional[dt.datetime] = None,
) -> CallbackAttempt:
    """One try to call the family back (`outcome`: a key of CALL_OUTCOMES; `next_try`: naive UTC).

    The case waits for the next try ("waiting"), or is resolved with the outcome when `close`.
    Raises QueueError for an unknown outcome, a resolved case or a next try in the past.
    """
    now = now or _utcnow()
    if outcome not in CALL_OUTCOMES:
        raise QueueError("Choose what happened when you called: " + ", ".join(CALL_OUTCOMES.values()).lower() + ".")
    if escalation.status == "resolved":
        raise QueueError("This case is resolved. Reopen it first.")
    if next_try is not None and close:
        next_try = None
    if next_try is not None and next_try <= now:
        raise QueueError("The next try must be later than now.")
    attempt = CallbackAttempt(escalation_id=escalation.id, at=now, by=username, outcome=outcome, next_try_at=next_try)
    session.add(attempt)
    _end_snooze(session, escalation, now)
    if not escalation.assigned_to:
        escalation.assigned_to, escalation.assigned_at = username, now
    audit.record(
        session,
        username,
        "callback_attempt",
        escalation.id,
        CALL_OUTCOMES[outcome]
        + (f"; next try {next_try.isoformat(timespec='minutes')} UTC" if next_try else "")
        + ("; closed" if close else ""),
        ip_address,
    )
    if close:
        set_status(session, escalation, "resolved", username, ip_address)
    else:
        escalation.status = "waiting"
    return attempt


SNOOZE_OUTCOMES = ("no_answer", "voicemail")
MAX_SNOOZE = dt.timedelta(days=28)


def _end_snooze(session: Session, escalation: Escalation, now: Optional[dt.datetime] = None) -> None:
    for snooze in session.execute(
        sa.select(CallbackSnooze).where(
            CallbackSnooze.escalation_id == escalation.id, CallbackSnooze.cleared_at.is_(None)
        )
    ).scalars():
        snooze.cleared_at = now or _utcnow()


def snooze(
    session: Session,
    escalation: Escalation,
    until: dt.datetime,
    username: str,
    ip_address: Optional[str] = None,
    now: Optional[dt.datetime] = None,
) -> CallbackSnooze:
    """Put a callback aside until `until` (naive UTC) after a try that reached nobody (no answer or
    voicemail): the queue leaves the case out until then and shows it again, marked due, after.
    The next try recorded, or resolving the case, ends the snooze. Audited ("callback_snoozed").

    Raises QueueError for a resolved case, one with no such try as its last, or a time not in the
    next MAX_SNOOZE."""
    now = now or _utcnow()
    if escalation.status == "resolved":
        raise QueueError("This case is resolved. Reopen it first.")
    last = (
        session.execute(
            sa.select(CallbackAttempt)
            .where(CallbackAttempt.escalation_id == escalation.id)
            .order_by(CallbackAttempt.at.desc(), CallbackAttempt.id.desc())
            .limit(1)
        )
        .scalars()
        .first()
    )
    if last is None or last.outcome not in SNOOZE_OUTCOMES:
        raise QueueError("Snooze a callback after a try that reached nobody: record the call first.")
    if until <= now:
        raise QueueError("Choose a time later than now to try again.")
    if until > now + MAX_SNOOZE:
        raise QueueError(f"Snooze a callback for at most {MAX_SNOOZE.days} days.")
    _end_snooze(session, escalation, now)
    snoozed = CallbackSnooze(escalation_id=escalation.id, at=now, by=username, until=until)
    session.add(snoozed)
    escalation.status = "waiting"
    if not escalation.assigned_to:
        escalation.assigned_to, escalation.assigned_at = username, now
    audit.record(
        session,
        username,
        "callback_snoozed",
        escalation.id,
        f"until {until.isoformat(timespec='minutes')} UTC",
        ip_address,
    )
    return snoozed


def add_note(
    session: Session, escalation: Escalation, text: str, username: str, ip_address: Optional[str] = None
) -> EscalationNote:
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
    newest_urgent = session.execute(
        sa.select(sa.func.max(Escalation.created_at)).where(
            Escalation.priority == "urgent", Escalation.status.in_(OPEN_STATUSES)
        )
    ).scalar()
    return {
        "new": new,
        "urgent": urgent,
        "newest": newest.isoformat() if newest else "",
        "newest_urgent": newest_urgent.isoformat() if newest_urgent else "",
    }


def alert_failures(session: Session) -> Dict[str, object]:
    """Staff alerts not sent in the last 24 hours (bot.handoff.notify.recent_failures): shown on every page."""
    return recent_failures(session)
