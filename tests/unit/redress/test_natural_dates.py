"""Dates as people type and say them (UK order), relative to Monday 23 November 2026."""
import datetime as dt

import pytest

from bot.redress.natural_dates import parse_date, parse_past_date

TODAY = dt.date(2026, 11, 23)  # a Monday


@pytest.mark.parametrize(
    "text, expected",
    [
        ("the letter was dated 3rd March", dt.date(2026, 3, 3)),
        ("3/3/26", dt.date(2026, 3, 3)),
        ("03/04/2026", dt.date(2026, 4, 3)),  # 3 April, not 4 March
        ("12.10.25", dt.date(2025, 10, 12)),
        ("2026-02-28", dt.date(2026, 2, 28)),
        ("5 Dec", dt.date(2025, 12, 5)),  # no year: the most recent 5 December
        ("March 3rd 2026", dt.date(2026, 3, 3)),
        ("on the 1st of october", dt.date(2026, 10, 1)),
        ("the third of march twenty twenty six", dt.date(2026, 3, 3)),
        ("um it was the twenty first of september", dt.date(2026, 9, 21)),
        ("thirty first august twenty twenty five", dt.date(2025, 8, 31)),
        ("today", TODAY),
        ("yesterday", dt.date(2026, 11, 22)),
        ("last Tuesday", dt.date(2026, 11, 17)),
        ("last monday", dt.date(2026, 11, 16)),  # "last Monday" on a Monday is a week ago
        ("on friday", dt.date(2026, 11, 20)),
        ("two weeks ago", dt.date(2026, 11, 9)),
        ("3 days ago", dt.date(2026, 11, 20)),
        ("a month ago", dt.date(2026, 10, 23)),
        ("29/2/24", dt.date(2024, 2, 29)),
    ],
)
def test_dates_people_give(text, expected):
    assert parse_past_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["", "   ", "i don't know", "30/2/26", "the 45th of march", "31 june 2026"])
def test_no_date_or_an_impossible_one_is_none(text):
    assert parse_past_date(text, TODAY) is None


def test_a_future_date_is_found_but_not_accepted_as_a_past_letter():
    assert parse_date("3/3/27", TODAY) == dt.date(2027, 3, 3)
    assert parse_past_date("3/3/27", TODAY) is None
