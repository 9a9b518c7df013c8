"""Live handoff: who holds a conversation, and moving it between the assistant and staff.

One status machine for a conversation's owner (table ``conversation_owners``; a
conversation with no row is with the bot):

    state      who answers                             Rasa
    bot        the assistant                           running
    waiting    nobody yet: a person was asked for      paused (the bot stays silent)
    assigned   a staff member (``staff_username``)     paused (the bot stays silent)
    snoozed    the assistant, until a mediator comes   running
               back (``snoozed_until``, optional)
    resolved   the assistant; the handoff is finished  running

Transitions (anything else raises ``LiveError``):

    request_person   bot, snoozed, resolved -> waiting   (staffed hours; records an escalation)
                     waiting, assigned      -> unchanged (no second escalation)
                     out of hours: stays bot, records the escalation and offers a callback
    take_over        bot, waiting, snoozed, resolved -> assigned; assigned -> assigned (same staff member only)
    hand_back        waiting, assigned, snoozed -> bot
    snooze           waiting, assigned -> snoozed
    resolve          bot, waiting, assigned, snoozed -> resolved (open escalations are resolved too)
    carry_on         waiting -> bot   (the person chooses to carry on with the assistant)

Every change tells the person in the chat (a "system" message) and is written to
Rasa's tracker through its HTTP API: ``pause`` on entering waiting or assigned,
``resume`` on leaving them, and each notice and staff message as a bot utterance
(staff ones with metadata ``{"from_staff": <username>}``), so the transcript is whole
and the bot resumes with the full history. The relay (bot/webchat/relay.py) checks
``is_held`` before it asks Rasa and again before it shows Rasa's replies, so the bot
stays silent while a person holds the conversation even if Rasa missed the pause.

The functions are blocking (database and HTTP); call them from a thread in async code.
The browsers connected to the conversation are told at once (bot.webchat.hub).
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Optional
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot import limits
from bot.conversations.rasa_client import RasaClient
from bot.database import Base, session_scope
from bot.handoff.hours import describe_next_open, staffed_status
from bot.handoff.models import Escalation, open_escalation, raise_escalation, record_escalation
from bot.outbox.service import normalise_number
from bot.settings import get_settings
from bot.webchat import hub
from bot.webchat.models import add_message

log = logging.getLogger(__name__)


class OwnerState(str, enum.Enum):
    BOT = "bot"
    WAITING = "waiting"
    ASSIGNED = "assigned"
    SNOOZED = "snoozed"
    RESOLVED = "resolved"

    def __str__(self) -> str:
        return self.value


HELD = frozenset({OwnerState.WAITING, OwnerState.ASSIGNED})
S = OwnerState
# action -> (states it may start from, the state it leads to)
TRANSITIONS: Dict[str, tuple] = {
    "request_person": ({S.BOT, S.SNOOZED, S.RESOLVED}, S.WAITING),
    "take_over": ({S.BOT, S.WAITING, S.SNOOZED, S.RESOLVED, S.ASSIGNED}, S.ASSIGNED),
    "hand_back": ({S.WAITING, S.ASSIGNED, S.SNOOZED}, S.BOT),
    "snooze": ({S.WAITING, S.ASSIGNED}, S.SNOOZED),
    "resolve": ({S.BOT, S.WAITING, S.ASSIGNED, S.SNOOZED}, S.RESOLVED),
    "carry_on": ({S.WAITING}, S.BOT),
}


class LiveError(ValueError):
    """A change that the conversation's state does not allow; the message says why."""


