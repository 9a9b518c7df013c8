"""Tell staff about a new escalation: a text to every mediator on duty, through the outbox.

The text never carries personal details (no name, number, council or words of the
conversation): only that there is a new escalation, whether it is urgent, and the
channel. Staff sign in to the console to see the rest; the console's queue shows
the same escalation as an alert (urgent ones highlighted) as soon as it is stored.
"""
from __future__ import annotations

from typing import List

from sqlalchemy.orm import Session

from bot.outbox.service import enqueue_sms
from bot.settings import Settings, get_settings

CHANNEL_WORDS = {"voice": "phone", "sms": "text", "web": "web chat"}


def alert_text(escalation, settings: Settings) -> str:
    """The words of the alert: the same for every escalation of one priority and channel."""
    channel = CHANNEL_WORDS.get(escalation.channel, "")
    if escalation.priority == "urgent":
        return f"New urgent escalation on the SEND line console ({channel}). Please look now."
    return f"New escalation on the SEND line console ({channel})."


def notify_staff_of_escalation(session: Session, escalation, settings: Settings = None) -> List:
    """Enqueue the alert to each number in MEDIATOR_NUMBERS; returns the outbox messages.

    Call it in the transaction that stores the escalation (record_escalation(...,
    notify=True) does), so an escalation is never stored without its alert.
    """
    settings = settings or get_settings()
    body = alert_text(escalation, settings)
    return [enqueue_sms(session, number, body, kind="mediator_alert") for number in settings.mediator_numbers]
