"""Twilio webhooks: the phone line and SMS. Every request must carry a valid Twilio signature.

    POST /telephony/voice                 incoming call, and each turn (?step=...)
    POST /telephony/voice/whisper         what a mediator hears on answering a transfer
    POST /telephony/voice/dial-result     after ringing a mediator: taken, or the next one, the queue, a call back
    POST /telephony/voice/next-caller     a mediator rung from the console pressed 1: given the next queued caller
    POST /telephony/voice/hold            hold music while queued
    POST /telephony/voice/queue-result    after the queue: answered, or a call back offered
    POST /telephony/voice/voicemail       a recorded voicemail
    POST /telephony/voice/status          call status callback
    POST /telephony/sms                   an incoming text
    POST /telephony/sms/status            message status callback

Every reply is built from what is at hand; escalations, texts and alerts are written
after the reply (background tasks), so Twilio gets its answer well within its limit.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from typing import Awaitable, Callable, Optional, Sequence

from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response
from starlette.datastructures import FormData

from bot import limits
from bot.conversations import deliveries
from bot.conversations.commands import as_text
from bot.conversations.rasa_client import RasaClient
from bot.conversations.turn_events import newest_turn
from bot.conversations.turns import Turn, converse, last_bot_messages, pending_buttons, read_turn, summary_of
from bot.database import session_scope
from bot.handoff import calls
from bot.handoff import sms as sms_handoff
from bot.handoff.hours import describe_next_open, staffed_status
from bot.handoff.models import Escalation, open_escalation, raise_escalation, record_escalation, utcnow
from bot.mediation.service import find_certificate, send_certificate_sms
from bot.outbox import web as outbox_web
from bot.outbox import worker as outbox_worker
from bot.outbox.numbers import e164
from bot.outbox.service import enqueue_sms, hash_number, is_opted_out, keep_full_answer, mask_number, set_opt_out
from bot.settings import get_settings
from telephony import sms as sms_text
from telephony import texts
from telephony.answers import Said, is_answer, said_in_turn, spoken_answer, written_answer
from telephony.signatures import verified_form, warn_if_disabled
from telephony.speech import button_for_digit, speak_messages, spoken_phone_number
from telephony.voice import (
    CALLBACK_TRIES,
    KEYPAD_MENU,
    PERSON_DIGIT,
    PREFERRED_TIMES,
    REPEAT_DIGIT,
    Twiml,
    caller_ending,
    can_text,
    parse_callback_number,
)

log = logging.getLogger(__name__)

VOICE_RASA_TIMEOUT = 8.0  # Twilio waits 15 s in all
SMS_RASA_TIMEOUT = 10.0
REPEATED_FAILURES = 2
YES_WORDS = re.compile(
    r"\b(yes|yeah|yep|yup|more|go on|carry on|continue|please|ok|okay|sure|right|correct)\b", re.IGNORECASE
)
NO_WORDS = re.compile(r"\b(no|nope|nah|not now|no thanks?|don'?t|do not|stop|that's all|that is all)\b", re.IGNORECASE)
GOODBYE_INTENTS = ("goodbye",)
GOODBYE_WORDS = re.compile(r"\b(?:good)?bye\b", re.IGNORECASE)


def _short_yes(speech: str) -> bool:
    return bool(speech and YES_WORDS.search(speech) and not NO_WORDS.search(speech) and len(speech.split()) <= 5)


def _short_no(speech: str) -> bool:
    return bool(speech and NO_WORDS.search(speech) and len(speech.split()) <= 5)


def _no_thanks(speech: str) -> bool:
    """No to more of an answer: a short no, but not a goodbye ("that's all, bye"), which the assistant hears."""
    return _short_no(speech) and not GOODBYE_WORDS.search(speech)


async def _startup() -> None:
    warn_if_disabled(get_settings())


router = APIRouter(prefix="/telephony", tags=["telephony"], on_startup=[_startup])
# The page an SMS links to when an answer is too long for 3 texts (not a webhook: no signature).
router.include_router(outbox_web.router)


def twiml(body: str) -> Response:
    return Response(content=body, media_type="application/xml")


def _sender(form: FormData) -> str:
    return f"voice-{form.get('CallSid', 'unknown')}"


def _int(value: Optional[str]) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


# --- background work (after the reply) ---------------------------------------
def _raise_escalation(escalation_id: Optional[str] = None, notify: bool = False, **fields) -> None:
    """One open escalation per call or SMS conversation (bot.handoff.models.raise_escalation):
    a new one, or the open one raised to safeguarding; staff alerted (notify) only then."""
    with session_scope() as session:
        escalation, news = raise_escalation(session, escalation_id=escalation_id, notify=notify, **fields)
        stored_id = escalation.id
    log.info(
        "telephony: escalation %s (%s, %s)%s",
        stored_id,
        fields.get("reason"),
        fields.get("channel"),
        "" if news else ": folded into the open one",
    )


def _record_escalation(escalation_id: Optional[str] = None, **fields) -> None:
    with session_scope() as session:
        escalation = record_escalation(session, **fields)
        if escalation_id:
            escalation.id = escalation_id
    log.info("telephony: escalation %s (%s, %s)", escalation_id or "", fields.get("reason"), fields.get("channel"))


def _call_escalation(session, escalation_id: Optional[str], conversation_id: str):
    """The escalation a call's TwiML names, or else the call's open one (one escalation per call)."""
    escalation = session.get(Escalation, escalation_id) if escalation_id else None
    if escalation is not None and escalation.conversation_id == conversation_id:
        return escalation
    return open_escalation(session, conversation_id)


def _update_escalation(escalation_id: str, status: str) -> None:
    with session_scope() as session:
        escalation = session.get(Escalation, escalation_id)
        if escalation is not None:
            escalation.status = status
            if status == "resolved":
                escalation.resolved_at = utcnow()


def _attach_voicemail(escalation_id: Optional[str], conversation_id: str, reason: str, recording_url: str) -> None:
    """The caller's voicemail goes on the call's escalation (urgent stays urgent); a call
    with none yet gets one: safeguarding if that is why the caller was put through."""
    settings = get_settings()
    with session_scope() as session:
        escalation = _call_escalation(session, escalation_id, conversation_id)
        if escalation is not None:
            escalation.recording_url = recording_url
            escalation.summary = (escalation.summary + " Left a voicemail.").strip()
            if escalation.status == "resolved":
                escalation.status, escalation.resolved_at = "new", None
        else:
            urgent = reason == "safeguarding"
            escalation = record_escalation(
                session,
                reason="safeguarding" if urgent else "voicemail",
                channel="voice",
                conversation_id=conversation_id,
                recording_url=recording_url,
                summary=summary_of(None, "safeguarding" if urgent else "voicemail", "voice")
                + (" Left a voicemail." if urgent else ""),
            )
        urgent = escalation.priority == "urgent"
    _alert_mediators(
        f"{settings.service_name}: "
        + ("URGENT safeguarding voicemail" if urgent else "new voicemail")
        + " on the line. See the console.",
        urgent=urgent,
    )


def _attach_callback(escalation_id: Optional[str], conversation_id: str, number: str, preferred: str) -> None:
    """A callback asked for after a safeguarding concern goes on that (urgent) escalation."""
    with session_scope() as session:
        escalation = _call_escalation(session, escalation_id, conversation_id)
        if escalation is None or escalation.reason != "safeguarding":
            record_escalation(
                session,
                reason="safeguarding",
                channel="voice",
                conversation_id=conversation_id,
                summary=summary_of(None, "safeguarding", "voice") + " Asked for a callback.",
                callback_number=number,
                preferred_time=preferred,
            )
            return
        escalation.callback_number = number
        escalation.preferred_time = preferred
        escalation.summary = (escalation.summary + " Asked for a callback.").strip()


def _queue_texts(texts, kind: str) -> None:
    """texts: [(number, body)]; each split to SMS length and written to the outbox."""
    with session_scope() as session:
        for number, body in texts:
            for part in sms_text.split_sms(body):
                enqueue_sms(session, number, part, kind=kind)


def _alert_mediators(text: str, urgent: bool = False) -> None:
    """A text to each mediator on duty about news on an escalation (a voicemail, a callback
    request); new escalations are alerted through bot.handoff.notify."""
    settings = get_settings()
    if not settings.mediator_numbers:
        (log.error if urgent else log.warning)("telephony: no MEDIATOR_NUMBERS set; nobody was texted: %s", text)
        return
    try:
        _queue_texts([(number, text) for number in settings.mediator_numbers], "mediator_alert")
    except Exception:
        log.exception("telephony: could not queue the alert to the mediators: %s", text)
        raise


def _nothing() -> None:
    """A background task that only wakes the outbox worker."""


def _after(background: BackgroundTasks, func, *args, **kwargs) -> None:
    def run() -> None:
        try:
            func(*args, **kwargs)
        except Exception:  # noqa: BLE001 - log with the traceback, never raise into the server
            log.exception("telephony: background work %s failed", getattr(func, "__name__", func))
        outbox_worker.wake_threadsafe()

    background.add_task(run)


# --- each webhook acted on once ------------------------------------------------
REPEAT_WAIT_SECONDS = 12.0  # a repeat that comes while the first is worked on waits for its answer


async def _once(
    key: str,
    channel: str,
    conversation_id: Optional[str],
    act: Callable[[], Awaitable[Response]],
    busy: Callable[[], Response],
) -> Response:
    """Act on a webhook delivery once (bot.conversations.deliveries): its key is committed
    before `act` runs; a repeat gets the stored answer and nothing else happens."""
    try:
        stored = await asyncio.to_thread(deliveries.claim, key, channel, conversation_id)
    except Exception:  # noqa: BLE001 - the database is down: answering beats an application error
        log.exception("telephony: could not record %s webhook %s; acting on it unrecorded", channel, key)
        return await act()
    if stored is not None:
        log.info("telephony: %s delivered again; answered as before, nothing done", key.split(":")[0] + " webhook")
        deadline = time.monotonic() + REPEAT_WAIT_SECONDS
        while stored is not None and stored.status != deliveries.DONE and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            stored = await asyncio.to_thread(deliveries.lookup, key)
        if stored is not None and stored.status == deliveries.DONE:
            return Response(
                content=stored.body or "", status_code=stored.status_code or 200, media_type=stored.media_type
            )
        return busy()
    try:
        response = await act()
    except Exception:
        await asyncio.to_thread(deliveries.release, key)
        raise
    body = bytes(response.body).decode("utf-8") if response.body else ""
    try:
        await asyncio.to_thread(deliveries.finish, key, response.status_code, response.media_type, body)
    except Exception:  # noqa: BLE001 - the answer stands; a repeat waits, then hears the apology
        log.exception("telephony: could not store the answer to %s", key)
    return response


async def _voice_once(request: Request, form: FormData, act: Callable[[], Awaitable[Response]]) -> Response:
    key = deliveries.voice_key(str(form.get("CallSid") or "unknown"), request.url.path, request.url.query, form)
    return await _once(key, "voice", _sender(form), act, lambda: _safe_twiml(get_settings()))


# --- voice -------------------------------------------------------------------
def _safe_twiml(settings) -> Response:
    """What the caller hears when a step failed on our side: never Twilio's application error."""
    build = Twiml(settings)
    return twiml(build.menu(texts.TROUBLE))


