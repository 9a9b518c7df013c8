"""Queued callers are answered: a mediator takes the next caller from the console.

Callers put on hold join Twilio's queue QUEUE_NAME (telephony.voice). From the console
a mediator asks the line to call their phone (Twilio's Calls API): when they answer,
they hear that a caller is waiting and press 1 to take them; only then are they
connected to the caller who has waited longest (<Dial><Queue>, at the web app's
NEXT_CALLER_PATH). A voicemail that answers, or a phone left ringing, takes nobody out
of the queue. The escalation of that call is theirs (assigned).
"""

from __future__ import annotations

import logging
from typing import Optional

from twilio.twiml.voice_response import Dial, VoiceResponse

from bot.outbox.numbers import e164
from bot.outbox.twilio_sms import make_client
from bot.settings import Settings, get_settings

log = logging.getLogger(__name__)

QUEUE_NAME = "mediators"
# The web app's webhook that hears the mediator's key (telephony.web), signed by Twilio.
NEXT_CALLER_PATH = "/telephony/voice/next-caller"
ACCEPT_NEXT_CALLER = (
    "A call from the information line: a caller is waiting for a mediator. Press 1 to take the next caller."
)
NOT_TAKEN = "No caller was taken. Goodbye."
CONNECTING = "Connecting you to the next caller waiting on the information line."
NOBODY_WAITING = "Nobody is waiting now. Goodbye."
ACCEPT_SECONDS = 8


class CallError(Exception):
    """What the staff member is told when the line cannot call them."""


def next_caller_twiml(settings: Settings) -> str:
    """What the mediator's phone hears when it answers: a key to press to take the caller."""
    response = VoiceResponse()
    gather = response.gather(
        input="dtmf",
        num_digits=1,
        timeout=ACCEPT_SECONDS,
        method="POST",
        action=settings.public_base_url + NEXT_CALLER_PATH,
    )
    gather.say(ACCEPT_NEXT_CALLER, voice=settings.twilio_voice, language=settings.twilio_language)
    response.say(NOT_TAKEN, voice=settings.twilio_voice, language=settings.twilio_language)
    response.hangup()
    return str(response)


def take_next_caller_twiml(settings: Settings, digits: str) -> str:
    """After the mediator's key: 1 joins them to the caller who has waited longest; anything else takes nobody."""
    response = VoiceResponse()
    if (digits or "").strip() != "1":
        response.say(NOT_TAKEN, voice=settings.twilio_voice, language=settings.twilio_language)
        response.hangup()
        return str(response)
    response.say(CONNECTING, voice=settings.twilio_voice, language=settings.twilio_language)
    dial = Dial()
    dial.queue(QUEUE_NAME)
    response.append(dial)
    response.say(NOBODY_WAITING, voice=settings.twilio_voice, language=settings.twilio_language)
    return str(response)


def call_mediator_to_next_caller(mediator_number: str, settings: Optional[Settings] = None) -> str:
    """Ring the mediator's phone (one of MEDIATOR_NUMBERS) and connect them to the next
    queued caller; returns the new call's sid."""
    settings = settings or get_settings()
    number = e164(mediator_number)
    if number is None or number not in [e164(known) for known in settings.mediator_numbers]:
        raise CallError("Choose one of the mediators' numbers.")
    if not settings.twilio_from_number:
        raise CallError("The line has no number to call from (TWILIO_FROM_NUMBER).")
    try:
        call = make_client(settings).calls.create(
            to=number, from_=settings.twilio_from_number, twiml=next_caller_twiml(settings)
        )
    except Exception as error:  # noqa: BLE001 - said on the console page
        log.error("calls: could not ring the mediator for the next caller: %s", error)
        raise CallError("The line could not ring your phone just now. Try again.") from error
    return call.sid
