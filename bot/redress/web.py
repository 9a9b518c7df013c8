"""POST /api/v1/route-check: which routes are open and the dates that apply."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List, Literal, Optional, get_args

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, validator

from bot.redress import InvalidSituation, Situation, check_routes
from bot.redress.service_area import service_area
from bot.redress.situation import About, Nation, OutOfScopeReason, Role, RouteId

router = APIRouter(prefix="/api/v1", tags=["route checker"])

DeadlineName = Literal["contact_mediation_adviser_by", "appeal_by", "discrimination_claim_by", "review_panel_by"]
DEADLINE_NAMES = get_args(DeadlineName)
LOCAL_AUTHORITY_MAX = 100  # the longest council name in England is under 60 characters
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class RouteCheckRequest(BaseModel):
    role: Role = Field(..., description="Who is asking: a parent or carer, the young person, or a professional")
    age: Optional[int] = Field(None, description="Age of the child or young person in years")
    local_authority: Optional[str] = Field(
        None, max_length=LOCAL_AUTHORITY_MAX, description="The council, e.g. 'Kent' or 'RBWM' (at most 100 characters)"
    )
    about: About = Field(
        ...,
        description=(
            "What the disagreement is about. plan_content means sections B and F, with or without the placement, "
            "whoever is writing (a professional writing about section F still gets the appeal routes). "
            "no_decision_yet: the council has not decided, or is late (a delay is not appealable: complaint, "
            "LGSCO, judicial review; brief section 6). school_exclusion: a suspension or permanent exclusion "
            "(governing board, independent review panel within 15 school days, disability discrimination claim "
            "within 6 months; brief section 7)"
        ),
    )
    decision_date: Optional[dt.date] = Field(
        None, description="Date of the local authority's decision letter (YYYY-MM-DD)"
    )
    certificate_date: Optional[dt.date] = Field(
        None, description="Date of the mediation certificate, if there is one (YYYY-MM-DD)"
    )
    in_england: Optional[bool] = Field(None, description="False if the family lives outside England")
    nation: Optional[Nation] = Field(
        None,
        description=(
            "Where outside England the family lives; implies in_england false. The answer is out of scope with "
            "out_of_scope_reason 'outside_england' and names that nation's tribunal and advice service "
            "(brief section 8)"
        ),
    )
    over_school_age: Optional[bool] = Field(
        None,
        description=(
            "Whether the young person is over compulsory school age (after the last Friday in June of the school "
            "year in which they turn 16). Age 17 or more implies it. Then the right to mediation, the certificate "
            "and the appeal is theirs (CFA 2014 ss.51, 55, 80; CoP 8.9-8.15)"
        ),
    )
    lacks_capacity: bool = Field(
        False,
        description=(
            "The young person lacks capacity for this decision (Mental Capacity Act 2005), so the parent acts for them"
        ),
    )

    @validator("decision_date", "certificate_date", pre=True)
    def _date_is_an_iso_string(cls, value: Any) -> Any:
        """A date is a string YYYY-MM-DD: never a number or a Unix time (pydantic would otherwise accept them)."""
        if value is None or isinstance(value, dt.date):
            return value
        if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
            raise ValueError('must be a date written YYYY-MM-DD in quotes, for example "2026-03-03", not a number')
        return value

    class Config:
        extra = "forbid"
        schema_extra = {
            "example": {
                "role": "parent",
                "age": 9,
                "local_authority": "Kent",
                "about": "plan_content",
                "decision_date": "2026-03-03",
                "certificate_date": None,
            }
        }


class RouteOut(BaseModel):
    id: RouteId
    available: bool
    reason: str
    source: str


class DeadlineOut(BaseModel):
    name: DeadlineName
    date: dt.date = Field(..., description="The last day to act")
    passed: bool = Field(..., description="True when today is after this date: it is no longer open")


class DeadlinesOut(BaseModel):
    contact_mediation_adviser_by: Optional[dt.date]
    appeal_by: Optional[dt.date]
    discrimination_claim_by: Optional[dt.date] = None
    review_panel_by: Optional[dt.date] = Field(
        None,
        description=(
            "School exclusions: the last day to ask for an independent review panel, 15 school days (counted as "
            "weekdays that are not bank holidays, so never too late) from the exclusion decision (brief section 7)"
        ),
    )
    items: List[DeadlineOut] = Field(
        [], description=("Every date above that applies, each with a passed flag. A passed deadline is never open")
    )
    late_certificate: bool = Field(
        False,
        description=(
            "The certificate came after the 2 months to contact the mediation adviser: appeal_by is then the limit "
            "counted from the decision letter (passed), never a date worked out from the late certificate; a late "
            "appeal needs the tribunal's permission (HESC Rules r.5(3)(a); brief section 9)"
        ),
    )


class RouteCheckResponse(BaseModel):
    in_scope: bool
    mediation_advice_required: bool
    routes: List[RouteOut]
    deadlines: DeadlinesOut
    messages: List[str]
    out_of_scope_reason: Optional[OutOfScopeReason] = Field(
        None,
        description=(
            "Why in_scope is false: 'outside_england' (brief section 8: no route check, no certificate) or "
            "'age_25_or_over' (CFA 2014 s.83; CoP 1.39)"
        ),
    )
    nation: Optional[Nation] = Field(None, description="The nation outside England, when out of scope for that reason")
    local_authority: Optional[str] = Field(None, description="The council's name as recognised")
    in_south_east_group: Optional[bool] = Field(None, description="Whether this service covers the council")


class ProblemOut(BaseModel):
    message: str
    errors: List[Dict[str, Any]] = []


@router.post(
    "/route-check",
    response_model=RouteCheckResponse,
    responses={
        422: {
            "model": ProblemOut,
            "description": "The situation cannot be checked as given; the message says what to change",
        }
    },
    summary="Which routes are open for a SEND disagreement, and the deadlines that apply",
)
def route_check(request: RouteCheckRequest):
    area = service_area(request.local_authority)
    try:
        result = check_routes(
            Situation(
                role=request.role,
                about=request.about,
                age=request.age,
                local_authority=area.local_authority or request.local_authority,
                decision_date=request.decision_date,
                certificate_date=request.certificate_date,
                in_england=request.in_england,
                nation=request.nation,
                over_school_age=request.over_school_age,
                lacks_capacity=request.lacks_capacity,
            )
        )
    except InvalidSituation as problem:
        return JSONResponse(status_code=422, content={"message": str(problem), "errors": []})
    messages = list(result.messages) + ([area.message] if area.message and result.in_scope else [])
    dates = result.deadlines
    return RouteCheckResponse(
        in_scope=result.in_scope,
        mediation_advice_required=result.mediation_advice_required,
        routes=[RouteOut(id=r.id, available=r.available, reason=r.reason, source=r.source) for r in result.routes],
        deadlines=DeadlinesOut(
            contact_mediation_adviser_by=result.deadlines.contact_mediation_adviser_by,
            appeal_by=result.deadlines.appeal_by,
            discrimination_claim_by=result.deadlines.discrimination_claim_by,
            review_panel_by=result.deadlines.review_panel_by,
            items=[
                DeadlineOut(name=name, date=getattr(dates, name), passed=dates.passed.get(name, False))
                for name in DEADLINE_NAMES
                if getattr(dates, name) is not None
            ],
            late_certificate=dates.late_certificate,
        ),
        messages=messages,
        out_of_scope_reason=result.out_of_scope_reason,
        nation=result.nation,
        local_authority=area.local_authority,
        in_south_east_group=area.in_south_east_group if area.recognised else None,
    )
