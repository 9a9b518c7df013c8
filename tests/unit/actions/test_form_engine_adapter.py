"""The Rasa side of the one form engine (actions/answer_forms.py): what each validation
sets, and the input guard sending a form's own words to the form whatever the intent."""
from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any, Dict, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.input_guard import ActionValidateSlotMappings
from actions.mediation_advice import ActionMediationInformation, ValidateMediationAdviceForm
from actions.requests import ValidateDrRequestForm
from actions.route_check import ActionRouteCheckSummary, ValidateRouteCheckForm

LETTER = (dt.date.today() - dt.timedelta(days=20)).isoformat()
ROUTE = {"person_role": "parent", "rc_about": "refusal_to_assess", "rc_local_authority": "Kent", "rc_age": 9.0,
         "rc_decision_date": LETTER, "rc_certificate_date": "none"}


def tracker(text: str, slots: Dict[str, Any], form: Optional[str], intent: str = "nlu_fallback",
            message_id: str = "m2") -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "intent_ranking": [], "entities": [],
              "message_id": message_id}
    return Tracker("adapter-user", slots, latest, [], False, None, {"name": form} if form else {}, "action_listen")


def validate(action, current: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, current, {}))
    said = " ".join(message.get("text") or "" for message in dispatcher.messages)
    return said, {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


def test_stop_at_the_mediation_read_back_clears_the_answers_and_ends_the_form():
    slots = {**ROUTE, "ma_choice": "not_pursuing", "ma_requester_name": "Jo Bloggs", "ma_child_name": "Sam Bloggs",
             "requested_slot": "ma_confirmed", "ma_last_read": "m1"}
    said, set_ = validate(ValidateMediationAdviceForm(), tracker("cancel this please", slots, "mediation_advice_form",
                                                                 intent="deny"))
    assert "I've stopped" in said
    assert set_["requested_slot"] is None and set_["ma_attempts"] >= 3  # the completing action says nothing more
    assert set_["ma_choice"] is None and set_["ma_requester_name"] is None and set_["ma_child_name"] is None
    assert "rc_local_authority" not in set_  # the route check's facts stay


def test_a_change_of_mind_at_the_issues_question_switches_to_the_certificate():
    slots = {**ROUTE, "ma_choice": "pursue", "requested_slot": "ma_issues", "ma_last_read": "m1"}
    text = "Actually no, I've changed my mind. I don't want mediation, just give me the certificate"
    validation = ValidateMediationAdviceForm()
    validation.on_answer = lambda dispatcher, tracker, fact, value: True  # the choice's record: tested elsewhere
    said, set_ = validate(validation, tracker(text, slots, "mediation_advice_form", intent="start_appeal"))
    assert set_["ma_choice"] == "not_pursuing" and "ma_issues" not in set_
    assert set_["requested_slot"] == "ma_requester_name"


def test_not_sure_about_health_care_is_stored_as_not_sure():
    slots = {**ROUTE, "ma_choice": "pursue", "ma_issues": "the council refused to assess",
             "requested_slot": "ma_health_care", "ma_last_read": "m1"}
    said, set_ = validate(ValidateMediationAdviceForm(), tracker("not sure", slots, "mediation_advice_form",
                                                                 intent="unsure_which_route"))
    assert set_["ma_health_care"] == "not_sure" and "ICB" in said and set_["requested_slot"] == "ma_icbs"


def test_the_letter_date_corrected_at_the_mediation_read_back_is_the_route_checks():
    slots = {**ROUTE, "ma_choice": "not_pursuing", "ma_requester_name": "Jo Bloggs", "ma_child_name": "Sam Bloggs",
             "requested_slot": "ma_confirmed", "ma_last_read": "m1"}
    new = dt.date.today() - dt.timedelta(days=25)
    said, set_ = validate(ValidateMediationAdviceForm(),
                          tracker(f"no, the letter was dated {new.day} {new.strftime('%B %Y')}", slots,
                                  "mediation_advice_form"))
    assert set_["rc_decision_date"] == new.isoformat() and set_["requested_slot"] == "ma_confirmed"


def test_the_route_check_takes_no_date_from_an_age_and_asks_for_the_date():
    slots = {k: v for k, v in ROUTE.items() if k not in ("rc_age", "rc_decision_date", "rc_certificate_date")}
    slots.update(requested_slot="rc_age", rc_last_read="m1")
    said, set_ = validate(ValidateRouteCheckForm(), tracker("she turned 4 in september", slots, "route_check_form"))
    assert set_["rc_age"] == 4.0 and "rc_decision_date" not in set_ and set_["requested_slot"] == "rc_decision_date"


def test_stop_in_the_route_check_then_the_summary_says_nothing_more():
    slots = {**ROUTE, "requested_slot": "rc_confirmed", "rc_last_read": "m1", "appeal_goal": "certificate"}
    said, set_ = validate(ValidateRouteCheckForm(), tracker("stop", slots, "route_check_form", intent="insult"))
    assert "I've stopped" in said and set_["requested_slot"] is None and set_["rc_local_authority"] is None
    after = {**slots, **set_}
    dispatcher = CollectingDispatcher()
    events = ActionRouteCheckSummary().run(dispatcher, tracker("stop", after, None), {})
    assert dispatcher.messages == []
    assert {"event": "slot", "name": "appeal_goal", "value": None, "timestamp": None} in events


def test_a_dr_request_name_that_is_a_channel_is_asked_again():
    slots = {"dr_other_party": "school", "dr_local_authority": "Kent", "dr_disagreement": "support at school",
             "requested_slot": "dr_requester_name", "dr_last_read": "m1"}
    said, set_ = validate(ValidateDrRequestForm(), tracker("by text", slots, "dr_request_form"))
    assert "dr_requester_name" not in set_ and "how to contact you" in said
    assert set_["requested_slot"] == "dr_requester_name"


def test_the_input_guard_sends_a_forms_own_words_to_the_form_whatever_the_intent():
    guard = ActionValidateSlotMappings()
    name_slots = {**ROUTE, "ma_choice": "not_pursuing", "requested_slot": "ma_requester_name"}
    for text, intent, expected in (("phone", "request_human", "form"), ("stop", "insult", "form"),
                                   ("I want to talk to a person", "request_human", None),
                                   ("what is mediation?", "faq_mediation", None)):
        current = tracker(text, name_slots, "mediation_advice_form", intent=intent)
        found = asyncio.run(guard.extract_message_check(CollectingDispatcher(), current, {}))
        assert found == {"message_check": expected}, text
    # No form: the guard leaves the message to the intent rules.
    found = asyncio.run(guard.extract_message_check(CollectingDispatcher(), tracker("stop", {}, None), {}))
    assert found == {"message_check": None}


def test_the_mediation_information_waits_for_the_person_when_it_ends_without_the_form():
    """No stray fallback after the information: every ending that starts no form waits."""
    slots = {**ROUTE, "rc_local_authority": "Cardiff", "appeal_goal": "certificate"}
    dispatcher = CollectingDispatcher()
    events = ActionMediationInformation().run(dispatcher, tracker("yes", slots, None), {})
    assert {"event": "followup", "name": "action_listen", "timestamp": None} in events


def test_a_future_letter_date_said_as_the_check_itself_is_refused_not_put_off():
    slots = {k: v for k, v in ROUTE.items() if k not in ("rc_decision_date", "rc_certificate_date")}
    slots.update(requested_slot="rc_decision_date", rc_last_read="m1")
    future = dt.date.today() + dt.timedelta(days=40)
    said, set_ = validate(ValidateRouteCheckForm(), tracker(f"the letter is dated {future.day} {future.strftime('%B %Y')}",
                                                            slots, "route_check_form", intent="check_routes"))
    assert "after today" in said and "rc_decision_date" not in set_
