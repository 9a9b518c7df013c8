"""When a person is on the line: weekday hours, closed at weekends and on England's bank holidays."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.handoff.hours import bank_holiday_name, describe_next_open, staffed_status
from bot.settings import Settings

LONDON = ZoneInfo("Europe/London")
SETTINGS = Settings(_env_file=None)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    "now, open_now, next_open",
    [
        (at(2026, 11, 23, 10, 0), True, None),  # Monday morning
        (at(2026, 11, 23, 8, 59), False, at(2026, 11, 23, 9, 0)),  # before opening
        (at(2026, 11, 23, 17, 0), False, at(2026, 11, 24, 9, 0)),  # closing time is closed
        (at(2026, 11, 27, 16, 45), False, at(2026, 11, 30, 9, 0)),  # Friday closes at 16:30
        (at(2026, 11, 28, 12, 0), False, at(2026, 11, 30, 9, 0)),  # Saturday
        (at(2026, 12, 24, 18, 0), False, at(2026, 12, 29, 9, 0)),  # Christmas, Boxing Day (Sat) and its substitute Mon 28
        (at(2026, 5, 4, 11, 0), False, at(2026, 5, 5, 9, 0)),  # Early May bank holiday
    ],
)
def test_staffed_status(now, open_now, next_open):
    status = staffed_status(now, SETTINGS)
    assert status.open_now is open_now
    assert status.next_open == next_open


def test_bank_holidays_come_from_the_holidays_package():
    assert bank_holiday_name(dt.date(2026, 12, 28))  # substitute day for Boxing Day
    assert bank_holiday_name(dt.date(2026, 4, 6)) == "Easter Monday"
    assert bank_holiday_name(dt.date(2026, 11, 23)) is None


def test_next_opening_is_described_in_words():
    friday_evening = at(2026, 11, 27, 18, 0)
    assert describe_next_open(staffed_status(friday_evening, SETTINGS), friday_evening) == "on Monday 30 November 2026 at 9am"
    early = at(2026, 11, 23, 7, 0)
    assert describe_next_open(staffed_status(early, SETTINGS), early) == "today at 9am"
    evening = at(2026, 11, 23, 20, 0)
    assert describe_next_open(staffed_status(evening, SETTINGS), evening) == "tomorrow at 9am"
