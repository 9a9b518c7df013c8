"""Route checker: which SEND disagreement routes are open in England, and by when.

Plain Python (no Rasa, no web). Typical use::

    from bot.redress import Situation, check_routes
    result = check_routes(Situation(role="parent", about="plan_content",
                                    decision_date=date(2026, 3, 2)))
    result.deadlines.appeal_by, result.messages[0]

Modules: ``dates`` (calendar and working days), ``deadlines`` (statutory time limits),
``situation`` (input and result types), ``checker`` (the rules), ``front_door`` (from what the
disagreement is about, in the person's words, to the routes that fit).
"""

from bot.redress.checker import check_routes
from bot.redress.dates import (
    add_calendar_months,
    add_working_days,
    first_working_day_after,
    format_long,
    is_bank_holiday,
    is_working_day,
    next_working_day_on_or_after,
)
from bot.redress.deadlines import (
    AppealDeadline,
    appeal_by,
    appeal_deadline,
    certificate_due,
    contact_mediation_adviser_by,
    discrimination_claim_by,
    mediation_by,
)
from bot.redress.situation import (
    ABOUT_VALUES,
    APPEALABLE_DECISIONS,
    ROLES,
    ROUTE_IDS,
    Deadlines,
    InvalidSituation,
    Route,
    RouteCheck,
    Situation,
)

__all__ = [
    "ABOUT_VALUES",
    "APPEALABLE_DECISIONS",
    "ROLES",
    "ROUTE_IDS",
    "AppealDeadline",
    "Deadlines",
    "InvalidSituation",
    "Route",
    "RouteCheck",
    "Situation",
    "add_calendar_months",
    "add_working_days",
    "appeal_by",
    "appeal_deadline",
    "certificate_due",
    "check_routes",
    "contact_mediation_adviser_by",
    "discrimination_claim_by",
    "first_working_day_after",
    "format_long",
    "is_bank_holiday",
    "is_working_day",
    "mediation_by",
    "next_working_day_on_or_after",
]
