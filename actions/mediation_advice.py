"""Mediation advice, the mediation certificate and the mediation request, in conversation.

"I want to appeal" (start_appeal) or "I'd like mediation" (request_mediation):
1. action_start_appeal notes the goal and runs the route check (actions/route_check.py),
   which asks only what it does not know and reads the facts back;
2. its summary hands over to action_mediation_information: is a certificate needed
   (section I only: no, and why), the statutory information in plain words, recorded
   with the time (bot.mediation.service);
3. mediation_advice_form asks the choice (recorded with the time when it is given), then
   only what that choice needs, and reads the details back (bot.mediation.conversation);
4. action_complete_mediation_advice issues the certificate (or records the mediation
   request and tells the council), commits, and only then tells the person.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_forms import FormValidation, ask_action, can_text, channel_of, gave_up
from actions.route_check import FACT_SLOTS, facts_from_tracker
from bot.database import session_scope
from bot.mediation import conversation as advice
from bot.mediation import texts
from bot.mediation.requests import mediation_clocks, request_mediation
from bot.mediation.service import (
    DownloadLink,
    NoCertificateNeeded,
    appeal_deadline_text,
    certificate_appeal_text,
    current_certificate,
    issue_certificate,
    mediation_information,
    new_download_link,
    record_mediation_choice,
    record_mediation_information,
    verify_url,
)
from bot.redress import check_routes
from bot.redress.conversation import (
    OUTSIDE_ENGLAND,
    UNKNOWN_COUNCIL,
    lacks_capacity,
    over_school_age,
    situation_from_facts,
    summary_messages,
)
from bot.redress.deadlines import appeal_deadline
from bot.redress.service_area import service_area
from bot.redress.situation import APPEALABLE_DECISIONS, InvalidSituation

log = logging.getLogger(__name__)

FORM = "mediation_advice_form"
GOAL_SLOT = "appeal_goal"
ADVICE_SLOTS = {
    "choice": "ma_choice",
    "requester_name": "ma_requester_name",
    "child_name": "ma_child_name",
    "issues": "ma_issues",
    "health_care": "ma_health_care",
    "icbs": "ma_icbs",
    "contact_preference": "ma_contact_preference",
    "contact_details": "ma_contact_details",
    "availability": "ma_availability",
}
CONFIRMED_SLOT = "ma_confirmed"
CLEAR_ADVICE = [
    SlotSet(slot, None)
    for slot in (*ADVICE_SLOTS.values(), CONFIRMED_SLOT, "ma_correcting", "ma_attempts", "ma_last_read")
]


def advice_facts(tracker: Tracker) -> Dict[str, object]:
    return {fact: tracker.get_slot(slot) for fact, slot in ADVICE_SLOTS.items() if tracker.get_slot(slot) is not None}


def _role(tracker: Tracker) -> Optional[str]:
    return tracker.get_slot("person_role")


def _decision_date(facts: Dict[str, object]) -> Optional[dt.date]:
    value = facts.get("decision_date")
    return value if isinstance(value, dt.date) else None


class ActionStartAppeal(Action):
    """The person wants to appeal or to have mediation: check the facts first (the route check)."""

    def name(self) -> Text:
        return "action_start_appeal"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        goal = "mediation" if intent == "request_mediation" else "certificate"
        with session_scope() as session:
            existing = current_certificate(session, tracker.sender_id)
            # Asked again: a new download link (the earlier ones work until they expire).
            link = new_download_link(session, existing) if existing is not None and goal == "certificate" else None
        if existing is not None and link is not None:  # said only once the link is committed
            _say_certificate(dispatcher, existing, link, channel_of(tracker), again=True, can_text=can_text(tracker))
            return []
        if _role(tracker) == "professional":
            dispatcher.utter_message(text=texts.ONLY_PARENT_OR_YOUNG_PERSON)
            return []
        lead = texts.LEAD_CERTIFICATE if goal == "certificate" else texts.LEAD_MEDIATION
        dispatcher.utter_message(text=lead + texts.FIRST_THE_DECISION)
        return [SlotSet(GOAL_SLOT, goal), *CLEAR_ADVICE, FollowupAction("route_check_form")]


class ActionMediationInformation(Action):
    """After the route check: is a certificate needed, and the statutory information."""

    def name(self) -> Text:
        return "action_mediation_information"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        goal = tracker.get_slot(GOAL_SLOT)
        facts = facts_from_tracker(tracker)
        # Reached through the route check's FollowupAction, outside any rule: without an
        # explicit wait for the person, the policies guessed and added the fallback's
        # "Sorry, I'm still not sure what you mean".
        stop = [SlotSet(GOAL_SLOT, None), FollowupAction("action_listen")]
        about, council, decision_date = facts.get("about"), facts.get("local_authority"), _decision_date(facts)
        try:
            result = check_routes(situation_from_facts(facts))
        except InvalidSituation as problem:
            dispatcher.utter_message(text=texts.problem_then_someone_will_help(problem))
            return stop
        if not result.in_scope or council in (None, OUTSIDE_ENGLAND, UNKNOWN_COUNCIL):
            for text in summary_messages(result):
                dispatcher.utter_message(text=text)
            if council == UNKNOWN_COUNCIL and result.in_scope:
                dispatcher.utter_message(text=texts.NEED_THE_COUNCIL)
            return stop
        area = service_area(str(council))
        if not area.in_south_east_group:
            dispatcher.utter_message(text=str(area.message).split(" The rules and dates")[0])
            if about in APPEALABLE_DECISIONS and decision_date:
                dispatcher.utter_message(text=appeal_deadline_text(appeal_deadline(decision_date)))
            return stop
        if about not in APPEALABLE_DECISIONS or decision_date is None:
            dispatcher.utter_message(text=texts.ONLY_FOR_EHC_APPEALS)
            for text in summary_messages(result):
                dispatcher.utter_message(text=text)
            drs = any(route.id == "disagreement_resolution" and route.available for route in result.routes)
            dispatcher.utter_message(
                text=texts.DR_OR_A_PERSON, buttons=([texts.DR_BUTTON] if drs else []) + [texts.PERSON_BUTTON]
            )
            return stop
        if isinstance(facts.get("certificate_date"), dt.date):
            dispatcher.utter_message(
                text=texts.ALREADY_HAVE_ONE
                + appeal_deadline_text(
                    appeal_deadline(decision_date, facts["certificate_date"]), facts["certificate_date"]
                )
            )
            return stop

        info = mediation_information(local_authority=str(council), about=str(about), decision_date=decision_date)
        if not info.certificate_needed:
            for text in info.paragraphs:
                dispatcher.utter_message(text=text)
            if goal != "mediation":
                return stop
            dispatcher.utter_message(text=texts.LETS_SET_UP_MEDIATION)
            return [*CLEAR_ADVICE, SlotSet(ADVICE_SLOTS["choice"], advice.PURSUE), FollowupAction(FORM)]
        try:
            with session_scope() as session:
                record_mediation_information(
                    session,
                    conversation_id=tracker.sender_id,
                    channel=channel_of(tracker),
                    local_authority=str(council),
                    about=str(about),
                    decision_date=decision_date,
                )
        except NoCertificateNeeded as why:  # pragma: no cover - mediation_information said so already
            dispatcher.utter_message(text=str(why))
            return stop
        except Exception:  # noqa: BLE001 - the database is down: say so, never pretend it was recorded
            log.exception("mediation advice: could not record the information for %s", tracker.sender_id)
            dispatcher.utter_message(text=texts.SORRY_NOT_SAVED)
            return stop
        # The statutory information, in three short messages (easier to read and to hear).
        paragraphs = info.paragraphs
        for group in (paragraphs[:2], paragraphs[2:5], paragraphs[5:]):
            dispatcher.utter_message(text=" ".join(group))
        return [*CLEAR_ADVICE, FollowupAction(FORM)]


class ValidateMediationAdviceForm(FormValidation):
    form = FORM
    slots = {
        **ADVICE_SLOTS,
        "local_authority": FACT_SLOTS["local_authority"],
        "decision_date": FACT_SLOTS["decision_date"],
    }
    confirmed_slot = CONFIRMED_SLOT
    prefix = "ma"

    def name(self) -> Text:
        return "validate_mediation_advice_form"

    def facts(self, tracker: Tracker) -> Dict[str, object]:
        return advice_facts(tracker)

    def spec(self, tracker: Tracker) -> advice.MediationAdviceForm:
        return advice.MediationAdviceForm(_role(tracker), facts_from_tracker(tracker))

    def to_slot(self, fact: str, value: object) -> object:
        return value.isoformat() if isinstance(value, dt.date) else value

    def on_answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, fact: str, value: object) -> bool:
        """The choice is recorded, with the time, as soon as it is given."""
        if fact != "choice" or value is None:
            return True
        try:
            with session_scope() as session:
                record_mediation_choice(session, conversation_id=tracker.sender_id, pursue=value == advice.PURSUE)
        except ValueError:
            return True  # section I only: no advice was recorded, nothing to record the choice against
        except Exception:  # noqa: BLE001
            log.exception("mediation advice: could not record the choice for %s", tracker.sender_id)
            dispatcher.utter_message(text=texts.SORRY_NOT_SAVED)
            return False
        if value == advice.NOT_PURSUING:
            dispatcher.utter_message(text=texts.NOT_PURSUING_IS_FINE)
        else:
            dispatcher.utter_message(text=texts.PURSUING)
        return True


def _question(tracker: Tracker, fact: str) -> Dict[str, object]:
    facts = advice_facts(tracker)
    route = facts_from_tracker(tracker)
    council = str(route.get("local_authority") or "the")
    theirs = bool(over_school_age(route)) and not lacks_capacity(route)
    return advice.question(fact, facts, _role(tracker), council, theirs=theirs)


def _read_back(tracker: Tracker) -> Dict[str, object]:
    facts, route = advice_facts(tracker), facts_from_tracker(tracker)
    if tracker.get_slot("ma_correcting"):
        return {"text": texts.WHAT_NEEDS_CHANGING, "buttons": advice.correction_buttons(facts, _role(tracker))}
    return {
        "text": advice.read_back(
            facts, _role(tracker), str(route.get("local_authority")), str(route.get("about")), _decision_date(route)
        ),
        "buttons": [dict(button) for button in texts.CONFIRM_BUTTONS],
    }


for _fact, _slot in ADVICE_SLOTS.items():
    globals()[f"AskAdvice_{_slot}"] = ask_action(_slot, lambda tracker, fact=_fact: _question(tracker, fact))
AskAdviceConfirmed = ask_action(CONFIRMED_SLOT, _read_back)


class ActionCompleteMediationAdvice(Action):
    """Issue the certificate or send the mediation request: committed before the person is told."""

    def name(self) -> Text:
        return "action_complete_mediation_advice"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        facts, route = advice_facts(tracker), facts_from_tracker(tracker)
        role = _role(tracker)
        done = [*CLEAR_ADVICE, SlotSet(GOAL_SLOT, None)]
        if not tracker.get_slot(CONFIRMED_SLOT) or advice.next_question(facts, role) or _decision_date(route) is None:
            if gave_up(tracker, "ma"):
                return done
            dispatcher.utter_message(text=texts.COULD_NOT_FINISH)
            return done
        if route.get("local_authority") == OUTSIDE_ENGLAND:
            return done  # England's rules do not apply there: no certificate (brief section 8)
        channel = channel_of(tracker)
        council, about, decision_date = str(route["local_authority"]), str(route["about"]), _decision_date(route)
        try:
            with session_scope() as session:
                if facts["choice"] == advice.NOT_PURSUING:
                    # The information again, in case the council or date was corrected at the read-back.
                    record_mediation_information(
                        session,
                        conversation_id=tracker.sender_id,
                        channel=channel,
                        local_authority=council,
                        about=about,
                        decision_date=decision_date,
                    )
                    record_mediation_choice(session, conversation_id=tracker.sender_id, pursue=False)
                    certificate = issue_certificate(
                        session,
                        conversation_id=tracker.sender_id,
                        channel=channel,
                        requester_name=str(facts["requester_name"]),
                        child_name=facts.get("child_name"),
                        requester_role="young_person" if role == "young_person" else "parent",
                        local_authority=council,
                        about=about,
                        decision_date=decision_date,
                        # Over compulsory school age the certificate is the young person's (rules.who_acts).
                        over_school_age=over_school_age(route),
                        lacks_capacity=lacks_capacity(route),
                    )
                    link = new_download_link(session, certificate)
                    reply = lambda: _say_certificate(  # noqa: E731
                        dispatcher,
                        certificate,
                        link,
                        channel,
                        can_text=can_text(tracker),
                    )
                else:
                    request = request_mediation(
                        session,
                        conversation_id=tracker.sender_id,
                        channel=channel,
                        local_authority=council,
                        issues=str(facts["issues"]),
                        health_care_in_issue=advice.health_care_in_issue(facts),
                        icbs=list(facts.get("icbs") or []),
                        contact_preference=str(facts["contact_preference"]),
                        contact_details=facts.get("contact_details"),
                        availability=str(facts["availability"]),
                        requester_name=str(facts["requester_name"]),
                        requester_role="young_person" if role == "young_person" else "parent",
                        child_name=facts.get("child_name"),
                        about=about,
                        decision_date=decision_date,
                    )
                    clocks = [clock.text for clock in mediation_clocks(request)]
                    reference = request.id[:8].upper()
                    reply = lambda: _say_request(dispatcher, council, reference, clocks, decision_date)  # noqa: E731
        except ValueError as problem:
            dispatcher.utter_message(text=texts.problem_then_a_person_can_help(problem))
            return done
        except Exception:  # noqa: BLE001 - not committed: never say it was done
            log.exception("mediation advice: could not complete for %s", tracker.sender_id)
            dispatcher.utter_message(text=texts.SORRY_NOT_SAVED)
            return done
        reply()  # only after the commit
        return done


def _say_certificate(
    dispatcher: CollectingDispatcher,
    certificate,
    link: DownloadLink,
    channel: str,
    again: bool = False,
    can_text: bool = False,
) -> None:
    """The certificate's reference and its download link (given only here: just its hash is stored)."""
    url = link.url
    spoken = channel == "voice"
    text = texts.certificate_issued(certificate.reference, url, spoken, again=again, can_text=can_text)
    if not spoken:
        text += f" {link.lasts()} After that, ask me for your certificate again and I'll give you a new link."
    dispatcher.utter_message(
        text=text,
        json_message={
            "download": {"url": url, "label": texts.DOWNLOAD_LABEL},
            "certificate": {"reference": certificate.reference},
        },
    )
    dispatcher.utter_message(text=certificate_appeal_text(certificate))
    dispatcher.utter_message(text=texts.send_a_copy(None if spoken else verify_url(certificate.reference)))


def _say_request(
    dispatcher: CollectingDispatcher, council: str, reference: str, clocks: List[str], decision_date: dt.date
) -> None:
    dispatcher.utter_message(text=texts.request_recorded(reference, council))
    for text in clocks:
        dispatcher.utter_message(text=text)
    dispatcher.utter_message(text=appeal_deadline_text(appeal_deadline(decision_date)) + texts.AFTER_MEDIATION)


__all__ = [
    "ActionStartAppeal",
    "ActionMediationInformation",
    "ValidateMediationAdviceForm",
    "ActionCompleteMediationAdvice",
]
