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
     ("i am the SENCO", "professional"), ("young_person", "young_person"), ("hmm", None),
     # A parent says so by naming their child (stranger test, 1 December 2026).
     ("we got the final plan for our son", "parent"), ("our daughter's school won't follow it", "parent"),
     ("my son's plan is late", "parent"), ("the council refused to assess my daughter", "parent")],
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
    ("we live in Cardiff", "local_authority", {}, {"local_authority": OUTSIDE_ENGLAND, "nation": "wales"}),
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


# --- issue 18 in the conversation: who acts, outside England, exclusions ---------------------------

from bot.dialogue.forms import Turn, take_turn  # noqa: E402
from bot.redress.conversation import ABOUT_NAMES, RouteCheckForm, questions_needed  # noqa: E402
from bot.redress.front_door import classify_disagreement, describe  # noqa: E402

LATER = dt.date(2026, 11, 30)


def _walk(messages):
    """Each message to the route check in turn; (facts, everything said, the next question)."""
    spec, facts, asking, confirmed, said = RouteCheckForm(today=LATER), {}, None, False, []
    for message in messages:
        step = take_turn(spec, Turn(text=message, intent=None, asking=asking, facts=facts, confirmed=confirmed))
        for fact, value in step.updates.items():
            if value is None:
                facts.pop(fact, None)
            else:
                facts[fact] = value
        confirmed, asking = step.confirmed, step.next
        said += step.say
        if asking is None:
            break
    return facts, " ".join(said), asking


START = ["check my dates", "I'm her mum", "the council refused to do an EHC needs assessment", "Kent"]


@pytest.mark.parametrize("text, about", [
    ("he was excluded because of his disability, that's discrimination", "disability_discrimination"),
    ("the school discriminated against him and then excluded him", "disability_discrimination"),
    ("he was excluded from school last week", "school_exclusion"),
    ("she has been permanently excluded because of behaviour caused by her ADHD", "school_exclusion"),
    ("they suspended him for five days", "school_exclusion"),
])
def test_explicit_discrimination_is_discrimination_and_a_plain_exclusion_is_an_exclusion(text, about):
    # One reading for the whole product: the route check agrees with the front door.
    assert about_from_text(text) == classify_disagreement(text) == about


@pytest.mark.parametrize("about", ["school_exclusion", "no_decision_yet"])
def test_every_kind_of_disagreement_is_named_in_the_read_back(about):
    assert ABOUT_NAMES[about] == describe(about)
    assert f"it is about: {describe(about)}" in read_back({"role": "parent", "about": about})


def test_the_parent_of_a_17_year_old_is_asked_about_capacity_and_told_the_right_is_theirs():
    facts, said, asking = _walk(START + ["she's 17"])
    assert asking == "can_decide"
    facts, said, asking = _walk(START + ["she's 17", "yes she can"])
    assert "is theirs, not yours" in said and "certificate names them" in said
    assert asking == "decision_date" and facts["can_decide"] == "yes"
    situation = situation_from_facts({**facts, "decision_date": dt.date(2026, 11, 10)}, today=LATER)
    assert situation.over_school_age is True and situation.lacks_capacity is False


def test_a_16_year_old_is_asked_about_year_11_first():
    facts, said, asking = _walk(START + ["he's 16"])
    assert asking == "finished_year_11"
    facts, said, asking = _walk(START + ["he's 16", "no, he's still in year 11"])
    assert asking == "decision_date" and "is theirs" not in said
    assert situation_from_facts({**facts}, today=LATER).over_school_age is False
    facts, said, asking = _walk(START + ["he's 16", "yes", "no, he can't"])
    assert "you can act for them" in said and "certificate names the young person" in said
    situation = situation_from_facts(facts, today=LATER)
    assert situation.over_school_age is True and situation.lacks_capacity is True


def test_not_sure_about_capacity_leaves_the_right_with_the_young_person():
    facts, said, _ = _walk(START + ["she's 18", "not sure"])
    assert facts["can_decide"] == "not sure" and "is theirs, not yours" in said
    assert situation_from_facts(facts, today=LATER).lacks_capacity is False