@router.post("/voice")
async def voice(request: Request, background: BackgroundTasks, form: FormData = Depends(verified_form)) -> Response:
    settings = get_settings()

    async def act() -> Response:
        try:
            return await _voice_step(request, background, form, settings)
        except Exception:  # noqa: BLE001 - a caller must never hear "an application error has occurred"
            log.exception("telephony: voice step %s of call %s failed", request.url.query, form.get("CallSid"))
            return _safe_twiml(settings)

    return await _voice_once(request, form, act)


async def _voice_step(request: Request, background: BackgroundTasks, form: FormData, settings) -> Response:
    query = request.query_params
    build = Twiml(settings, turn=_int(query.get("n")) + 1)
    step = query.get("step", "")
    miss, fail = _int(query.get("miss")), _int(query.get("fail"))
    caller = form.get("From")
    sender = _sender(form)
    speech = as_text(form.get("SpeechResult"))  # words, never a Rasa command (bot.conversations.commands)
    digits = (form.get("Digits") or "").strip()
    client = RasaClient(settings, timeout=VOICE_RASA_TIMEOUT)

    # A new call: one Rasa conversation per call; the line greets in one turn of its own.
    if not step:
        log.info("telephony: call %s from %s", form.get("CallSid"), mask_number(caller))
        if e164(caller):
            # Every call keeps the caller's number (shown in the console only on reveal), so a
            # caller who hangs up in the queue can still be called back.
            with session_scope() as session:
                deliveries.keep_number(session, sender, "voice", e164(caller))
        try:
            await client.send_message(sender, "/greet", metadata={"channel": "voice", "can_text": can_text(caller)})
        except Exception as error:  # noqa: BLE001 - the greeting does not need the assistant
            log.warning("telephony: the assistant did not take the greeting of %s: %s", sender, error)
        return twiml(build.greeting())

    # Callback steps (outside staffed hours, or after waiting too long in the queue).
    if step.startswith("cb_"):
        return _callback_step(build, background, step, query, form, digits, speech, caller)

    if not speech and not digits:
        return twiml(build.no_input(miss + 1, fail))

    if digits == PERSON_DIGIT:
        return await _handoff(build, client, background, sender, "person_requested", caller)

    if step == "more" and (digits == "1" or _short_yes(speech)):
        tracker = await _tracker(client, sender)
        spoken = speak_messages(last_bot_messages(tracker), can_text=can_text(caller))
        return twiml(build.answer(spoken.turns, fail=fail, part=_int(query.get("part"))))
    if step == "more" and (digits == "2" or _no_thanks(speech)):
        return twiml(build.what_else(fail=fail))
    if step == "details" and (digits == "1" or _short_yes(speech)):
        return await _details(build, client, background, sender, caller, fail)
    if step == "details" and (digits == "2" or _no_thanks(speech)):
        return twiml(build.what_else(fail=fail))

    if digits == REPEAT_DIGIT:
        if step == "menu":
            return twiml(build.menu(miss=0, fail=fail))
        tracker = await _tracker(client, sender)
        spoken = speak_messages(last_bot_messages(tracker), can_text=can_text(caller))
        return twiml(build.answer(spoken.turns, fail=fail) if spoken.turns else build.menu(fail=fail))

    text = speech
    if digits:
        button = None
        if step != "menu":
            button = button_for_digit(pending_buttons(await _tracker(client, sender)), digits)
        if button is not None:
            text = str(button.get("payload") or button.get("title"))
        elif digits in KEYPAD_MENU:
            text = KEYPAD_MENU[digits].utterance
        else:
            return twiml(build.menu(texts.NOT_AN_OPTION, fail=fail))
    return await _talk(build, client, background, sender, text, caller, fail=fail)


