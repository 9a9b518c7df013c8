"""The date table: what people write and say, and the date the assistant takes from it.

Today is Monday 30 November 2026 throughout. Each row is (message, date or None, flags),
where flags is "" (a plain reading), "ambiguous" (read back or asked again), "future"
(refused as a letter date) or "ambiguous future".
"""
import datetime as dt

import pytest

from bot.dialogue.dates import DateReading, format_date, format_reading, read_date, read_past_date

TODAY = dt.date(2026, 11, 30)  # a Monday
D = dt.date
A, F = "ambiguous", "future"

TABLE = [
    # --- the two failing inputs, and the correction that was ignored
    ("my decision letter was dated the 3rd of October", D(2026, 10, 3), ""),
    ("she turned 4 in september", None, ""),
    ("I never gave you a letter date, it was dated 20 November", D(2026, 11, 20), A),
    # --- day and month names, either order
    ("3rd October", D(2026, 10, 3), ""),
    ("3 October", D(2026, 10, 3), ""),
    ("October 3rd", D(2026, 10, 3), ""),
    ("October 3", D(2026, 10, 3), ""),
    ("october the 3rd", D(2026, 10, 3), ""),
    ("the 3rd of oct", D(2026, 10, 3), ""),
    ("3 Oct.", D(2026, 10, 3), ""),
    ("it was dated 14 July", D(2026, 7, 14), ""),
    ("14th july 2025", D(2025, 7, 14), ""),
    ("July 14, 2025", D(2025, 7, 14), ""),
    ("1st of september", D(2026, 9, 1), ""),
    ("sept 4", D(2026, 9, 4), ""),
    ("4 sept 2026", D(2026, 9, 4), ""),
    ("4 sep 26", D(2026, 9, 4), ""),
    ("4 sep 27", D(2027, 9, 4), F),
    ("4 sep 26 weeks", D(2026, 9, 4), ""),  # not a year: "26 weeks" is a count
    ("6 feb", D(2026, 2, 6), ""),
    ("29 february", D(2024, 2, 29), ""),  # the most recent 29 February
    ("29 feb 2025", None, ""),  # no such day
    ("31 june 2026", None, ""),
    ("the 45th of march", None, ""),
    ("12 jan 2026", D(2026, 1, 12), ""),
    ("12th January", D(2026, 1, 12), ""),
    ("the letter came on the 2nd of april", D(2026, 4, 2), ""),
    ("2 apr 2024", D(2024, 4, 2), ""),
    ("august 31st", D(2026, 8, 31), ""),
    ("we got it 10 june", D(2026, 6, 10), ""),
    ("10th jun", D(2026, 6, 10), ""),
    ("jul 21", D(2026, 7, 21), ""),
    ("aug 1 2026", D(2026, 8, 1), ""),
    ("Tuesday 3 November 2026", D(2026, 11, 3), ""),
    ("Tues 3rd Nov 2026", D(2026, 11, 3), ""),
    ("Monday 3 November 2026", D(2026, 11, 3), A),  # 3 November 2026 is a Tuesday
    ("friday 17 july", D(2026, 7, 17), ""),
    ("3 may", D(2026, 5, 3), ""),
    ("may 3rd", D(2026, 5, 3), ""),
    ("the letter said 3 march 2026", D(2026, 3, 3), ""),
    ("march 3", D(2026, 3, 3), ""),
    ("1 dec 2025", D(2025, 12, 1), ""),
    ("9 october 2026 at 3pm", D(2026, 10, 9), ""),
    # --- no year: the most recent such day not after today
    ("5 December", D(2025, 12, 5), A),  # this year's is 5 days away: last year's is read back
    ("31 dec", D(2025, 12, 31), A),
    ("30 november", TODAY, ""),
    ("29 november", D(2026, 11, 29), A),
    ("1 november", D(2026, 11, 1), A),
    ("30 october", D(2026, 10, 30), A),
    ("29 october", D(2026, 10, 29), ""),
    ("15 january", D(2026, 1, 15), ""),
    ("14/02", D(2026, 2, 14), ""),
    ("25/11", D(2026, 11, 25), A),
    ("1/12", D(2025, 12, 1), A),
    ("20/6", D(2026, 6, 20), ""),
    # --- dates in the future: flagged, never accepted silently
    ("1 December 2026", D(2026, 12, 1), F),
    ("3/3/27", D(2027, 3, 3), F),
    ("03/03/2027", D(2027, 3, 3), F),
    ("2027-01-15", D(2027, 1, 15), F),
    ("tomorrow", D(2026, 12, 1), F),
    ("next friday", D(2026, 12, 4), F),
    ("it will be dated 10 january 2027", D(2027, 1, 10), F),
    ("the twenty first of december twenty twenty six", D(2026, 12, 21), F),
    # --- UK numeric formats and ISO
    ("3/11/26", D(2026, 11, 3), ""),
    ("03/11/2026", D(2026, 11, 3), ""),
    ("03.11.2026", D(2026, 11, 3), ""),
    ("3.11.26", D(2026, 11, 3), ""),
    ("3-11-2026", D(2026, 11, 3), ""),
    ("3-11-26", D(2026, 11, 3), ""),
    ("2026-11-03", D(2026, 11, 3), ""),
    ("2026-3-4", D(2026, 3, 4), ""),
    ("03/04/2026", D(2026, 4, 3), ""),  # 3 April, not 4 March
    ("12/10/25", D(2025, 10, 12), ""),
    ("12.10.25", D(2025, 10, 12), ""),
    ("29/2/24", D(2024, 2, 29), ""),
    ("30/2/26", None, ""),
    ("31/04/2026", None, ""),
    ("13/13/2026", None, ""),
    ("the letter is dated 15/09/2026", D(2026, 9, 15), ""),
    ("1/1/2000", D(2000, 1, 1), ""),
    ("31/12/99", D(1999, 12, 31), ""),
    ("date: 07/08/2026.", D(2026, 8, 7), ""),
    # --- relative dates
    ("today", TODAY, ""),
    ("it came today", TODAY, ""),
    ("yesterday", D(2026, 11, 29), ""),
    ("the day before yesterday", D(2026, 11, 28), ""),
    ("3 days ago", D(2026, 11, 27), ""),
    ("three days ago", D(2026, 11, 27), ""),
    ("a week ago", D(2026, 11, 23), ""),
    ("two weeks ago", D(2026, 11, 16), ""),
    ("2 weeks ago", D(2026, 11, 16), ""),
    ("about six weeks ago", D(2026, 10, 19), ""),
    ("a couple of weeks ago", D(2026, 11, 16), A),
    ("a month ago", D(2026, 10, 30), ""),
    ("2 months ago", D(2026, 9, 30), ""),
    ("last tuesday", D(2026, 11, 24), ""),
    ("Last Friday", D(2026, 11, 27), ""),
    ("on friday", D(2026, 11, 27), ""),
    ("it arrived wednesday", D(2026, 11, 25), ""),
    ("this past thursday", D(2026, 11, 26), ""),
    ("last monday", D(2026, 11, 23), ""),  # "last Monday" on a Monday is a week ago
    ("monday", D(2026, 11, 23), A),  # today, or a week ago?
    ("on sunday", D(2026, 11, 29), ""),
    ("saturday just gone", D(2026, 11, 28), A),
    ("it came on Friday but it's dated the Monday before", D(2026, 11, 23), A),
    ("the 3rd", D(2026, 11, 3), ""),
    ("on the 3rd", D(2026, 11, 3), ""),
    ("3rd", D(2026, 11, 3), ""),
    ("the 30th", D(2026, 11, 30), ""),
    ("the 31st", D(2026, 10, 31), ""),  # November has no 31st: October's
    ("dated the 12th i think", D(2026, 11, 12), ""),
    ("the 5th of last month", D(2026, 10, 5), ""),
    ("the 5th of this month", D(2026, 11, 5), ""),
    ("a fortnight ago", D(2026, 11, 16), ""),
    ("the first of the tenth", D(2026, 10, 1), ""),
    ("the 1st of the 10th twenty twenty five", D(2025, 10, 1), ""),
    ("3rd or 4th of october", D(2026, 10, 4), A),
    ("the second and third meetings", None, ""),
    ("dated the 3rd and it came on the 5th", D(2026, 11, 3), A),
    # --- ordinal words and speech transcripts
    ("the third of november twenty twenty six", D(2026, 11, 3), ""),
    ("the third of november", D(2026, 11, 3), A),
    ("twenty third of october", D(2026, 10, 23), ""),
    ("the twenty-third of october", D(2026, 10, 23), ""),
    ("um it was the twenty first of september", D(2026, 9, 21), ""),
    ("thirty first august twenty twenty five", D(2025, 8, 31), ""),
    ("first of march two thousand and twenty six", D(2026, 3, 1), ""),
    ("the second of june twenty twenty four", D(2024, 6, 2), ""),
    ("october the fifteenth", D(2026, 10, 15), ""),
    ("the twelfth of february twenty nineteen", D(2019, 2, 12), ""),
    ("the nineteenth of may", D(2026, 5, 19), ""),
    ("ninth of september twenty oh nine", D(2009, 9, 9), ""),
    ("the thirtieth of september", D(2026, 9, 30), ""),
    ("november third", D(2026, 11, 3), A),
    ("fourth july twenty twenty five", D(2025, 7, 4), ""),
    ("er the eleventh of august", D(2026, 8, 11), ""),
    ("six october", D(2026, 10, 6), ""),
    ("october twenty six", D(2026, 10, 26), ""),
    ("it came on the twentieth", D(2026, 11, 20), ""),
    ("two days ago", D(2026, 11, 28), ""),
    # --- typos in month names
    ("3 novmber", D(2026, 11, 3), A),
    ("3rd octobr", D(2026, 10, 3), ""),
    ("12 febuary 2026", D(2026, 2, 12), ""),
    ("12 feburary", D(2026, 2, 12), ""),
    ("septmber 9", D(2026, 9, 9), ""),
    ("1 agust 2026", D(2026, 8, 1), ""),
    ("20 janury", D(2026, 1, 20), ""),
    ("4 decmber 2025", D(2025, 12, 4), ""),
    # --- dates next to other numbers: ages, sections, times, counts, money, phones
    ("my 7 year old got her letter on 3 march", D(2026, 3, 3), ""),
    ("she turned 4 on 3 september", D(2026, 9, 3), ""),
    ("he's 12 years old and the letter was 2/10/26", D(2026, 10, 2), ""),
    ("she is aged 15, letter dated 1st october", D(2026, 10, 1), ""),
    ("my 4-year-old", None, ""),
    ("she turned 4", None, ""),
    ("she was born in march", None, ""),
    ("section 4", None, ""),
    ("section F and section 4 of the plan", None, ""),
    ("section 4 was changed on 12 october", D(2026, 10, 12), ""),
    ("he is in year 9", None, ""),
    ("year 4 in september", None, ""),
    ("at 3", None, ""),
    ("at 3pm", None, ""),
    ("about 10:30 on friday", D(2026, 11, 27), ""),
    ("3 pm on the 3rd", D(2026, 11, 3), ""),
    ("the meeting is at 3 on 4 december 2026", D(2026, 12, 4), F),
    ("2 weeks", None, ""),
    ("it takes 20 weeks", None, ""),
    ("he missed 3 days", None, ""),
    ("£3.11", None, ""),
    ("it cost £1,200", None, ""),
    ("they paid 30 pounds", None, ""),
    ("call me on 07700 900123", None, ""),
    ("0161 496 0000", None, ""),
    ("+44 7700 900 123", None, ""),
    ("about 50% of the time", None, ""),
    ("3.5", None, ""),
    ("3-4", None, ""),
    ("14.02", None, ""),  # dots or dashes without a year: a decimal, a sum or a range, not a date
    ("10-12", None, ""),
    ("she turned 4 september", None, ""),  # an age then a month: she turned 4 in September
    ("he started year 4 september 2025", None, ""),
    ("see section 4 may apply", None, ""),
    ("aged 15 october 2025", None, ""),
    ("3pm march 4", D(2026, 3, 4), ""),
    ("call 0161 496 0000 about the 3 march letter", D(2026, 3, 3), ""),
    ("1/2 of them", D(2026, 2, 1), ""),  # a slash between two small numbers is read as a date
    # --- words that look like dates but are not
    ("decision", None, ""),
    ("I want to challenge the decision", None, ""),
    ("I'd like a second opinion", None, ""),
    ("the second opinion said no", None, ""),
    ("I may have lost the letter", None, ""),
    ("may be", None, ""),
    ("we will march on the council", None, ""),
    ("the other 2 may not agree", None, ""),
    ("I think 2 may be enough", None, ""),
    ("so we may 2 of us come", None, ""),
    ("then 20 march to the office", None, ""),
    ("they march 3 miles", None, ""),
    ("the first time we asked", None, ""),
    ("in september", None, ""),
    ("september 2026", None, ""),
    ("last week", None, ""),
    ("last month", None, ""),
    ("a long time ago", None, ""),
    ("I don't know", None, ""),
    ("not sure", None, ""),
    ("", None, ""),
    ("   ", None, ""),
    ("Marc said so", None, ""),
    ("there were 3 marches", None, ""),  # not a misspelt "march"
    ("the 2 mayors", None, ""),
    ("we remember december", None, ""),
    ("the members met", None, ""),
]