class HeldByColleague(LiveError):
    """Another member of staff holds the conversation (``holder``: their username, ``name``: first name).

    Only the holder replies, hands back or resolves; anyone else must take the
    conversation over with ``force=True`` (the console asks a manager to confirm first).
    """

    def __init__(self, holder: str, name: Optional[str] = None) -> None:
        super().__init__(f"{name or holder} is in this live chat ({holder} holds the conversation)")
        self.holder = holder
        self.name = name or holder


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class ConversationOwner(Base):
    __tablename__ = "conversation_owners"

    conversation_id = sa.Column(sa.String(100), primary_key=True)
    state = sa.Column(
        sa.Enum(
            *[s.value for s in OwnerState], name="conversation_owner_state", native_enum=False, create_constraint=True
        ),
        nullable=False,
        default="bot",
        index=True,
    )
    channel = sa.Column(sa.String(10), nullable=False, default="web")
    staff_username = sa.Column(sa.String(64), nullable=True)
    staff_name = sa.Column(sa.String(100), nullable=True)  # the first name the person sees
    snoozed_until = sa.Column(sa.DateTime, nullable=True)
    updated_at = sa.Column(sa.DateTime, nullable=False, default=_utcnow)
    # Why it is waiting for a person (the escalation's reason), since when, and when the
    # person was reminded what to do meanwhile (safeguarding only; migration 0008).
    reason = sa.Column(sa.String(30), nullable=True)
    waiting_since = sa.Column(sa.DateTime, nullable=True)
    reminder_sent_at = sa.Column(sa.DateTime, nullable=True)


@dataclass(frozen=True)
class Owner:
    state: OwnerState
    staff_username: Optional[str] = None
    staff_name: Optional[str] = None
    snoozed_until: Optional[dt.datetime] = None
    reason: Optional[str] = None  # why it is waiting (or was, before a mediator joined)

    @property
    def urgent(self) -> bool:
        """Waiting for, or with, a person because someone may be at risk."""
        return self.reason == "safeguarding" and self.state in HELD

    @property
    def value(self) -> str:  # the console reads `.value`
        return self.state.value


def next_state(current: OwnerState, action: str) -> OwnerState:
    """The state `action` leads to from `current`; LiveError if it is not allowed."""
    allowed, target = TRANSITIONS[action]
    if OwnerState(current) not in allowed:
        raise LiveError(f"cannot {action.replace('_', ' ')}: the conversation is {OwnerState(current).value}")
    return target


# --- reading -----------------------------------------------------------------
def _row(session: Session, conversation_id: str) -> Optional[ConversationOwner]:
    return session.get(ConversationOwner, conversation_id)


def owner_in(session: Session, conversation_id: str) -> Owner:
    row = _row(session, conversation_id)
    if row is None:
        return Owner(OwnerState.BOT)
    return Owner(OwnerState(row.state), row.staff_username, row.staff_name, row.snoozed_until, row.reason)


def owner_of(conversation_id: str) -> Owner:
    """Who holds the conversation now (Owner(state=bot) if nobody ever took it)."""
    with session_scope() as session:
        return owner_in(session, conversation_id)


def is_held(conversation_id: str) -> bool:
    """True while the bot must stay silent (waiting for a person, or with one)."""
    return owner_of(conversation_id).state in HELD


# --- changing ----------------------------------------------------------------
def _set_state(session: Session, conversation_id: str, state: OwnerState, channel: str = "web", **fields) -> None:
    row = _row(session, conversation_id)
    if row is None:
        row = ConversationOwner(conversation_id=conversation_id, channel=channel)
        session.add(row)
    row.state = state.value
    for name, value in fields.items():
        setattr(row, name, value)
    row.updated_at = _utcnow()
    session.flush()


def _notice(session: Session, conversation_id: str, text: str, data: Optional[Dict[str, Any]] = None) -> None:
    add_message(session, conversation_id, "system", text, data=data)


def _tell_rasa(conversation_id: str, events: List[Dict[str, Any]]) -> bool:
    """Write events to Rasa's tracker; a failure is logged, never raised (our record stands)."""
    try:
        RasaClient(get_settings(), timeout=10).append_events_blocking(conversation_id, events)
        return True
    except Exception as error:  # noqa: BLE001 - Rasa down: the relay still keeps the bot silent
        log.error(
            "live handoff: could not write %s to the tracker of %s: %s",
            [event.get("event") for event in events],
            conversation_id,
            error,
        )
        return False


def _rasa_notice(text: str) -> Dict[str, Any]:
    return {"event": "bot", "text": text, "metadata": {"from_webchat": "notice"}}


def _poke(conversation_id: str) -> None:
    hub.poke(conversation_id)


