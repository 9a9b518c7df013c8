"""The single front door: words -> disagreement -> routes, each with its source."""
import pytest

from bot.redress.front_door import CHOICES, classify_disagreement, route_messages
from bot.redress import ABOUT_VALUES


@pytest.mark.parametrize("text, about", [
    ("The council refused to do an EHC needs assessment", "refusal_to_assess"),
    ("they wont assess my son", "refusal_to_assess"),
    ("the LA turned down our request to assess", "refusal_to_assess"),
    ("they refused to reassess her", "refusal_to_reassess"),
    ("they assessed him but won't issue a plan", "refusal_to_issue_plan"),
    ("the council wants to stop his EHCP", "cease_to_maintain"),
    ("they won't change the plan after the annual review", "refusal_to_amend"),
    ("I disagree with the school named in the plan", "plan_placement_only"),
    ("we want a special school", "plan_placement_only"),
    ("section F is too vague", "plan_content"),
    ("I disagree with what the EHC plan says", "plan_content"),
    ("The school or college is not giving the right support", "school_sen_provision"),
    ("the SENCO ignores us", "school_sen_provision"),
    ("It is about health or social care", "plan_health_social_care_only"),
    ("CAMHS advice is missing from the draft plan", "health_social_care_during_assessment"),
    ("Unfair treatment because of disability", "disability_discrimination"),
    ("the academy discriminated against her", "disability_discrimination"),
    ("the council keeps missing deadlines", "duties_not_carried_out"),
])
def test_classify(text, about):
    assert classify_disagreement(text) == about


@pytest.mark.parametrize("text", ["", None, "banana", "i don't know"])
def test_unclear_answers_are_not_guessed(text):
    assert classify_disagreement(text) is None


def test_every_button_is_understood():
    assert all(classify_disagreement(payload) in ABOUT_VALUES for _, payload in CHOICES)


@pytest.mark.parametrize("about", ABOUT_VALUES)
def test_every_disagreement_gets_short_sourced_messages(about):
    messages = route_messages(about)
    assert 3 <= len(messages) <= 6
    assert sum("(Source:" in m for m in messages) >= 2


def test_refusal_to_assess_says_mediation_adviser_and_appeal():
    text = " ".join(route_messages("refusal_to_assess"))
    assert "mediation adviser" in text and "appeal" in text.lower()


def test_school_support_points_to_disagreement_resolution():
    text = " ".join(route_messages("school_sen_provision"))
    assert "Disagreement resolution" in text and "do not need an EHC plan" in text
