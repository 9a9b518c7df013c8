"""Dates as people write and say them, for letters and certificates already received.

    parse_past_date("the letter was dated 3rd March", today=date(2026, 11, 23)) -> 2026-03-03
    parse_past_date("3/3/26")          -> 3 March 2026 (UK order: day, month, year)
    parse_past_date("last Tuesday")    -> the Tuesday before today
    parse_past_date("the third of march twenty twenty six")  (transcribed speech)

Plain Python. A date with no year is the most recent one that is not in the
future, because a decision letter has already been sent. A date with a year is
returned as written, even in the future, so the caller can say what is wrong;
`parse_past_date` refuses future dates. None when no date can be found.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from bot.redress.dates import add_calendar_months


WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
MONTH_PREFIXES = {name[:3]: number for number, name in enumerate(MONTHS, start=1)} | {"sept": 9}

ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}
UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
SMALL_NUMBERS = UNITS | {"a": 1, "an": 1, "ten": 10, "eleven": 11, "twelve": 12}
YEAR_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}


def parse_date(text: Optional[str], today: Optional[dt.date] = None) -> Optional[dt.date]:
    """The date a person means, or None."""
    if not text or not text.strip():
        return None
    today = today or dt.date.today()
    cleaned = _normalise(text)
    for finder in (_relative_date, _numeric_date, _worded_date):
        found = finder(cleaned, today)
        if found is not None:
            return found
    return None


def parse_past_date(text: Optional[str], today: Optional[dt.date] = None) -> Optional[dt.date]:
    """The date a person means, or None; never a date after `today`."""
    today = today or dt.date.today()
    found = parse_date(text, today)
    return found if found is not None and found <= today else None


def _normalise(text: str) -> str:
    text = text.lower().replace(",", " ").replace("’", "'")
    # Spoken ordinals: "twenty third" -> "23rd", "thirty first" -> "31st"
    for tens_word, tens in (("twenty", 20), ("thirty", 30)):
        for unit_word, unit in ORDINAL_WORDS.items():
            if unit < 10:
                text = re.sub(rf"\b{tens_word}[\s-]+{unit_word}\b", f"{tens + unit}th", text)
    for word, number in ORDINAL_WORDS.items():
        text = re.sub(rf"\b{word}\b", f"{number}th", text)
    # Spoken years: "twenty twenty six" -> 2026, "twenty twenty" -> 2020
    def spoken_year(match: re.Match) -> str:
        century, rest = match.group(1), match.group(2)
        tens_part = YEAR_WORDS[rest.split()[0].split("-")[0]]
        unit_part = UNITS.get(rest.split()[-1].split("-")[-1], 0) if (" " in rest or "-" in rest) else 0
        return str(YEAR_WORDS[century] * 100 + tens_part + unit_part)
    text = re.sub(r"\b(twenty)\s+((?:twenty|thirty)(?:[\s-]+(?:one|two|three|four|five|six|seven|eight|nine))?)\b", spoken_year, text)
    text = re.sub(r"\b(\d{1,2})(st|nd|rd|th)\b", r"\1", text)
    text = re.sub(r"\b(um+|uh+|er+m?|like|erm)\b", " ", text)
    return " ".join(text.split())


def _relative_date(text: str, today: dt.date) -> Optional[dt.date]:
    if re.search(r"\btoday\b", text):
        return today
    if re.search(r"\byesterday\b", text):
        return today - dt.timedelta(days=1)
    match = re.search(r"\b(\d+|" + "|".join(SMALL_NUMBERS) + r")\s+(day|week|month)s?\s+ago\b", text)
    if match:
        amount = int(match.group(1)) if match.group(1).isdigit() else SMALL_NUMBERS[match.group(1)]
        unit = match.group(2)
        if unit == "day":
            return today - dt.timedelta(days=amount)
        if unit == "week":
            return today - dt.timedelta(weeks=amount)
        return add_calendar_months(today, -amount)
    match = re.search(r"\b(last|on|this past|past)?\s*(" + "|".join(WEEKDAYS) + r")\b", text)
    if match and not re.search(r"\d", text):
        weekday = WEEKDAYS.index(match.group(2))
        back = (today.weekday() - weekday) % 7
        if match.group(1) in ("last", "this past", "past") and back == 0:
            back = 7
        return today - dt.timedelta(days=back)
    return None


def _numeric_date(text: str, today: dt.date) -> Optional[dt.date]:
    iso = re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", text)
    if iso:
        return _valid(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    match = re.search(r"\b(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{2,4}))?\b", text)
    if not match:
        return None
    day, month = int(match.group(1)), int(match.group(2))  # UK order: day first
    if match.group(3) is None:
        return _most_recent(day, month, today)
    year = int(match.group(3))
    if year < 100:
        year += 2000
    return _valid(year, month, day)


def _worded_date(text: str, today: dt.date) -> Optional[dt.date]:
    month_match = re.search(r"\b(" + "|".join(MONTH_PREFIXES) + r")[a-z]*\b", text)
    if not month_match:
        return None
    month = MONTH_PREFIXES[month_match.group(1)]
    year_match = re.search(r"\b(19|20)\d{2}\b", text)
    # The day is the number next to the month ("3rd of March", "March 3"); any other lone
    # number only when it is the one number in the text ("my 7 year old ... 3rd March").
    month_word = re.escape(month_match.group(0))
    beside = (re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + month_word + r"\b", text)
              or re.search(r"\b" + month_word + r"\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\b(?!\d)", text))
    if beside:
        day = int(beside.group(1))
    else:
        numbers = [int(number) for number in re.findall(r"\b(\d{1,2})(?:st|nd|rd|th)?\b",
                                                          text.replace(year_match.group(0), " ") if year_match else text)]
        day = numbers[0] if len(numbers) == 1 else None
    if day is None or not 1 <= day <= 31:
        return None
    if year_match:
        return _valid(int(year_match.group(0)), month, day)
    return _most_recent(day, month, today)


def _most_recent(day: int, month: int, today: dt.date) -> Optional[dt.date]:
    for year in (today.year, today.year - 1, today.year - 2, today.year - 3, today.year - 4):
        candidate = _valid(year, month, day)
        if candidate and candidate <= today:
            return candidate
    return None


def _valid(year: int, month: int, day: int) -> Optional[dt.date]:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