def _first_name(username: str, staff_name: Optional[str]) -> str:
    name = (staff_name or "").strip()  # the console gives the staff member's display name
    return name.split()[0] if name else "A mediator"


# What the person is told. The assistant's own safeguarding reply (actions/safeguarding.py)
# comes first, with the numbers and who is available; these notices say the same, never more.
WAITING_NOTICE = (
    "I've asked a mediator from our team to join this chat. Please keep this page open: they will "
    "write to you here, usually within a few minutes. You can tell them now what you'd like to "
    "talk about."
)
URGENT_WAITING_NOTICE = (
    "A member of our team has been alerted and will join this chat as soon as they can. "
    "Please keep this page open. If anyone is in danger now, call 999."
)
NUMBERS = (
    "If anyone is in danger now, call 999. If you are under 19, you can call Childline on 0800 1111. "
    "Samaritans are there for anyone on 116 123, day or night. If a child is at risk of harm, contact "
    "children's social care at your local council."
)

HELD_WAITING_NOTICE = (
    "A member of our team has been alerted that you may need help urgently and will join this "
    f"chat as soon as they can. {NUMBERS}"
)


def urgent_out_of_hours_notice(when: str) -> str:
    """Out of hours nobody will help now: when the team will see the message, and who to call meanwhile."""
    return (
        f"Our team will see your message {when}. {NUMBERS} If you'd like us to contact you, leave a phone "
        "number or an email address."
    )


def reminder_notice() -> str:
    """Said once to a person still waiting, SAFEGUARDING_REMINDER_SECONDS after an urgent request."""
    return (
        "Nobody from our team has been able to join yet, but they know you are waiting and will join as soon as "
        f"they can. Meanwhile: {NUMBERS}"
    )


REMINDER_BUTTONS = [{"title": "Carry on with the assistant while I wait", "payload": "webchat:carry_on"}]


def request_person(
    conversation_id: str,
    reason: str,
    channel: str = "web",
    local_authority: Optional[str] = None,
    summary: Optional[str] = None,
    now: Optional[dt.datetime] = None,
    category: Optional[str] = None,
    language: Optional[str] = None,
) -> OwnerState:
    """Ask for a person: record an escalation and tell the person what happens next.

    In staffed hours the conversation waits for a mediator (the bot is paused) and they
    are alerted at once. Out of hours the bot carries on and the person is offered a
    callback or an email. Safeguarding (``category``: the kind of concern) is urgent:
    the person is told a team member has been alerted (staffed hours) or when the team
    will see the message, with the numbers to call meanwhile (out of hours), never the
    "usually within a few minutes" notice. A conversation already waiting for or with a
    person is left as it is, but a safeguarding concern raises its escalation to urgent
    and alerts staff. One open safeguarding escalation per conversation.
    """
    status = staffed_status(now=now)
    settings = get_settings()
    urgent = reason == "safeguarding"
    if not urgent and _refused_for_too_many(conversation_id, settings):
        return owner_of(conversation_id).state
    events: List[Dict[str, Any]] = []
    with session_scope() as session:
        owner = owner_in(session, conversation_id)
        current = owner.state
        if current in HELD and not (urgent and owner.reason != "safeguarding"):
            return current
        what = {
            "person_requested": "asked for a person",
            "safeguarding": "may be at risk (safeguarding)",
            "repeated_failure": "could not be answered by the assistant",
            "bot_failure": "got no answer: the assistant failed",
        }.get(reason, reason.replace("_", " "))
        raise_escalation(
            session,
            reason=reason,
            channel=channel,
            conversation_id=conversation_id,
            local_authority=local_authority,
            summary=summary or f"Web chat: the person {what}.",
            category=category,
            language=language,
            one_per_conversation=False,
            notify=status.open_now or urgent,
        )
        if current in HELD:
            # Already waiting for, or with, a person; now someone may be at risk.
            target = current
            fields: Dict[str, Any] = {"reason": reason}
            if current == S.WAITING:
                fields.update(waiting_since=_utcnow(), reminder_sent_at=None)
            _set_state(session, conversation_id, current, channel=channel, **fields)
            # The assistant is paused and says nothing, so the numbers come from here.
            text = HELD_WAITING_NOTICE if current == S.WAITING else NUMBERS
            _notice(session, conversation_id, text, data={"urgent": True})
            events = [_rasa_notice(text)]
        elif status.open_now:
            target = next_state(current, "request_person")
            _set_state(
                session,
                conversation_id,
                target,
                channel=channel,
                staff_username=None,
                staff_name=None,
                snoozed_until=None,
                reason=reason,
                waiting_since=_utcnow(),
                reminder_sent_at=None,
            )
            text = URGENT_WAITING_NOTICE if urgent else WAITING_NOTICE
            _notice(session, conversation_id, text, data={"waiting": True, **({"urgent": True} if urgent else {})})
            events = [_rasa_notice(text), {"event": "pause"}]
        else:
            target = current
            when = describe_next_open(status, now=now)
            if urgent:
                text = urgent_out_of_hours_notice(when)
            else:
                text = (
                    f"Our team isn't available right now. The line is next staffed {when}. Leave a phone number "
                    "or an email address and a mediator will contact you then. You can also carry on asking me "
                    "questions."
                )
            if settings.service_phone_number:
                text += f" Or call us on {settings.service_phone_number} when we're open."
            _notice(session, conversation_id, text, data={"callback": True, **({"urgent": True} if urgent else {})})
            events = [_rasa_notice(text)]
    if events:
        _tell_rasa(conversation_id, events)
    _poke(conversation_id)
    log.info("live handoff: %s asked for a person (%s); now %s", conversation_id, reason, target.value)
    return target


