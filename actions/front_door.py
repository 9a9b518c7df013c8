"""The single front door: ask what the disagreement is about, then say which routes fit."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.safeguarding import SafeguardedFormValidation
from bot.knowledge.plan_sections import section_messages
from bot.redress import ABOUT_VALUES, texts
from bot.redress.conversation import about_from_text
from bot.redress.front_door import CHOICES, QUESTION, RETRY, route_messages

GIVE_UP = (
    "I couldn't work out which route fits, and I don't want to guess. "
    "A person from our team can talk it through with you: just say 'talk to a person'."
)


class ActionAskDisagreementAbout(Action):
    """The form's question, with the choices as buttons for channels that show them."""

    def name(self) -> Text:
        return "action_ask_disagreement_about"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=QUESTION, buttons=[{"title": title, "payload": text} for title, text in CHOICES])
        return []


class ValidateRouteFinderForm(SafeguardedFormValidation):
    def name(self) -> Text:
        return "validate_route_finder_form"

    def validate_disagreement_about(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        # What it is about: the NLU model's reading of the answer (bot.redress.conversation.about_from_text).
        about = (
            value
            if value in ABOUT_VALUES
            else about_from_text(str(value) if value else None, tracker.latest_message.get("situation"), answering=True)
        )
        if about:
            return {"disagreement_about": about, "route_finder_attempts": None}
        attempts = (tracker.get_slot("route_finder_attempts") or 0) + 1
        if attempts >= 2:
            # Stop asking; action_explain_routes offers a person instead.
            return {"disagreement_about": None, "route_finder_attempts": None, "requested_slot": None}
        dispatcher.utter_message(text=RETRY)
        return {"disagreement_about": None, "route_finder_attempts": attempts}


class ActionExplainRoutes(Action):
    def name(self) -> Text:
        return "action_explain_routes"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        about = tracker.get_slot("disagreement_about")
        if about not in ABOUT_VALUES:
            dispatcher.utter_message(text=GIVE_UP)
        else:
            for text in route_messages(about, tracker.get_slot("local_authority")):
                dispatcher.utter_message(text=text)
            dispatcher.utter_message(text=texts.OFFER_TO_CHECK_DATES)
        # Forget the answer, so the next "help me choose" asks again; the route check
        # keeps it, so it does not ask what the disagreement is about.
        events = [SlotSet("disagreement_about", None), SlotSet("route_finder_attempts", None)]
        return events + ([SlotSet("rc_about", about)] if about in ABOUT_VALUES else [])


class ActionExplainSection(Action):
    def name(self) -> Text:
        return "action_explain_section"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        sections = [
            e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == "ehc_section"
        ]
        for text in section_messages(sections[0] if sections else None):
            dispatcher.utter_message(text=text)
        return []
