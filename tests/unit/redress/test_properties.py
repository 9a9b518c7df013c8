"""Property-based tests. dateutil's relativedelta is the independent oracle for months
(it also clamps to the last day of the month, like the corresponding date rule)."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from bot.redress.dates import add_calendar_months, is_working_day
from bot.redress.deadlines import appeal_deadline, certificate_due, discrimination_claim_by

# Years the holidays package knows well and a service could plausibly meet.
letter_dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
any_dates = st.dates(min_value=date(100, 1, 1), max_value=date(9800, 12, 31))


@st.composite
def letter_and_certificate(draw):
    decision = draw(letter_dates)
    certificate = draw(st.none() | st.dates(min_value=decision, max_value=decision + timedelta(days=200)))
    return decision, certificate


@given(letter_and_certificate())
def test_appeal_by_is_never_earlier_than_the_statutory_periods(pair):
    decision, certificate = pair
    deadline = appeal_deadline(decision, certificate)
    assert deadline.last_day >= decision + relativedelta(months=2)
    if certificate is not None:
        assert deadline.last_day >= certificate + relativedelta(months=1)
    assert deadline.last_day >= deadline.period_ends


@given(letter_and_certificate())
def test_appeal_by_is_a_working_day_close_to_the_period_end(pair):
    deadline = appeal_deadline(*pair)
    assert is_working_day(deadline.last_day)
    # The longest move is from 1 August to a first working day after 31 August.
    assert (deadline.last_day - deadline.period_ends).days <= 35
    assert (deadline.moved_because is None) == (deadline.last_day == deadline.period_ends)


@given(letter_dates)
def test_certificate_due_is_a_later_working_day(told):
    due = certificate_due(told)
    assert due > told
    assert is_working_day(due)
    # 3 working days never take more than a fortnight, even over Christmas and Easter.
    assert (due - told).days <= 14


@given(any_dates, st.integers(min_value=-1200, max_value=1200))
def test_add_calendar_months_matches_the_oracle_and_keeps_the_day(start, months):
    result = add_calendar_months(start, months)
    assert result == start + relativedelta(months=months)
    # Exactly `months` calendar months apart, whatever the day.
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    # The day is kept when the target month has it, otherwise it is the month's last day.
    next_month_start = date(result.year + result.month // 12, result.month % 12 + 1, 1)
    days_in_month = (next_month_start - date(result.year, result.month, 1)).days
    assert result.day == min(start.day, days_in_month)


@given(letter_dates)
def test_discrimination_claim_by_is_within_six_months(act):
    claim_by = discrimination_claim_by(act)
    assert act < claim_by < act + relativedelta(months=6)
