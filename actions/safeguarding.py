"""Safeguarding: stop the flow, give the right numbers, say honestly who is available, escalate.

Runs for the `safeguarding_risk` intent at any point, including in the middle of a form.
The detector (bot.nlp.components.SafeguardingDetector) sets that intent on every message
it flags, on every channel, and adds `safeguarding: {category, score, by}` to the parse;
the word patterns are checked again here and in the form validators as a net under it.
After the reply the person can carry on where they were (the form resumes at the question
it was on: `action_resume_after_safeguarding`) or stop. Nothing said in the disclosure is
stored as a form answer (the slot mappings exclude `safeguarding_risk`).
"""

from abc import abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.handoff import request_escalation
from bot.dialogue.feelings import ACKNOWLEDGEMENT, sounds_distressed
from bot.handoff.hours import describe_next_open, staffed_status
from bot.knowledge.local_help import childrens_social_care_phone
from bot.safeguarding import (
    mentions_overdose,
    safeguarding_messages,
    texts,
    word_category,
    writer_is_professional,
    writer_is_young_person,
)

ACTION_NAME = "action_escalate_safeguarding"
RESUME_SLOT = "resume_form"
CARRY_ON_PAYLOAD = "/carry_on"
STOP_PAYLOAD = "/goodbye"


def stop_for_safeguarding() -> List[EventType]:
    """Events that run the safeguarding action next (it ends any form itself)."""
    return [FollowupAction(ACTION_NAME)]


def is_disclosure(tracker: Tracker) -> bool:
    """The latest message was flagged by the detector, or has risk words (the net under it)."""
    message = tracker.latest_message or {}
    return (message.get("intent") or {}).get("name") == "safeguarding_risk" or word_category(
        message.get("text")
    ) is not None


class SafeguardedFormValidation(FormValidationAction):
    """Base of every form's validation: in the middle of a form the form runs before any
    rule, so a disclosure is caught here, before the answer is read."""

    @abstractmethod
    def name(self) -> Text:
        """Each form's own `validate_<form>` name (abstract, so rasa_sdk does not register this)."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        if is_disclosure(tracker):
            return stop_for_safeguarding()
        acknowledge_distress(dispatcher, tracker)
        return await super().run(dispatcher, tracker, domain)


def acknowledge_distress(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """A stressed or upset answer is acknowledged, once, before the form's next question."""
    if sounds_distressed((tracker.latest_message or {}).get("text")) and not _acknowledged(tracker):
        dispatcher.utter_message(text=ACKNOWLEDGEMENT)


def _acknowledged(tracker: Tracker) -> bool:
    """This message was acknowledged already (a form can validate one message twice)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot" and event.get("text") == ACKNOWLEDGEMENT:
            return True
    return False


def disclosure_category(tracker: Tracker) -> Text:
    message = tracker.latest_message or {}
    found = (message.get("safeguarding") or {}).get("category")
    return found or word_category(message.get("text")) or "risk_to_life"


def interrupted_form(tracker: Tracker) -> Optional[Text]:
    """The form the person was in when they told us, if any (to resume it later)."""
    loop = tracker.active_loop_name
    if loop and loop != "action_two_stage_fallback":
        return loop
    return None


class ActionEscalateSafeguarding(Action):
    def name(self) -> Text:
        return ACTION_NAME

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        council = tracker.get_slot("local_authority") or tracker.get_slot("rc_local_authority")
        text = (tracker.latest_message or {}).get("text")
        category = disclosure_category(tracker)
        role = tracker.get_slot("person_role")
        professional = writer_is_professional(text, role)
        status = staffed_status()
        for message in safeguarding_messages(
            category,
            professional,
            council,
            childrens_social_care_phone(council),
            staffed_now=status.open_now,
            next_open=describe_next_open(status),
            young_person=not professional and writer_is_young_person(text, role),
            overdose=mentions_overdose(text),
        ):
            dispatcher.utter_message(text=message)
        form = interrupted_form(tracker) or tracker.get_slot(RESUME_SLOT)
        if form:
            dispatcher.utter_message(
                text=texts.CARRY_ON_OR_STOP,
                buttons=[
                    {"title": texts.CARRY_ON_BUTTON, "payload": CARRY_ON_PAYLOAD},
                    {"title": texts.STOP_BUTTON, "payload": STOP_PAYLOAD},
                ],
            )
        # Stop whatever was going on: no form carries on until the person chooses to, and
        # nothing else is said after this, whatever the message was classified as.
        return (
            [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet(RESUME_SLOT, form)]
            + request_escalation(tracker, "safeguarding", urgent=True, category=category)
            + [FollowupAction("action_listen")]
        )


class ActionResumeAfterSafeguarding(Action):
    """'Carry on where we were': the interrupted form starts again at the question it was on."""

    def name(self) -> Text:
        return "action_resume_after_safeguarding"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        form = tracker.get_slot(RESUME_SLOT)
        if not form:
            dispatcher.utter_message(text=texts.WHAT_TO_ASK)
            return []
        dispatcher.utter_message(text=texts.CARRYING_ON)
        return [SlotSet(RESUME_SLOT, None), FollowupAction(form)]
