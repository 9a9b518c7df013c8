"""Usage per local authority per month, for managers: a table, a chart and a CSV download.

The counting is the usage feature's (bot.usage.service: certificates, mediation and DR
requests and meetings; each council's core allowance of meetings over the contract,
then pay-as-you-go). These pages choose the months, draw the chart as inline SVG on
the server (no script, no third-party code; the table is its text alternative) and
write the CSV. Managers and administrators only; every look is audited.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from fastapi import Depends, Request
from fastapi.responses import Response

from bot.console import audit
from bot.console.deps import Actor, console_router, render, staff
from bot.database import session_scope
from bot.settings import get_settings
from bot.usage.service import UsageRow, core_allowance, usage_by_la_month

MONTHS_SHOWN = 12
CSV_COLUMNS = (
    "local_authority",
    "month",
    "certificates_issued",
    "mediations_requested",
    "mediations_held",
    "dr_requested",
    "dr_held",
    "core_meetings",
    "payg_meetings",
)
# The chart's series: (field of UsageRow, words after the number, CSS class of the bar).
SERIES = (
    ("certificates_issued", "certificates", "bar-certificates"),
    ("mediations_held", "mediations held", "bar-mediations"),
    ("dr_held", "DR meetings held", "bar-dr"),
)
SINGULAR = {"certificates": "certificate", "mediations held": "mediation held", "DR meetings held": "DR meeting held"}


def counted(value: int, words: str) -> str:
    """'1 certificate', '3 certificates', '1 DR meeting held'."""
    return f"{value} {SINGULAR.get(words, words) if value == 1 else words}"


def sentence_case(words: str) -> str:
    """'DR meetings held' stays so; 'certificates' becomes 'Certificates' (Jinja's capitalize lowers the rest)."""
    return words[:1].upper() + words[1:]


router = console_router()


# --- the period ----------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    start: dt.date  # the first day of the first month
    end: dt.date  # the last day of the last month
    error: str = ""

    @property
    def first_month(self) -> str:
        return self.start.strftime("%Y-%m")

    @property
    def last_month(self) -> str:
        return self.end.strftime("%Y-%m")

    def describe(self) -> str:
        first, last = self.start.strftime("%B %Y"), self.end.strftime("%B %Y")
        return first if first == last else f"{first} to {last}"


def _month(value: str) -> Optional[dt.date]:
    try:
        year, month = (int(part) for part in value.strip().split("-")[:2])
        return dt.date(year, month, 1)
    except (ValueError, TypeError):
        return None


def _last_day(first: dt.date) -> dt.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _months_before(first: dt.date, months: int) -> dt.date:
    year, month = divmod(first.year * 12 + first.month - 1 - months, 12)
    return dt.date(year, month + 1, 1)


def parse_period(start: str = "", end: str = "", today: Optional[dt.date] = None) -> Period:
    """From "YYYY-MM" months (either may be blank: the 12 months to this one); a clear error if wrong."""
    today = today or dt.date.today()
    last = _month(end) if end else today.replace(day=1)
    first = _month(start) if start else None
    error = ""
    if last is None or (start and first is None):
        error = "Enter the months as year and month, for example 2026-04."
        last = today.replace(day=1)
        first = None
    first = first or _months_before(last, MONTHS_SHOWN - 1)
    if first > last:
        error, first, last = "The first month is after the last month.", _months_before(last, MONTHS_SHOWN - 1), last
    return Period(first, _last_day(last), error)


# --- the figures ---------------------------------------------------------------------
def totals_by_la(rows: List[UsageRow]) -> List[Tuple[str, Dict[str, int]]]:
    totals: Dict[str, Dict[str, int]] = {}
    for row in rows:
        la = totals.setdefault(row.la, {name: 0 for name in CSV_COLUMNS[2:]})
        for name in CSV_COLUMNS[2:]:
            la[name] += getattr(row, name)
    return sorted(totals.items())


@dataclass(frozen=True)
class Bar:
    y: int
    width: int
    css: str
    label: str  # "3 certificates"


@dataclass(frozen=True)
class ChartGroup:
    la: str
    y: int
    bars: List[Bar]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    label_width: int
    groups: List[ChartGroup]
    description: str


def build_chart(totals: List[Tuple[str, Dict[str, int]]], period: Period) -> Chart:
    """Grouped horizontal bars, one group per council; every bar is labelled with its number and meaning,
    so the chart does not depend on colour."""
    label_width, bar_area, bar_height, gap = 190, 420, 16, 14
    largest = max([figures[name] for _, figures in totals for name, _, _ in SERIES] + [1])
    groups, y = [], 10
    for la, figures in totals:
        bars = []
        for index, (name, words, css) in enumerate(SERIES):
            value = figures[name]
            bars.append(
                Bar(y + index * (bar_height + 2), round(bar_area * value / largest), css, counted(value, words))
            )
        groups.append(ChartGroup(la, y, bars))
        y += len(SERIES) * (bar_height + 2) + gap
    parts = [
        f"{la}: " + ", ".join(counted(figures[name], words) for name, words, _ in SERIES) for la, figures in totals
    ]
    description = f"Usage per local authority, {period.describe()}. " + (
        "; ".join(parts) + "." if parts else "No activity."
    )
    return Chart(label_width + bar_area + 170, max(y, 40), label_width, groups, description)


def _usage(period: Period):
    settings = get_settings()
    with session_scope() as session:
        rows = usage_by_la_month(session, period.start, period.end, settings)
        allowance = core_allowance(session, until=period.end, settings=settings)
    return rows, allowance, settings


def _safe_cell(value) -> str:
    """No spreadsheet formulas from the data (CSV injection)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def usage_csv(rows: List[UsageRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([_safe_cell(row.la), row.month] + [getattr(row, name) for name in CSV_COLUMNS[2:]])
    return out.getvalue()


# --- pages ---------------------------------------------------------------------------
@router.get("/usage")
def usage_page(request: Request, start: str = "", end: str = "", actor: Actor = Depends(staff("manager"))) -> Response:
    period = parse_period(start, end)
    rows, allowance, settings = _usage(period)
    totals = totals_by_la(rows)
    with session_scope() as session:
        audit.record(
            session, actor.username, "usage_viewed", f"{period.first_month} to {period.last_month}", None, actor.ip
        )
    return render(
        request,
        "usage.html",
        actor,
        status_code=400 if period.error else 200,
        error=period.error,
        period=period,
        rows=rows,
        totals=totals,
        allowance=allowance,
        chart=build_chart(totals, period),
        series=SERIES,
        core=settings.core_meetings_per_la,
        contract_start=settings.contract_start,
        columns=CSV_COLUMNS,
        sentence_case=sentence_case,
    )


@router.get("/usage.csv")
def usage_download(start: str = "", end: str = "", actor: Actor = Depends(staff("manager"))) -> Response:
    period = parse_period(start, end)
    if period.error:
        return Response(period.error + "\n", status_code=400, media_type="text/plain; charset=utf-8")
    rows, _, _ = _usage(period)
    with session_scope() as session:
        audit.record(
            session,
            actor.username,
            "usage_downloaded",
            f"{period.first_month} to {period.last_month}",
            f"{len(rows)} rows",
            actor.ip,
        )
    filename = f"usage-{period.first_month}-to-{period.last_month}.csv"
    return Response(
        usage_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