async def _tracker(client: RasaClient, sender: str) -> dict:
    """The conversation's newest turn (what the assistant last said, its buttons, the slots the line reads)."""
    try:
        return await newest_turn(client, sender)
    except Exception as error:  # noqa: BLE001
        log.warning("telephony: no tracker for %s: %s", sender, error)
        return {}


async def _talk(
    build: Twiml,
    client: RasaClient,
    background: BackgroundTasks,
    sender: str,
    text: str,
    caller: Optional[str],
    fail: int,
) -> Response:
    try:
        turn = await converse(client, sender, text, channel="voice", can_text=can_text(caller))
    except Exception as error:  # noqa: BLE001 - Rasa down or slow: the caller still gets an answer
        log.error("telephony: the assistant did not answer for %s: %s", sender, error)
        if staffed_status().open_now and get_settings().mediator_numbers:
            return await _handoff(
                build,
                client,
                background,
                sender,
                "bot_failure",
                caller,
                turn=None,
                intro="Sorry, I'm having trouble answering just now.",
            )
        return twiml(build.menu("Sorry, I'm having trouble answering just now.", fail=fail))

    if turn.handoff_reason:
        # Safeguarding messages (emergency and helpline numbers) are spoken before anything else.
        intro = speak_messages(turn.messages).text if turn.handoff_reason == "safeguarding" else ""
        return await _handoff(build, client, background, sender, turn.handoff_reason, caller, turn=turn, intro=intro)
    fail = fail + 1 if turn.not_understood else 0
    if fail >= REPEATED_FAILURES:
        return await _handoff(
            build,
            client,
            background,
            sender,
            "repeated_failure",
            caller,
            turn=turn,
            intro="Sorry, I'm not understanding you well.",
        )

    problem = _text_certificates(turn, caller)
    spoken = speak_messages(turn.messages, can_text=can_text(caller))
    if problem is not None:
        spoken.turns.insert(0, problem)
    if spoken.links and can_text(caller):
        _after(
            background,
            _queue_texts,
            [(caller, "Links you asked about on the phone:\n" + "\n".join(spoken.links))],
            "link",
        )
    if _is_goodbye(turn):
        return twiml(build.goodbye())
    said = said_in_turn(turn.tracker, turn.messages)
    if problem is None and is_answer(said):
        # An answer with sources: its spoken version, then the details by text (or in full).
        textable = await asyncio.to_thread(_may_text, caller)
        return twiml(build.spoken_answer(spoken_answer(said, can_text=can_text(caller)), textable, fail=fail))
    return twiml(build.answer(list(spoken.turns), fail=fail))


