"""Statutory deadlines. Every expected date was worked out by hand from a calendar."""

from datetime import date

import pytest

from bot.redress.deadlines import (
    appeal_by,
    appeal_deadline,
    certificate_due,
    contact_mediation_adviser_by,
    discrimination_claim_by,
    mediation_by,
)

D = date.fromisoformat


@pytest.mark.parametrize(
    "decision, certificate, expected",
    [
        # Plain 2 months, ending on a working day.
        ("2025-10-01", None, "2025-12-01"),
        ("2026-01-31", None, "2026-03-31"),
        ("2025-11-30", None, "2026-01-30"),
        # Month ends and leap years.
        ("2025-12-31", None, "2026-03-02"),  # 28 Feb 2026 is a Saturday -> Monday
        ("2025-12-30", None, "2026-03-02"),
        ("2027-12-31", None, "2028-02-29"),  # leap year, a Tuesday
        ("2023-12-29", None, "2024-02-29"),  # leap year, a Thursday
        ("2024-02-29", None, "2024-04-29"),  # from 29 February
        # Weekends and bank holidays (r.12(2)).
        ("2026-03-02", None, "2026-05-05"),  # Sat 2 May, Mon 4 May bank holiday
        ("2026-03-04", None, "2026-05-05"),  # early May bank holiday 2026
        ("2026-02-06", None, "2026-04-07"),  # Easter Monday 2026
        ("2026-02-03", None, "2026-04-07"),  # Good Friday 2026
        ("2026-01-15", None, "2026-03-16"),  # Sunday -> Monday
        # August (r.12(3)(a)): first working day after 31 August.
        ("2026-06-15", None, "2026-09-01"),
        ("2026-06-01", None, "2026-09-01"),  # 1 August
        ("2026-06-30", None, "2026-09-01"),  # 30 August
        ("2029-06-10", None, "2029-09-03"),  # 1 September 2029 is a Saturday
        # 25 December to 1 January (r.12(3)(a)): first working day after 1 January.
        ("2025-10-31", None, "2026-01-02"),  # 31 December
        ("2026-10-25", None, "2027-01-04"),  # 25 December; 2 Jan 2027 is a Saturday
        ("2026-11-01", None, "2027-01-04"),  # 1 January itself
        ("2027-10-26", None, "2028-01-04"),  # Mon 3 Jan 2028 is a bank holiday
        ("2025-10-24", None, "2025-12-24"),  # 24 December is outside the window
        ("2027-11-02", None, "2028-01-04"),  # 2 January (Sunday): weekend rule only
        # Saturday 24 December: outside the window, so only r.12(2) applies, and the
        # next working day is after two bank holidays.
        ("2022-10-24", None, "2022-12-28"),
        # Certificates: the later of decision + 2 months and certificate + 1 month.
        ("2025-10-01", "2025-11-29", "2026-01-02"),  # IPSEA example: 29 Dec -> January
        ("2026-03-02", "2026-04-20", "2026-05-20"),  # certificate extends
        ("2026-03-02", "2026-03-20", "2026-05-05"),  # certificate does not extend
        ("2026-01-15", "2026-02-15", "2026-03-16"),  # both end on the same Sunday
        ("2025-12-20", "2026-01-31", "2026-03-02"),  # certificate month end, Saturday
        ("2027-12-10", "2028-01-29", "2028-02-29"),  # certificate into leap day
        ("2028-01-05", "2028-02-29", "2028-03-29"),  # certificate dated 29 February
        ("2026-05-20", "2026-07-10", "2026-09-01"),  # certificate pushes into August
    ],
)
def test_appeal_by(decision, certificate, expected):
    cert = D(certificate) if certificate else None
    assert appeal_by(D(decision), cert) == D(expected)


def test_appeal_deadline_explains_itself():
    plain = appeal_deadline(D("2025-10-01"))
    assert plain.period_ends == plain.last_day == D("2025-12-01")
    assert plain.moved_because is None
    assert not plain.extended_by_certificate

    christmas = appeal_deadline(D("2025-10-01"), D("2025-11-29"))
    assert christmas.period_ends == D("2025-12-29")
    assert christmas.last_day == D("2026-01-02")
    assert christmas.extended_by_certificate
    assert "25 December" in christmas.moved_because

    august = appeal_deadline(D("2026-06-15"))
    assert "August" in august.moved_because

    weekend = appeal_deadline(D("2026-03-02"))
    assert weekend.period_ends == D("2026-05-02")
    assert "weekend or bank holiday" in weekend.moved_because


@pytest.mark.parametrize(
    "told, expected",
    [
        ("2026-06-05", "2026-06-10"),  # Friday -> Wednesday
        ("2026-06-06", "2026-06-10"),  # Saturday -> Wednesday
        ("2026-04-02", "2026-04-09"),  # over Easter
        ("2026-04-29", "2026-05-05"),  # over the early May bank holiday
        ("2026-12-24", "2026-12-31"),  # over Christmas
    ],
)
def test_certificate_due_is_three_working_days_after_being_told(told, expected):
    assert certificate_due(D(told)) == D(expected)


@pytest.mark.parametrize(
    "told, expected",
    [
        ("2026-03-01", "2026-03-31"),
        ("2026-02-01", "2026-03-03"),  # 28-day February
        ("2028-02-01", "2028-03-02"),  # 29-day February
    ],
)
def test_mediation_by_is_thirty_calendar_days(told, expected):
    assert mediation_by(D(told)) == D(expected)


@pytest.mark.parametrize(
    "decision, expected",
    [
        ("2026-03-02", "2026-05-02"),  # a Saturday: no adjustment in Regs 33
        ("2025-12-31", "2026-02-28"),
        ("2027-12-31", "2028-02-29"),
    ],
)
def test_contact_mediation_adviser_by(decision, expected):
    assert contact_mediation_adviser_by(D(decision)) == D(expected)


@pytest.mark.parametrize(
    "act, expected",
    [
        ("2026-01-15", "2026-07-14"),
        ("2026-03-01", "2026-08-31"),  # in August and a bank holiday: not moved
        ("2026-06-20", "2026-12-19"),  # a Saturday: not moved
        ("2026-08-31", "2027-02-27"),  # month end: the earlier reading
        ("2027-08-29", "2028-02-28"),  # 29 February 2028 minus a day
    ],
)
def test_discrimination_claim_by_is_six_months_starting_with_the_day(act, expected):
    assert discrimination_claim_by(D(act)) == D(expected)
