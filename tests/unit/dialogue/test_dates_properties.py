"""Properties of the date reader (hypothesis).

1. A message built only from words that hold no date expression (no month names or
   abbreviations, no weekday names, no relative-date words, no ordinals, numbers only as
   counts, ages, sections, times, money and phone numbers) never yields a date.
2. Any valid date, written in any of the ways people write and say it, is read back exactly,
   and flagged as future exactly when it is after today.
"""
import datetime as dt
import difflib
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.dialogue.dates import MONTHS, ORDINAL_WORDS, WEEKDAYS, read_date

TODAY = dt.date(2026, 11, 30)
PROPERTY_SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Words a parent might use that are not dates.
ORDINARY_WORDS = """
    the a an my our their his her letter council school decision decided refused refuse assessment ehc
    plan needs child son daughter parent carer young person mediation mediator certificate appeal tribunal
    deadline opinion second and or but so because if then when we i you they he she it was is were got came
    received sent posted email phone call called said told asked about around before after since until
    never always still just only not no yes maybe think know sure unsure dated date letter's council's
    section part page year years class stage age aged old turned turns weeks week days day months month
    hours minutes times miles pounds pence pm am o'clock at on in of to from by with for this that these
    those next last first time senco headteacher local authority kent surrey help please thank thanks
    challenge health care icb social ombudsman complaint nursery college dec sept decision's member
    members remember decent marching mayor maybe mars june's married augment octopus junior
""".split()
NOT_DATES = {"first", "second", "next", "last", "dec", "sept", "june's"}  # ordinals, month-like, relative
VOCABULARY = [word for word in ORDINARY_WORDS if word not in NOT_DATES] + ["second opinion"]
# Numbers that are not days: counts, ages, sections, times, money and phone numbers.
NUMBER_PHRASES = st.one_of(
    st.integers(0, 99999).map(str),
    st.integers(1, 52).map(lambda n: f"{n} weeks"),
    st.integers(1, 25).map(lambda n: f"aged {n}"),
    st.integers(1, 25).map(lambda n: f"{n} year old"),
    st.integers(1, 25).map(lambda n: f"she turned {n}"),
    st.integers(1, 99).map(lambda n: f"section {n}"),
    st.integers(1, 12).map(lambda n: f"{n}pm"),
    st.integers(1, 12).map(lambda n: f"at {n}"),
    st.tuples(st.integers(0, 23), st.integers(0, 59)).map(lambda t: f"{t[0]}:{t[1]:02d}"),
    st.tuples(st.integers(0, 9999), st.integers(0, 99)).map(lambda t: f"£{t[0]}.{t[1]:02d}"),
    st.tuples(st.integers(0, 99), st.integers(0, 99)).map(lambda t: f"{t[0]}.{t[1]}"),
    st.integers(0, 999999).map(lambda n: f"07700 {n:06d}"),
)
# An ordinal word alone ("the eleventh") is a day of the month, so a date expression too.
DATE_WORDS = set(MONTHS) | set(WEEKDAYS) | set(ORDINAL_WORDS) | {"today", "yesterday", "tomorrow", "ago", "tonight"}


def _is_date_like(word: str) -> bool:
    """A word that is, starts like, or is spelt close to a month or weekday name."""
    return (word in DATE_WORDS or any(word.startswith(name[:3]) for name in MONTHS + WEEKDAYS)
            or bool(difflib.get_close_matches(word, MONTHS + WEEKDAYS, n=1, cutoff=0.7)))


RANDOM_WORDS = st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=10).filter(lambda w: not _is_date_like(w))
TOKENS = st.one_of(st.sampled_from(VOCABULARY), RANDOM_WORDS, NUMBER_PHRASES)


@PROPERTY_SETTINGS
@given(st.lists(TOKENS, min_size=1, max_size=14), st.sampled_from([" ", ", ", ". ", " - "]))
def test_no_date_is_read_from_a_message_without_a_date_expression(tokens, separator):
    text = separator.join(tokens)
    assert read_date(text, TODAY) is None, text


NOT_DAY_NUMBERS = st.one_of(
    st.integers(1, 25).map(lambda n: f"aged {n}"),
    st.integers(1, 25).map(lambda n: f"{n} year old"),
    st.integers(1, 25).map(lambda n: f"{n}-year-old"),
    st.integers(1, 25).map(lambda n: f"turned {n}"),
    st.integers(1, 13).map(lambda n: f"year {n}"),
    st.integers(1, 99).map(lambda n: f"section {n}"),
    st.integers(1, 12).map(lambda n: f"{n}pm"),
    st.integers(1, 99).map(lambda n: f"£{n}"),
    st.integers(1, 99).map(lambda n: f"{n} pounds"),
    st.integers(1, 31).map(lambda n: f"07700 9001{n:02d}"),
)


