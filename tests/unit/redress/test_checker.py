"""check_routes: which routes are open, deadlines, messages, scope and validation."""

from datetime import date

import pytest

from bot.redress import (
    ABOUT_VALUES,
    ROUTE_IDS,
    InvalidSituation,
    Route,
    Situation,
    check_routes,
)
from bot.redress import checker

D = date.fromisoformat
TODAY = D("2026-03-10")

APPEAL_ROUTES = {
    "mediation",
    "disagreement_resolution",
    "tribunal_appeal",
    "tribunal_recommendations",
    "complaint",
    "ombudsman",
}
NO_APPEAL_ROUTES = {"disagreement_resolution", "complaint", "ombudsman"}

# about -> (mediation advice required, routes available)
EXPECTED_ROUTES = {
    "refusal_to_assess": (True, APPEAL_ROUTES - {"tribunal_recommendations"}),
    "refusal_to_reassess": (True, APPEAL_ROUTES),
    "refusal_to_issue_plan": (True, APPEAL_ROUTES),
    "plan_content": (True, APPEAL_ROUTES),
    "plan_placement_only": (False, APPEAL_ROUTES),
    "refusal_to_amend": (True, APPEAL_ROUTES),
    "cease_to_maintain": (True, APPEAL_ROUTES),
    "plan_health_social_care_only": (False, NO_APPEAL_ROUTES | {"mediation"}),
    "school_sen_provision": (False, NO_APPEAL_ROUTES),
    "duties_not_carried_out": (False, NO_APPEAL_ROUTES),
    "health_social_care_during_assessment": (False, NO_APPEAL_ROUTES),
    "disability_discrimination": (False, {"complaint", "ombudsman", "disability_discrimination_claim"}),
    # Brief section 6: a delay is not appealable; complaint, LGSCO (and DRS about duties).
    "no_decision_yet": (False, NO_APPEAL_ROUTES),
    # Brief section 7: the board and review panel, a discrimination claim, DRS for SEN support;
    # never the school's complaints procedure.
    "school_exclusion": (False, {"exclusion_review", "disability_discrimination_claim", "disagreement_resolution"}),
}


def situation(**overrides) -> Situation:
    fields = {"role": "parent", "about": "plan_content", "age": 9, "today": TODAY}
    fields.update(overrides)
    return Situation(**fields)


def test_the_table_covers_every_about_value():
    assert set(EXPECTED_ROUTES) == set(ABOUT_VALUES)


@pytest.mark.parametrize("role", ["parent", "young_person", "professional"])
@pytest.mark.parametrize("about", sorted(EXPECTED_ROUTES))
def test_routes_for_every_disagreement_and_role(about, role):
    age = 19 if role == "young_person" else 9
    result = check_routes(situation(about=about, role=role, age=age))
    advice_required, available = EXPECTED_ROUTES[about]

    assert result.in_scope
    assert result.mediation_advice_required is advice_required
    assert set(result.available_route_ids) == available
    assert [r.id for r in result.routes] == list(ROUTE_IDS)  # all present, fixed order
    for route in result.routes:
        assert route.reason and route.source, route.id
    assert result.messages[0].startswith("Next step")
    assert "SENDIASS" in result.messages[-1]


# about -> (contact mediation adviser by, appeal by, discrimination claim by), for a
# letter (or discrimination) dated Monday 2 March 2026 and no certificate.
# 2 May 2026 is a Saturday and 4 May the early May bank holiday, so appeals: 5 May.
DECISION = D("2026-03-02")
EXPECTED_DEADLINES = {
    "refusal_to_assess": (D("2026-05-02"), D("2026-05-05"), None),
    "refusal_to_reassess": (D("2026-05-02"), D("2026-05-05"), None),
    "refusal_to_issue_plan": (D("2026-05-02"), D("2026-05-05"), None),
    "plan_content": (D("2026-05-02"), D("2026-05-05"), None),
    "plan_placement_only": (None, D("2026-05-05"), None),
    "refusal_to_amend": (D("2026-05-02"), D("2026-05-05"), None),
    "cease_to_maintain": (D("2026-05-02"), D("2026-05-05"), None),
    "plan_health_social_care_only": (None, None, None),
    "school_sen_provision": (None, None, None),
    "duties_not_carried_out": (None, None, None),
    "health_social_care_during_assessment": (None, None, None),
    "disability_discrimination": (None, None, D("2026-09-01")),
}


