"""Reading free answers in the route-check conversation, and what is said back."""
import datetime as dt

import pytest

from bot.redress import check_routes
from bot.redress.conversation import (about_from_text, age_from_text, read_back, role_from_text,
                                      situation_from_facts, summary_messages)


@pytest.mark.parametrize(
    "text, about",
    [
        ("they refused to do an EHC needs assessment", "refusal_to_assess"),
        ("the LA wont assess him", "refusal_to_assess"),
        ("they said no to a reassessment", "refusal_to_reassess"),
        ("they assessed her but won't issue a plan", "refusal_to_issue_plan"),
        ("section F doesn't include his SALT", "plan_content"),
        ("um the speech and language therapy in the plan", "plan_content"),
        ("i want a different school named in section I", "plan_placement_only"),
        ("they want to cease the plan", "cease_to_maintain"),
        ("the council are stopping his EHCP", "cease_to_maintain"),
        ("they won't change the plan after the annual review", "refusal_to_amend"),
        ("the school aren't giving the support in his sen support plan", "school_sen_provision"),
        ("he was excluded because of his disability, that's discrimination", "disability_discrimination"),
        ("plan_content", "plan_content"),
        ("not sure really", None),
    ],
)
def test_about_from_text(text, about):
    assert about_from_text(text) == about


@pytest.mark.parametrize(
    "text, role",
    [("I'm his mum", "parent"), ("im a foster carer", "parent"), ("it's about me, I'm 17", "young_person"),
     ("i am the SENCO", "professional"), ("young_person", "young_person"), ("hmm", None)],
)
def test_role_from_text(text, role):
    assert role_from_text(text) == role


@pytest.mark.parametrize("text, age", [("he's 9", 9), ("nine", 9), ("twenty one", 21), ("17 years old", 17), ("dunno", None)])
def test_age_from_text(text, age):
    assert age_from_text(text) == age


def test_facts_are_read_back_with_dates_in_full():
    text = read_back({"role": "parent", "age": 9, "local_authority": "Kent", "about": "plan_content",
                      "decision_date": dt.date(2026, 6, 2)})
    assert "you are a parent or carer" in text and "Kent" in text
    assert "Tuesday 2 June 2026" in text


def test_summary_names_the_routes_and_the_appeal_date_in_full():
    facts = {"role": "parent", "age": 9, "about": "refusal_to_assess", "decision_date": dt.date(2026, 10, 1)}
    messages = summary_messages(check_routes(situation_from_facts(facts, today=dt.date(2026, 11, 23))))
    assert messages[0].startswith("What fits your situation:") and "an appeal to the SEND Tribunal" in messages[0]
    # 1 October + 2 months = 1 December 2026, a Tuesday.
    assert any("Tuesday 1 December 2026" in message for message in messages)
    assert any("must contact the mediation adviser" in message for message in messages)


# --- reading answers in the route-check form ------------------------------------------
from bot.redress.conversation import (NO_CERTIFICATE, OUTSIDE_ENGLAND, UNKNOWN_COUNCIL,  # noqa: E402
                                      next_question, read_answer)

TODAY = dt.date(2026, 11, 23)


def test_facts_volunteered_up_front_are_all_read():
    reading = read_answer("I'm a parent, Kent refused to assess my 7 year old, the letter was dated 3rd March",
                          None, {}, TODAY)
    assert reading.updates == {"role": "parent", "about": "refusal_to_assess", "local_authority": "Kent", "age": 7,
                               "decision_date": dt.date(2026, 3, 3)}
    assert next_question(reading.updates) == "certificate_date"


@pytest.mark.parametrize("text, asking, facts, updates", [
    ("Surrey", "local_authority", {}, {"local_authority": "Surrey"}),
    ("we live in Cardiff", "local_authority", {}, {"local_authority": OUTSIDE_ENGLAND}),
    ("I don't know", "local_authority", {}, {"local_authority": UNKNOWN_COUNCIL}),
    ("nine", "age", {}, {"age": 9}),
    ("3/3/26", "decision_date", {}, {"decision_date": dt.date(2026, 3, 3)}),
    ("last Tuesday", "decision_date", {}, {"decision_date": dt.date(2026, 11, 17)}),
    ("no certificate yet", "certificate_date", {}, {"certificate_date": NO_CERTIFICATE}),
    # Corrections: said plainly, at any question, they replace the earlier answer.
    ("actually it's Surrey not Kent", "age", {"local_authority": "Kent"}, {"local_authority": "Surrey"}),
    ("no, the letter was dated 5 March", "confirmed", {"decision_date": dt.date(2026, 3, 3)},
     {"decision_date": dt.date(2026, 3, 5)}),
    ("change the council", "confirmed", {"local_authority": "Kent"}, {"local_authority": None}),
])
def test_answers_and_corrections(text, asking, facts, updates):
    assert read_answer(text, asking, facts, TODAY).updates == updates


def test_a_council_word_does_not_replace_what_it_is_about_unless_asked():
    assert "about" not in read_answer("Kent County Council", "local_authority", {"about": "plan_content"}, TODAY).updates


@pytest.mark.parametrize("text, asking, problem", [
    ("Narnia", "local_authority", "didn't recognise that as a council"),
    ("the letter came on 5 December 2026", "decision_date", "is after today"),
    ("20 October", "certificate_date", "comes after the decision letter"),
    ("dunno", "age", "didn't catch the age"),
])
def test_an_answer_that_cannot_be_used_says_why(text, asking, problem):
    reading = read_answer(text, asking, {"decision_date": dt.date(2026, 11, 1)}, TODAY)
    assert not reading.updates and problem in reading.problem


def test_the_read_back_takes_yes_and_no():
    assert read_answer("yes that's right", "confirmed", {}, TODAY).confirmed is True
    assert read_answer("no", "confirmed", {}, TODAY).confirmed is False


def test_only_the_questions_a_situation_needs_are_asked():
    placement = {"role": "parent", "about": "plan_placement_only", "local_authority": "Kent", "age": 9,
                 "decision_date": dt.date(2026, 10, 1)}
    assert next_question(placement) is None  # no certificate question for section I only
    assert next_question({"role": "young_person", "about": "cease_to_maintain", "local_authority": "Kent",
                          "age": 25}) is None  # out of scope: no dates
    assert next_question({"role": "parent", "about": "school_sen_provision", "local_authority": "Kent",
                          "age": 9}) is None  # no decision letter