def _may_text(caller: Optional[str]) -> bool:
    """A mobile, not withheld, that has not asked us to stop texting it (STOP)."""
    if not can_text(caller):
        return False
    try:
        with session_scope() as session:
            return not is_opted_out(session, caller)
    except Exception:  # noqa: BLE001 - the database is down: no text can be queued either
        log.exception("telephony: could not read whether %s opted out of texts", mask_number(caller))
        return False


async def _details(
    build: Twiml, client: RasaClient, background: BackgroundTasks, sender: str, caller: Optional[str], fail: int
) -> Response:
    """Yes to the details of the answer just spoken: one text with the written answer and
    its sources (in the outbox before the caller hears it is sent), or, for a number that
    cannot take a text, the answer read in full."""
    tracker = await _tracker(client, sender)
    said = said_in_turn(tracker)
    if await asyncio.to_thread(_may_text, caller):
        sent = await asyncio.to_thread(_queue_details, caller, said)
        if sent:
            _after(background, _nothing)
        return twiml(build.say_then_ask(texts.DETAILS_SENT if sent else texts.DETAILS_NOT_SENT, fail=fail))
    spoken = speak_messages(last_bot_messages(tracker), can_text=False)
    return twiml(build.answer(spoken.turns, fail=fail))


def _queue_details(number: str, said: Sequence[Said]) -> bool:
    """The written answer and its sources as one text (at most 3 segments, else with a
    link to all of it), written to the outbox; False when there was none or it failed."""
    body, sources = written_answer(said)
    if not body:
        return False
    settings = get_settings()
    answer = texts.SMS_DETAILS.format(service=settings.service_name, answer=body)
    sources_line = texts.SMS_SOURCES.format(sources="; ".join(sources)) if sources else ""
    try:
        with session_scope() as session:
            text = sms_text.one_text(
                answer, sources_line, lambda: keep_full_answer(session, sms_text.gsm_text(f"{answer}\n{sources_line}"))
            )
            enqueue_sms(session, number, text, kind="details")
    except Exception:  # noqa: BLE001 - said plainly to the caller
        log.exception("telephony: could not queue the details text to %s", mask_number(number))
        return False
    return True


def _is_goodbye(turn: Turn) -> bool:
    """The caller said goodbye: the line says goodbye and hangs up (not "come back to this chat")."""
    intent = ((turn.tracker.get("latest_message") or {}).get("intent") or {}).get("name")
    if intent in GOODBYE_INTENTS:
        return True
    return any(
        event.get("event") == "bot" and (event.get("metadata") or {}).get("utter_action") == "utter_goodbye"
        for event in (turn.tracker.get("events") or [])
    )


def _text_certificates(turn: Turn, caller: Optional[str]) -> Optional[str]:
    """A certificate issued on the call is texted to the caller (reference and link),
    in the outbox before the caller hears the answer. The assistant has already said it
    is texting (it knows from the metadata ``can_text``); returns what to say only when
    the text could not be queued."""
    references = [
        message["custom"]["certificate"].get("reference")
        for message in turn.messages
        if isinstance(message.get("custom"), dict) and isinstance(message["custom"].get("certificate"), dict)
    ]
    if not references or not can_text(caller):
        return None
    try:
        with session_scope() as session:
            for reference in references:
                certificate = find_certificate(session, reference)
                if certificate is not None:
                    send_certificate_sms(session, certificate, caller)
    except Exception:  # noqa: BLE001 - the certificate stands; say plainly the text was not sent
        log.exception("telephony: could not queue the certificate text")
        return "Sorry, I couldn't send you a text just now, so please write the reference down."
    outbox_worker.wake_threadsafe()
    return None


