"""Checks every message before any policy predicts, whatever the model thought of it.

Rasa runs `action_validate_slot_mappings` at the end of `action_extract_slots`, after
each user message and before the policies. A `FollowupAction` returned here runs next,
so two checks do not depend on the classifier:

- risk words (bot.knowledge.safeguarding.looks_like_risk, misspellings allowed): the
  safeguarding escalation runs even if the model heard a FAQ, was unsure, or a form
  was waiting for an answer;
- over 2,000 characters (bot.knowledge.input_checks): too long to answer safely in
  one go, so the person is asked for one question at a time.
"""
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker, ValidationAction
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.safeguarding import ACTION_NAME as SAFEGUARDING_ACTION
from bot.knowledge.input_checks import classify_input
from bot.knowledge.safeguarding import looks_like_risk


class ActionValidateSlotMappings(ValidationAction):
    def name(self) -> Text:
        return "action_validate_slot_mappings"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        events = await super().run(dispatcher, tracker, domain)
        text = tracker.latest_message.get("text")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        # The safeguarding intent already has its rule (data/rules/safeguarding.yml).
        if intent != "safeguarding_risk" and looks_like_risk(text):
            return events + [FollowupAction(SAFEGUARDING_ACTION)]
        if classify_input(text) == "too_long":
            return events + [FollowupAction("action_long_message")]
        return events
