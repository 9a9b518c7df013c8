"""Disagreement resolution (DR) requests in conversation: dr_request_form asks who the
disagreement is with, the council, what it is about, a name and how to reach the person,
reads back the terms (voluntary, every party agrees, the other party funds the meeting;
seed: Kent 2014) and, once the person says yes, action_request_dr records the request,
which waits for the other party's agreement (bot.disagreement_resolution.service).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_forms import FormValidation, ask_action, channel_of, gave_up
from bot.database import session_scope
from bot.disagreement_resolution import conversation as dr
from bot.disagreement_resolution import texts
from bot.disagreement_resolution.service import PARTY_WORDS, request_disagreement_resolution
from bot.redress.service_area import service_area

log = logging.getLogger(__name__)

FORM = "dr_request_form"
DR_SLOTS = {
    "other_party": "dr_other_party",
    "local_authority": "dr_local_authority",
    "disagreement": "dr_disagreement",
    "requester_name": "dr_requester_name",
    "contact_preference": "dr_contact_preference",
    "contact_details": "dr_contact_details",
}
CONFIRMED_SLOT = "dr_confirmed"
CLEAR = [
    SlotSet(slot, None) for slot in (*DR_SLOTS.values(), CONFIRMED_SLOT, "dr_correcting", "dr_attempts", "dr_last_read")
]


def dr_facts(tracker: Tracker) -> Dict[str, object]:
    return {fact: tracker.get_slot(slot) for fact, slot in DR_SLOTS.items() if tracker.get_slot(slot) is not None}


class ActionStartDrRequest(Action):
    """Start the form with what is already known: the council from the route check, and
    who the disagreement is with when the request says so ("... with the school")."""

    def name(self) -> Text:
        return "action_start_dr_request"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        events: List[EventType] = list(CLEAR)
        council = tracker.get_slot("rc_local_authority") or tracker.get_slot("local_authority")
        area = service_area(council) if council else None
        if area is not None and area.in_south_east_group:
            events.append(SlotSet(DR_SLOTS["local_authority"], area.local_authority))
        party = dr.read_party(tracker.latest_message.get("text") or "")
        if party:
            events.append(SlotSet(DR_SLOTS["other_party"], party))
        dispatcher.utter_message(text=texts.WHAT_DR_IS)
        return events


class ValidateDrRequestForm(FormValidation):
    form = FORM
    slots = DR_SLOTS
    confirmed_slot = CONFIRMED_SLOT
    prefix = "dr"

    def name(self) -> Text:
        return "validate_dr_request_form"

    def facts(self, tracker: Tracker) -> Dict[str, object]:
        return dr_facts(tracker)

    def spec(self, tracker: Tracker) -> dr.DrRequestForm:
        return dr.DrRequestForm()


def _read_back(tracker: Tracker) -> Dict[str, object]:
    facts = dr_facts(tracker)
    if tracker.get_slot("dr_correcting"):
        return {"text": texts.WHAT_NEEDS_CHANGING, "buttons": dr.correction_buttons(facts)}
    return {"text": dr.read_back(facts), "buttons": [dict(button) for button in texts.CONFIRM_BUTTONS]}


for _fact, _slot in DR_SLOTS.items():
    globals()[f"AskDr_{_slot}"] = ask_action(_slot, lambda tracker, fact=_fact: dr.question(fact, dr_facts(tracker)))
AskDrConfirmed = ask_action(CONFIRMED_SLOT, _read_back)


class ActionRequestDr(Action):
    def name(self) -> Text:
        return "action_request_dr"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        facts = dr_facts(tracker)
        if not tracker.get_slot(CONFIRMED_SLOT) or dr.next_question(facts):
            if not gave_up(tracker, "dr"):
                dispatcher.utter_message(text=texts.NOT_SENT)
            return CLEAR
        try:
            with session_scope() as session:
                request = request_disagreement_resolution(
                    session,
                    conversation_id=tracker.sender_id,
                    channel=channel_of(tracker),
                    local_authority=str(facts["local_authority"]),
                    other_party=str(facts["other_party"]),
                    disagreement=str(facts["disagreement"]),
                    contact_preference=str(facts["contact_preference"]),
                    contact_details=facts.get("contact_details"),
                    requester_name=str(facts["requester_name"]),
                )
                reference = request.id[:8].upper()
        except ValueError as problem:
            dispatcher.utter_message(text=texts.problem_then_a_person_can_help(problem))
            return CLEAR
        except Exception:  # noqa: BLE001 - not committed: never say it was sent
            log.exception("DR request: could not record it for %s", tracker.sender_id)
            dispatcher.utter_message(text=texts.SORRY_NOT_SAVED)
            return CLEAR
        party = PARTY_WORDS[str(facts["other_party"])]
        dispatcher.utter_message(text=texts.dr_request_recorded(reference, party, str(facts["contact_preference"])))
        return CLEAR