async def _handoff(
    build: Twiml,
    client: RasaClient,
    background: BackgroundTasks,
    sender: str,
    reason: str,
    caller: Optional[str],
    turn: Optional[Turn] = None,
    intro: str = "",
) -> Response:
    """Hand the call to a person. The escalation is stored (after the reply) whatever
    happens next, status "new" until a mediator takes it, so an urgent one counts in the
    console's urgent figures; one per call (its voicemail or callback goes on it). A
    safeguarding one alerts the mediators at once (bot.handoff.notify)."""
    settings = get_settings()
    if turn is None:
        tracker = await _tracker(client, sender)
        turn = read_turn([], tracker) if tracker else None
    summary = summary_of(turn, reason, "voice")
    urgent = reason == "safeguarding"
    escalation_id = str(uuid.uuid4())
    fields = dict(
        reason=reason,
        channel="voice",
        conversation_id=sender,
        summary=summary,
        local_authority=turn.local_authority if turn else None,
        category=turn.handoff_category if turn else None,
        language=turn.handoff_language if turn else None,
        status="new",
    )
    status = staffed_status(settings=settings)
    if status.open_now and settings.mediator_numbers:
        # The mediators' phones ring now; for safeguarding they are texted too.
        _after(background, _raise_escalation, escalation_id, notify=urgent, **fields)
        body = build.transfer(reason, summary, escalation_id, intro=intro)
        log.info("telephony: transferring %s (%s)", sender, reason)
        return twiml(body)
    if status.open_now:
        # Staffed, but no numbers to ring: take a voicemail (nobody can be texted: logged).
        _after(background, _raise_escalation, escalation_id, notify=True, **fields)
        return twiml(build.voicemail(reason, intro=intro, escalation=escalation_id))
    if urgent:
        # Out of hours: stored now, so a caller who hangs up before booking a callback is not lost.
        _after(background, _raise_escalation, escalation_id, notify=True, **fields)
    return twiml(
        build.offer_callback(
            reason,
            describe_next_open(status),
            caller_ending(caller),
            intro=intro,
            escalation=escalation_id if urgent else None,
        )
    )


def _callback_step(
    build: Twiml,
    background: BackgroundTasks,
    step: str,
    query,
    form: FormData,
    digits: str,
    speech: str,
    caller: Optional[str],
) -> Response:
    """The callback offer: spoken or keyed, with a way out at every step; silence or a
    number that cannot be used twice ends the call politely (never a loop)."""
    settings = get_settings()
    reason = query.get("reason") or "person_requested"
    escalation = query.get("escalation") or None
    status = staffed_status(settings=settings)
    next_open = describe_next_open(status)
    miss, fail = _int(query.get("miss")), _int(query.get("fail"))
    if step == "cb_number":
        if not digits and not speech:
            if miss + 1 >= CALLBACK_TRIES:
                return twiml(build.end_callback_offer(declined=False, next_open=next_open))
            return twiml(
                build.offer_callback(
                    reason,
                    next_open,
                    caller_ending(caller),
                    escalation=escalation,
                    intro=texts.CALLBACK_NOT_HEARD,
                    miss=miss + 1,
                    fail=fail,
                )
            )
        if digits.strip("#") == "2" or (_short_no(speech) and not digits):
            return twiml(build.end_callback_offer(declined=True, next_open=next_open))
        if _short_yes(speech) and not digits:
            digits = "1"
        number = parse_callback_number(digits, caller)
        if number is None:
            if fail + 1 >= CALLBACK_TRIES:
                return twiml(build.end_callback_offer(declined=False, next_open=next_open))
            return twiml(
                build.offer_callback(
                    reason,
                    next_open,
                    caller_ending(caller),
                    escalation=escalation,
                    intro=texts.CALLBACK_BAD_NUMBER if digits else texts.CALLBACK_NOT_HEARD,
                    miss=miss,
                    fail=fail + 1,
                )
            )
        _keep_callback_number(_sender(form), number)
        return twiml(build.confirm_number(reason, spoken_phone_number(number), escalation=escalation))
    number = _callback_number(_sender(form)) or ""
    if step == "cb_confirm":
        if number and (digits == "1" or (_short_yes(speech) and not digits)):
            return twiml(build.ask_preferred_time(reason, escalation=escalation))
        if number and not digits and not speech and miss + 1 < CALLBACK_TRIES:
            return twiml(build.confirm_number(reason, spoken_phone_number(number), escalation=escalation))
        return twiml(
            build.offer_callback(
                reason, next_open, caller_ending(caller), escalation=escalation, miss=miss + 1, fail=fail + 1
            )
        )
    # cb_time
    preferred = PREFERRED_TIMES.get(digits) or (speech[:100] if speech else "at any time")
    if speech and not digits:
        preferred = f"at the time you asked for ({preferred})"
    sender = _sender(form)
    urgent = reason == "safeguarding"
    if urgent:
        # On the call's own (urgent) escalation: one per call.
        _after(background, _attach_callback, escalation, sender, number, preferred)
    else:
        _after(background, _book_callback, sender, number, preferred)
    texted = can_text(number)
    if texted:
        ending = number[-3:]
        staffed_note = f" The line is next staffed {next_open}." if status.next_open else ""
        _after(
            background,
            _queue_texts,
            [
                (
                    number,
                    f"{settings.service_name}: we have your callback request. A "
                    f"mediator will call the number ending {ending} "
                    f"{preferred}.{staffed_note}",
                )
            ],
            "callback_confirmation",
        )
    _after(
        background,
        _alert_mediators,
        f"{settings.service_name}: new {'URGENT safeguarding ' if urgent else ''}"
        f"callback request ({preferred}). See the console.",
        urgent=urgent,
    )
    log.info("telephony: callback booked for %s on %s", sender, mask_number(number))
    return twiml(
        build.callback_booked(preferred, next_open if status.next_open else "", texted=texted, open_now=status.open_now)
    )


