"""Local help: the person's council, its SENDIASS, or who covers them if we do not."""

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.safeguarding import SafeguardedFormValidation
from bot.knowledge.local_help import find_council_in_text, local_help_messages

ASK_AGAIN = "Sorry, I didn't recognise that council. Which council area do you live in? For example, Kent or Surrey."


def _council_from_latest_message(tracker: Tracker) -> Optional[Text]:
    for entity in tracker.latest_message.get("entities", []):
        if entity.get("entity") == "local_authority":
            return find_council_in_text(entity.get("value")) or entity.get("value")
    return find_council_in_text(tracker.latest_message.get("text"))


class ActionLocalHelp(Action):
    def name(self) -> Text:
        return "action_local_help"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        council = _council_from_latest_message(tracker) or tracker.get_slot("local_authority")
        for text in local_help_messages(council):
            dispatcher.utter_message(text=text)
        recognised = find_council_in_text(council) if council else None
        events = [SlotSet("local_authority", recognised), SlotSet("local_authority_attempts", None)]
        if tracker.active_loop_name == "action_two_stage_fallback":
            # Run from the fallback (a bare council name): the question is answered.
            events.append(ActiveLoop(None))
        return events


class ValidateLocalAuthorityForm(SafeguardedFormValidation):
    def name(self) -> Text:
        return "validate_local_authority_form"

    def validate_local_authority(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        council = find_council_in_text(str(value)) if value else None
        if council:
            return {"local_authority": council, "local_authority_attempts": None}
        attempts = (tracker.get_slot("local_authority_attempts") or 0) + 1
        if attempts >= 2:
            # Stop asking: action_local_help explains how to find the right service.
            return {"local_authority": str(value), "local_authority_attempts": None}
        dispatcher.utter_message(text=ASK_AGAIN)
        return {"local_authority": None, "local_authority_attempts": attempts}