@pytest.mark.parametrize("text, expected, flags", TABLE, ids=[row[0] or "<empty>" for row in TABLE])
def test_the_date_table(text, expected, flags):
    reading = read_date(text, TODAY)
    if expected is None:
        assert reading is None, f"read {reading} from {text!r}"
        return
    assert reading is not None, f"no date read from {text!r}"
    assert reading.date == expected
    assert reading.ambiguous == ("ambiguous" in flags), reading.reasons
    assert reading.future == ("future" in flags)
    assert reading.expression


def test_the_table_is_long_enough():
    assert len(TABLE) >= 150


def test_a_future_letter_date_is_refused_by_the_past_reader():
    assert read_date("3/3/27", TODAY).future
    assert read_past_date("3/3/27", TODAY) is None
    assert read_past_date("3/3/26", TODAY).date == D(2026, 3, 3)


def test_the_read_back_names_the_weekday_day_month_and_year():
    reading = read_date("the third of november twenty twenty six", TODAY)
    assert format_reading(reading) == "I've taken that as Tuesday 3 November 2026"
    assert format_date(D(2026, 10, 3)) == "Saturday 3 October 2026"


def test_an_ambiguous_reading_says_why_and_offers_the_other_date():
    reading = read_date("14/02", D(2027, 2, 20))  # said in February: this year's or last?
    assert reading.date == D(2027, 2, 14) and reading.ambiguous
    assert D(2026, 2, 14) in reading.alternatives
    two = read_date("it came on Friday but it's dated the Monday before", TODAY)
    assert two.ambiguous and D(2026, 11, 27) in two.alternatives
    assert any("more than one date" in reason for reason in two.reasons)


def test_the_expression_is_the_part_of_the_message_that_held_the_date():
    reading = read_date("my decision letter was dated the 3rd of October", TODAY)
    assert reading == DateReading(D(2026, 10, 3), "the 3rd of october")


@pytest.mark.parametrize("text", ["we sat with the SENCo", "the sun was out", "wed to the idea", "mon ami"])
def test_weekday_abbreviations_alone_are_words_not_days(text):
    assert read_date(text, TODAY) is None