def _callback_key(conversation_id: str) -> str:
    """Where a call's pending callback number is kept (bot.conversations.deliveries, beside the
    caller's own number; the same retention): never in a webhook URL, which Twilio logs."""
    return f"{conversation_id}/callback"


def _keep_callback_number(conversation_id: str, number: str) -> None:
    with session_scope() as session:
        deliveries.keep_number(session, _callback_key(conversation_id), "voice", number)


def _callback_number(conversation_id: str) -> Optional[str]:
    with session_scope() as session:
        return deliveries.number_of(session, _callback_key(conversation_id))


def _book_callback(conversation_id: str, number: str, preferred: str) -> None:
    """A callback request, on the call's open escalation when it has one (one escalation
    per call: a caller who waited in the queue and then asked for a call back)."""
    with session_scope() as session:
        existing = open_escalation(session, conversation_id)
        if existing is not None:
            existing.reason = "callback" if existing.reason != "safeguarding" else existing.reason
            existing.callback_number, existing.preferred_time = number, preferred
            existing.summary = (existing.summary + " Asked for a callback.").strip()
            return
        record_escalation(
            session,
            reason="callback",
            channel="voice",
            conversation_id=conversation_id,
            summary=summary_of(None, "callback", "voice"),
            callback_number=number,
            preferred_time=preferred,
        )


@router.post("/voice/whisper")
async def whisper(request: Request, form: FormData = Depends(verified_form)) -> Response:
    query = request.query_params
    return twiml(
        Twiml(get_settings()).whisper(
            query.get("reason", ""), query.get("summary", ""), escalation=query.get("escalation") or None
        )
    )


@router.post("/voice/whisper-accept")
async def whisper_accept(
    request: Request, background: BackgroundTasks, form: FormData = Depends(verified_form)
) -> Response:
    return await _voice_once(request, form, lambda: _whisper_accept_step(request, background, form))


async def _whisper_accept_step(request: Request, background: BackgroundTasks, form: FormData) -> Response:
    """The mediator pressed a key after the whisper: 1 takes the call (the escalation is
    theirs, assigned, written before the calls are joined, so the Dial's result can tell
    an accepted call from a voicemail's); anything else lets it go to the next mediator."""
    accepted = (form.get("Digits") or "").strip() == "1"
    escalation_id = request.query_params.get("escalation", "")
    if accepted and escalation_id:
        await asyncio.to_thread(_update_escalation, escalation_id, "assigned")
    return twiml(Twiml(get_settings()).whisper_result(accepted))


def _accepted(escalation_id: str, outcome: str) -> bool:
    """Whether a mediator took the call: pressed 1 at the whisper (the call's escalation
    is assigned). A Dial "completed" by a voicemail, or a mediator who pressed nothing,
    is not taken. With no escalation to read (it could not be written), Twilio's outcome decides."""
    if outcome != "completed":
        return False
    try:
        with session_scope() as session:
            escalation = session.get(Escalation, escalation_id) if escalation_id else None
            if escalation is not None:
                return escalation.status in ("assigned", "resolved")
    except Exception:  # noqa: BLE001 - the database is down: believe Twilio
        log.exception("telephony: could not read whether escalation %s was taken", escalation_id)
    return True


@router.post("/voice/dial-result")
async def dial_result(
    request: Request, background: BackgroundTasks, form: FormData = Depends(verified_form)
) -> Response:
    return await _voice_once(request, form, lambda: _dial_result_step(request, background, form))


async def _dial_result_step(request: Request, background: BackgroundTasks, form: FormData) -> Response:
    """After ringing one mediator: taken (pressed 1), or the next on duty is rung; after
    the last, a caller who found them all on calls waits in the queue, and otherwise is
    offered a call back on the call's one escalation. Never a voicemail taking the call."""
    settings = get_settings()
    build = Twiml(settings)
    query = request.query_params
    reason = query.get("reason", "person_requested")
    escalation_id = query.get("escalation", "")
    outcome = form.get("DialCallStatus", "")
    if await asyncio.to_thread(_accepted, escalation_id, outcome):
        # A mediator pressed 1 and talked to the caller: the escalation is theirs (assigned
        # at the keypress) until they close it in the console; the call is not "resolved" here.
        return twiml(build.say_and_hang_up([]))
    attempt = _int(query.get("attempt"))
    busy = _int(query.get("busy")) + (outcome == "busy")
    log.info(
        "telephony: mediator %s of %s did not take call %s (%s)",
        attempt + 1,
        len(settings.mediator_numbers),
        form.get("CallSid"),
        outcome or "no status",
    )
    if attempt + 1 < len(settings.mediator_numbers):
        summary = query.get("summary") or summary_of(None, reason, "voice")
        return twiml(build.transfer(reason, summary, escalation_id, attempt=attempt + 1, busy=busy))
    if busy:
        # Someone is on another call: the caller waits for the next free mediator (or is
        # offered a call back after waiting too long).
        return twiml(build.enqueue(reason, escalation_id))
    return _offer_callback(build, settings, form, reason, escalation_id, texts.NOBODY_ANSWERED)