@pytest.mark.parametrize("about", sorted(EXPECTED_DEADLINES))
def test_deadlines_for_every_disagreement(about):
    deadlines = check_routes(situation(about=about, decision_date=DECISION)).deadlines
    contact_by, appeal_by, claim_by = EXPECTED_DEADLINES[about]
    assert deadlines.contact_mediation_adviser_by == contact_by
    assert deadlines.appeal_by == appeal_by
    assert deadlines.discrimination_claim_by == claim_by


@pytest.mark.parametrize(
    "decision, certificate, today, contact_by, appeal_by",
    [
        # Month ends and leap days.
        ("2025-12-31", None, "2026-01-05", "2026-02-28", "2026-03-02"),
        ("2026-01-31", None, "2026-02-02", "2026-03-31", "2026-03-31"),
        ("2025-11-30", None, "2025-12-01", "2026-01-30", "2026-01-30"),
        ("2027-12-31", None, "2028-01-04", "2028-02-29", "2028-02-29"),
        ("2024-02-29", None, "2024-03-01", "2024-04-29", "2024-04-29"),
        # Bank holidays, August, Christmas.
        ("2026-02-06", None, "2026-02-09", "2026-04-06", "2026-04-07"),  # Easter Monday
        ("2026-06-15", None, "2026-06-16", "2026-08-15", "2026-09-01"),  # August
        ("2026-10-25", None, "2026-10-26", "2026-12-25", "2027-01-04"),  # Christmas
        # A certificate that extends the deadline, and one that does not. The adviser
        # deadline always runs from the letter.
        ("2026-03-02", "2026-04-20", "2026-04-21", "2026-05-02", "2026-05-20"),
        ("2026-03-02", "2026-03-20", "2026-03-21", "2026-05-02", "2026-05-05"),
    ],
)
def test_appeal_deadlines_through_check_routes(decision, certificate, today, contact_by, appeal_by):
    result = check_routes(
        situation(
            decision_date=D(decision),
            certificate_date=D(certificate) if certificate else None,
            today=D(today),
        )
    )
    assert result.deadlines.contact_mediation_adviser_by == D(contact_by)
    assert result.deadlines.appeal_by == D(appeal_by)


def test_messages_without_a_certificate_give_the_adviser_step_first():
    result = check_routes(situation(decision_date=DECISION))
    assert result.messages[0].startswith(
        "Next step: contact the mediation adviser by Saturday 2 May 2026."
    )
    text = " ".join(result.messages)
    assert "within 3 working days" in text
    assert "Appeal deadline: Tuesday 5 May 2026." in text
    assert "next working day" in text


def test_messages_with_a_certificate_that_extends_the_deadline():
    result = check_routes(
        situation(decision_date=DECISION, certificate_date=D("2026-04-20"), today=D("2026-04-21"))
    )
    assert result.messages[0] == (
        "Next step: send your appeal to the tribunal by Wednesday 20 May 2026, "
        "with a copy of your mediation certificate."
    )
    assert any("1 month from the date on your mediation certificate" in m for m in result.messages)


def test_messages_with_a_certificate_that_does_not_extend_the_deadline():
    result = check_routes(
        situation(decision_date=DECISION, certificate_date=D("2026-03-20"), today=D("2026-03-21"))
    )
    assert any("2 months from the date on the decision letter, which is later" in m for m in result.messages)


def test_placement_only_appeal_needs_no_certificate_and_ignores_one():
    result = check_routes(
        situation(
            about="plan_placement_only",
            decision_date=DECISION,
            certificate_date=D("2026-04-20"),
            today=D("2026-04-21"),
        )
    )
    assert not result.mediation_advice_required
    assert result.deadlines.contact_mediation_adviser_by is None
    assert result.deadlines.appeal_by == D("2026-05-05")  # not extended to 20 May
    assert "do not need a mediation certificate" in result.messages[0]
    assert any("does not extend the deadline" in m for m in result.messages)


def test_missed_deadlines_say_so_and_point_to_advice():
    result = check_routes(situation(decision_date=D("2025-10-01"), today=D("2026-03-10")))
    text = " ".join(result.messages)
    assert "ended on Monday 1 December 2025" in text
    assert "The appeal deadline was Monday 1 December 2025" in text
    assert "exceptional circumstances" in text


def test_no_decision_date_asks_for_it():
    result = check_routes(situation())
    assert result.deadlines.appeal_by is None
    assert result.deadlines.contact_mediation_adviser_by is None
    assert any("date on the decision letter" in m for m in result.messages)


