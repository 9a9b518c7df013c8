"""Mediation advice as a conversation (bot.mediation.conversation): which question comes
next for each choice, how answers are read, corrections, and the read-back."""
from __future__ import annotations

import datetime as dt

import pytest

from bot.mediation import conversation as advice
from bot.mediation.conversation import NOT_PURSUING, PURSUE


@pytest.mark.parametrize("text, expected", [
    ("no, I don't want mediation, please issue my certificate", NOT_PURSUING),
    ("no thanks", NOT_PURSUING),
    ("I would rather not mediate", NOT_PURSUING),
    ("just give me the certificate", NOT_PURSUING),
    ("we don't want a meeting with them", NOT_PURSUING),
    ("yes, I'd like to try mediation", PURSUE),
    ("yes please", PURSUE),
    ("we're happy to try mediation", PURSUE),
    ("maybe", None),
    ("what is mediation?", None),
])
def test_the_choice_is_read_with_negations_first(text, expected):
    assert advice.read_choice(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("my name is jo bloggs", "Jo Bloggs"),
    ("Sam Bloggs", "Sam Bloggs"),
    ("I'm Mary O'Neil-Smith", "Mary O'Neil-Smith"),
    ("he's called Tom McDonald", "Tom McDonald"),
    ("SAM JONES", "Sam Jones"),
    ("Jean-Luc de la Cruz", "Jean-Luc de la Cruz"),
    ("12345", None),
    ("what is mediation?", None),
    ("yes", None),
    ("my son is nine years old and has autism and the school is not helping at all", None),
])
def test_names_are_read_and_anything_else_is_refused(text, expected):
    assert advice.read_name(text) == expected


def test_contact_details_are_read_from_a_sentence():
    assert advice.read_phone("call me on 07700 900123 please") == "07700 900123"
    assert advice.read_phone("+44 7700 900123") == "+44 7700 900123"
    assert advice.read_phone("my son is 9") is None
    assert advice.read_email("it's jo.bloggs@example.com thanks") == "jo.bloggs@example.com"
    assert advice.read_preference("a letter to the address they have") == "post"
    assert advice.read_preference("by text") == "text"


def test_not_pursuing_asks_only_the_names_and_a_young_person_only_their_own():
    facts = {"choice": NOT_PURSUING}
    assert advice.questions_needed(facts, "parent") == ["choice", "requester_name", "child_name"]
    assert advice.questions_needed(facts, "young_person") == ["choice", "requester_name"]
    assert advice.next_question({"choice": NOT_PURSUING, "requester_name": "Jo Bloggs"}, "young_person") is None


def test_pursuing_asks_about_the_health_board_only_when_health_care_is_in_issue_and_details_only_when_needed():
    facts = {"choice": PURSUE, "health_care": False, "contact_preference": "post"}
    needed = advice.questions_needed(facts, "parent")
    assert "icbs" not in needed and "contact_details" not in needed
    facts.update(health_care=True, contact_preference="email")
    needed = advice.questions_needed(facts, "parent")
    assert needed.index("icbs") == needed.index("health_care") + 1 and "contact_details" in needed


def test_each_answer_is_read_for_the_question_asked():
    assert advice.read_advice_answer("yes, his speech therapy is part of it", "health_care", {}).updates == {"health_care": True}
    unsure = advice.read_advice_answer("not sure", "health_care", {})
    # "Not sure" is its own answer: the council is asked to tell the ICB, and the person is told why.
    assert unsure.updates == {"health_care": advice.HEALTH_NOT_SURE} and "ICB" in unsure.notes[0]
    assert advice.read_advice_answer("don't know", "icbs", {}).updates == {"icbs": []}
    wrong = advice.read_advice_answer("jo at example dot com", "contact_details", {"contact_preference": "email"})
    assert wrong.problem and "email address" in wrong.problem and not wrong.updates
    assert advice.read_advice_answer("07700 900123", "contact_details", {"contact_preference": "text"}).updates == {
        "contact_details": "07700 900123"}
    assert advice.read_advice_answer("42", "requester_name", {}).problem


def test_the_read_back_takes_yes_no_and_corrections_without_starting_again():
    facts = {"choice": NOT_PURSUING, "requester_name": "Jo Bloggs", "child_name": "Sam Bloggs"}
    assert advice.read_advice_answer("yes that's right", "confirmed", facts).confirmed is True
    assert advice.read_advice_answer("no", "confirmed", facts).confirmed is False
    corrected = advice.read_advice_answer("no, his name is Samuel Bloggs", "confirmed", facts)
    assert corrected.updates == {"child_name": "Samuel Bloggs"} and corrected.confirmed is None
    assert advice.read_advice_answer("no, my name is Joanne Bloggs", "confirmed", facts).updates == {
        "requester_name": "Joanne Bloggs"}
    change = advice.read_advice_answer("change the child's name", "confirmed", facts)
    assert change.updates == {"child_name": None}
    # Changing one's mind about mediation clears the answers that followed the choice.
    mind = advice.read_advice_answer("change whether you want mediation", "confirmed", facts)
    assert mind.updates["choice"] is None and mind.updates["requester_name"] is None


def test_a_question_in_the_middle_is_not_taken_as_an_answer():
    assert advice.is_not_an_answer("what is mediation?", "choice")
    assert not advice.is_not_an_answer("no, just the certificate", "choice")
    assert advice.is_not_an_answer("is it free?", "issues")
    assert not advice.is_not_an_answer("what they wrote in section F is wrong", "issues")


def test_the_read_back_names_every_detail_that_goes_on_the_certificate_or_request():
    decision = dt.date(2026, 10, 1)
    text = advice.read_back({"choice": NOT_PURSUING, "requester_name": "Jo Bloggs", "child_name": "Sam Bloggs"},
                            "parent", "Kent", "refusal_to_assess", decision)
    for expected in ("Your name: Jo Bloggs.", "Your child's name: Sam Bloggs.", "Council: Kent.",
                     "Thursday 1 October 2026", "not to go to mediation"):
        assert expected in text
    request = advice.read_back({"choice": PURSUE, "requester_name": "Jo Bloggs", "issues": "section F",
                                "health_care": True, "icbs": ["Kent and Medway ICB"], "contact_preference": "text",
                                "contact_details": "07700 900123", "availability": "mornings"},
                               "young_person", "Kent", "plan_content", decision)
    assert "child's name" not in request and "Kent and Medway ICB" in request and "by text on 07700 900123" in request
