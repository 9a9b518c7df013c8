"""The Rasa side of the one form engine (bot/dialogue/forms.py), used by the route check,
mediation advice and the disagreement resolution request.

Every slot of these forms has a custom mapping and only the form's validation fills it;
the engine reads each message (stop, start again, go back, a change of mind, a question
in between, the answer, a correction) and decides the next question (``requested_slot``),
so only what is needed is asked. A question in the middle is not an answer: the
validation sets no slot, Rasa rejects the form's turn, the rules answer it, and the form
asks again. After 3 unusable answers, or "stop", the form ends; the completing action
then says nothing more (``gave_up``).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.safeguarding import (
    SafeguardedFormValidation,
    acknowledge_distress,
    is_disclosure,
    stop_for_safeguarding,
)
from bot.dialogue.forms import CONFIRMED, GIVE_UP, GIVE_UP_AFTER, INTERRUPTIONS, FormSpec, Turn, owns, take_turn

__all__ = [
    "FormValidation",
    "GIVE_UP",
    "GIVE_UP_AFTER",
    "INTERRUPTIONS",
    "ask_action",
    "can_text",
    "channel_of",
    "gave_up",
]


def gave_up(tracker: Tracker, prefix: str) -> bool:
    """The form ended with its own words (3 unusable answers, or "stop"): say nothing more."""
    return int(tracker.get_slot(f"{prefix}_attempts") or 0) >= GIVE_UP_AFTER


def _latest_metadata(tracker: Tracker) -> Dict[str, Any]:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event.get("metadata") or {}
    return {}


def channel_of(tracker: Tracker) -> str:
    """web, voice or sms: the front ends send it as message metadata (REST tests default to web)."""
    channel = _latest_metadata(tracker).get("channel")
    return channel if channel in ("web", "voice", "sms") else "web"


def can_text(tracker: Tracker) -> bool:
    """On a call: whether the caller's number can take a text (the phone line says; no number is sent)."""
    return bool(_latest_metadata(tracker).get("can_text"))


def ask_action(slot: str, build: Callable[[Tracker], Dict[str, Any]]) -> type:
    """An `action_ask_<slot>` that says what ``build(tracker)`` returns ({"text", "buttons"})."""

    def name(self) -> Text:
        return f"action_ask_{slot}"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        message = build(tracker)
        dispatcher.utter_message(text=message["text"], buttons=message.get("buttons") or [])
        return []

    return type(f"Ask_{slot}", (Action,), {"name": name, "run": run, "__module__": __name__})


class FormValidation(SafeguardedFormValidation):
    """Base of every form's validation: the engine's ``Step`` as Rasa events."""

    form: Text = ""
    slots: Dict[str, str] = {}
    confirmed_slot: Text = ""
    prefix: Text = ""
    #: read the message that started the form (the route check: facts said up front)
    read_first_message: bool = False

    def spec(self, tracker: Tracker) -> FormSpec:
        raise NotImplementedError

    def facts(self, tracker: Tracker) -> Dict[str, object]:
        return {fact: tracker.get_slot(slot) for fact, slot in self.slots.items() if tracker.get_slot(slot) is not None}

    def to_slot(self, fact: str, value: object) -> object:
        return value

    def before(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, asking: Optional[str], facts: Dict[str, object]
    ) -> Optional[List[EventType]]:
        """Events that replace the turn (e.g. the route check's own questions), or None."""
        return None

    def on_answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, fact: str, value: object) -> bool:
        """Called for each answer before it is kept; False drops it (e.g. it could not be recorded)."""
        return True

    def on_stop(self, tracker: Tracker) -> List[EventType]:
        return []

    def _slot_of(self, fact: Optional[str]) -> Optional[str]:
        if fact is None:
            return None
        return self.confirmed_slot if fact == CONFIRMED else self.slots[fact]

    def _asking(self, tracker: Tracker) -> Optional[str]:
        by_slot = {slot: fact for fact, slot in self.slots.items()}
        requested = tracker.get_slot("requested_slot") if tracker.active_loop.get("name") == self.form else None
        return CONFIRMED if requested == self.confirmed_slot else by_slot.get(requested or "")

    def owns_message(self, tracker: Tracker) -> bool:
        """The latest message is this form's to read, whatever intent it was given (actions/input_guard.py)."""
        asking = self._asking(tracker)
        if asking is None:
            return False
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        return owns(
            self.spec(tracker),
            Turn(
                text=tracker.latest_message.get("text") or "", intent=intent, asking=asking, facts=self.facts(tracker)
            ),
        )

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        if is_disclosure(tracker):
            return stop_for_safeguarding()
        spec = self.spec(tracker)
        requested = tracker.get_slot("requested_slot") if tracker.active_loop.get("name") == self.form else None
        asking = self._asking(tracker)
        facts = self.facts(tracker)
        confirmed = bool(tracker.get_slot(self.confirmed_slot))
        attempts_slot, last_read_slot, correcting_slot = (
            f"{self.prefix}_attempts",
            f"{self.prefix}_last_read",
            f"{self.prefix}_correcting",
        )
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        message_id = tracker.latest_message.get("message_id") or text
        fresh = tracker.get_slot(last_read_slot) != message_id and (requested is not None or self.read_first_message)
        if intent == "carry_on":
            fresh = False  # "carry on where we were" after a safeguarding reply is not an answer
        if not fresh:  # the form starting, or carrying on after a question in between
            return [SlotSet("requested_slot", self._slot_of(_next(spec, facts, confirmed)))]
        replaced = self.before(dispatcher, tracker, asking, facts)
        if replaced is not None:
            return [SlotSet(last_read_slot, message_id), *replaced]

        step = take_turn(
            spec,
            Turn(
                text=text,
                intent=intent,
                asking=asking,
                facts=facts,
                confirmed=confirmed,
                attempts=int(tracker.get_slot(attempts_slot) or 0),
                correcting=bool(tracker.get_slot(correcting_slot)),
            ),
        )
        if step.step_aside:
            # Not an answer: no slot is set, so Rasa rejects the form's turn and the rules reply.
            return [SlotSet("requested_slot", self._slot_of(step.next))]
        events: List[EventType] = [SlotSet(last_read_slot, message_id)]
        acknowledge_distress(dispatcher, tracker)
        for note in step.say:
            dispatcher.utter_message(text=note)
        for fact, value in step.updates.items():
            if not step.stopped and not self.on_answer(dispatcher, tracker, fact, value):
                continue
            events.append(SlotSet(self.slots[fact], None if value is None else self.to_slot(fact, value)))
        events += [
            SlotSet(self.confirmed_slot, True if step.confirmed else None),
            SlotSet(correcting_slot, True if step.correcting else None),
            SlotSet(attempts_slot, float(step.attempts) if step.attempts else None),
        ]
        if step.stopped or step.gave_up:
            events += [SlotSet(attempts_slot, float(GIVE_UP_AFTER)), *self.on_stop(tracker)]
        return events + [SlotSet("requested_slot", self._slot_of(step.next))]


def _next(spec: FormSpec, facts: Dict[str, object], confirmed: bool) -> Optional[str]:
    fact = spec.next_question(facts)
    if fact:
        return fact
    return None if confirmed else CONFIRMED