def test_disability_discrimination_deadline_and_late_claim():
    in_time = check_routes(
        situation(about="disability_discrimination", decision_date=D("2026-03-01"))
    )
    assert in_time.deadlines.discrimination_claim_by == D("2026-08-31")
    assert any("Claim deadline: Monday 31 August 2026" in m for m in in_time.messages)
    assert not in_time.mediation_advice_required

    late = check_routes(
        situation(
            about="disability_discrimination",
            decision_date=D("2025-06-01"),
            today=D("2026-03-10"),
        )
    )
    assert any("The claim deadline was Sunday 30 November 2025" in m for m in late.messages)


# --- who is asking, and scope ------------------------------------------------------


@pytest.mark.parametrize("role", ["parent", "young_person"])
def test_age_24_is_in_scope(role):
    assert check_routes(situation(role=role, age=24)).in_scope


@pytest.mark.parametrize("role", ["parent", "young_person", "professional"])
@pytest.mark.parametrize("age", [25, 40])
def test_age_25_and_over_is_out_of_scope(role, age):
    result = check_routes(situation(role=role, age=age, decision_date=DECISION))
    assert not result.in_scope
    assert not result.mediation_advice_required
    assert result.available_route_ids == []
    assert [r.id for r in result.routes] == list(ROUTE_IDS)
    assert result.deadlines.appeal_by is None
    assert "adult social care" in result.messages[0]


def test_outside_england_is_out_of_scope():
    result = check_routes(situation(in_england=False, decision_date=DECISION))
    assert not result.in_scope
    assert result.available_route_ids == []
    assert "Wales, Scotland or Northern Ireland" in result.messages[0]


def test_unknown_country_is_treated_as_england():
    assert check_routes(situation(in_england=None)).in_scope
    assert check_routes(situation(in_england=True)).in_scope


def test_young_person_under_16_is_told_the_parent_usually_decides():
    result = check_routes(situation(role="young_person", age=15))
    assert result.in_scope
    assert any("your parent usually makes these decisions" in m for m in result.messages)


def test_young_person_over_16_gets_no_parent_message():
    result = check_routes(situation(role="young_person", age=19))
    assert not any("parent usually" in m for m in result.messages)


def test_parent_of_a_young_person_is_told_the_right_is_theirs():
    result = check_routes(situation(role="parent", age=17))
    assert any("to appeal is theirs, not yours" in m for m in result.messages)
    assert not any("is theirs" in m for m in check_routes(situation(role="parent", age=9)).messages)


def test_professional_is_told_only_the_family_can_appeal():
    result = check_routes(situation(role="professional"))
    assert any("Only the parent or the young person" in m for m in result.messages)


def test_local_authority_is_named_in_the_help_message():
    result = check_routes(situation(local_authority="Medway"))
    assert "SENDIASS) for Medway" in result.messages[-1]


def test_a_disagreement_with_no_route_is_out_of_scope(monkeypatch):
    def nothing(about: str) -> Route:
        return Route("x", False, "no", "")

    monkeypatch.setattr(checker, "ROUTE_BUILDERS", (nothing,) * len(ROUTE_IDS))
    result = check_routes(situation())
    assert not result.in_scope
    assert "SENDIASS" in result.messages[0]


def test_route_lookup_by_id():
    result = check_routes(situation())
    assert result.route("tribunal_appeal").available
    with pytest.raises(KeyError):
        result.route("no_such_route")


# --- validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, words",
    [
        ({"about": "school_uniform"}, "Unknown disagreement"),
        ({"role": "grandparent"}, "Unknown role"),
        ({"age": -1}, "cannot be negative"),
        ({"age": "nine"}, "whole number"),
        ({"decision_date": D("2026-03-11")}, "after today"),
        ({"certificate_date": D("2026-03-11")}, "after today"),
        ({"decision_date": D("2026-02-10"), "certificate_date": D("2026-02-09")}, "dated before the decision letter"),
    ],
)
def test_invalid_situations_are_refused_with_a_helpful_message(overrides, words):
    with pytest.raises(InvalidSituation, match=words):
        situation(**overrides)


def test_invalid_situation_is_a_value_error():
    assert issubclass(InvalidSituation, ValueError)


def test_edge_dates_that_are_allowed():
    # A letter dated today, and a certificate dated the same day as the letter.
    assert check_routes(situation(decision_date=TODAY)).in_scope
    assert check_routes(situation(decision_date=TODAY, certificate_date=TODAY)).in_scope
    assert check_routes(situation(age=0)).in_scope
