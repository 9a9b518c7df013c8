"""Dates as people write and say them, read through the maintained parser ``dateparser``.

    read_date("my decision letter was dated the 3rd of October", today=date(2026, 11, 30))
        -> DateReading(date=date(2026, 10, 3), expression="3rd of october", ambiguous=False, future=False)
    read_date("she turned 4 in september", today)          -> None   (an age and a month: no date)
    read_date("3/3/27", today)                             -> DateReading(date(2027, 3, 3), future=True)
    format_reading(reading)                                -> "I've taken that as Saturday 3 October 2026"

How a date is read (plain Python, no Rasa or web imports):
1. The text is normalised: lower case, spoken numbers as digits ("twenty third" -> "23rd",
   "twenty twenty six" -> "2026"), misspelt month names corrected ("novmber" -> "november").
2. Numbers that are not days are hidden: ages ("turned 4", "7 year old"), sections and
   other labels ("section 4", "year 9"), times ("at 3", "3pm", "10:30"), money, phone numbers.
3. Candidate date expressions are found with our own patterns: a day and a month in either
   order (with an optional weekday and year), numeric day/month/year (UK order), ISO
   year-month-day, "the 3rd", weekdays ("last Tuesday"), "today", "yesterday", "N weeks ago",
   "tomorrow", "next Friday". A month on its own, a bare number, "may" and "march" used as
   verbs, "decision" and "second opinion" are not date expressions.
4. Each candidate is interpreted by ``dateparser`` (English only, DATE_ORDER DMY, dates
   from the past preferred, RELATIVE_BASE = today).

A date with no year is the most recent one that is not after today (a letter already
received). A date after today is returned with ``future=True``; the caller must refuse it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from typing import List, Optional

import dateparser

__all__ = ["DateReading", "read_date", "read_past_date", "format_date", "format_reading"]

# A no-year date within this many days of today (before or after) may mean this year's or
# last year's: "14/02" said in February.
NEAR_DAYS = 31

MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
MONTH_ABBREVIATIONS = ["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAY_ABBREVIATIONS = {
    "mon": 0,
    "tue": 1,
    "tues": 1,
    "wed": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
}

UNIT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
TEEN_WORDS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS_WORDS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
ORDINAL_UNIT_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
}
ORDINAL_WORDS = ORDINAL_UNIT_WORDS | {
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
}

_SETTINGS = {
    "DATE_ORDER": "DMY",
    "PREFER_DATES_FROM": "past",
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
}


@dataclass(frozen=True)
class DateReading:
    """One date read from a message.

    date:        the calendar date (``datetime.date``, no time of day).
    expression:  the date expression it was read from, as normalised (lower case, spoken
                 numbers as digits, month spelling corrected), e.g. "3rd of october".
    ambiguous:   True when the reading is a guess the caller should read back or ask again:
                 see ``reasons``.
    future:      True when the date is after today; a letter date in the future is refused.
    reasons:     why it is ambiguous, short English phrases (empty when not ambiguous).
    alternatives: other dates the message could mean (other expressions in it, or the same
                 day and month a year earlier), most likely first; may be empty.
    """

    date: dt.date
    expression: str
    ambiguous: bool = False
    future: bool = False
    reasons: tuple[str, ...] = field(default_factory=tuple)
    alternatives: tuple[dt.date, ...] = field(default_factory=tuple)


def format_date(day: dt.date) -> str:
    """A date as the assistant says it: "Tuesday 3 November 2026"."""
    return f"{WEEKDAYS[day.weekday()].capitalize()} {day.day} {MONTHS[day.month - 1].capitalize()} {day.year}"


def format_reading(reading: DateReading) -> str:
    """The read-back sentence: "I've taken that as Tuesday 3 November 2026"."""
    return f"I've taken that as {format_date(reading.date)}"


def read_past_date(text: Optional[str], today: dt.date) -> Optional[DateReading]:
    """``read_date``, but None when the date is after today (never a future letter date)."""
    reading = read_date(text, today)
    return reading if reading is not None and not reading.future else None


def read_date(text: Optional[str], today: dt.date) -> Optional[DateReading]:
    """The date a message holds, relative to `today` (a ``datetime.date``), or None.

    None when the message holds no date expression, or only one that names no day
    ("in september", "last week", an age, a section number). When the message holds more
    than one different date, the one after "dated" (or else the last one) is returned,
    flagged ambiguous, with the others in ``alternatives``.
    """
    if not text or not text.strip():
        return None
    normalised = _hide_non_dates(_normalise(text))
    readings = []
    for start, _expression, reading in _candidates(normalised, today):
        if reading is not None:
            readings.append((start, reading))
    if not readings:
        return None
    distinct: List[DateReading] = []
    for _, reading in readings:
        if reading.date not in [r.date for r in distinct]:
            distinct.append(reading)
    if len(distinct) == 1:
        return distinct[0]
    # Several dates: the one the letter is "dated", else the last one said.
    chosen = None
    for start, reading in readings:
        if _DATED.search(normalised[max(0, start - 40) : start]) or reading.expression.startswith("dated "):
            chosen = reading
    chosen = chosen or readings[-1][1]
    others = tuple(r.date for r in distinct if r.date != chosen.date)
    return DateReading(
        chosen.date,
        chosen.expression,
        True,
        chosen.future,
        chosen.reasons + ("the message holds more than one date",),
        others + tuple(d for d in chosen.alternatives if d not in others),
    )


# Words just before the date a letter bears: "dated", "the date on it was", "letter date is".
_DATED = re.compile(
    r"\b(?:dated(?:\s+(?:on|as))?|date\s+(?:on\s+(?:it|the\s+letter)\s+|of\s+the\s+letter\s+)?"
    r"(?:is|was|says|said|reads|of))\s*$"
)


# --- normalising -------------------------------------------------------------------


def _suffix(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


def _normalise(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"[,;!?()\"]", " ", text)
    text = re.sub(r"\b(um+|uh+|erm+|er+)\b", " ", text)
    text = _correct_months(text)
    text = _spoken_years(text)
    text = _spoken_ordinals(text)
    text = _spoken_cardinals(text)
    return " ".join(text.split())


def _correct_months(text: str) -> str:
    """Misspelt month names: "novmber" -> "november", "febuary" -> "february"."""

    def fix(match: re.Match) -> str:
        word = match.group(0)
        if word in MONTHS or len(word) < 5 or any(word.startswith(month) for month in MONTHS):
            return word
        close = difflib.get_close_matches(word, MONTHS, n=1, cutoff=0.8)
        if close and close[0][0] == word[0] and abs(len(close[0]) - len(word)) <= 2:
            return close[0]
        return word

    return re.sub(r"[a-z]+", fix, text)


_UNIT = "|".join(UNIT_WORDS)
_TEEN = "|".join(TEEN_WORDS)


def _small_number(words: str) -> int:
    """ "six" -> 6, "twenty six" -> 26, "fourteen" -> 14 (words already validated)."""
    parts = re.split(r"[\s-]+", words.strip())
    total = 0
    for part in parts:
        total += UNIT_WORDS.get(part) or TEEN_WORDS.get(part) or TENS_WORDS.get(part, 0)
    return total


def _spoken_years(text: str) -> str:
    """ "twenty twenty six" -> 2026, "twenty nineteen" -> 2019, "two thousand and five" -> 2005."""
    two_digits = rf"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]+(?:{_UNIT}))?|{_TEEN})"
    text = re.sub(
        rf"\btwo thousand(?:\s+and)?\s+({two_digits}|{_UNIT})\b", lambda m: str(2000 + _small_number(m.group(1))), text
    )
    text = re.sub(r"\btwo thousand\b(?!\s+and)", "2000", text)
    text = re.sub(rf"\btwenty\s+(?:oh|o|nought|zero)\s+({_UNIT})\b", lambda m: str(2000 + UNIT_WORDS[m.group(1)]), text)
    text = re.sub(
        rf"\b(?:twenty\s+)((?:twenty|thirty)(?:[\s-]+(?:{_UNIT}))?|{_TEEN})\b",
        lambda m: str(2000 + _small_number(m.group(1))),
        text,
    )
    text = re.sub(
        rf"\bnineteen\s+((?:{'|'.join(TENS_WORDS)})(?:[\s-]+(?:{_UNIT}))?|{_TEEN})\b",
        lambda m: str(1900 + _small_number(m.group(1))),
        text,
    )
    return text


def _spoken_ordinals(text: str) -> str:
    """ "twenty third" -> "23rd", "thirty-first" -> "31st", "third" -> "3rd"."""
    units = "|".join(ORDINAL_UNIT_WORDS)
    text = re.sub(
        rf"\b(twenty|thirty)[\s-]+({units})\b",
        lambda m: _ordinal(TENS_WORDS[m.group(1)] + ORDINAL_UNIT_WORDS[m.group(2)]),
        text,
    )
    text = re.sub(rf"\b({'|'.join(ORDINAL_WORDS)})\b", lambda m: _ordinal(ORDINAL_WORDS[m.group(1)]), text)
    return text


def _ordinal(number: int) -> str:
    return f"{number}{_suffix(number)}"


def _spoken_cardinals(text: str) -> str:
    """ "twenty six" -> 26, "two" -> 2 (so "two weeks ago" and "november twenty six" read)."""
    tens = "|".join(TENS_WORDS)
    text = re.sub(rf"\b({tens})[\s-]+({_UNIT})\b", lambda m: str(_small_number(m.group(0))), text)
    text = re.sub(rf"\b({tens}|{_TEEN}|{_UNIT})\b", lambda m: str(_small_number(m.group(0))), text)
    return text


# --- numbers that are not days ------------------------------------------------------

_HIDE = "#"
_NUM = r"\d+(?:\.\d+)*"
_NOT_DAYS = [
    # ages
    rf"\b(?:turned|turns|turning|aged|age|ages|is now|will be)\s+{_NUM}\b",
    rf"\b{_NUM}\s*(?:-\s*)?(?:years?|yrs?|yo|months?)(?:\s*-\s*|\s+)old\b",
    rf"\b{_NUM}\s*yo\b",
    # sections, parts, labels
    rf"\b(?:section|sections|s|part|parts|para|paragraph|page|pages|chapter|year|years|yr|class|"
    rf"key stage|stage|level|step|number|no\.|room|item|point|question|rule|regulation|reg|"
    rf"appendix|schedule|annex|band|grade|table|box|line|option|version|flat|house)\s*{_NUM}[a-z]?\b",
    # times
    rf"\b{_NUM}\s*(?:am|pm|a\.m\.|p\.m\.|o'clock|oclock|hrs|hours?|minutes?|mins?)\b",
    r"\b\d{1,2}:\d{2}\b",
    rf"\b(?:at|by|till|until)\s+\d{{1,2}}(?:\.\d{{2}})?\b(?!\s*(?:st|nd|rd|th)\b)"
    rf"(?!\s+(?:of\s+)?(?:{'|'.join(MONTHS + MONTH_ABBREVIATIONS)})\b)(?![/.-]\d)",
    # money
    r"[£$€]\s*\d[\d,]*(?:\.\d+)?(?:k|m)?",
    rf"\b{_NUM}\s*(?:pounds?|quid|pence|p|k)\b",
    r"\b\d+(?:\.\d+)?\s*%",
    # phone numbers: eight or more digits, perhaps in groups
    r"\+?\d(?:[\s-]?\d){7,}",
]
_NOT_DAYS_RE = re.compile("|".join(f"(?:{pattern})" for pattern in _NOT_DAYS))


def _hide_non_dates(text: str) -> str:
    # A full numeric date is never a phone number or a decimal: keep those first.
    keep = re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}([/.-])\d{1,2}\1(?:\d{4}|\d{2})\b")
    kept: list[str] = []

    def stash(match: re.Match) -> str:
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    text = keep.sub(stash, text)
    text = _NOT_DAYS_RE.sub(lambda m: _HIDE * len(m.group(0)), text)
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], text)


# --- candidate expressions -----------------------------------------------------------

_MONTH = rf"(?P<month>{'|'.join(MONTHS + MONTH_ABBREVIATIONS)})\.?"
_WEEKDAY = rf"(?:{'|'.join(WEEKDAYS + list(WEEKDAY_ABBREVIATIONS))})\.?"
# A weekday on its own only by its full name: "sat", "sun" and "wed" are also words.
_WEEKDAY_FULL = rf"(?:{'|'.join(WEEKDAYS)})"
_DAY = r"(?P<day>\d{1,2})(?P<sfx>st|nd|rd|th)?"
# A two-digit year after a month name only at the end of the message: "4 sep 26".
_YEAR = r"(?P<year>(?:19|20)\d{2}|'\d{2}|\d{2}(?=\s*\.?\s*$))"
# What cannot follow a day number: it was a count ("march 3 miles") or a time.
_COUNT = (
    r"(?!\s*(?:miles?|times?|weeks?|days?|months?|years?|hours?|minutes?|people|children|kids|"
    r"pupils|steps|km|%|[:.]\d|/\d|-\d))"
)
# "may" and "march" followed by a verb or preposition are verbs, not months.
_VERB_AFTER = re.compile(
    r"^(?:\s+(?:be|have|not|get|go|need|want|ask|also|well|to|into|through|up|"
    r"down|off|out|with|along|ahead|past|forward)\b)"
)
_VERB_BEFORE = re.compile(r"\b(?:i|we|you|they|he|she|it|who|which|that|will|to|then)\s*$")

_PATTERNS = [
    ("iso", re.compile(r"(?<![\d/.-])(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?![\d/.-]*\d)")),
    (
        "numeric",
        re.compile(
            r"(?<![\d/.-])(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)"
            r"(?P<year>\d{4}|\d{2})(?![\d/.-]*\d)"
        ),
    ),
    ("numeric_no_year", re.compile(r"(?<![\d/.-])(?P<day>\d{1,2})/(?P<month>\d{1,2})(?![\d/.-]*\d)")),
    # "the first of the tenth": a day and a month both as ordinals (speech).
    (
        "numeric_no_year",
        re.compile(
            r"\b(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)\s+of\s+the\s+"
            r"(?P<month>\d{1,2})(?:st|nd|rd|th)\b(?:\s+(?P<year>(?:19|20)\d{2})\b)?"
        ),
    ),
    (
        "day_month",
        re.compile(
            rf"(?:(?P<weekday>{_WEEKDAY})\s+)?(?:the\s+)?"
            r"(?:(?P<other>\d{1,2})(?:st|nd|rd|th)?\s*(?:or|and|to|-)\s*(?:the\s+)?)?"
            rf"\b{_DAY}\s+(?:of\s+|day of\s+)?{_MONTH}\b"
            rf"(?:\s+{_YEAR}\b)?"
        ),
    ),
    (
        "month_day",
        re.compile(
            rf"(?:(?P<weekday>{_WEEKDAY})\s+)?\b{_MONTH}\s+(?:the\s+)?{_DAY}\b{_COUNT}"
            rf"(?:\s+{_YEAR}\b)?"
        ),
    ),
    (
        "relative",
        re.compile(
            r"\b(?:the\s+day\s+before\s+yesterday|today|yesterday|tomorrow|"
            r"(?P<amount>\d+|a|an|a\s+couple\s+of|a\s+few)\s+(?P<unit>days?|weeks?|fortnights?|months?|years?)\s+ago)\b"
        ),
    ),
    (
        "weekday",
        re.compile(
            rf"\b(?P<which>last|this\s+past|past|next|this|on|the)?\s*(?P<weekday>{_WEEKDAY_FULL})\b"
            r"(?P<after>\s+(?:before|just\s+gone|gone|last|that\s+has\s+just\s+gone))?"
        ),
    ),
    (
        "day_only",
        re.compile(
            r"\b(?:the|on|dated|from)\s+(?:the\s+)?(?P<day>\d{1,2})(?P<sfx>st|nd|rd|th)\b"
            r"(?P<of>\s+of\s+(?:this|last)\s+month)?"
            r"(?=\s*$|\s*[.:]|\s+(?:and|or)\b(?!\s+(?:the\s+)?\d+(?:st|nd|rd|th))|\s+(?:but|so|i|it|we|which|when|then|though|actually|maybe|"
            r"please|just|gone|this|last|of\s+this|of\s+last|because|as|if|that|at)\b)|"
            r"^\s*(?:the\s+)?(?P<day2>\d{1,2})(?:st|nd|rd|th)\s*\.?\s*$"
        ),
    ),
]


def _candidates(text: str, today: dt.date):
    """(start, expression, DateReading or None) for each date expression, in text order."""
    taken: list[tuple[int, int]] = []
    found = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if kind == "weekday":
                start = match.start("weekday") if not match.group("which") else match.start("which")
            if start == end or any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            expression = text[start:end].strip()
            found.append((start, expression, _interpret(kind, match, expression, today)))
    found.sort(key=lambda item: item[0])
    return found


def _parse(expression: str, today: dt.date, **settings) -> Optional[dt.date]:
    """dateparser's reading of one expression, English only, relative to `today`."""
    config = dict(_SETTINGS, RELATIVE_BASE=dt.datetime.combine(today, dt.time()), **settings)
    parsed = dateparser.parse(expression, languages=["en"], settings=config)
    return parsed.date() if parsed is not None else None


