"""Actions called as Rasa's action server calls them: a Tracker in, what the person is
shown (the CollectingDispatcher's messages) and the events out, as RasaHQ's
financial-demo tests its actions. No model and no server: the action alone."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import hours
from actions.fallback import ActionDefaultAskAffirmation, ActionLongMessage
from actions.front_door import GIVE_UP, ActionExplainRoutes
from actions.hours import ActionStaffedHours
from actions.local_help import ActionLocalHelp
from actions.requests import ActionRequestDr
from actions.route_check import AskAge, AskDecisionDate, AskRole
from bot.handoff.hours import describe_next_open, staffed_status
from bot.redress import ABOUT_VALUES

LONDON = ZoneInfo("Europe/London")
MONDAY_10AM = dt.datetime(2026, 6, 1, 10, 0, tzinfo=LONDON)
SATURDAY_NOON = dt.datetime(2026, 6, 6, 12, 0, tzinfo=LONDON)


def tracker(text: str = "", slots: Optional[Dict[str, Any]] = None, intent_ranking: Optional[List[dict]] = None,
            entities: Optional[List[dict]] = None, active_loop: Optional[str] = None) -> Tracker:
    latest = {"text": text, "intent": (intent_ranking or [{}])[0], "intent_ranking": intent_ranking or [],
              "entities": entities or []}
    return Tracker("test-user", slots or {}, latest, [], False, None, {"name": active_loop} if active_loop else {},
                   "action_listen")


def run(action, current: Tracker):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, current, {})
    return dispatcher.messages, events


def slot_events(events) -> Dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


# --- staffed hours ------------------------------------------------------------------
def test_in_staffed_hours_the_person_is_told_the_line_is_open_until_it_closes(monkeypatch):
    monkeypatch.setattr(hours, "staffed_status", lambda: staffed_status(now=MONDAY_10AM))
    messages, events = run(ActionStaffedHours(), tracker("when can I talk to someone"))
    assert [(m["response"], m["closes"]) for m in messages] == [("utter_staffed_now", "5pm")]
    assert events == []


def test_out_of_hours_the_person_is_told_when_the_line_next_opens(monkeypatch):
    monkeypatch.setattr(hours, "staffed_status", lambda: staffed_status(now=SATURDAY_NOON))
    monkeypatch.setattr(hours, "describe_next_open", lambda status: describe_next_open(status, now=SATURDAY_NOON))
    messages, _ = run(ActionStaffedHours(), tracker("when can I talk to someone"))
    assert [(m["response"], m["next_open"]) for m in messages] == [("utter_staffed_later", "on Monday 8 June 2026 at 9am")]


# --- the fallback: never guess -------------------------------------------------------
def test_an_unclear_message_offers_the_likely_questions_and_a_person():
    ranking = [{"name": "nlu_fallback", "confidence": 0.9}, {"name": "ask_staffed_hours", "confidence": 0.3},
               {"name": "request_mediation", "confidence": 0.2}]
    messages, events = run(ActionDefaultAskAffirmation(),
                           tracker("I am not sure what to do about the meeting with the school", intent_ranking=ranking))
    [message] = messages
    assert message["text"] == "I'm not sure I understood. Did you mean one of these?"
    assert [button["title"] for button in message["buttons"]] == [
        "When can I talk to a person?", "I'd like mediation", "Something else", "Talk to a person"]
    assert message["buttons"][-1]["payload"] == "/request_human"
    assert events == []


def test_a_very_long_message_is_answered_with_one_question_at_a_time_and_nothing_guessed():
    messages, events = run(ActionLongMessage(), tracker("word " * 600))
    assert len(messages) == 1 and "one question at a time" in messages[0]["text"]
    assert [(event["event"], event["name"]) for event in events] == [("followup", "action_listen")]


# --- local help ----------------------------------------------------------------------
def test_naming_a_council_gives_its_local_help_and_remembers_the_council():
    messages, events = run(ActionLocalHelp(), tracker("Kent", entities=[{"entity": "local_authority", "value": "Kent"}]))
    assert messages[0]["text"] == "Kent is one of the 16 South East councils this service covers."
    assert len(messages) >= 2
    assert slot_events(events) == {"local_authority": "Kent", "local_authority_attempts": None}


def test_local_help_asked_from_the_fallback_ends_the_fallback():
    _, events = run(ActionLocalHelp(), tracker("Kent", entities=[{"entity": "local_authority", "value": "Kent"}],
                                               active_loop="action_two_stage_fallback"))
    assert {"event": "active_loop", "name": None} in [{k: e.get(k) for k in ("event", "name")} for e in events]


# --- the front door --------------------------------------------------------------------
def test_routes_for_what_the_disagreement_is_about_then_an_offer_to_check_dates():
    about = sorted(ABOUT_VALUES)[0]
    messages, events = run(ActionExplainRoutes(), tracker(slots={"disagreement_about": about}))
    assert len(messages) >= 2
    assert messages[-1]["text"] == "I can also work out your dates: just say 'check my dates'."
    assert slot_events(events) == {"disagreement_about": None, "route_finder_attempts": None, "rc_about": about}


def test_when_no_route_could_be_worked_out_a_person_is_offered_not_a_guess():
    messages, events = run(ActionExplainRoutes(), tracker(slots={"disagreement_about": None}))
    assert [m["text"] for m in messages] == [GIVE_UP]
    assert "rc_about" not in slot_events(events)


# --- the route check's questions ------------------------------------------------------
def test_the_route_check_starts_by_asking_who_is_asking_with_a_button_for_each():
    [message], _ = run(AskRole(), tracker())
    assert message["text"].startswith("I can check which routes are open to you")
    assert [button["title"] for button in message["buttons"]] == ["Parent or carer", "Young person", "Professional"]


def test_the_age_question_is_worded_for_who_is_asking():
    asked = {role: run(AskAge(), tracker(slots={"person_role": role}))[0][0]["text"]
             for role in ("young_person", "parent", "professional")}
    assert asked == {"young_person": "How old are you?", "parent": "How old is your child?",
                     "professional": "How old is the child or young person?"}


def test_for_discrimination_the_date_asked_is_when_it_happened_not_a_letter():
    [letter], _ = run(AskDecisionDate(), tracker(slots={"rc_about": "plan_content"}))
    [happened], _ = run(AskDecisionDate(), tracker(slots={"rc_about": "disability_discrimination"}))
    assert "decision letter" in letter["text"] and happened["text"].startswith("When did it happen?")


# --- the DR request ---------------------------------------------------------------------
def test_a_dr_request_not_confirmed_is_not_sent_and_the_person_is_told_so():
    messages, events = run(ActionRequestDr(), tracker(slots={"dr_other_party": "school"}))
    assert [m["text"] for m in messages] == [
        "I haven't sent a request. A person from our team can help: just say 'talk to a person'."]
    assert slot_events(events)["dr_other_party"] is None
