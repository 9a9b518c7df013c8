"""Follow-ups that lean on the answer before: "and how long does that take?", "so what's my date?".

The topic of each answer is kept in `last_topic` (set on every message by
actions/input_guard.py); bot.knowledge.follow_ups picks the answer for the topic and what
is asked, or the person's own dates from the route check. When neither is clear the
assistant says so and offers the likely questions, never a guess.
"""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from bot.knowledge import texts
from bot.knowledge.follow_ups import ROUTE_CHECK, answer_for, follow_up_kind
from bot.knowledge.questions import likely_questions


class ActionFollowUp(Action):
    def name(self) -> Text:
        return "action_follow_up"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        message = tracker.latest_message or {}
        topic = tracker.get_slot("last_topic")
        kind = follow_up_kind(message.get("text"))
        answer = answer_for(topic, kind, has_route_facts=tracker.get_slot("rc_decision_date") is not None)
        if answer == ROUTE_CHECK:
            # Known facts are not asked again: the form goes straight to what is missing, or the read-back.
            return [FollowupAction("route_check_form")]
        if answer:
            dispatcher.utter_message(response=f"utter_{answer}")
            return []
        selector = (message.get("response_selector") or {}).get("default") or {}
        choices = likely_questions(message.get("intent_ranking") or [], selector.get("ranking") or [])
        dispatcher.utter_message(
            text=texts.WHICH_PART,
            buttons=[{"title": t, "payload": p} for t, p in choices] + [dict(texts.PERSON_BUTTON)],
        )
        return []
