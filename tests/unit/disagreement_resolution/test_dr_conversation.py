"""A disagreement resolution request as a conversation (bot.disagreement_resolution.conversation)."""
from __future__ import annotations

import pytest

from bot.disagreement_resolution import conversation as dr


@pytest.mark.parametrize("text, party", [
    ("with the school", "school"), ("my son's academy", "school"), ("the nursery", "school"),
    ("his sixth form college", "college"), ("the council's SEN team", "local_authority"),
    ("the NHS integrated care board", "icb"), ("speech therapy from the NHS", "icb"),
    ("social services", "social_care"), ("the neighbours", None),
])
def test_who_the_disagreement_is_with(text, party):
    assert dr.read_party(text) == party


def test_only_the_south_east_councils_are_taken_and_others_are_told_where_to_go():
    assert dr.read_dr_answer("West Sussex", "local_authority", {}).updates == {"local_authority": "West Sussex"}
    outside = dr.read_dr_answer("Manchester", "local_authority", {})
    assert not outside.updates and "own mediation service" in outside.problem
    assert "didn't recognise" in dr.read_dr_answer("Atlantis", "local_authority", {}).problem


def test_contact_details_follow_the_preference_and_post_is_not_offered():
    assert dr.questions_needed({"contact_preference": "email"})[-1] == "contact_details"
    assert dr.read_dr_answer("by letter", "contact_preference", {}).problem
    assert dr.read_dr_answer("jo@example.com", "contact_details", {"contact_preference": "email"}).updates == {
        "contact_details": "jo@example.com"}


def test_the_read_back_states_the_terms_the_request_is_recorded_with():
    text = dr.read_back({"other_party": "college", "local_authority": "Kent", "disagreement": "support",
                         "requester_name": "Jo Bloggs", "contact_preference": "phone", "contact_details": "07700 900123"})
    assert "every party must agree" in text and "the college funds the meeting" in text
    assert "Shall I send the request?" in text and "Jo Bloggs" in text