def _full_year(year: str, today: dt.date) -> int:
    digits = int(year.lstrip("'"))
    if digits >= 100:
        return digits
    return 2000 + digits if 2000 + digits <= today.year + 10 else 1900 + digits


def _month_number(word: str) -> int:
    word = word.rstrip(".")
    if word in MONTHS:
        return MONTHS.index(word) + 1
    return [m[:3] for m in MONTHS].index(word[:3]) + 1


def _weekday_number(word: str) -> int:
    word = word.rstrip(".")
    return WEEKDAYS.index(word) if word in WEEKDAYS else WEEKDAY_ABBREVIATIONS[word]


def _valid(year: int, month: int, day: int) -> Optional[dt.date]:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _interpret(kind: str, match: re.Match, expression: str, today: dt.date) -> Optional[DateReading]:
    reasons: list[str] = []
    alternatives: list[dt.date] = []
    if kind in ("iso", "numeric", "numeric_no_year"):
        day, month = int(match.group("day")), int(match.group("month"))
        has_year = match.groupdict().get("year") is not None
        year = _full_year(match.group("year"), today) if has_year else None
        if not 1 <= month <= 12 or not 1 <= day <= 31:
            return None
        # dateparser reads the numbers in UK order; an ISO date is passed in its own order.
        if kind == "iso":
            text = f"{year:04d}-{month:02d}-{day:02d}"
            date = _parse(text, today, DATE_ORDER="YMD")
        elif has_year:
            date = _parse(f"{day}/{month}/{year}", today)
        else:
            date = _parse(f"{day}/{month}", today)
        if date is None or date != _valid(date.year, month, day) or (year and date.year != year):
            return None
    elif kind in ("day_month", "month_day"):
        day, month = int(match.group("day")), _month_number(match.group("month"))
        if match.group("month").rstrip(".") in ("may", "march", "mar"):
            if (kind == "day_month" and _VERB_AFTER.match(match.string[match.end("month") :])) or (
                kind == "month_day" and _VERB_BEFORE.search(match.string[: match.start("month")])
            ):
                return None
        year = _full_year(match.group("year"), today) if match.group("year") else None
        has_year = year is not None
        text = f"{day} {MONTHS[month - 1]}" + (f" {year}" if has_year else "")
        date = _parse(text, today)
        if date is None or (date.month, date.day) != (month, day):
            return None
        if kind == "day_month" and match.group("other"):
            reasons.append("two days given")
            other = _valid(date.year, month, int(match.group("other")))
            if other:
                alternatives.append(other)
        weekday = match.group("weekday")
        if weekday and _weekday_number(weekday) != date.weekday():
            reasons.append(f"{weekday.rstrip('.').capitalize()} does not fall on that date")
    elif kind == "relative":
        has_year = True
        amount = match.group("amount")
        if amount:
            unit = match.group("unit")
            number = {"a": 1, "an": 1}.get(amount)
            if number is None and amount.startswith("a "):
                number = 2 if "couple" in amount else 3
                reasons.append(f"'{amount}' is approximate")
            number = number or int(amount)
            if unit.startswith("fortnight"):
                number, unit = number * 2, "weeks"
            date = _parse(f"{number} {unit} ago", today)
        else:
            date = _parse(expression, today)
        if date is None:
            return None
    elif kind == "weekday":
        has_year = True
        which = re.sub(r"\s+", " ", match.group("which") or "")
        target = _weekday_number(match.group("weekday"))
        if which == "next":
            date = today + dt.timedelta(days=(target - today.weekday() - 1) % 7 + 1)
        else:
            # dateparser reads a bare weekday as the most recent one before today.
            date = _parse(WEEKDAYS[target], today)
            if date is None:
                return None
            if target == today.weekday() and which not in ("last", "this past", "past") and not match.group("after"):
                reasons.append("that weekday is today: today or a week ago")
                alternatives.append(today)
            if match.group("after"):
                reasons.append(f"'{expression}' depends on another day")
    else:  # day_only: "the 3rd"
        has_year = True
        day = int(match.group("day") or match.group("day2"))
        if not 1 <= day <= 31:
            return None
        date = _parse(f"{day}{_suffix(day)}", today)
        if match.group("of") and "last" in match.group("of"):
            date = _month_back(today.replace(day=1) - dt.timedelta(days=1), day, today)
        elif date is None or date > today or date.day != day:
            date = _month_back(today, day, today)
        if date is None:
            return None
    if not has_year:
        # The most recent such day and month not after today.
        while date > today:
            date = _valid(date.year - 1, date.month, date.day) or _valid(date.year - 4, date.month, date.day)
        this_year = _valid(today.year, date.month, date.day)
        if this_year is not None and abs((this_year - today).days) <= NEAR_DAYS and this_year != today:
            reasons.append("no year given, and that day is close to today: this year's or last year's")
            other = this_year if this_year != date else _valid(date.year - 1, date.month, date.day)
            if other:
                alternatives.append(other)
    return DateReading(date, expression, bool(reasons), date > today, tuple(reasons), tuple(alternatives))


def _month_back(start: dt.date, day: int, today: dt.date) -> Optional[dt.date]:
    """The most recent `day` of a month, on or before `start` (and not after today)."""
    year, month = start.year, start.month
    for _ in range(13):
        candidate = _valid(year, month, day)
        if candidate is not None and candidate <= start and candidate <= today:
            return candidate
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return None