@PROPERTY_SETTINGS
@given(NOT_DAY_NUMBERS, st.sampled_from(MONTHS), st.sampled_from(["", " 2025", " 2026"]))
def test_an_age_section_time_or_sum_next_to_a_month_is_not_a_day(number, month, year):
    text = f"{number} {month}{year}"
    assert read_date(text, TODAY) is None, text


UNITS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty", 9: "ninety"}
ORDINALS = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
            "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
            "eighteenth", "nineteenth", "twentieth"]


def spoken_ordinal(day: int) -> str:
    if day <= 20:
        return ORDINALS[day]
    if day == 30:
        return "thirtieth"
    return f"{TENS[day // 10]} {ORDINALS[day % 10]}"


def spoken_two_digits(number: int) -> str:
    if number < 10:
        return UNITS[number]
    if number < 20:
        return TEENS[number - 10]
    return f"{TENS[number // 10]} {UNITS[number % 10]}".strip()


def spoken_year(year: int) -> str:
    if year == 2000:
        return "two thousand"
    if year < 2000:
        return f"nineteen {spoken_two_digits(year - 1900)}"
    if year < 2010:
        return f"two thousand and {UNITS[year - 2000]}"
    return f"twenty {spoken_two_digits(year - 2000)}"


def suffix(day: int) -> str:
    return "th" if 10 <= day <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def renderings(day: dt.date):
    month, weekday = MONTHS[day.month - 1], WEEKDAYS[day.weekday()]
    yield f"{day:%d/%m/%Y}"
    yield f"{day.day}/{day.month}/{day.year}"
    yield f"{day:%d.%m.%Y}"
    yield f"{day.day}-{day.month}-{day.year}"
    yield f"{day:%Y-%m-%d}"
    yield f"{day.day} {month.capitalize()} {day.year}"
    yield f"{day.day} {month[:3]} {day.year}"
    yield f"{month.capitalize()} {day.day}, {day.year}"
    yield f"the {day.day}{suffix(day.day)} of {month} {day.year}"
    yield f"{weekday.capitalize()} {day.day} {month.capitalize()} {day.year}"
    yield f"the letter was dated {day.day}{suffix(day.day)} {month} {day.year}, my 7 year old is in year 3"
    yield f"the {spoken_ordinal(day.day)} of {month} {spoken_year(day.year)}"
    yield f"{month} the {spoken_ordinal(day.day)} {spoken_year(day.year)}"
    if 2000 <= day.year <= TODAY.year + 10:
        yield f"{day:%d/%m/%y}"


@PROPERTY_SETTINGS
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2036, 12, 31)))
def test_any_date_written_in_full_is_read_back_exactly(day):
    for text in renderings(day):
        reading = read_date(text, TODAY)
        assert reading is not None, text
        assert reading.date == day, text
        assert reading.future == (day > TODAY), text
        assert not reading.ambiguous, (text, reading.reasons)


@PROPERTY_SETTINGS
@given(st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2035, 12, 31)), st.integers(0, 400))
def test_a_date_without_a_year_is_the_most_recent_one_not_after_today(today, days_back):
    day = today - dt.timedelta(days=days_back)
    if (day.month, day.day) == (2, 29):
        return  # said without a year, 29 February is the most recent leap day: tested in the table
    for text in (f"{day.day} {MONTHS[day.month - 1]}", f"{day.day}/{day.month}"):
        reading = read_date(text, today)
        assert reading is not None and not reading.future, text
        assert reading.date <= today and (reading.date.month, reading.date.day) == (day.month, day.day)
        assert (today - reading.date).days < 366


@PROPERTY_SETTINGS
@given(st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2035, 12, 31)), st.integers(1, 9))
def test_relative_dates_count_back_from_today(today, amount):
    assert read_date(f"{amount} days ago", today).date == today - dt.timedelta(days=amount)
    assert read_date(f"{UNITS[amount]} weeks ago", today).date == today - dt.timedelta(weeks=amount)
    assert read_date("yesterday", today).date == today - dt.timedelta(days=1)
