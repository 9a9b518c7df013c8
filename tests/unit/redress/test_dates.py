"""Calendar helpers. Expected dates were worked out by hand from a calendar."""

from datetime import date

import pytest

from bot.redress.dates import (
    add_calendar_months,
    add_working_days,
    first_working_day_after,
    format_long,
    is_bank_holiday,
    is_working_day,
    next_working_day_on_or_after,
)

D = date.fromisoformat


@pytest.mark.parametrize(
    "start, months, expected",
    [
        ("2025-10-01", 2, "2025-12-01"),  # brief: 1 October -> 1 December
        ("2025-11-29", 1, "2025-12-29"),  # brief: 29 November -> 29 December
        ("2025-12-31", 2, "2026-02-28"),  # no 31 February: last day of month
        ("2027-12-31", 2, "2028-02-29"),  # ... which is the 29th in a leap year
        ("2024-01-31", 1, "2024-02-29"),
        ("2026-01-31", 1, "2026-02-28"),
        ("2026-03-31", 1, "2026-04-30"),
        ("2026-11-30", 3, "2027-02-28"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2028-02-29", 1, "2028-03-29"),
        ("2025-12-15", 1, "2026-01-15"),  # across the year end
        ("2026-08-31", -6, "2026-02-28"),  # backwards
        ("2025-05-15", 0, "2025-05-15"),
    ],
)
def test_add_calendar_months_uses_the_corresponding_date(start, months, expected):
    assert add_calendar_months(D(start), months) == D(expected)


@pytest.mark.parametrize(
    "day, working",
    [
        ("2026-06-02", True),  # ordinary Tuesday
        ("2026-06-06", False),  # Saturday
        ("2026-06-07", False),  # Sunday
        ("2026-04-03", False),  # Good Friday
        ("2026-04-06", False),  # Easter Monday
        ("2026-05-04", False),  # early May bank holiday
        ("2026-05-05", True),
        ("2026-08-31", False),  # summer bank holiday
        ("2026-12-25", False),
        ("2026-12-28", False),  # substitute for Boxing Day (a Saturday)
        ("2027-12-27", False),  # substitute for Christmas Day (a Saturday)
        ("2027-12-28", False),  # substitute for Boxing Day (a Sunday)
        ("2028-01-03", False),  # substitute for New Year's Day (a Saturday)
        ("2028-01-04", True),
    ],
)
def test_is_working_day_in_england(day, working):
    assert is_working_day(D(day)) is working


def test_bank_holidays_are_those_of_england_not_scotland():
    # 2 January is a bank holiday in Scotland only.
    assert not is_bank_holiday(D("2026-01-02"))
    # St Andrew's Day (Scotland) and St Patrick's Day (Northern Ireland).
    assert not is_bank_holiday(D("2026-11-30"))
    assert not is_bank_holiday(D("2026-03-17"))


@pytest.mark.parametrize(
    "start, n, expected",
    [
        ("2026-06-05", 3, "2026-06-10"),  # Fri -> Mon 1, Tue 2, Wed 3
        ("2026-06-06", 1, "2026-06-08"),  # told on a Saturday
        ("2026-04-02", 3, "2026-04-09"),  # over Easter: Tue 7, Wed 8, Thu 9
        ("2026-05-01", 3, "2026-05-07"),  # over the early May bank holiday
        ("2026-12-24", 3, "2026-12-31"),  # over Christmas: Tue 29, Wed 30, Thu 31
        ("2026-06-02", 0, "2026-06-02"),  # day 0 is the day itself
    ],
)
def test_add_working_days_counts_from_day_zero(start, n, expected):
    assert add_working_days(D(start), n) == D(expected)


def test_add_working_days_refuses_negative_counts():
    with pytest.raises(ValueError):
        add_working_days(D("2026-06-02"), -1)


@pytest.mark.parametrize(
    "start, expected",
    [
        ("2026-06-02", "2026-06-02"),
        ("2026-06-06", "2026-06-08"),
        ("2026-04-03", "2026-04-07"),  # Good Friday -> Tuesday after Easter Monday
        ("2026-12-25", "2026-12-29"),
    ],
)
def test_next_working_day_on_or_after(start, expected):
    assert next_working_day_on_or_after(D(start)) == D(expected)


@pytest.mark.parametrize(
    "start, expected",
    [
        ("2026-01-01", "2026-01-02"),
        ("2027-01-01", "2027-01-04"),  # Friday -> Monday
        ("2028-01-01", "2028-01-04"),  # Monday 3rd is the substitute bank holiday
        ("2026-08-31", "2026-09-01"),
        ("2029-08-31", "2029-09-03"),
    ],
)
def test_first_working_day_after(start, expected):
    assert first_working_day_after(D(start)) == D(expected)


@pytest.mark.parametrize(
    "day, text",
    [
        ("2026-06-02", "Tuesday 2 June 2026"),
        ("2026-12-31", "Thursday 31 December 2026"),
        ("2028-02-29", "Tuesday 29 February 2028"),
    ],
)
def test_format_long(day, text):
    assert format_long(D(day)) == text
