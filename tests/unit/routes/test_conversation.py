"""Reading free answers in the route-check conversation, and what is said back."""
import datetime as dt

import pytest

from bot.routes import check_routes
from bot.routes.conversation import (about_from_text, age_from_text, read_back, role_from_text,
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