@pytest.mark.parametrize("role, age", [("I'm the young person", "I'm 17"), ("I'm her mum", "she's 12"),
                                       ("I'm a SENCO", "she's 17")])
def test_no_capacity_question_when_the_right_is_not_the_parents_question(role, age):
    facts, _, asking = _walk(["check my dates", role, "the council refused to do an EHC needs assessment", "Kent", age])
    assert asking == "decision_date" and "can_decide" not in questions_needed(facts)


@pytest.mark.parametrize("messages, nation, service", [
    (["check my dates", "I'm his dad", "they won't assess him", "we live in Cardiff"], "wales", "SNAP Cymru"),
    (START + ["he's 9, and we're in Glasgow now"], "scotland", "Enquire"),
    (START + ["she's 9", "actually we moved to Belfast, the letter was 3 November"], "northern_ireland", "SENAC"),
    (["I live in Swansea and the council said no to an assessment"], "wales", "Education Tribunal for Wales"),
])
def test_outside_england_wherever_it_comes_up_ends_the_check(messages, nation, service):
    facts, said, asking = _walk(messages)
    assert asking is None and service in said and "do not apply" in said
    assert facts["nation"] == nation
    assert "decision_date" not in facts  # nothing more is taken or asked


def test_an_english_council_after_a_welsh_town_is_a_correction():
    facts, _, asking = _walk(["check my dates", "I'm his dad", "they won't assess him", "Kent",
                              "he's 9, we moved from Cardiff to Kent"])
    assert facts["local_authority"] == "Kent" and asking == "decision_date"


def test_a_person_named_barry_is_not_in_wales():
    facts, _, asking = _walk(START[:3] + ["Kent", "my son Barry is 9"])
    assert facts.get("nation") is None and asking == "decision_date"


def test_an_exclusion_asks_the_decision_date_and_gives_both_limits_with_passed():
    facts, said, asking = _walk(["check my dates", "I'm his mum", "he was permanently excluded from school", "Kent",
                                 "he's 12"])
    assert asking == "decision_date" and facts["about"] == "school_exclusion"
    facts, said, asking = _walk(["check my dates", "I'm his mum", "he was permanently excluded from school", "Kent",
                                 "he's 12", "2 November 2026"])
    assert "the exclusion decision was on Monday 2 November 2026" in read_back(facts)
    result = check_routes(situation_from_facts(facts, today=LATER))
    text = " ".join(summary_messages(result))
    # 15 school days (weekdays, no bank holidays) after Monday 2 November: Monday 23 November, passed.
    assert "Monday 23 November 2026 (this date has passed)" in text
    # 6 months starting with 2 November 2026: the last day is 1 May 2027, open.
    assert "Saturday 1 May 2027" in text and "1 May 2027 (this date has passed)" not in text
    assert result.deadlines.passed == {"review_panel_by": True, "discrimination_claim_by": False}


@pytest.mark.parametrize("text", [
    "I'd like a mediation certificate please, the letter was dated 16 November 2026",
    "can I get my certificate, the decision letter came on 16 November 2026",
    "need a certificate. letter dated 16/11/2026",
])
def test_a_letter_date_beside_a_request_for_a_certificate_is_the_letters(text):
    updates = read_answer(text, "decision_date", {"about": "plan_content"}, TODAY).updates
    assert updates.get("decision_date") == dt.date(2026, 11, 16) and "certificate_date" not in updates


def test_a_certificates_own_date_is_still_the_certificates():
    updates = read_answer("the certificate was dated 20 November 2026", "certificate_date",
                          {"about": "plan_content", "decision_date": dt.date(2026, 11, 2)}, TODAY).updates
    assert updates.get("certificate_date") == dt.date(2026, 11, 20)


@pytest.mark.parametrize("text", ["no, I don't have a certificate yet", "I have no certificate", "we haven't got a certificate"])
def test_no_certificate_at_the_read_back_corrects_it(text):
    facts = {"about": "plan_content", "decision_date": dt.date(2026, 11, 16), "certificate_date": dt.date(2026, 11, 16)}
    reading = read_answer(text, "confirmed", facts, TODAY)
    assert reading.updates.get("certificate_date") == NO_CERTIFICATE
