"""Checks on what a person told us, shared by certificates, mediation requests and DR requests.

Every check raises ValueError with a message a conversation can read back to the
person as it stands ("Please tell me ..."), and returns the cleaned value.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional
from zoneinfo import ZoneInfo

from bot.redress.dates import format_long
from bot.redress.service_area import service_area
from bot.settings import get_settings

CHANNELS = ("web", "voice", "sms", "console")
REQUESTER_ROLES = ("parent", "young_person")
MAX_NAME_LENGTH = 120
MAX_TEXT_LENGTH = 4000


def utcnow() -> dt.datetime:
    """Naive UTC, as every table in the product stores it."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def local_today(now: Optional[dt.datetime] = None) -> dt.date:
    """Today's date in the service's time zone (certificates are dated in UK time)."""
    zone = ZoneInfo(get_settings().timezone)
    moment = (now or utcnow()).replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(zone).date()


def require_text(value: Optional[str], what: str, max_length: int = MAX_TEXT_LENGTH) -> str:
    cleaned = " ".join((value or "").split())
    if not cleaned:
        raise ValueError(f"Please tell me {what}: it cannot be left empty.")
    if len(cleaned) > max_length:
        raise ValueError(f"{what[0].upper() + what[1:]} is too long: please keep it under {max_length} characters.")
    return cleaned


def require_name(value: Optional[str], whose: str) -> str:
    name = require_text(value, whose, MAX_NAME_LENGTH)
    if not any(ch.isalpha() for ch in name):
        raise ValueError(f"Please tell me {whose} in letters: '{name}' does not look like a name.")
    return name


def optional_text(value: Optional[str], what: str, max_length: int = MAX_TEXT_LENGTH) -> Optional[str]:
    return require_text(value, what, max_length) if value and value.strip() else None


def require_channel(channel: str) -> str:
    if channel not in CHANNELS:
        raise ValueError(f"Unknown channel {channel!r}: use one of {', '.join(CHANNELS)}.")
    return channel


def require_conversation_id(conversation_id: str) -> str:
    if not conversation_id or not str(conversation_id).strip():
        raise ValueError("A conversation id is needed to record this.")
    if len(conversation_id) > 100:
        raise ValueError("The conversation id is too long (100 characters at most).")
    return conversation_id


def require_role(role: str) -> str:
    if role not in REQUESTER_ROLES:
        raise ValueError(
            "Only a parent or carer ('parent') or the young person ('young_person') can appeal "
            f"to the tribunal, so a certificate cannot be issued to {role!r}."
        )
    return role


def require_local_authority(name: Optional[str]) -> str:
    """The canonical name of one of the South East Group's 16 councils."""
    area = service_area(name)
    if not name or not str(name).strip():
        raise ValueError("Please tell me which council made the decision.")
    if not area.in_south_east_group:
        raise ValueError(area.message or f"We did not recognise '{name}' as a council.")
    return area.local_authority  # type: ignore[return-value]


def require_past_date(value: Optional[dt.date], what: str, today: Optional[dt.date] = None) -> dt.date:
    today = today or local_today()
    if value is None:
        raise ValueError(f"Please tell me {what}.")
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValueError(f"{what[0].upper() + what[1:]} must be a date, not {value!r}.")
    if value > today:
        raise ValueError(
            f"{what[0].upper() + what[1:]}, {format_long(value)}, is after today ({format_long(today)}). "
            "Please check the date."
        )
    return value


def initials(name: Optional[str]) -> str:
    """'Jane Mary Smith' -> 'J. M. S.'; what the public verification page may show."""
    parts = [part for part in (name or "").replace("-", " ").split() if part[:1].isalpha()]
    return " ".join(f"{part[0].upper()}." for part in parts)