def _refused_for_too_many(conversation_id: str, settings) -> bool:
    """Whether this address asked for a person too often (bot.limits, ESCALATION_RATE_LIMIT,
    over all its chats): then nothing is recorded and the person is told when to try again."""
    with session_scope() as session:
        if owner_in(session, conversation_id).state in HELD:
            return False  # already waiting for or with a person: nothing new to count
    wait = limits.source_wait("escalation", settings=settings)
    if not wait:
        return False
    text = limits.too_many_requests_message(wait, settings.service_phone_number)
    with session_scope() as session:
        _notice(session, conversation_id, text)
    _tell_rasa(conversation_id, [_rasa_notice(text)])
    _poke(conversation_id)
    log.warning("live handoff: too many requests for a person from one address; %s's was not recorded", conversation_id)
    return True


def send_due_reminders(now: Optional[dt.datetime] = None, settings=None) -> List[str]:
    """Tell each person still waiting on an urgent (safeguarding) request what to do meanwhile.

    Once per wait, SAFEGUARDING_REMINDER_SECONDS after it began, if no mediator has joined.
    The wait is kept in ``conversation_owners`` (waiting_since, reminder_sent_at), so a
    restart loses nothing; each reminder is claimed with one conditional UPDATE, so two
    web servers never both send it. Returns the conversations reminded.
    """
    settings = settings or get_settings()
    now = now or _utcnow()
    due_before = now - dt.timedelta(seconds=settings.safeguarding_reminder_seconds)
    table = ConversationOwner.__table__
    due = sa.select(table.c.conversation_id).where(
        table.c.state == S.WAITING.value,
        table.c.reason == "safeguarding",
        table.c.reminder_sent_at.is_(None),
        table.c.waiting_since.is_not(None),
        table.c.waiting_since <= due_before,
    )
    with session_scope() as session:
        candidates = list(session.execute(due).scalars())
    reminded = []
    text = reminder_notice()
    for conversation_id in candidates:
        with session_scope() as session:
            claimed = session.execute(
                sa.update(table)
                .where(
                    table.c.conversation_id == conversation_id,
                    table.c.state == S.WAITING.value,
                    table.c.reason == "safeguarding",
                    table.c.reminder_sent_at.is_(None),
                )
                .values(reminder_sent_at=now)
            ).rowcount
            if claimed != 1:
                continue
            add_message(
                session,
                conversation_id,
                "system",
                text,
                buttons=REMINDER_BUTTONS,
                data={"urgent": True, "reminder": True},
            )
        reminded.append(conversation_id)
        _tell_rasa(conversation_id, [_rasa_notice(text)])
        _poke(conversation_id)
        log.warning(
            "live handoff: nobody has joined urgent chat %s yet; the person was told again what to do", conversation_id
        )
    return reminded


