"""Usage per council per month, for billing (seed: Kent 2014).

Each council's core subscription covers the line, certificates and 5 mediation or
DR meetings over the contract (CORE_MEETINGS_PER_LA from CONTRACT_START); further
meetings are pay-as-you-go. A meeting counts when it is held, in order of the day it
was held.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.disagreement_resolution.models import DisagreementResolutionRequest
from bot.mediation.models import Certificate, MediationRequest
from bot.nlp.patterns import south_east_group
from bot.settings import Settings, get_settings


@dataclass(frozen=True)
class UsageRow:
    la: str
    month: str  # "2026-11"
    certificates_issued: int = 0
    mediations_requested: int = 0
    mediations_held: int = 0
    dr_requested: int = 0
    dr_held: int = 0
    core_meetings: int = 0  # held this month and within the core allowance
    payg_meetings: int = 0  # held this month beyond it: billed pay-as-you-go


@dataclass(frozen=True)
class AllowanceRow:
    la: str
    meetings_held: int
    core_used: int
    core_remaining: int
    payg_meetings: int


COUNTS: Tuple[Tuple[str, Any, Any], ...] = (  # (name, model class, its date column)
    ("certificates_issued", Certificate, Certificate.issued_on),
    ("mediations_requested", MediationRequest, MediationRequest.requested_on),
    ("mediations_held", MediationRequest, MediationRequest.held_on),
    ("dr_requested", DisagreementResolutionRequest, DisagreementResolutionRequest.requested_on),
    ("dr_held", DisagreementResolutionRequest, DisagreementResolutionRequest.held_on),
)


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _held_meetings(session: Session, settings: Settings, until: Optional[dt.date]) -> List[Tuple[str, dt.date]]:
    """(council, day held) of every meeting held since the contract started, in order."""
    meetings = []
    for model in (MediationRequest, DisagreementResolutionRequest):
        query = sa.select(model.local_authority, model.held_on).where(
            model.status == "held", model.held_on >= settings.contract_start
        )
        if until is not None:
            query = query.where(model.held_on <= until)
        meetings += [(la, held_on) for la, held_on in session.execute(query)]
    return sorted(meetings, key=lambda meeting: meeting[1])


def usage_by_la_month(
    session: Session, start: dt.date, end: dt.date, settings: Optional[Settings] = None
) -> List[UsageRow]:
    """Counts per council per month for days ``start`` to ``end`` inclusive, by council then month.

    Only council-months with some activity are listed. Certificates are counted on their
    day of issue (not the revoked ones), requests on the day made,
    meetings on the day held (status "held").
    """
    if end < start:
        raise ValueError("The end of the period is before its start.")
    settings = settings or get_settings()
    table: Dict[Tuple[str, str], Dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for name, model, day_column in COUNTS:
        query = sa.select(model.local_authority, day_column).where(day_column >= start, day_column <= end)
        if name.endswith("_held"):
            query = query.where(model.status == "held")
        if model is Certificate:
            query = query.where(Certificate.status != "revoked")  # a revoked certificate is not usage (issue 21)
        for la, day in session.execute(query):
            table[(la, _month(day))][name] += 1

    used: Dict[str, int] = defaultdict(int)
    for la, held_on in _held_meetings(session, settings, end):
        used[la] += 1
        if held_on >= start:
            bucket = "core_meetings" if used[la] <= settings.core_meetings_per_la else "payg_meetings"
            table[(la, _month(held_on))][bucket] += 1
    return [UsageRow(la=la, month=month, **counts) for (la, month), counts in sorted(table.items())]


def core_allowance(
    session: Session, until: Optional[dt.date] = None, settings: Optional[Settings] = None
) -> List[AllowanceRow]:
    """Each council's meetings since the contract started: core used and pay-as-you-go."""
    settings = settings or get_settings()
    held: Dict[str, int] = defaultdict(int)
    for la, _day in _held_meetings(session, settings, until):
        held[la] += 1
    names = sorted({authority.name for authority in south_east_group()} | set(held))
    core = settings.core_meetings_per_la
    return [
        AllowanceRow(la, held[la], min(held[la], core), max(core - held[la], 0), max(held[la] - core, 0))
        for la in names
    ]
