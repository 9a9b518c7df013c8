"""POST /api/v1/route-check: which routes are open and the dates that apply."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Literal, Optional

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.redress import InvalidSituation, Situation, check_routes
from bot.redress.service_area import service_area

router = APIRouter(prefix="/api/v1", tags=["route checker"])

Role = Literal["parent", "young_person", "professional"]
About = Literal[
    "refusal_to_assess", "refusal_to_reassess", "refusal_to_issue_plan", "plan_content",
    "plan_placement_only", "plan_health_social_care_only", "refusal_to_amend", "cease_to_maintain",
    "school_sen_provision", "duties_not_carried_out", "health_social_care_during_assessment",
    "disability_discrimination",
]
RouteId = Literal[
    "mediation", "disagreement_resolution", "tribunal_appeal", "tribunal_recommendations",
    "complaint", "ombudsman", "disability_discrimination_claim",
]


class RouteCheckRequest(BaseModel):
    role: Role = Field(..., description="Who is asking: a parent or carer, the young person, or a professional")
    age: Optional[int] = Field(None, description="Age of the child or young person in years")
    local_authority: Optional[str] = Field(None, description="The council, e.g. 'Kent' or 'RBWM'")
    about: About = Field(..., description="What the disagreement is about. plan_content means sections B and F, with or without the placement")
    decision_date: Optional[dt.date] = Field(None, description="Date of the local authority's decision letter (YYYY-MM-DD)")
    certificate_date: Optional[dt.date] = Field(None, description="Date of the mediation certificate, if there is one (YYYY-MM-DD)")
    in_england: Optional[bool] = Field(None, description="False if the family lives outside England")

    class Config:
        extra = "forbid"
        schema_extra = {"example": {"role": "parent", "age": 9, "local_authority": "Kent", "about": "plan_content",
                                    "decision_date": "2026-03-03", "certificate_date": None}}


class RouteOut(BaseModel):
    id: RouteId
    available: bool
    reason: str
    source: str


class DeadlinesOut(BaseModel):
    contact_mediation_adviser_by: Optional[dt.date]
    appeal_by: Optional[dt.date]
    discrimination_claim_by: Optional[dt.date] = None


class RouteCheckResponse(BaseModel):
    in_scope: bool
    mediation_advice_required: bool
    routes: List[RouteOut]
    deadlines: DeadlinesOut
    messages: List[str]
    local_authority: Optional[str] = Field(None, description="The council's name as recognised")
    in_south_east_group: Optional[bool] = Field(None, description="Whether this service covers the council")


class ProblemOut(BaseModel):
    message: str
    errors: List[Dict[str, Any]] = []


@router.post(
    "/route-check",
    response_model=RouteCheckResponse,
    responses={422: {"model": ProblemOut, "description": "The situation cannot be checked as given; the message says what to change"}},
    summary="Which routes are open for a SEND disagreement, and the deadlines that apply",
)
def route_check(request: RouteCheckRequest):
    area = service_area(request.local_authority)
    try:
        result = check_routes(Situation(
            role=request.role, about=request.about, age=request.age,
            local_authority=area.local_authority or request.local_authority,
            decision_date=request.decision_date, certificate_date=request.certificate_date,
            in_england=request.in_england,
        ))
    except InvalidSituation as problem:
        return JSONResponse(status_code=422, content={"message": str(problem), "errors": []})
    messages = list(result.messages) + ([area.message] if area.message else [])
    return RouteCheckResponse(
        in_scope=result.in_scope,
        mediation_advice_required=result.mediation_advice_required,
        routes=[RouteOut(id=r.id, available=r.available, reason=r.reason, source=r.source) for r in result.routes],
        deadlines=DeadlinesOut(
            contact_mediation_adviser_by=result.deadlines.contact_mediation_adviser_by,
            appeal_by=result.deadlines.appeal_by,
            discrimination_claim_by=result.deadlines.discrimination_claim_by,
        ),
        messages=messages,
        local_authority=area.local_authority,
        in_south_east_group=area.in_south_east_group if area.recognised else None,
    )
