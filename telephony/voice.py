"""TwiML for every step of a call: conversation turns, keypad menu, transfer, voicemail, callback.

Plain Python (no web or Rasa imports): functions take what was said and return TwiML.
Call state travels in the query string of the action URLs, which Twilio signs with
the rest of the URL, so it cannot be tampered with and no call state is stored here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Sequence
from urllib.parse import urlencode

from twilio.twiml.voice_response import Dial, Gather, VoiceResponse

from bot.handoff.calls import QUEUE_NAME
from bot.nlp.patterns import south_east_group
from bot.outbox.numbers import e164, is_mobile
from bot.settings import Settings
from telephony import texts

VOICE_PATH = "/telephony/voice"
DEFAULT_HOLD_MUSIC = "http://com.twilio.sounds.music.s3.amazonaws.com/MARKOVICHAMP-Borghestral.mp3"
QUEUE_MAX_WAIT_SECONDS = 180
NO_INPUT_SECONDS = 6
GOODBYE_AFTER_MISSES = 3
# The callback offer is made at most twice; then the call ends politely.
CALLBACK_TRIES = 2


@dataclass(frozen=True)
class MenuOption:
    digit: str
    label: str
    # What the choice means to the assistant, as a caller would say it.
    utterance: str


KEYPAD_MENU: Dict[str, MenuOption] = {
    "1": MenuOption("1", "mediation and mediation certificates", "Tell me about mediation and mediation certificates"),
    "2": MenuOption("2", "disagreement resolution", "Tell me about disagreement resolution"),
    # "How do I appeal to the SEND Tribunal" was read as "what do I send with an appeal".
    "3": MenuOption("3", "appeals to the SEND Tribunal", "which decisions can be appealed to the tribunal"),
    "4": MenuOption("4", "complaints", "How do I make a complaint"),
}
PERSON_DIGIT = "0"
REPEAT_DIGIT = "*"

REASON_SPOKEN = {
    "person_requested": "the caller asked for a person",
    "safeguarding": "safeguarding: the caller may be at risk. Please treat as urgent",
    "repeated_failure": "the assistant could not understand the caller",
}

PREFERRED_TIMES = {"1": "in the morning", "2": "in the afternoon", "3": "at any time"}

DOMAIN_HINTS = (
    "mediation",
    "mediation certificate",
    "certificate",
    "mediation advice",
    "disagreement resolution",
    "EHC plan",
    "EHCP",
    "education health and care plan",
    "needs assessment",
    "SEND Tribunal",
    "tribunal",
    "appeal",
    "complaint",
    "ombudsman",
    "local authority",
    "council",
    "SENCO",
    "special educational needs",
    "section B",
    "section F",
    "section I",
    "placement",
    "transport",
    "speak to a person",
    "mediator",
    "callback",
    "call me back",
    "yes",
    "no",
    "more",
)


@lru_cache(maxsize=1)
def speech_hints() -> str:
    names = [authority.name for authority in south_east_group()]
    return ", ".join(list(DOMAIN_HINTS) + names)


def action_url(path: str = VOICE_PATH, **state: object) -> str:
    """A path and query carrying the call state."""
    params = {key: value for key, value in state.items() if value not in (None, "", 0)}
    return path + (f"?{urlencode(params)}" if params else "")


class Twiml:
    """TwiML builders with the line's voice, language and timings."""

    def __init__(self, settings: Settings, turn: int = 0) -> None:
        self.settings = settings
        # The call's step number, carried in every action URL (n=...): each step of a
        # call has its own URL, so a repeated webhook is known as one (telephony.once).
        self.turn = turn

    def url(self, path: str = VOICE_PATH, **state: object) -> str:
        """Absolute, so Twilio requests (and signs) exactly the public URL."""
        if self.turn and "n" not in state:
            state["n"] = self.turn
        return self.settings.public_base_url + action_url(path, **state)

    # --- building blocks ------------------------------------------------------
    def _say(self, parent, text: str) -> None:
        parent.say(text, voice=self.settings.twilio_voice, language=self.settings.twilio_language)

    def _gather(self, response: VoiceResponse, action: str, input_: str = "speech dtmf", **kwargs) -> Gather:
        options = dict(
            input=input_,
            action=action,
            method="POST",
            language=self.settings.twilio_language,
            timeout=NO_INPUT_SECONDS,
            action_on_empty_result=True,
        )
        if "speech" in input_:
            options.update(
                hints=speech_hints(),
                speech_timeout="auto",
                speech_model="phone_call",
                barge_in=True,
                profanity_filter=False,
            )
        options.update(kwargs)
        return response.gather(**options)

    def ask(
        self,
        turns: Sequence[str],
        action: str,
        finish_on_key: Optional[str] = None,
        input_: str = "speech dtmf",
        num_digits: Optional[int] = None,
    ) -> str:
        """Say `turns` and listen for speech or keys; barge-in lets the caller interrupt."""
        response = VoiceResponse()
        gather = self._gather(response, action, input_=input_, finish_on_key=finish_on_key, num_digits=num_digits)
        for number, turn in enumerate(turns):
            if number:
                gather.pause(length=1)
            self._say(gather, turn)
        # If the gather ends without calling its action, the next verb does.
        response.redirect(action, method="POST")
        return str(response)

    def say_and_hang_up(self, turns: Iterable[str]) -> str:
        response = VoiceResponse()
        for turn in turns:
            self._say(response, turn)
        response.hangup()
        return str(response)

    # --- conversation -------------------------------------------------------
    def greeting(self) -> str:
        """One turn: who we are, the options, a person on 0, and one question."""
        return self.ask([texts.GREETING], self.url(step="turn"))

    def goodbye(self, said: str = "") -> str:
        return self.say_and_hang_up([said or texts.GOODBYE])

    def menu_text(self) -> str:
        options = ", ".join(f"{option.digit} for {option.label}" for option in KEYPAD_MENU.values())
        return f"Press {options}. Press 0 to talk to a person, or star to hear these options again."

    def menu(self, intro: str = "", miss: int = 0, fail: int = 0) -> str:
        turns = [intro] if intro else []
        turns.append(self.menu_text())
        return self.ask(turns, self.url(step="menu", miss=miss, fail=fail))

    def no_input(self, miss: int, fail: int = 0) -> str:
        if miss >= GOODBYE_AFTER_MISSES:
            return self.say_and_hang_up(
                ["We haven't heard anything, so we'll end the call now. Please call again at any time. Goodbye."]
            )
        if miss >= 2:
            return self.menu(texts.STILL_NOT_HEARD, miss=miss, fail=fail)
        return self.ask([texts.NOT_HEARD], self.url(step="turn", miss=miss, fail=fail))

    def answer(self, turns: List[str], fail: int = 0, part: int = 0) -> str:
        """An answer from `part` on, one question per turn.

        Turns are read up to the first that asks the caller something ("Is that right?"),
        which is then the only question; with no question, one turn is read and the
        caller is asked whether to go on. A part past the end (a replayed or stale
        "go on") says there is no more: never an error."""
        if not turns:
            turns = ["Sorry, I don't have an answer for that. You can ask another way, or press 0 for a person."]
        if part >= len(turns):
            return self.ask([texts.NOTHING_MORE], self.url(step="turn", fail=fail))
        part = max(part, 0)
        asking = next((index for index in range(part, len(turns)) if _asks(turns[index])), None)
        if asking is not None:
            return self.ask(turns[part : asking + 1], self.url(step="turn", fail=fail))
        if part + 1 < len(turns):
            return self.ask([turns[part], texts.GO_ON], self.url(step="more", part=part + 1, fail=fail))
        return self.ask([turns[part]], self.url(step="turn", fail=fail))

    def spoken_answer(self, answer: str, can_text: bool, fail: int = 0) -> str:
        """An answer's spoken version (telephony.answers) and one question: the details and
        sources by text for a mobile; read in full, or a person, for a number that cannot
        take a text. Yes, no, 0 and a new question are all heard at step=details."""
        offer = texts.OFFER_TEXT if can_text else texts.OFFER_IN_FULL
        return self.ask([answer, offer], self.url(step="details", fail=fail))

    def say_then_ask(self, said: str, fail: int = 0) -> str:
        """`said` (which ends with its own question), then listen for the next turn."""
        return self.ask([said], self.url(step="turn", fail=fail))

    def what_else(self, fail: int = 0) -> str:
        return self.ask([texts.WHAT_ELSE], self.url(step="turn", fail=fail))

    # --- transfer -----------------------------------------------------------
    def transfer(
        self, reason: str, summary: str, escalation_id: str, intro: str = "", attempt: int = 0, busy: int = 0
    ) -> str:
        """Ring the on-duty mediators one at a time (MEDIATOR_NUMBERS, in order), from
        `attempt` on: each rings for TRANSFER_RING_SECONDS and must press 1 at the whisper
        to take the call. The Dial's action (dial-result) hears how it went and rings the
        next, so a phone nobody answers, or a voicemail that answers it, never takes the
        call. `busy`: how many of those tried so far were on another call."""
        numbers = list(self.settings.mediator_numbers)
        attempt = min(max(attempt, 0), max(len(numbers) - 1, 0))
        response = VoiceResponse()
        if intro:
            self._say(response, intro)
        if reason == "safeguarding" and "999" not in intro and not attempt:
            self._say(response, "If anyone is in immediate danger, please hang up and call 999.")
        if attempt:
            self._say(response, texts.TRYING_NEXT)
        elif reason == "safeguarding":
            self._say(response, "I'm putting you through to a member of our team now. Please hold.")
        else:
            self._say(response, "I'm putting you through to one of our mediators now. Please hold.")
        dial = Dial(
            action=self.url(
                f"{VOICE_PATH}/dial-result",
                reason=reason,
                escalation=escalation_id,
                attempt=attempt,
                busy=busy,
                summary=summary,
            ),
            method="POST",
            timeout=self.settings.transfer_ring_seconds,
            answer_on_bridge=True,
        )
        whisper = self.url(f"{VOICE_PATH}/whisper", reason=reason, summary=summary, escalation=escalation_id)
        if numbers:
            dial.number(numbers[attempt], url=whisper, method="POST")
        response.append(dial)
        return str(response)

    def whisper(self, reason: str, summary: str, escalation: Optional[str] = None) -> str:
        """What a mediator hears on answering; the call is theirs only when they press 1
        (a voicemail or a phone left on a desk takes nothing)."""
        response = VoiceResponse()
        gather = response.gather(
            input="dtmf",
            num_digits=1,
            timeout=8,
            method="POST",
            action=self.url(f"{VOICE_PATH}/whisper-accept", reason=reason, escalation=escalation),
        )
        self._say(gather, f"A call from the information line. Reason: {REASON_SPOKEN.get(reason, reason)}.")
        if summary:
            self._say(gather, f"Summary: {summary}")
        self._say(gather, texts.WHISPER_ACCEPT)
        self._say(response, texts.WHISPER_NOT_ACCEPTED)
        response.hangup()
        return str(response)

    def whisper_result(self, accepted: bool) -> str:
        """Accepted: the empty response connects the two calls; anything else drops this leg."""
        response = VoiceResponse()
        if not accepted:
            self._say(response, texts.WHISPER_NOT_ACCEPTED)
            response.hangup()
        return str(response)

    def enqueue(self, reason: str, escalation_id: str) -> str:
        response = VoiceResponse()
        self._say(response, texts.QUEUE_WAIT)
        response.enqueue(
            QUEUE_NAME,
            wait_url=self.url(f"{VOICE_PATH}/hold"),
            wait_url_method="POST",
            action=self.url(f"{VOICE_PATH}/queue-result", reason=reason, escalation=escalation_id),
            method="POST",
        )
        return str(response)

    def hold(self, queue_seconds: int) -> str:
        response = VoiceResponse()
        if queue_seconds >= QUEUE_MAX_WAIT_SECONDS:
            response.leave()
            return str(response)
        self._say(response, texts.QUEUE_HOLD)
        response.play(self.settings.hold_music_url or DEFAULT_HOLD_MUSIC)
        return str(response)

    def voicemail(self, reason: str, intro: str = "", escalation: Optional[str] = None) -> str:
        response = VoiceResponse()
        if intro:
            self._say(response, intro)
        self._say(
            response,
            "Sorry, nobody could answer just now. Please leave a short message after the tone, "
            "with the best number to call you back on, then hang up. A mediator will call you back.",
        )
        response.record(
            action=self.url(f"{VOICE_PATH}/voicemail", reason=reason, escalation=escalation),
            method="POST",
            max_length=120,
            timeout=5,
            play_beep=True,
            finish_on_key="#",
        )
        self._say(response, "We didn't get a message. Please call again or text us. Goodbye.")
        response.hangup()
        return str(response)

    # --- callback (outside staffed hours, or a caller who waited too long) ------
    def offer_callback(
        self,
        reason: str,
        next_open: str,
        caller_ending: Optional[str],
        intro: str = "",
        escalation: Optional[str] = None,
        miss: int = 0,
        fail: int = 0,
        staffed: bool = False,
    ) -> str:
        """Spoken or keyed: yes or 1 for the caller's own number, a typed number, or no / 2.
        Every way out is named; silence or a bad number twice ends the call politely."""
        turns = [intro] if intro else []
        if reason == "safeguarding" and "999" not in intro:
            turns.append("If anyone is in immediate danger, please hang up and call 999.")
        if not miss and not fail and staffed:
            # In staffed hours nobody could take the call (the intro says why): no "aren't on the line".
            turns.append(texts.CALLBACK_ASK)
        elif not miss and not fail:
            when = f" The line is next staffed {next_open}." if next_open != "when the line next opens" else ""
            turns.append(f"Our mediators aren't on the line just now.{when} {texts.CALLBACK_ASK}")
        if caller_ending:
            turns.append(texts.CALLBACK_OWN.format(ending=caller_ending))
        else:
            turns.append(texts.CALLBACK_TYPE)
        return self.ask(
            turns,
            self.url(step="cb_number", reason=reason, escalation=escalation, miss=miss, fail=fail),
            finish_on_key="#",
        )

    def end_callback_offer(self, declined: bool, next_open: str) -> str:
        known = next_open and next_open != "when the line next opens"
        when = f"The line is next staffed {next_open}. " if known else ""
        ending = texts.CALLBACK_DECLINED if declined else texts.CALLBACK_GIVE_UP
        return self.say_and_hang_up([ending.format(when=when)])

    # The number itself is never in a webhook URL (Twilio keeps those in its logs): the call's
    # pending callback number is kept server-side (telephony.web._keep_callback_number).
    def confirm_number(self, reason: str, spoken_number: str, escalation: Optional[str] = None) -> str:
        return self.ask(
            [texts.CONFIRM_NUMBER.format(number=spoken_number)],
            self.url(step="cb_confirm", reason=reason, escalation=escalation),
            num_digits=1,
        )

    def ask_preferred_time(self, reason: str, escalation: Optional[str] = None) -> str:
        return self.ask([texts.PREFERRED_TIME], self.url(step="cb_time", reason=reason, escalation=escalation))

    def callback_booked(self, preferred: str, next_open: str, texted: bool, open_now: bool = False) -> str:
        if open_now:
            turns = [texts.BOOKED_NOW.format(preferred=preferred)]
        else:
            turns = [texts.BOOKED.format(preferred=preferred) + (f" That is next {next_open}." if next_open else "")]
        if texted:
            turns.append(texts.BOOKED_TEXTED)
        turns.append("Goodbye.")
        return self.say_and_hang_up(turns)


def _asks(turn: str) -> bool:
    """A turn that asks the caller something: a question, or options to choose from."""
    return turn.rstrip().endswith("?") or "Say or press" in turn


def caller_ending(number: Optional[str]) -> Optional[str]:
    """The last three digits of a usable caller ID, spoken: '1 2 3'; None when withheld
    ("anonymous", "+266696687") or not a phone number (bot.outbox.numbers)."""
    number = e164(number)
    if number is None:
        return None
    return " ".join(number[-3:])


def can_text(number: Optional[str]) -> bool:
    """Whether the line may promise this caller a text: a mobile number, not withheld, not a landline."""
    return is_mobile(number)


def parse_callback_number(digits: str, caller: Optional[str]) -> Optional[str]:
    """'1' -> the caller's own number; else a number typed on the keypad, in E.164, or None."""
    digits = "".join(ch for ch in digits if ch.isdigit())
    if digits == "1":
        return e164(caller)
    if len(digits) < 10:
        return None
    return e164(digits) or e164("+" + digits)
