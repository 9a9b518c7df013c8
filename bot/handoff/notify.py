"""Tell staff about a new escalation: a text to every mediator on duty, through the outbox.

The text never carries personal details (no name, number, council or words of the
conversation): only that there is a new escalation, whether it is urgent, and the
channel. Staff sign in to the console to see the rest; the console's queue shows
the same escalation as an alert (urgent ones highlighted) as soon as it is stored.
"""
from __future__ import annotations

import logging
from typing import List

from sqlalchemy.orm import Session

from bot.outbox.service import enqueue_sms
from bot.settings import Settings, get_settings

log = logging.getLogger(__name__)
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
        # Nobody can be texted: the console is the only place it shows.
        (log.error if escalation.priority == "urgent" else log.warning)(
            "alert: no MEDIATOR_NUMBERS set, so nobody was texted about %s escalation %s (%s, %s); "
            "it is in the console queue", escalation.priority, escalation.id, escalation.reason, escalation.channel)
        return []
    try:
        return [enqueue_sms(session, number, body, kind="mediator_alert") for number in settings.mediator_numbers]
    except Exception:
        log.exception("alert: could not queue the texts to the mediators about %s escalation %s (%s, %s)",
                      escalation.priority, escalation.id, escalation.reason, escalation.channel)
        raise
