"""Talking to a person: recognise the request, acknowledge it, say when someone is there.

``request_escalation`` is the one place where a conversation is handed to a person.
The handoff issue fills it in (create the escalation, notify the team, live
takeover); every caller (this action, safeguarding) already goes through it.
"""
import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.hours import ActionStaffedHours

logger = logging.getLogger(__name__)


def request_escalation(tracker: Tracker, reason: Text, urgent: bool = False) -> List[EventType]:
    """Ask for a person to take over this conversation. THE single escalation point.

    For now it records the request: a log line for the team and the `handoff_reason`
    slot, which the console and the tracker show. The handoff issue replaces the body
    with the real escalation (and keeps the signature).
    """
    logger.warning("escalation requested: conversation=%s reason=%s urgent=%s", tracker.sender_id, reason, urgent)
    return [SlotSet("handoff_reason", f"{reason} (urgent)" if urgent else reason)]


class ActionRequestHuman(Action):
    def name(self) -> Text:
        return "action_request_human"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_request_human")
        # When a mediator is available: the staffed-hours answer, reused as it is.
        events = ActionStaffedHours().run(dispatcher, tracker, domain)
        return events + request_escalation(tracker, "asked for a person")
