"""POST /api/v1/route-check: the contract in the route checker issue."""
import datetime as dt

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app

ROUTE_IDS = {"mediation", "disagreement_resolution", "tribunal_appeal", "tribunal_recommendations",
             "complaint", "ombudsman", "disability_discrimination_claim", "exclusion_review"}


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(), raise_server_exceptions=False)


def check(client, **body):
    return client.post("/api/v1/route-check", json=body)


def test_an_appeal_about_plan_content_needs_mediation_advice_and_has_both_dates(client):
    response = check(client, role="parent", age=9, local_authority="Kent", about="plan_content",
                     decision_date="2026-03-03", certificate_date=None)
    assert response.status_code == 200
    body = response.json()
    assert body["in_scope"] is True and body["mediation_advice_required"] is True
    assert {route["id"] for route in body["routes"]} == ROUTE_IDS
    routes = {route["id"]: route for route in body["routes"]}
    assert routes["tribunal_appeal"]["available"] is True and routes["tribunal_appeal"]["source"]
    # 3 March + 2 calendar months = 3 May 2026, a Sunday; 4 May is the early May bank holiday.
    assert body["deadlines"] == {
        "contact_mediation_adviser_by": "2026-05-03", "appeal_by": "2026-05-05", "discrimination_claim_by": None,
        "review_panel_by": None,
        # The service's today is after both dates (decision letters are in the past), so each says passed.
        "items": [{"name": "contact_mediation_adviser_by", "date": "2026-05-03", "passed": True},
                  {"name": "appeal_by", "date": "2026-05-05", "passed": True}],
        "late_certificate": False}
    assert body["local_authority"] == "Kent" and body["in_south_east_group"] is True


def test_placement_only_needs_no_certificate(client):
    body = check(client, role="young_person", age=17, about="plan_placement_only", decision_date="2026-01-15").json()
    assert body["mediation_advice_required"] is False


def test_a_later_certificate_extends_the_appeal_deadline(client):
    body = check(client, role="parent", about="refusal_to_assess", decision_date="2026-01-05",
                 certificate_date="2026-02-27").json()
    # Decision + 2 months = 5 March; certificate + 1 month = 27 March 2026 (a Friday).
    assert body["deadlines"]["appeal_by"] == "2026-03-27"


def test_a_council_outside_the_group_is_told_where_to_go(client):
    body = check(client, role="parent", about="refusal_to_assess", local_authority="leeds city council").json()
    assert body["local_authority"] == "Leeds" and body["in_south_east_group"] is False
    assert any("Leeds's own mediation service" in message for message in body["messages"])


def test_aged_25_is_out_of_scope_with_a_signpost(client):
    body = check(client, role="young_person", age=25, about="cease_to_maintain").json()
    assert body["in_scope"] is False
    assert not any(route["available"] for route in body["routes"])
    assert any("adult social care" in message.lower() for message in body["messages"])


@pytest.mark.parametrize(
    "body, words",
    [
        ({"role": "parent", "about": "unknown_thing"}, ["'about' cannot be 'unknown_thing'", "plan_content"]),
        ({"role": "parent", "about": "plan_content", "decision_date": "2026-02-30"}, ["real date written YYYY-MM-DD"]),
        ({"role": "parent", "about": "plan_content", "decision_date": (dt.date.today() + dt.timedelta(days=2)).isoformat()}, ["after today", "Check the date on the letter"]),
        ({"role": "parent", "about": "plan_content", "age": -3}, ["Age cannot be negative"]),
        ({"about": "plan_content"}, ["'role' is required"]),
        ({"role": "parent", "about": "plan_content", "age": "nine"}, ["'age' must be a whole number"]),
    ],
)
def test_invalid_input_gets_422_with_a_message_a_person_can_act_on(client, body, words):
    response = check(client, **body)
    assert response.status_code == 422
    message = response.json()["message"]
    for word in words:
        assert word in message


def test_malformed_json_is_a_422_not_a_500(client):
    response = client.post("/api/v1/route-check", content="{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["message"] == "The request body is not valid JSON."


def test_the_contract_is_in_the_openapi_schema(client):
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/api/v1/route-check"]["post"]
    assert "422" in operation["responses"]
    request_schema = schema["components"]["schemas"]["RouteCheckRequest"]
    assert set(request_schema["properties"]) >= {"role", "age", "local_authority", "about", "decision_date", "certificate_date"}


from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

ANY_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
                        lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
                        max_leaves=5)
DATES = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2035, 12, 31)).map(dt.date.isoformat)
FIELDS = {
    "role": st.sampled_from(["parent", "young_person", "professional", "grandparent"]) | ANY_JSON,
    "age": st.integers(min_value=-5, max_value=120) | ANY_JSON,
    "local_authority": st.sampled_from(["Kent", "RBWM", "Leeds", "Atlantis", ""]) | ANY_JSON,
    "about": st.sampled_from(["plan_content", "refusal_to_assess", "disability_discrimination", "x"]) | ANY_JSON,
    "decision_date": DATES | ANY_JSON,
    "certificate_date": DATES | ANY_JSON,
    "in_england": st.booleans() | ANY_JSON,
}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.fixed_dictionaries({}, optional=FIELDS))
def test_any_body_gets_an_answer_or_a_clear_422_never_a_500(client, body):
    response = client.post("/api/v1/route-check", json=body)
    assert response.status_code in (200, 422), (body, response.text)
    if response.status_code == 422:
        assert response.json()["message"].strip()
        assert "Traceback" not in response.text