@router.post("/voice/next-caller")
async def next_caller(request: Request, form: FormData = Depends(verified_form)) -> Response:
    """A mediator rung from the console (bot.handoff.calls) pressed a key: 1 takes the next queued caller."""
    return await _voice_once(request, form, lambda: _next_caller_step(form))


async def _next_caller_step(form: FormData) -> Response:
    return twiml(calls.take_next_caller_twiml(get_settings(), form.get("Digits") or ""))


@router.post("/voice/hold")
async def hold(form: FormData = Depends(verified_form)) -> Response:
    return twiml(Twiml(get_settings()).hold(_int(form.get("QueueTime"))))


@router.post("/voice/queue-result")
async def queue_result(
    request: Request, background: BackgroundTasks, form: FormData = Depends(verified_form)
) -> Response:
    return await _voice_once(request, form, lambda: _queue_result_step(request, background, form))


async def _queue_result_step(request: Request, background: BackgroundTasks, form: FormData) -> Response:
    """After the queue: answered, or (waited too long, left) offered a call back on the call's escalation."""
    settings = get_settings()
    build = Twiml(settings)
    if form.get("QueueResult") == "bridged":
        return twiml(build.say_and_hang_up([]))
    escalation_id = request.query_params.get("escalation", "")
    reason = request.query_params.get("reason", "person_requested")
    if form.get("QueueResult") == "hangup":
        return twiml(build.say_and_hang_up([]))
    return _offer_callback(build, settings, form, reason, escalation_id, texts.QUEUE_TOO_LONG)


def _offer_callback(build: Twiml, settings, form: FormData, reason: str, escalation_id: str, intro: str) -> Response:
    """No mediator took the call: a call back is offered on the call's one escalation, saying
    honestly when the team is next in (intro: why, e.g. texts.NOBODY_ANSWERED)."""
    status = staffed_status(settings=settings)
    return twiml(
        build.offer_callback(
            reason,
            describe_next_open(status),
            caller_ending(form.get("From")),
            intro=intro,
            escalation=escalation_id or None,
            staffed=status.open_now,
        )
    )


@router.post("/voice/voicemail")
async def voicemail(request: Request, background: BackgroundTasks, form: FormData = Depends(verified_form)) -> Response:
    return await _voice_once(request, form, lambda: _voicemail_step(request, background, form))


async def _voicemail_step(request: Request, background: BackgroundTasks, form: FormData) -> Response:
    settings = get_settings()
    recording = form.get("RecordingUrl")
    if recording:
        # On the call's escalation (the one its TwiML names, or its open one): one per call.
        _after(
            background,
            _attach_voicemail,
            request.query_params.get("escalation") or None,
            _sender(form),
            request.query_params.get("reason", "person_requested"),
            recording,
        )
    return twiml(Twiml(settings).say_and_hang_up(["Thank you. A mediator will call you back. Goodbye."]))


@router.post("/voice/status")
async def call_status(form: FormData = Depends(verified_form)) -> Response:
    log.info("telephony: call %s is %s", form.get("CallSid"), form.get("CallStatus"))
    return Response(status_code=204)


# --- SMS ---------------------------------------------------------------------
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


@router.post("/sms")
async def sms(request: Request, background: BackgroundTasks, form: FormData = Depends(verified_form)) -> Response:
    """An incoming text, acted on once per MessageSid (a repeat gets the same empty answer)."""
    message_sid = str(form.get("MessageSid") or form.get("SmsMessageSid") or "")
    sender = f"sms-{hash_number(form.get('From') or '')[:32]}"
    if not message_sid:
        return await _sms_step(background, form, sender)
    return await _once(
        deliveries.sms_key(message_sid[:100]),
        "sms",
        sender,
        lambda: _sms_step(background, form, sender),
        lambda: twiml(EMPTY_TWIML),
    )


