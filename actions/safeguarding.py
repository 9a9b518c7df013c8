"""Safeguarding: stop the flow, give the emergency and helpline numbers, escalate.

Runs for the `safeguarding_risk` intent at any point, including in the middle of a
form (see data/rules/safeguarding.yml), and as a follow-up when the word-level safety
net catches what the model missed (actions/input_guard.py and data/rules/input_guard.yml;
the form validators mid-form; the fallback when the model's best guess was safeguarding).
"""
from abc import abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.handoff import request_escalation
from bot.knowledge.local_help import childrens_social_care_phone
from bot.knowledge.safeguarding import looks_like_risk, safeguarding_messages

ACTION_NAME = "action_escalate_safeguarding"


def stop_for_safeguarding() -> List[EventType]:
    """Events that run the safeguarding action next (it ends any form itself)."""
    return [FollowupAction(ACTION_NAME)]


class SafeguardedFormValidation(FormValidationAction):
    """Base of every form's validation: in the middle of a form the form runs before any
    rule, so the risk words are checked here, before the answer is read."""

    @abstractmethod
    def name(self) -> Text:
        """Each form's own `validate_<form>` name (abstract, so rasa_sdk does not register this)."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        if looks_like_risk(tracker.latest_message.get("text")):
            return stop_for_safeguarding()
        return await super().run(dispatcher, tracker, domain)


class ActionEscalateSafeguarding(Action):
    def name(self) -> Text:
        return ACTION_NAME

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        council = tracker.get_slot("local_authority")
        for text in safeguarding_messages(council, childrens_social_care_phone(council)):
            dispatcher.utter_message(text=text)
        # Stop whatever was going on: no form carries on, and nothing else is said
        # after this, whatever the person's message was classified as.
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + request_escalation(
            tracker, "safeguarding", urgent=True
        ) + [FollowupAction("action_listen")]
