"""Tells the person when they can talk to a person on the line."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.handoff.hours import describe_next_open, staffed_status


class ActionStaffedHours(Action):
    def name(self) -> Text:
        return "action_staffed_hours"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        status = staffed_status()
        if status.open_now:
            closes = status.closes_at.strftime("%-I:%M%p").lower().replace(":00", "")
            dispatcher.utter_message(response="utter_staffed_now", closes=closes)
        else:
            dispatcher.utter_message(response="utter_staffed_later", next_open=describe_next_open(status))
        return []
