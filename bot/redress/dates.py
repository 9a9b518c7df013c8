"""Calendar helpers for deadlines: calendar months, working days in England, display.

Conventions used everywhere in ``bot.redress``:

* A "month" is a calendar month counted to the corresponding date (see
  ``add_calendar_months``).
* A "working day" is any day except Saturday, Sunday and the bank holidays of
  England (which include Christmas Day, Good Friday and substitute days). That is the
  definition in both the SEND Regulations 2014 (reg 2) and the tribunal's rules
  (HESC Rules r.1(3)). Bank holidays come from the ``holidays`` package, never from a
  hand-written list, so one-off days (for example a coronation) are included.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

import holidays

SATURDAY = 5  # date.weekday(): Monday is 0

# English names spelt out: calendar.day_name and strftime follow the process locale.
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def add_calendar_months(d: date, months: int) -> date:
    """Return the date ``months`` calendar months after ``d`` (before, if negative).

    Uses the corresponding date rule (Dodds v Walker [1981] 1 WLR 1027, HL): the period
    ends on the same day of the month, and where the later month has no such day, on
    the last day of that month.

    >>> add_calendar_months(date(2025, 10, 1), 2)    # 1 October -> 1 December
    datetime.date(2025, 12, 1)
    >>> add_calendar_months(date(2025, 11, 29), 1)   # 29 November -> 29 December
    datetime.date(2025, 12, 29)
    >>> add_calendar_months(date(2025, 12, 31), 2)   # no 31 February: last day instead
    datetime.date(2026, 2, 28)
    """
    # Work in "months since year 0" so that year boundaries need no special case.
    month_index = d.year * 12 + (d.month - 1) + months
    year, month_zero_based = divmod(month_index, 12)
    month = month_zero_based + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last_day))


@lru_cache(maxsize=None)
def _bank_holidays_in_england(year: int) -> frozenset[date]:
    # Cached per year: the package builds the calendar on each call.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_bank_holiday(d: date) -> bool:
    """True if ``d`` is a bank holiday in England (including substitute days)."""
    return d in _bank_holidays_in_england(d.year)


def is_working_day(d: date) -> bool:
    """True unless ``d`` is a Saturday, a Sunday or a bank holiday in England."""
    return d.weekday() < SATURDAY and not is_bank_holiday(d)


def next_working_day_on_or_after(d: date) -> date:
    """``d`` itself if it is a working day, otherwise the next working day."""
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


def first_working_day_after(d: date) -> date:
    """The first working day strictly after ``d`` (e.g. "after 1 January")."""
    return next_working_day_on_or_after(d + timedelta(days=1))


def add_working_days(d: date, n: int) -> date:
    """Return the ``n``-th working day after ``d``.

    ``d`` is day 0 and is not counted, whatever day it is. So something due "within 3
    working days" of being told on Friday is due on Wednesday (Mon 1, Tue 2, Wed 3).
    """
    if n < 0:
        raise ValueError(f"n must be 0 or more, not {n}")
    counted = 0
    while counted < n:
        d += timedelta(days=1)
        if is_working_day(d):
            counted += 1
    return d


def format_long(d: date) -> str:
    """GOV.UK style long date: "Tuesday 2 June 2026" (no leading zero, no "2nd")."""
    # Built by hand: strftime's %-d is not portable and its names follow the locale.
    return f"{DAY_NAMES[d.weekday()]} {d.day} {MONTH_NAMES[d.month - 1]} {d.year}"
