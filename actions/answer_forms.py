"""Forms whose answers are read as text, one question at a time, then read back.

The mediation advice form and the disagreement resolution request form work the way
the route check does (actions/route_check.py): every slot has a custom mapping and
only the form's validation fills it; the validation decides the next question
(``requested_slot``), so only what is needed is asked; a question in the middle is
answered by the rules and the form then asks again; any answer can be corrected, also
at the read-back; after 3 unusable answers the form stops and offers a person.
"""
from __future__ import annotations

from abc import abstractmethod
from typing import Any, Callable, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.safeguarding import SafeguardedFormValidation, is_disclosure, stop_for_safeguarding
from bot.redress.conversation import Reading

GIVE_UP_AFTER = 3


def gave_up(tracker: Tracker, prefix: str) -> bool:
    return int(tracker.get_slot(f"{prefix}_attempts") or 0) >= GIVE_UP_AFTER
GIVE_UP = ("Sorry, I'm having trouble with that. A person from our team can help: just say 'talk to a person'.")
# Kinds of message that are questions or requests, not answers (see INTERRUPTIONS in route_check).
INTERRUPTIONS = {
    "faq_mediation", "faq_certificate", "faq_drs", "faq_tribunal", "faq_recommendations", "faq_complaints",
    "faq_ehc", "faq_scope", "ask_plan_section", "ask_staffed_hours", "bot_challenge", "legal_other",
    "request_human", "goodbye", "safeguarding_risk",
}


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


class AnswerFormValidation(SafeguardedFormValidation):
    """Base of the text-answer forms. Subclasses give the slots and the reading."""

    form: Text = ""
    slots: Dict[str, str] = {}
    confirmed_slot: Text = ""
    prefix: Text = ""

    @abstractmethod
    def facts(self, tracker: Tracker) -> Dict[str, object]:
        """The answers so far."""

    @abstractmethod
    def next_question(self, facts: Dict[str, object], tracker: Tracker) -> Optional[str]:
        """The next answer needed, or None when only the read-back is left."""

    @abstractmethod
    def read(self, text: str, asking: Optional[str], facts: Dict[str, object],
             tracker: Tracker) -> Tuple[Reading, List[EventType], List[str]]:
        """The reading, extra events (other forms' facts corrected), and notes to say."""

    def is_not_an_answer(self, text: str, asking: Optional[str]) -> bool:
        return False

    def on_answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, fact: str, value: object) -> bool:
        """Called for each answer before it is kept; False drops it (e.g. it could not be recorded)."""
        return True

    def _next_slot(self, facts: Dict[str, object], tracker: Tracker, confirmed: bool) -> Optional[str]:
        fact = self.next_question(facts, tracker)
        if fact:
            return self.slots[fact]
        return None if confirmed else self.confirmed_slot

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        if is_disclosure(tracker):
            return stop_for_safeguarding()
        by_slot = {slot: fact for fact, slot in self.slots.items()}
        requested = tracker.get_slot("requested_slot") if tracker.active_loop.get("name") == self.form else None
        asking = "confirmed" if requested == self.confirmed_slot else by_slot.get(requested or "")
        facts = self.facts(tracker)
        confirmed = bool(tracker.get_slot(self.confirmed_slot))
        attempts_slot, last_read_slot, correcting_slot = (f"{self.prefix}_attempts", f"{self.prefix}_last_read",
                                                          f"{self.prefix}_correcting")

        message_id = tracker.latest_message.get("message_id") or text
        fresh = requested is not None and tracker.get_slot(last_read_slot) != message_id
        if not fresh:  # the form starting, or carrying on after a question in between
            return [SlotSet("requested_slot", self._next_slot(facts, tracker, confirmed))]
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        reading, extra, extra_notes = self.read(text, asking, facts, tracker)
        if asking and not reading.updates and not extra and reading.confirmed is None and (
                intent in INTERRUPTIONS or self.is_not_an_answer(text, asking)):
            # Not an answer: the form steps aside, the rules reply, then the form asks again.
            return [SlotSet("requested_slot", self._next_slot(facts, tracker, confirmed))]

        events: List[EventType] = [SlotSet(last_read_slot, message_id), *extra]
        for note in reading.notes + extra_notes:
            dispatcher.utter_message(text=note)
        for fact, value in reading.updates.items():
            if not self.on_answer(dispatcher, tracker, fact, value):
                continue
            facts[fact] = value
            if value is None:
                facts.pop(fact, None)
            events.append(SlotSet(self.slots[fact], value))
        if reading.updates or extra:
            confirmed = False
            events += [SlotSet(self.confirmed_slot, None), SlotSet(correcting_slot, None), SlotSet(attempts_slot, None)]
        if reading.confirmed is True:
            confirmed = True
            events += [SlotSet(self.confirmed_slot, True), SlotSet(correcting_slot, None)]
        elif reading.confirmed is False:
            events.append(SlotSet(correcting_slot, True))

        unusable = reading.problem is not None or (not reading.updates and not extra and reading.confirmed is None)
        if unusable and asking:
            attempts = int(tracker.get_slot(attempts_slot) or 0) + 1
            if attempts >= GIVE_UP_AFTER:
                dispatcher.utter_message(text=GIVE_UP)
                # The attempts stay counted, so the completing action knows and says nothing more.
                return events + [SlotSet(attempts_slot, float(attempts)), SlotSet("requested_slot", None)]
            dispatcher.utter_message(text=reading.problem or "Sorry, I didn't catch that.")
            events.append(SlotSet(attempts_slot, float(attempts)))
        return events + [SlotSet("requested_slot", self._next_slot(facts, tracker, confirmed))]
