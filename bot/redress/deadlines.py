"""Statutory time limits, each with the rule it comes from.

Every function takes the date that starts the clock and returns the last day on which
the thing is still in time. Calendar conventions are in ``bot.redress.dates``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.redress.dates import (
    add_calendar_months,
    add_working_days,
    first_working_day_after,
    is_working_day,
    next_working_day_on_or_after,
)

# Sources, kept next to the numbers they justify and reused in the route checker.
SOURCE_CONTACT_ADVISER = "CFA 2014 s.55; SEND Regulations 2014 reg 33; SEND Code of Practice 11.19-11.21"
SOURCE_CERTIFICATE = "SEND Regulations 2014 reg 34"
# The brief cites reg 37 "(check)"; the stored text confirmed only that mediation is
# regs 32-42, so the range that holds the 30-day duties is cited.
SOURCE_ARRANGE_MEDIATION = "SEND Regulations 2014 regs 35-37"
SOURCE_APPEAL_DEADLINE = (
    "Tribunal Procedure (First-tier Tribunal) (HESC) Rules 2008 r.20(1)(c), r.12(3)(a) "
    "and r.12(2); SEND Code of Practice 11.50"
)
SOURCE_DISCRIMINATION_DEADLINE = "Equality Act 2010 Sch.17 para.4 (tribunal) and s.118 (county court)"

MONTHS_TO_CONTACT_ADVISER = 2  # Regs 33
WORKING_DAYS_TO_ISSUE_CERTIFICATE = 3  # Regs 34
DAYS_TO_ARRANGE_MEDIATION = 30  # Regs 35-37
MONTHS_TO_APPEAL_AFTER_DECISION = 2  # HESC Rules r.20(1)(c)(i)
MONTHS_TO_APPEAL_AFTER_CERTIFICATE = 1  # HESC Rules r.20(1)(c)(ii)
MONTHS_TO_CLAIM_DISCRIMINATION = 6  # Equality Act 2010 Sch.17 para.4, s.118


def contact_mediation_adviser_by(decision_letter: date) -> date:
    """Last day to contact the mediation adviser: 2 calendar months after the decision
    letter was sent (Regs 33). No weekend adjustment: the Regulations provide none."""
    return add_calendar_months(decision_letter, MONTHS_TO_CONTACT_ADVISER)


def certificate_due(told_on: date) -> date:
    """Day by which the adviser must issue the certificate: 3 working days after being
    told the family does not want mediation (Regs 34). ``told_on`` is day 0."""
    return add_working_days(told_on, WORKING_DAYS_TO_ISSUE_CERTIFICATE)


def mediation_by(la_told_on: date) -> date:
    """Day by which mediation must take place: 30 (calendar) days after the council was
    told the family wants mediation (Regs 35-37; the brief cites reg 37)."""
    return la_told_on + timedelta(days=DAYS_TO_ARRANGE_MEDIATION)


@dataclass(frozen=True)
class AppealDeadline:
    """The appeal deadline and how it was reached, so the assistant can explain it.

    ``period_ends``: the later of decision + 2 months and certificate + 1 month.
    ``last_day``: the day an appeal is still in time, after the holiday rules.
    ``moved_because``: plain English reason ``last_day`` differs, or None.
    ``extended_by_certificate``: True when the certificate gave the later date.
    """

    period_ends: date
    last_day: date
    moved_because: str | None
    extended_by_certificate: bool


def appeal_deadline(decision_letter: date, certificate: date | None = None) -> AppealDeadline:
    """Work out the last day to appeal to the First-tier Tribunal (SEND).

    1. Later of: decision letter + 2 months, certificate + 1 month (r.20(1)(c)).
    2. If that falls from 25 December to 1 January, the first working day after
       1 January; if in August, the first working day after 31 August (r.12(3)(a)).
    3. Otherwise, if it is not a working day, the next working day (r.12(2)).
    """
    after_decision = add_calendar_months(decision_letter, MONTHS_TO_APPEAL_AFTER_DECISION)
    after_certificate = (
        add_calendar_months(certificate, MONTHS_TO_APPEAL_AFTER_CERTIFICATE) if certificate is not None else None
    )
    extended = after_certificate is not None and after_certificate > after_decision
    period_ends = after_certificate if extended else after_decision

    if (period_ends.month, period_ends.day) >= (12, 25) or (period_ends.month, period_ends.day) == (1, 1):
        new_year = date(period_ends.year + 1 if period_ends.month == 12 else period_ends.year, 1, 1)
        last_day = first_working_day_after(new_year)
        moved_because = (
            "The time limit ends between 25 December and 1 January, so the tribunal "
            "accepts appeals on the first working day after 1 January."
        )
    elif period_ends.month == 8:
        last_day = first_working_day_after(date(period_ends.year, 8, 31))
        moved_because = (
            "The time limit ends in August, so the tribunal accepts appeals on the first working day after 31 August."
        )
    elif not is_working_day(period_ends):
        last_day = next_working_day_on_or_after(period_ends)
        moved_because = (
            "The time limit ends on a weekend or bank holiday, so the tribunal accepts appeals on the next working day."
        )
    else:
        last_day = period_ends
        moved_because = None
    return AppealDeadline(period_ends, last_day, moved_because, extended)


def appeal_by(decision_letter: date, certificate: date | None = None) -> date:
    """Last day to appeal (see ``appeal_deadline`` for the steps and sources)."""
    return appeal_deadline(decision_letter, certificate).last_day


def discrimination_claim_by(discrimination_on: date) -> date:
    """Last day to make a disability discrimination claim.

    The law allows "the period of 6 months starting with the date" of the conduct (or
    the last act, if it went on over time), so the day itself counts and the period
    ends the day before the corresponding date. We add 6 months first and then take a
    day off: at month ends this gives the earlier of the two possible readings, so
    nobody is told a date that could be too late.

    No holiday or weekend extension: the August/Christmas rule was removed for these
    claims (Tribunal Procedure (Amendment) Rules 2020) after the Upper Tribunal held the
    rules could not extend the Equality Act time limit; the same reasoning applies to
    the weekend rule, so we do not apply it either.
    """
    return add_calendar_months(discrimination_on, MONTHS_TO_CLAIM_DISCRIMINATION) - timedelta(days=1)
