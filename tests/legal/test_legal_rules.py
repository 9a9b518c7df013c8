"""The legal regression table, run on the domain modules directly (no model, no servers).

Each row of tests/legal/cases.yml names the rule, its source in the brief, what is given
and what must be decided or said; this file only says how each kind of row is checked.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Iterable, List

import pytest
import yaml

from bot.database import session_scope
from bot.mediation import service, texts as mediation_texts
from bot.mediation.pdf import certificate_lines
from bot.redress import Situation, check_routes, rules
from bot.redress.dates import format_long
from bot.redress.deadlines import appeal_deadline
from bot.redress.situation import APPEALABLE_DECISIONS
from bot.redress.front_door import classify_disagreement
from bot.settings import get_settings

import table
from support.back_office import NOW

TODAY = table.today()
NLU = Path(__file__).resolve().parents[2] / "data" / "nlu"


def _ids(rows):
    return [row["id"] for row in rows]


def _assert_words(text: str, row: dict) -> None:
    lowered = text.lower()
    missing = [phrase for phrase in row.get("says", []) if phrase.lower() not in lowered]
    present = [phrase for phrase in row.get("says_not", []) if phrase.lower() in lowered]
    assert not missing and not present, (
        f"{row['id']} ({row['rule']}; {row['source']}): missing {missing}, must not say {present}, in: {text}")


def _situation(given: dict) -> Situation:
    fields = dict(given)
    fields.setdefault("today", TODAY)
    return Situation(**fields)


# --- every row is well formed -----------------------------------------------------------


def test_every_row_names_its_rule_source_and_expectation():
    rows = table.cases()
    assert len({row["id"] for row in rows}) == len(rows), "ids must be unique"
    for row in rows:
        assert row.get("rule") and row.get("source"), row["id"]
        assert row.get("expect") or row.get("says") or row.get("says_not"), row["id"]


def test_every_wrong_answer_in_the_issue_is_a_row():
    issue_rows = {row["id"] for row in table.cases() if row.get("issue")}
    assert issue_rows >= {
        "social_worker_section_f", "permanent_exclusion_adhd", "cardiff_refusal_to_assess",
        "reading_late_certificate_issued", "section_i_june_letter", "icb_ombudsman", "section_i_no_adviser",
        "parent_of_17_year_old", "certificate_for_17_year_old_names_them", "council_37_weeks_late",
        "contact_by_christmas_day"}


def test_neighbours_cover_each_nation_each_appealable_section_and_each_passed_deadline():
    rows = table.cases()
    nations = {row.get("expect", {}).get("nation") for row in rows} | {
        row["given"].get("nation") for row in rows if row["kind"] == "situation"}
    assert {"wales", "scotland", "northern_ireland"} <= nations
    professional_sections = {row["expect"]["about"] for row in table.cases("message")
                             if re.search(r"teacher|social worker|senco|health visitor", row["given"]["text"], re.I)
                             and "about" in row.get("expect", {})}
    assert {"plan_content", "plan_placement_only"} <= professional_sections
    passed = {name for row in rows for name, value in row.get("expect", {}).get("passed", {}).items() if value}
    assert passed == {"contact_mediation_adviser_by", "appeal_by", "discrimination_claim_by", "review_panel_by"}
    assert any(row["kind"] == "certificate" and "new deadline" in " ".join(row.get("says", [])) for row in rows)


# --- situations: check_routes -----------------------------------------------------------

SITUATIONS = table.cases("situation")


@pytest.mark.parametrize("row", SITUATIONS, ids=_ids(SITUATIONS))
def test_situation(row):
    result = check_routes(_situation(row["given"]))
    expect = row.get("expect", {})
    for name in ("in_scope", "out_of_scope_reason", "nation", "mediation_advice_required"):
        if name in expect:
            assert getattr(result, name) == expect[name], (row["id"], name, row["rule"])
    if "available" in expect:
        assert set(expect["available"]) <= set(result.available_route_ids), (row["id"], result.available_route_ids)
        if expect["available"] == []:
            assert result.available_route_ids == []
    for route_id in expect.get("unavailable", []):
        assert not result.route(route_id).available, (row["id"], route_id)
    for name, day in expect.get("deadlines", {}).items():
        assert getattr(result.deadlines, name) == day, (row["id"], name)
    for name, passed in expect.get("passed", {}).items():
        assert result.deadlines.passed.get(name) is passed, (row["id"], name)
    if "late_certificate" in expect:
        assert result.deadlines.late_certificate is expect["late_certificate"], row["id"]
    # Every date stated in a passed case says it has passed.
    for name, passed in result.deadlines.passed.items():
        day = getattr(result.deadlines, name)
        if passed:
            spoken = [m for m in result.messages if format_long(day) in m]
            assert all("passed" in m or "ended on" in m or "was " in m for m in spoken), (row["id"], spoken)
    _assert_words(" ".join(result.messages + [route.reason for route in result.routes if route.available]), row)


# --- messages: what the words are about ----------------------------------------------------

MESSAGES = table.cases("message")


@pytest.mark.parametrize("row", MESSAGES, ids=_ids(MESSAGES))
def test_message(row):
    text, expect = row["given"]["text"], row["expect"]
    if "about" in expect:
        assert classify_disagreement(text) == expect["about"], (row["id"], row["rule"])
    if "nation" in expect:
        assert rules.nation_in(text) == expect["nation"], (row["id"], row["rule"])
    if "ombudsman" in expect:
        assert expect["ombudsman"] in rules.ombudsman_for(text), (row["id"], row["rule"])


# --- certificates: the words said, texted and printed ----------------------------------------

CERTIFICATES = table.cases("certificate")


def _certificate(given: dict):
    decision, issued = given["decision_date"], given["issued_on"]
    late = service.late_certificate(decision, issued, given["kind"])
    appeal_by = appeal_deadline(decision).last_day if late else appeal_deadline(decision, issued).last_day
    return SimpleNamespace(decision_date=decision, issued_on=issued, kind=given["kind"], appeal_by=appeal_by,
                           reference="SEM-TEST-0001", requester_role="parent", requester_name="Jane Smith",
                           child_name="Sam Smith", local_authority="Reading", about="refusal_to_assess")


@pytest.mark.parametrize("row", CERTIFICATES, ids=_ids(CERTIFICATES))
def test_certificate(row):
    certificate = _certificate(row["given"])
    _assert_words(service.certificate_appeal_text(certificate, today=TODAY), row)
    if row.get("pdf_says"):
        printed = " ".join(value for _, value in certificate_lines(certificate, get_settings()))
        assert all(phrase in printed for phrase in row["pdf_says"]), printed


# --- mediation advice: the statutory information ------------------------------------------------

ADVICE = table.cases("advice")


@pytest.mark.parametrize("row", ADVICE, ids=_ids(ADVICE))
def test_advice(row):
    info = service.mediation_information(local_authority="Reading", about=row["given"]["about"],
                                         decision_date=row["given"]["decision_date"], today=TODAY)
    _assert_words(" ".join(info.paragraphs), row)


# --- a rule's own words ------------------------------------------------------------------------------

TEXTS = table.cases("text")


@pytest.mark.parametrize("row", TEXTS, ids=_ids(TEXTS))
def test_text(row):
    given = row["given"]
    if given["call"] == "appeal_deadline_text":
        said = service.appeal_deadline_text(appeal_deadline(given["decision_date"]), today=TODAY)
    elif given["call"] == "lead_certificate":
        said = mediation_texts.LEAD_CERTIFICATE
    else:
        raise AssertionError(f"unknown call {given['call']}")
    _assert_words(said, row)


# --- FAQ answers are the rules' own words --------------------------------------------------------

FAQS = table.cases("faq")


def _responses() -> dict:
    found = {}
    for path in NLU.glob("*.yml"):
        found.update((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {})
    return found


@pytest.mark.parametrize("row", FAQS, ids=_ids(FAQS))
def test_faq_answer_is_the_rule(row):
    key = row["given"]["key"]
    said = [variant["text"] for variant in _responses()[key]]
    assert said == [rules.FAQ_ANSWERS[key]], f"{key} must say bot.redress.rules.FAQ_ANSWERS[{key!r}]"
    _assert_words(said[0], row)


def test_the_ombudsman_faq_answers_agree_with_the_rule():
    responses = _responses()
    assert "Parliamentary and Health Service Ombudsman" in responses["utter_faq_complaints/phso"][0]["text"]
    assert "integrated care boards" in responses["utter_faq_complaints/phso"][0]["text"]
    assert rules.ombudsman_for("integrated care board") == rules.PHSO
    assert "Local Government and Social Care Ombudsman" in responses["utter_faq_complaints/council"][0]["text"]
    assert rules.ombudsman_for("the council") == rules.LGSCO


# --- issued certificates: whose name is on them (a real database) ---------------------------------

ISSUED = table.cases("issued_certificate")


@pytest.mark.parametrize("row", ISSUED, ids=_ids(ISSUED))
def test_issued_certificate_names(row, office):
    given = dict(row["given"])
    with session_scope(office.database_url) as session:
        service.record_mediation_information(session, conversation_id="legal", channel="web", local_authority="Kent",
                                             about="plan_content", decision_date=dt.date(2026, 10, 1), now=NOW)
        service.record_mediation_choice(session, conversation_id="legal", pursue=False, now=NOW)
        certificate = service.issue_certificate(
            session, conversation_id="legal", channel="web", local_authority="Kent", about="plan_content",
            decision_date=dt.date(2026, 10, 1), now=NOW, **given)
        for name, value in row["expect"].items():
            assert getattr(certificate, name) == value, (row["id"], name)


# --- every date said with "passed" words, across the product -------------------------------------


def _words_of(result) -> Iterable[str]:
    return list(result.messages)


def test_no_passed_date_is_ever_said_as_open_across_a_year_of_letters():
    """Property over every letter date of a year, each appealable decision: a date that has
    passed is never said without a word that it has passed."""
    day = dt.date(2025, 11, 1)
    while day <= TODAY:
        for about in APPEALABLE_DECISIONS:
            result = check_routes(Situation(role="parent", about=about, decision_date=day, today=TODAY))
            for name, passed in result.deadlines.passed.items():
                if not passed:
                    continue
                long = format_long(getattr(result.deadlines, name))
                for message in _words_of(result):
                    if long in message:
                        assert re.search(r"passed|ended on|was " + re.escape(long), message), (day, about, message)
        day += dt.timedelta(days=7)
