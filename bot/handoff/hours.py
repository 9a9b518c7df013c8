"""When the line is staffed: configured hours per weekday, closed on England's bank holidays.

Plain Python, shared by the chat actions, the phone line and the console.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional
from zoneinfo import ZoneInfo

import holidays

from bot.settings import Settings, get_settings


def bank_holiday_name(day: dt.date) -> Optional[str]:
    """The name of the bank holiday in England on `day`, if it is one."""
    return holidays.country_holidays("GB", subdiv="ENG", years=day.year).get(day)


@dataclass(frozen=True)
class StaffedStatus:
    open_now: bool
    # When a person is next available (start of the next staffed span), local time.
    next_open: Optional[dt.datetime]
    closes_at: Optional[dt.datetime]


def staffed_status(now: Optional[dt.datetime] = None, settings: Optional[Settings] = None) -> StaffedStatus:
    settings = settings or get_settings()
    zone = ZoneInfo(settings.timezone)
    now = (now or dt.datetime.now(tz=zone)).astimezone(zone)

    def span_on(day: dt.date):
        if bank_holiday_name(day):
            return None
        span = settings.staffed_span(day.weekday())
        if span is None:
            return None
        return (dt.datetime.combine(day, span[0], tzinfo=zone), dt.datetime.combine(day, span[1], tzinfo=zone))

    today = span_on(now.date())
    if today and today[0] <= now < today[1]:
        return StaffedStatus(open_now=True, next_open=None, closes_at=today[1])
    for offset in range(0, 15):  # the longest run of closed days is well under a fortnight
        span = span_on(now.date() + dt.timedelta(days=offset))
        if span and span[0] > now:
            return StaffedStatus(open_now=False, next_open=span[0], closes_at=None)
    return StaffedStatus(open_now=False, next_open=None, closes_at=None)


def describe_next_open(status: StaffedStatus, now: Optional[dt.datetime] = None) -> str:
    """'today at 9am', 'tomorrow at 9am' or 'on Tuesday 2 June 2026 at 9am'."""
    if status.next_open is None:
        return "when the line next opens"
    when = status.next_open
    now = (now or dt.datetime.now(tz=when.tzinfo)).astimezone(when.tzinfo)
    time_text = _spoken_time(when.time())
    if when.date() == now.date():
        return f"today at {time_text}"
    if when.date() == now.date() + dt.timedelta(days=1):
        return f"tomorrow at {time_text}"
    return f"on {when:%A} {when.day} {when:%B %Y} at {time_text}"


def _spoken_time(value: dt.time) -> str:
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"
