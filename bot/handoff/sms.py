"""A person for someone who texts: a mediator holds the SMS conversation and replies by text.

The conversation is held while its SMS escalation is open and assigned to a staff member
who took it over (``take_over``); meanwhile the assistant stays silent (telephony.web
passes each text to Rasa, paused, so the transcript keeps it, and sends nothing back).
The mediator's replies go out through the outbox (``send_reply``) to the number kept
beside the conversation (bot.conversations.deliveries.ConversationNumber); ``hand_back``
gives the conversation back to the assistant. Rasa's tracker is told (pause, the
mediator's words, resume), as for the web chat, so the transcript shows everything.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from sqlalchemy.orm import Session

from bot.conversations.deliveries import number_of
from bot.conversations.rasa_client import RasaClient
from bot.database import session_scope
from bot.handoff.models import Escalation, open_escalation, utcnow
from bot.outbox.service import enqueue_sms
from bot.settings import get_settings

log = logging.getLogger(__name__)

MAX_REPLY_CHARS = 459  # 3 texts of one segment each (telephony.sms)
TAKEN_OVER = "{service}: hello, this is {name} from our mediation team. You can reply to this text to talk to me."
HANDED_BACK = "{service}: {name} has finished. You can text your questions to our assistant again."


class SmsHandoffError(Exception):
    """What the staff member is told when an action cannot be done."""


def _first_name(staff_name: Optional[str]) -> str:
    name = (staff_name or "").strip()
    return name.split()[0] if name else "A mediator"


def _tell_rasa(conversation_id: str, events: List[Dict[str, Any]]) -> None:
    try:
        RasaClient(get_settings(), timeout=10).append_events_blocking(conversation_id, events)
    except Exception as error:  # noqa: BLE001 - the webhook keeps the assistant silent anyway
        log.error(
            "sms handoff: could not write %s to the tracker of %s: %s",
            [event.get("event") for event in events],
            conversation_id,
            error,
        )


def holder_in(session: Session, conversation_id: str) -> Optional[Escalation]:
    """The open SMS escalation a staff member holds (took over), or None."""
    escalation = open_escalation(session, conversation_id)
    if (
        escalation is not None
        and escalation.channel == "sms"
        and escalation.status == "assigned"
        and escalation.assigned_to
    ):
        return escalation
    return None


def is_held(conversation_id: str) -> bool:
    with session_scope() as session:
        return holder_in(session, conversation_id) is not None


def _escalation(session: Session, escalation_id: str) -> Escalation:
    escalation = session.get(Escalation, escalation_id)
    if escalation is None or escalation.channel != "sms":
        raise SmsHandoffError("This is not a text conversation.")
    return escalation


def take_over(escalation_id: str, username: str, staff_name: Optional[str] = None) -> None:
    """The staff member holds the text conversation; the texter is told who is there."""
    settings = get_settings()
    with session_scope() as session:
        escalation = _escalation(session, escalation_id)
        if escalation.status == "resolved":
            raise SmsHandoffError("This conversation is closed.")
        if escalation.assigned_to not in (None, username) and escalation.status == "assigned":
            raise SmsHandoffError(f"{escalation.assigned_to} has this conversation.")
        number = number_of(session, escalation.conversation_id)
        if number is None:
            raise SmsHandoffError("There is no number to text for this conversation.")
        escalation.assigned_to, escalation.assigned_at, escalation.status = username, utcnow(), "assigned"
        text = TAKEN_OVER.format(service=settings.service_name, name=_first_name(staff_name))
        enqueue_sms(session, number, text, kind="reply")
        conversation_id = escalation.conversation_id
    _tell_rasa(
        conversation_id, [{"event": "pause"}, {"event": "bot", "text": text, "metadata": {"from_staff": username}}]
    )


def send_reply(escalation_id: str, text: str, username: str) -> None:
    """The holder's words, texted through the outbox (at most 3 texts)."""
    text = " ".join((text or "").split())
    if not text:
        raise SmsHandoffError("Write a reply before sending it.")
    if len(text) > MAX_REPLY_CHARS:
        raise SmsHandoffError(f"Keep a text reply to {MAX_REPLY_CHARS} characters (3 texts).")
    with session_scope() as session:
        escalation = _escalation(session, escalation_id)
        if holder_in(session, escalation.conversation_id) is None or escalation.assigned_to != username:
            raise SmsHandoffError("Take the conversation over before replying.")
        number = number_of(session, escalation.conversation_id)
        if number is None:
            raise SmsHandoffError("There is no number to text for this conversation.")
        enqueue_sms(session, number, text, kind="reply")
        conversation_id = escalation.conversation_id
    _tell_rasa(conversation_id, [{"event": "bot", "text": text, "metadata": {"from_staff": username}}])


def hand_back(escalation_id: str, username: str, staff_name: Optional[str] = None) -> None:
    """The assistant answers texts again; the escalation is resolved."""
    settings = get_settings()
    with session_scope() as session:
        escalation = _escalation(session, escalation_id)
        number = number_of(session, escalation.conversation_id)
        escalation.status, escalation.resolved_at = "resolved", utcnow()
        text = HANDED_BACK.format(service=settings.service_name, name=_first_name(staff_name))
        if number:
            enqueue_sms(session, number, text, kind="reply")
        conversation_id = escalation.conversation_id
    _tell_rasa(
        conversation_id, [{"event": "bot", "text": text, "metadata": {"from_staff": username}}, {"event": "resume"}]
    )


def state(session: Session, escalation: Escalation, reveal: bool) -> Dict[str, Any]:
    """For the console: who holds it, and the number (only when personal details are revealed)."""
    number = number_of(session, escalation.conversation_id)
    held = holder_in(session, escalation.conversation_id)
    return {
        "held_by": held.assigned_to if held is not None and held.id == escalation.id else "",
        "has_number": number is not None,
        "number": number if reveal else None,
    }
