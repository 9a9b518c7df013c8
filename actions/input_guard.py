"""Checks every message before any policy predicts, whatever the model thought of it.

Rasa runs `action_validate_slot_mappings` at the end of `action_extract_slots`, after
each user message and before the policies. It may only set slots, so it sets
`message_check`, and the rules in data/rules/input_guard.yml (any intent + that slot,
which outrank the plain intent rules) act on it:

- "risk": risk words (bot.safeguarding.words.looks_like_risk, misspellings
  allowed) or the safeguarding intent -> action_escalate_safeguarding, even if the
  model heard a FAQ or was unsure;
- "too_long": over 2,000 characters (bot.knowledge.input_checks) ->
  action_long_message, asking for one question at a time;
- "form": a form is asking and the message is the form's to read, whatever intent it
  was given ("stop", "go back", a change of mind, "phone" to "what is your name?",
  "not sure"; bot.dialogue.forms.owns) -> the form runs first, before any intent rule.

In the middle of a form the form runs first; its validator checks the words too.
"""

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Tracker, ValidationAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.mediation_advice import ValidateMediationAdviceForm
from actions.requests import ValidateDrRequestForm
from actions.route_check import ValidateRouteCheckForm
from bot.knowledge.follow_ups import topic_of
from bot.knowledge.input_checks import classify_input
from bot.safeguarding import looks_like_risk


def message_check(text: Optional[Text], intent: Optional[Text]) -> Optional[Text]:
    """'risk', 'too_long' or None. Risk always wins: a long message can hide a disclosure."""
    if intent == "safeguarding_risk" or looks_like_risk(text):
        return "risk"
    if classify_input(text) == "too_long":
        return "too_long"
    return None


class ActionValidateSlotMappings(ValidationAction):
    def __init__(self) -> None:
        super().__init__()
        self._global_slots: Tuple[Optional[DomainDict], List[Text]] = (None, [])

    def name(self) -> Text:
        return "action_validate_slot_mappings"

    def global_slots(self, domain: DomainDict) -> List[Text]:
        """rasa_sdk's list of slots without a form condition, worked out once per request:
        rasa_sdk asks for it again for every slot it extracts, each time going through every
        slot of the domain (about 2,400 checks a message; bench/profile_form_turns.py)."""
        cached_for, slots = self._global_slots
        if cached_for is not domain:  # each request brings its own domain dict
            slots = super().global_slots(domain)
            self._global_slots = (domain, slots)
        return slots

    async def extract_last_topic(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """The topic of what is being asked now, kept for follow-ups (actions/follow_up.py)."""
        message = tracker.latest_message
        intent = (message.get("intent") or {}).get("name")
        key = None
        if intent and intent.startswith("faq_"):
            selected = ((message.get("response_selector") or {}).get("default") or {}).get("response") or {}
            key = selected.get("intent_response_key")
        topic = topic_of(intent, key)
        return {"last_topic": topic} if topic else {}

    async def extract_message_check(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        message = tracker.latest_message
        check = message_check(message.get("text"), (message.get("intent") or {}).get("name"))
        if check is None and form_owns_message(tracker):
            check = "form"
        return {"message_check": check}


FORMS = {
    validation.form: validation
    for validation in (ValidateRouteCheckForm(), ValidateMediationAdviceForm(), ValidateDrRequestForm())
}


def form_owns_message(tracker: Tracker) -> bool:
    validation = FORMS.get((tracker.active_loop or {}).get("name") or "")
    try:
        return bool(validation and validation.owns_message(tracker))
    except Exception:  # noqa: BLE001 - a reading error must never stop a message being answered
        return False