def leave_contact(conversation_id: str, phone: str = "", email: str = "", preferred_time: str = "") -> str:
    """Out of hours: record a callback request with a phone number or an email address.

    Returns what to tell the person. Raises ValueError with a message a person can act on.
    """
    phone, email, preferred_time = phone.strip(), email.strip(), " ".join(preferred_time.split())[:100]
    number = normalise_number(phone) if phone else ""
    if phone and not (8 <= len(number) <= 20):
        raise ValueError("Enter a UK phone number, like 07700 900123.")
    if email and ("@" not in email or "." not in email.rsplit("@", 1)[-1] or len(email) > 200 or " " in email):
        raise ValueError("Enter an email address, like name@example.com.")
    if not number and not email:
        raise ValueError("Enter a phone number or an email address.")
    wait = limits.source_wait("escalation")  # per address, over all its chats (bot.limits)
    if wait:
        raise ValueError(limits.too_many_requests_message(wait, get_settings().service_phone_number))
    with session_scope() as session:
        concern = open_escalation(session, conversation_id, reasons=("safeguarding",))
        asked_before = None if concern is not None else open_escalation(session, conversation_id, reasons=("callback",))
        if asked_before is not None:
            # Sent again (a second click, a resend after reconnecting): the one open callback
            # is updated, never a second one for staff to chase.
            asked_before.callback_number = number or asked_before.callback_number
            asked_before.callback_email = email or asked_before.callback_email
            asked_before.preferred_time = preferred_time or asked_before.preferred_time
        elif concern is not None:
            # After a safeguarding concern: the contact goes on the same, urgent, escalation.
            concern.callback_number = number or concern.callback_number
            concern.callback_email = email or concern.callback_email
            concern.preferred_time = preferred_time or concern.preferred_time
            concern.summary = (
                concern.summary + " The person asked to be contacted " + ("by phone." if number else "by email.")
            ).strip()
        else:
            record_escalation(
                session,
                reason="callback",
                channel="web",
                conversation_id=conversation_id,
                summary="Web chat: the person asked to be contacted " + ("by phone." if number else "by email."),
                callback_number=number or None,
                callback_email=email or None,
                preferred_time=preferred_time or None,
                notify=True,
            )
        how = "call you" if number else "email you"
        text = (
            f"Thank you. A mediator will {how}"
            + (f" ({preferred_time})" if preferred_time else "")
            + " when the line is next staffed."
        )
        _notice(session, conversation_id, text)
    _poke(conversation_id)
    return text


def _check_holder(owner: Owner, username: Optional[str], force: bool) -> None:
    """HeldByColleague when someone other than `username` holds the conversation (unless `force`)."""
    if owner.state == S.ASSIGNED and username and owner.staff_username not in (None, username) and not force:
        raise HeldByColleague(owner.staff_username, owner.staff_name)


def take_over(conversation_id: str, username: str, staff_name: Optional[str] = None, force: bool = False) -> OwnerState:
    """A staff member holds the conversation: the bot is paused and the person is told who joined.

    Raises HeldByColleague when a colleague holds it, unless ``force`` (a manager who
    confirmed): then the colleague can no longer write and the person is told who joined.
    """
    first = _first_name(username, staff_name)
    with session_scope() as session:
        owner = owner_in(session, conversation_id)
        _check_holder(owner, username, force)
        target = next_state(owner.state, "take_over")
        if owner.state == S.ASSIGNED and owner.staff_username == username:
            return target
        _set_state(session, conversation_id, target, staff_username=username, staff_name=first, snoozed_until=None)
        text = f"{first} from our mediation team has joined the chat."
        _notice(session, conversation_id, text, data={"joined": first})
    _tell_rasa(conversation_id, [{"event": "pause"}, _rasa_notice(text)])
    _poke(conversation_id)
    return target


