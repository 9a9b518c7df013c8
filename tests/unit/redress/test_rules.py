"""bot.redress.rules: the shared legal rules of brief sections 6-9 and the young person."""
import datetime as dt

import pytest

from bot.redress import rules
from bot.settings import Settings

D = dt.date.fromisoformat


@pytest.mark.parametrize("born, ends", [
    ("2010-09-01", "2027-06-25"),  # turns 16 on 1 September 2026: year 11 is 2026-27
    ("2010-08-31", "2026-06-26"),  # turns 16 on 31 August 2026: the school year 2025-26
    ("2011-01-15", "2027-06-25"),
    ("2008-02-29", "2024-06-28"),
])
def test_compulsory_school_age_ends_on_the_last_friday_in_june(born, ends):
    end = rules.end_of_compulsory_school_age(D(born))
    assert end == D(ends) and end.weekday() == 4


def test_over_compulsory_school_age_by_age_or_date_of_birth():
    today = D("2026-11-30")
    assert rules.over_compulsory_school_age(age=17, today=today) is True
    assert rules.over_compulsory_school_age(age=15, today=today) is False
    assert rules.over_compulsory_school_age(age=16, today=today) is None  # ask about year 11
    assert rules.over_compulsory_school_age(date_of_birth=D("2010-08-31"), today=today) is True
    assert rules.over_compulsory_school_age(date_of_birth=D("2010-09-01"), today=today) is False


def test_who_acts():
    assert rules.who_acts("parent", True).certificate_names == "young_person"
    assert rules.who_acts("parent", True).holder == "young_person"
    assert rules.who_acts("parent", True, lacks_capacity=True).holder == "parent"
    assert rules.who_acts("parent", False).message is None


def test_say_date_marks_a_passed_date():
    assert rules.say_date(D("2026-04-14"), D("2026-11-30")).endswith("(this date has passed)")
    assert rules.say_date(D("2026-11-30"), D("2026-11-30")).endswith("(that is today)")
    assert "passed" not in rules.say_date(D("2026-12-30"), D("2026-11-30"))


def test_the_line_is_closed_on_bank_holidays_and_unstaffed_days():
    settings = Settings()
    assert rules.line_closed_on(D("2026-12-25"), settings)
    assert rules.line_closed_on(D("2026-12-26"), settings)  # Saturday
    assert not rules.line_closed_on(D("2026-12-29"), settings)
    closed_tuesdays = Settings(staffed_hours={"mon": "09:00-17:00", "tue": "", "wed": "09:00-17:00",
                                              "thu": "09:00-17:00", "fri": "09:00-16:30", "sat": "", "sun": ""})
    assert rules.line_closed_on(D("2026-12-29"), closed_tuesdays)
    assert "any hour" in rules.contact_adviser_by_text(D("2026-12-25"), D("2026-11-30"), settings)
    # A passed day gets no "closed" note: there is nothing left to do by it.
    assert "closed" not in rules.contact_adviser_by_text(D("2026-01-01"), D("2026-11-30"), settings)


def test_a_certificate_is_certainly_late_only_beyond_any_in_time_mediation():
    letter = D("2026-08-20")  # 2 months: 20 October; +30 days: 19 November; +3 working days: 24 November
    assert not rules.certificate_cannot_be_in_time(letter, D("2026-11-24"))
    assert rules.certificate_cannot_be_in_time(letter, D("2026-11-25"))
    assert rules.late_contact(letter, D("2026-10-21")) and not rules.late_contact(letter, D("2026-10-20"))


def test_sections_decide_what_can_be_appealed_whoever_writes():
    assert rules.about_for_sections(["F"]) == "plan_content"
    assert rules.about_for_sections(["B", "C"]) == "plan_content"
    assert rules.about_for_sections(["I"]) == "plan_placement_only"
    assert rules.about_for_sections(["H1", "G"]) == "plan_health_social_care_only"
    assert rules.about_for_sections([]) is None
    assert rules.certificate_needed("plan_content") and not rules.certificate_needed("plan_placement_only")


def test_weeks_late():
    assert rules.weeks_late(D("2026-01-05"), D("2026-09-21")) == 17  # 37 weeks from the request, 20 allowed
    assert rules.weeks_late(D("2026-11-01"), D("2026-11-30"), stage="decision") == 0