async def _sms_step(background: BackgroundTasks, form: FormData, sender: str) -> Response:
    settings = get_settings()
    number = form.get("From") or ""
    body = (form.get("Body") or "").strip()
    media = _int(form.get("NumMedia"))
    word = sms_text.keyword(body)
    if word == "stop":
        with session_scope() as session:
            set_opt_out(session, number, True)
        log.info("telephony: %s opted out of texts", mask_number(number))
        return twiml(EMPTY_TWIML)
    with session_scope() as session:
        if e164(number):
            # The number behind the conversation, for a mediator to text back (shown only on reveal).
            deliveries.keep_number(session, sender, "sms", e164(number))
        opted_out = is_opted_out(session, number)
        if word == "start" and opted_out:
            set_opt_out(session, number, False)
            enqueue_sms(
                session,
                number,
                f"{settings.service_name}: you will get our texts again. Text STOP to stop them.",
                kind="reply",
            )
            _after(background, _nothing)
            return twiml(EMPTY_TWIML)
    if opted_out:
        return twiml(EMPTY_TWIML)
    wait = limits.limiter("sms", settings).hit(sender)
    if wait:
        # Too many texts from one number (bot.limits): not passed to the assistant; one notice per window.
        log.warning("telephony: texts from %s over the rate limit; refused", mask_number(number))
        if not limits.limiter("sms_notice", settings).hit(sender):
            _queue_texts([(number, limits.slow_down_message(wait))], "reply")
            _after(background, _nothing)
        response = twiml(EMPTY_TWIML)
        response.status_code = 429
        response.headers["Retry-After"] = str(wait)
        return response
    client = RasaClient(settings, timeout=SMS_RASA_TIMEOUT)
    if await asyncio.to_thread(sms_handoff.is_held, sender):
        return await _sms_to_holder(background, client, sender, body, media)
    if media:
        # Pictures and attachments cannot be read: say so, and note it on an open escalation.
        _after(background, _note_attachment, sender)
    if media and not body:
        _queue_texts([(number, texts.SMS_MEDIA_ONLY)], "reply")
        _after(background, _nothing)
        return twiml(EMPTY_TWIML)
    if word == "help":
        reply = (
            f"{settings.service_name}. Text your question about SEND mediation, disagreement resolution, "
            "tribunal appeals or complaints."
            + (f" Or call {settings.service_phone_number}." if settings.service_phone_number else "")
            + " Text STOP to stop texts."
        )
    else:
        text = as_text(body)  # words, never a Rasa command; a digit picks one of the buttons offered
        if body.isdigit():
            button = button_for_digit(pending_buttons(await _tracker(client, sender)), body)
            if button is not None:
                text = str(button.get("payload") or button.get("title"))
        try:
            turn = await converse(client, sender, text, channel="sms")
        except Exception as error:  # noqa: BLE001
            log.error("telephony: the assistant did not answer a text from %s: %s", mask_number(number), error)
            turn = None
        if turn is None:
            reply = "Sorry, we can't answer just now. Please try again in a few minutes" + (
                f", or call {settings.service_phone_number}." if settings.service_phone_number else "."
            )
        else:
            reply = sms_text.render_messages(_sms_goodbye(turn)) or "Sorry, I don't have an answer for that."
            if turn.handoff_reason:
                status = staffed_status(settings=settings)
                # One open escalation per text conversation: a disclosure raises it to urgent
                # safeguarding with its category; the mediators are alerted when there is news.
                _after(
                    background,
                    _raise_escalation,
                    reason=turn.handoff_reason,
                    channel="sms",
                    conversation_id=sender,
                    summary=summary_of(turn, turn.handoff_reason, "sms")
                    + (" Sent a picture or attachment." if media else ""),
                    local_authority=turn.local_authority,
                    category=turn.handoff_category,
                    language=turn.handoff_language,
                    status="new",
                    notify=True,
                )
                # The assistant's safeguarding reply already says who is available and when.
                if not status.open_now and turn.handoff_reason != "safeguarding":
                    reply += f"\nOur team is next available {describe_next_open(status)}."
    if media:
        reply += "\n" + texts.SMS_MEDIA_WITH_TEXT
    # The reply is in the outbox before Twilio gets its answer: nothing is lost.
    _queue_reply(number, reply)
    _after(background, _nothing)
    return twiml(EMPTY_TWIML)


def _sms_goodbye(turn: Turn) -> list:
    """The turn's messages, with the assistant's goodbye (the web chat's words: "come back
    to this chat") said as a text says it."""
    goodbyes = {item.text for item in said_in_turn(turn.tracker) if item.response == "utter_goodbye"}
    return [
        dict(message, text=texts.SMS_GOODBYE) if goodbyes and message.get("text") in goodbyes else message
        for message in turn.messages
    ]


def _queue_reply(number: str, reply: str) -> None:
    """At most SMS_MAX_PARTS texts of one segment each; a longer answer ends with a link to all of it."""
    with session_scope() as session:
        parts = sms_text.split_sms(reply)
        if len(parts) > texts.SMS_MAX_PARTS:
            link = keep_full_answer(session, sms_text.gsm_text(reply))
            parts = sms_text.fit_parts(reply, texts.SMS_FULL_ANSWER.format(link=link), texts.SMS_MAX_PARTS)
        for part in parts:
            enqueue_sms(session, number, part, kind="reply")


async def _sms_to_holder(
    background: BackgroundTasks, client: RasaClient, sender: str, body: str, media: int
) -> Response:
    """A mediator holds the conversation: the assistant stays silent. The text goes into
    the conversation (Rasa is paused, so it only records it) and the mediators are told
    there is news; a disclosure still raises the escalation to urgent safeguarding."""
    settings = get_settings()
    turn = None
    if body:
        try:
            turn = await converse(client, sender, as_text(body), channel="sms")
        except Exception as error:  # noqa: BLE001 - the console still gets the alert
            log.error("telephony: could not record a text to a held conversation %s: %s", sender, error)
    if media:
        _after(background, _note_attachment, sender)
    if turn is not None and turn.disclosure:
        _after(
            background,
            _raise_escalation,
            reason="safeguarding",
            channel="sms",
            conversation_id=sender,
            summary=summary_of(turn, "safeguarding", "sms"),
            category=turn.disclosure,
            status="new",
            notify=True,
        )
    _after(background, _alert_mediators, texts.SMS_HELD_NOTICE.format(service=settings.service_name))
    return twiml(EMPTY_TWIML)


def _note_attachment(conversation_id: str) -> None:
    with session_scope() as session:
        escalation = open_escalation(session, conversation_id)
        if escalation is not None and "Sent a picture or attachment." not in (escalation.summary or ""):
            escalation.summary = (escalation.summary + " Sent a picture or attachment.").strip()


@router.post("/sms/status")
async def sms_status(form: FormData = Depends(verified_form)) -> Response:
    log.info("telephony: message %s is %s", form.get("MessageSid"), form.get("MessageStatus"))
    return Response(status_code=204)