def send_staff_message(
    conversation_id: str, text: str, staff_name: Optional[str] = None, username: Optional[str] = None
) -> int:
    """A staff member's words to the person; returns the message's sequence number.

    Only the staff member holding the conversation may write (take it over first).
    """
    text = (text or "").strip()
    if not text:
        raise LiveError("write a message first")
    with session_scope() as session:
        owner = owner_in(session, conversation_id)
        if owner.state != S.ASSIGNED:
            raise LiveError("take the conversation over before replying")
        _check_holder(owner, username, False)
        message = add_message(session, conversation_id, "staff", text, staff_name=owner.staff_name or staff_name)
        seq = message.seq
        from_staff = owner.staff_username or username or staff_name or "staff"
    _tell_rasa(conversation_id, [{"event": "bot", "text": text, "metadata": {"from_staff": from_staff}}])
    _poke(conversation_id)
    return seq


def _leave(
    conversation_id: str, action: str, text: str, username: Optional[str] = None, force: bool = False, **fields
) -> OwnerState:
    with session_scope() as session:
        owner = owner_in(session, conversation_id)
        _check_holder(owner, username, force)
        target = next_state(owner.state, action)
        was_held = owner.state in HELD
        _set_state(session, conversation_id, target, **fields)
        _notice(session, conversation_id, text, data={"owner": target.value})
        if action == "resolve":
            for escalation in session.execute(
                sa.select(Escalation).where(
                    Escalation.conversation_id == conversation_id, Escalation.status.in_(("new", "assigned", "waiting"))
                )
            ).scalars():
                escalation.status = "resolved"
                escalation.resolved_at = _utcnow()
    _tell_rasa(conversation_id, [_rasa_notice(text)] + ([{"event": "resume"}] if was_held else []))
    _poke(conversation_id)
    return target


def hand_back(conversation_id: str, username: Optional[str] = None, force: bool = False) -> OwnerState:
    """Back to the assistant, which resumes with the whole conversation.

    Only the holder (``username``) may, or anyone with ``force``; else HeldByColleague.
    """
    return _leave(
        conversation_id,
        "hand_back",
        "You're back with the assistant. You can carry on asking questions, or ask for a person again at any time.",
        username,
        force,
        staff_username=None,
        staff_name=None,
        snoozed_until=None,
    )


def snooze(conversation_id: str, username: Optional[str] = None, until: Optional[dt.datetime] = None) -> OwnerState:
    """Put aside: a mediator will come back (at `until`, UTC, if given); the assistant answers meanwhile."""
    when = ""
    if until is not None:
        local = until.replace(tzinfo=dt.timezone.utc).astimezone(ZoneInfo(get_settings().timezone))
        when = f" at about {local:%H:%M} on {local:%A} {local.day} {local:%B}"
    return _leave(
        conversation_id,
        "snooze",
        f"A mediator will come back to you in this chat{when}. Meanwhile the assistant can answer your questions.",
        snoozed_until=until,
    )


def resolve(conversation_id: str, username: Optional[str] = None, force: bool = False) -> OwnerState:
    """The handoff is finished: the assistant answers again and open escalations are resolved.

    A held conversation is handed back first (the person is told, Rasa resumes); only
    its holder (``username``) may, or anyone with ``force``; else HeldByColleague.
    """
    return _leave(
        conversation_id,
        "resolve",
        "The mediator has left the chat. You can carry on asking the assistant questions, or ask for a "
        "person again at any time.",
        username,
        force,
        staff_username=None,
        staff_name=None,
        snoozed_until=None,
    )


def carry_on(conversation_id: str) -> OwnerState:
    """The person stops waiting and carries on with the assistant (the escalation stays for staff)."""
    return _leave(
        conversation_id,
        "carry_on",
        "You're back with the assistant. Your request stays with our team.",
        staff_username=None,
        staff_name=None,
    )


__all__ = [
    "OwnerState",
    "Owner",
    "LiveError",
    "HeldByColleague",
    "ConversationOwner",
    "TRANSITIONS",
    "HELD",
    "next_state",
    "owner_of",
    "owner_in",
    "is_held",
    "request_person",
    "leave_contact",
    "take_over",
    "send_staff_message",
    "hand_back",
    "snooze",
    "resolve",
    "carry_on",
    "send_due_reminders",
]
