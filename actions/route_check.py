"""The route check: which routes are open and every date, asked one question at a time.

The reading of answers, the questions needed and the summary are plain Python in
bot/redress/conversation.py; this module maps them onto Rasa's form:
- route_check_form's slots hold the facts (person_role, rc_*), filled only by
  validate_route_check_form, which reads every message for any fact said plainly,
  so volunteered facts are not asked again and any answer can be corrected midway;
- the form runs on the one form engine (bot/dialogue/forms.py through actions/answer_forms.py),
  like mediation advice and the requests;
- the questions are action_ask_<slot>, the read-back is action_ask_rc_confirmed;
- action_route_check_summary says what fits and each date in full.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_forms import FormValidation, gave_up
from bot.dialogue.dates import read_date
from bot.redress import check_routes, texts
from bot.redress.conversation import (
    FACT_LABELS,
    NO_CERTIFICATE,
    OUTSIDE_ENGLAND,
    SITUATION_INTENTS,
    UNKNOWN_COUNCIL,
    RouteCheckForm,
    next_question,
    questions_needed,
    read_answer,
    read_back,
    situation_from_facts,
    summary_messages,
)
from bot.redress.front_door import CHOICES
from bot.redress.service_area import service_area
from bot.redress.situation import InvalidSituation

FORM = "route_check_form"
FACT_SLOTS = {
    "role": "person_role",
    "about": "rc_about",
    "local_authority": "rc_local_authority",
    "age": "rc_age",
    "finished_year_11": "rc_finished_year_11",
    "can_decide": "rc_can_decide",
    "nation": "rc_nation",
    "decision_date": "rc_decision_date",
    "certificate_date": "rc_certificate_date",
}
SLOT_FACTS = {slot: fact for fact, slot in FACT_SLOTS.items()}
CONFIRMED_SLOT = "rc_confirmed"
# Questions about the route check itself, asked while it is running: it carries on.
OWN_QUESTIONS = {"check_routes", "follow_up", "start_appeal"}


def facts_from_tracker(tracker: Tracker) -> Dict[str, object]:
    facts: Dict[str, object] = {}
    for fact, slot in FACT_SLOTS.items():
        value = tracker.get_slot(slot)
        if value is None:
            continue
        if fact == "age":
            value = int(value)
        elif fact in ("decision_date", "certificate_date") and value != NO_CERTIFICATE:
            value = dt.date.fromisoformat(str(value))
        facts[fact] = value
    return facts


def _slot_value(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return float(value)
    return value


def _next_slot(facts: Dict[str, object], confirmed: bool) -> Optional[str]:
    fact = next_question(facts)
    if fact:
        return FACT_SLOTS[fact]
    return None if confirmed else CONFIRMED_SLOT


EARLIER_MESSAGES = 3


def _earlier_messages(tracker: Tracker) -> List[tuple]:
    """(text, intent, situation) of up to EARLIER_MESSAGES user messages before the latest,
    newest first, in this session. Only facts not known yet are taken from them."""
    found: List[tuple] = []
    for event in reversed(tracker.events or []):
        if event.get("event") == "action" and event.get("name") == "action_session_start":
            break
        if event.get("event") == "user" and event.get("text"):
            parse = event.get("parse_data") or {}
            if (parse.get("intent") or {}).get("name") == "safeguarding_risk":
                continue
            found.append((event["text"], (parse.get("intent") or {}).get("name"), parse.get("situation")))
            if len(found) > EARLIER_MESSAGES:
                break
    return found[1:]  # the first found is the latest message itself


class ValidateRouteCheckForm(FormValidation):
    """The route check on the one form engine (bot.dialogue.forms, actions/answer_forms.py)."""

    form = FORM
    slots = {**FACT_SLOTS, "goal": "appeal_goal"}
    confirmed_slot = CONFIRMED_SLOT
    prefix = "rc"
    read_first_message = True

    def name(self) -> Text:
        return "validate_route_check_form"

    def facts(self, tracker: Tracker) -> Dict[str, object]:
        return facts_from_tracker(tracker)

    def to_slot(self, fact: str, value: object) -> object:
        return _slot_value(value)

    def spec(self, tracker: Tracker) -> RouteCheckForm:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        starting = tracker.active_loop.get("name") != FORM or tracker.get_slot("requested_slot") is None
        earlier = (
            [
                (text, situation, earlier_intent in SITUATION_INTENTS)
                for text, earlier_intent, situation in _earlier_messages(tracker)
            ]
            if starting
            else []
        )
        return RouteCheckForm(
            situation=tracker.latest_message.get("situation"),
            describes_situation=intent in SITUATION_INTENTS,
            earlier=earlier,
            goal=tracker.get_slot("appeal_goal"),
            intent=intent,
        )

    def before(self, dispatcher, tracker, asking, facts):
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if asking and intent in OWN_QUESTIONS:
            reading = read_answer(
                tracker.latest_message.get("text") or "",
                asking,
                facts,
                situation=tracker.latest_message.get("situation"),
                describes_situation=intent in SITUATION_INTENTS,
            )
            has_date = read_date(tracker.latest_message.get("text"), dt.date.today()) is not None
            if not reading.updates and reading.confirmed is None and not has_date:
                # "So what's my date?" in the middle of the check: the answer is the check itself.
                dispatcher.utter_message(text=texts.DATES_AFTER_THIS)
                return [SlotSet("requested_slot", _next_slot(facts, bool(tracker.get_slot(CONFIRMED_SLOT))))]
        return None


class AskRouteCheckQuestion(Action, ABC):
    """Base of the form's questions: each asks for one fact, worded for the person.
    (Abstract, so rasa_sdk registers only the questions.)"""

    slot: Text = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        self.ask(dispatcher, facts_from_tracker(tracker), tracker)
        return []

    @abstractmethod
    def ask(self, dispatcher: CollectingDispatcher, facts: Dict[str, object], tracker: Tracker) -> None:
        """Say the question."""


class AskRole(AskRouteCheckQuestion):
    slot = "person_role"

    def ask(self, dispatcher, facts, tracker):
        dispatcher.utter_message(text=texts.ASK_ROLE, buttons=[dict(button) for button in texts.ROLE_BUTTONS])


class AskAbout(AskRouteCheckQuestion):
    slot = "rc_about"

    def ask(self, dispatcher, facts, tracker):
        dispatcher.utter_message(
            text=texts.ASK_ABOUT, buttons=[{"title": title, "payload": text} for title, text in CHOICES]
        )


class AskCouncil(AskRouteCheckQuestion):
    slot = "rc_local_authority"

    def ask(self, dispatcher, facts, tracker):
        dispatcher.utter_message(text=texts.ASK_COUNCIL)


class AskAge(AskRouteCheckQuestion):
    slot = "rc_age"

    def ask(self, dispatcher, facts, tracker):
        question = texts.ASK_AGE.get(str(facts.get("role")), texts.ASK_AGE_OTHERWISE)
        dispatcher.utter_message(text=question)


class AskFinishedYear11(AskRouteCheckQuestion):
    slot = "rc_finished_year_11"

    def ask(self, dispatcher, facts, tracker):
        dispatcher.utter_message(text=texts.ASK_FINISHED_YEAR_11, buttons=[dict(b) for b in texts.YES_NO_NOT_SURE])


class AskCanDecide(AskRouteCheckQuestion):
    slot = "rc_can_decide"

    def ask(self, dispatcher, facts, tracker):
        dispatcher.utter_message(text=texts.ASK_CAN_DECIDE, buttons=[dict(b) for b in texts.YES_NO_NOT_SURE])


class AskDecisionDate(AskRouteCheckQuestion):
    slot = "rc_decision_date"

    def ask(self, dispatcher, facts, tracker):
        if facts.get("about") == "school_exclusion":
            dispatcher.utter_message(text=texts.ASK_EXCLUSION_DATE)
        elif facts.get("about") == "disability_discrimination":
            dispatcher.utter_message(text=texts.ASK_WHEN_IT_HAPPENED)
        else:
            dispatcher.utter_message(text=texts.ASK_DECISION_DATE)


class AskCertificateDate(AskRouteCheckQuestion):
    slot = "rc_certificate_date"

    def ask(self, dispatcher, facts, tracker):
        dispatcher.utter_message(text=texts.ASK_CERTIFICATE_DATE, buttons=[dict(texts.NO_CERTIFICATE_BUTTON)])


class AskConfirmed(AskRouteCheckQuestion):
    """The read-back; after a "no", which fact to change."""

    slot = CONFIRMED_SLOT

    def ask(self, dispatcher, facts, tracker):
        if tracker.get_slot("rc_correcting"):
            dispatcher.utter_message(
                text=texts.WHAT_NEEDS_CHANGING,
                buttons=[
                    {"title": FACT_LABELS[fact].capitalize(), "payload": f"change {FACT_LABELS[fact]}"}
                    for fact in questions_needed(facts)
                ],
            )
            return
        dispatcher.utter_message(
            text=read_back(facts) + texts.IS_THAT_RIGHT, buttons=[dict(button) for button in texts.CONFIRM_BUTTONS]
        )


class ActionRouteCheckSummary(Action):
    def name(self) -> Text:
        return "action_route_check_summary"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        facts = facts_from_tracker(tracker)
        done = [SlotSet(CONFIRMED_SLOT, None), SlotSet("rc_correcting", None), SlotSet("rc_attempts", None)]
        if gave_up(tracker, "rc"):
            return done + [SlotSet("appeal_goal", None)]  # the form has said why it stopped
        if facts.get("local_authority") == OUTSIDE_ENGLAND:
            # The form said where to go instead (brief section 8): no routes, no certificate.
            return done + [SlotSet("appeal_goal", None)]
        if next_question(facts) or not tracker.get_slot(CONFIRMED_SLOT):
            dispatcher.utter_message(text=texts.COULD_NOT_FINISH)
            return done
        if tracker.get_slot("appeal_goal"):
            # The person wants to appeal or to have mediation: the mediation advice
            # (actions/mediation_advice.py) carries on from these facts instead.
            return done + [FollowupAction("action_mediation_information")]
        try:
            result = check_routes(situation_from_facts(facts))
        except InvalidSituation as problem:
            dispatcher.utter_message(text=texts.problem_then_start_again(problem))
            return done
        council = facts.get("local_authority")
        if council not in (None, OUTSIDE_ENGLAND, UNKNOWN_COUNCIL) and result.in_scope:
            area = service_area(str(council))
            if area.message:
                dispatcher.utter_message(text=area.message)
        for text in summary_messages(result):
            dispatcher.utter_message(text=text)
        dispatcher.utter_message(text=texts.ASK_ABOUT_ANY)
        # The facts stay, so asking again goes straight to the read-back and later steps
        # (mediation advice, a certificate) do not ask them again.
        events = done
        if council not in (None, OUTSIDE_ENGLAND, UNKNOWN_COUNCIL):
            events.append(SlotSet("local_authority", council))
        return events


__all__ = ["ValidateRouteCheckForm", "ActionRouteCheckSummary", "facts_from_tracker", "NO_CERTIFICATE"]