# --- issue 18: the contract's legal additions ---------------------------------------------


def test_outside_england_has_its_reason_the_nation_and_no_certificate(client):
    body = check(client, role="parent", about="refusal_to_assess", nation="wales", decision_date="2026-11-02").json()
    assert body["in_scope"] is False and body["out_of_scope_reason"] == "outside_england"
    assert body["nation"] == "wales" and body["mediation_advice_required"] is False
    assert not any(route["available"] for route in body["routes"])
    assert "SNAP Cymru" in body["messages"][0] and body["deadlines"]["items"] == []


def test_in_england_true_with_a_nation_is_a_clear_422(client):
    response = check(client, role="parent", about="plan_content", nation="scotland", in_england=True)
    assert response.status_code == 422 and "in_england" in response.json()["message"]


def test_an_unknown_nation_is_refused_by_the_schema(client):
    assert check(client, role="parent", about="plan_content", nation="france").status_code == 422


def test_aged_25_has_its_reason(client):
    body = check(client, role="parent", about="plan_content", age=25).json()
    assert body["out_of_scope_reason"] == "age_25_or_over"


def test_each_deadline_says_whether_it_has_passed(client):
    body = check(client, role="parent", about="disability_discrimination", decision_date="2026-01-05").json()
    assert body["deadlines"]["items"] == [{"name": "discrimination_claim_by", "date": "2026-07-04", "passed": True}]


def test_a_late_certificate_gives_no_new_deadline(client):
    body = check(client, role="parent", about="refusal_to_assess", local_authority="Reading",
                 decision_date="2026-02-14", certificate_date="2026-11-30").json()
    assert body["deadlines"]["late_certificate"] is True
    assert body["deadlines"]["appeal_by"] == "2026-04-14"
    assert {"name": "appeal_by", "date": "2026-04-14", "passed": True} in body["deadlines"]["items"]
    assert not any("2027" in message for message in body["messages"])


def test_exclusions_and_no_decision_yet_are_accepted(client):
    body = check(client, role="parent", about="school_exclusion").json()
    routes = {route["id"]: route["available"] for route in body["routes"]}
    assert routes["exclusion_review"] and routes["disability_discrimination_claim"] and not routes["complaint"]
    body = check(client, role="parent", about="no_decision_yet").json()
    routes = {route["id"]: route["available"] for route in body["routes"]}
    assert not routes["tribunal_appeal"] and routes["ombudsman"] and body["mediation_advice_required"] is False


def test_the_schema_documents_the_additions(client):
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    assert set(schema["RouteCheckResponse"]["properties"]) >= {"out_of_scope_reason", "nation"}
    assert "outside_england" in str(schema["RouteCheckResponse"]["properties"]["out_of_scope_reason"])
    assert "passed" in schema["DeadlineOut"]["properties"]
    assert schema["DeadlineOut"]["properties"]["passed"]["description"]
    assert set(schema["RouteCheckRequest"]["properties"]) >= {"nation", "over_school_age", "lacks_capacity"}
    assert "exclusion_review" in str(schema["RouteOut"])


def test_an_exclusion_gives_the_review_panel_and_claim_limits_each_with_passed(client):
    response = check(client, role="parent", age=12, local_authority="Kent", about="school_exclusion",
                     decision_date="2026-05-01")
    assert response.status_code == 200
    deadlines = response.json()["deadlines"]
    # 15 school days from Friday 1 May 2026 (4 and 25 May are bank holidays): Tuesday 26 May.
    assert deadlines["review_panel_by"] == "2026-05-26" and deadlines["discrimination_claim_by"] == "2026-10-31"
    assert {"name": "review_panel_by", "date": "2026-05-26", "passed": True} in deadlines["items"]
    assert {"name": "discrimination_claim_by", "date": "2026-10-31", "passed": True} in deadlines["items"]


# --- issue 20: the route check refuses oversized text and dates that are not ISO strings ----------


def test_a_60000_character_council_name_is_a_clear_422(client):
    response = check(client, role="parent", about="plan_content", local_authority="K" * 60000)
    assert response.status_code == 422
    message = response.json()["message"]
    assert "local_authority" in message and "100 characters" in message
    assert len(response.text) < 1000  # the oversized text is not echoed back


def test_a_council_name_of_100_characters_is_still_accepted(client):
    assert check(client, role="parent", about="plan_content", local_authority="K" * 100).status_code == 200


@pytest.mark.parametrize("field", ["decision_date", "certificate_date"])
@pytest.mark.parametrize("value", [1700000000, 20260101, "1700000000", 1.7e9, "2026-3-3"])
def test_a_date_that_is_not_an_iso_string_is_a_clear_422(client, field, value):
    response = check(client, role="parent", about="plan_content", **{field: value})
    assert response.status_code == 422
    message = response.json()["message"]
    assert field in message and "YYYY-MM-DD" in message
