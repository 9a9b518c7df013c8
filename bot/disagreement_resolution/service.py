"""Disagreement resolution (DR) requests: plain service functions on a Session.

Disagreement resolution (CFA 2014 s.57; SEND Code of Practice 11.6-11.12; seed: Kent
2014): voluntary, every party must agree to take part, and the party the family
disagrees with funds the meeting; a request waits for that agreement.

A DR request is recorded and moved through its statuses the way a mediation request
is, so it uses mediation's shared parts (bot.mediation.requests.change_status, the
checks in bot.mediation.inputs); only what is DR's own is here.

Nothing here commits: the caller's ``session_scope`` does, before anyone is told.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy.orm import Session

from bot.disagreement_resolution.models import DR_OTHER_PARTIES, DisagreementResolutionRequest
from bot.mediation.inputs import (
    local_today,
    optional_text,
    require_channel,
    require_conversation_id,
    require_local_authority,
    require_name,
    require_past_date,
    require_text,
    utcnow,
)
from bot.mediation.models import CONTACT_PREFERENCES
from bot.mediation.requests import change_status

SOURCE_DRS = "CFA 2014 s.57; SEND Code of Practice 11.6-11.12"
SOURCE_DR_FUNDING = "South East Group contract (Kent County Council decision 14/00153, 2014)"
PARTY_WORDS = {
    "school": "the school",
    "college": "the college",
    "local_authority": "the council",
    "icb": "the integrated care board (ICB)",
    "social_care": "social care services",
}
DR_CONSENT_STATEMENT = (
    "Disagreement resolution is voluntary: every party must agree to take part, and nobody can be made to. "
    "It is free for you: {party} funds the meeting, and the service must have its agreement first. Using it "
    "does not affect any right to appeal. ({drs}; {funding})"
)


def dr_consent_statement(other_party: str) -> str:
    if other_party not in DR_OTHER_PARTIES:
        raise ValueError(f"Who is the disagreement with? Choose one of: {', '.join(DR_OTHER_PARTIES)}.")
    return DR_CONSENT_STATEMENT.format(party=PARTY_WORDS[other_party], drs=SOURCE_DRS, funding=SOURCE_DR_FUNDING)


def request_disagreement_resolution(
    session: Session,
    *,
    conversation_id: str,
    channel: str,
    local_authority: str,
    other_party: str,
    disagreement: str,
    contact_preference: str = "phone",
    contact_details: Optional[str] = None,
    availability: Optional[str] = None,
    other_party_name: Optional[str] = None,
    requester_name: Optional[str] = None,
    now: Optional[dt.datetime] = None,
) -> DisagreementResolutionRequest:
    """Record a DR request. It waits for every party's agreement; the other party funds it.

    Read ``request.consent_statement`` to the person: it is what was recorded.
    """
    now = now or utcnow()
    statement = dr_consent_statement(other_party)
    if contact_preference not in CONTACT_PREFERENCES:
        raise ValueError(f"How should we contact you? Choose one of: {', '.join(CONTACT_PREFERENCES)}.")
    request = DisagreementResolutionRequest(
        conversation_id=require_conversation_id(conversation_id),
        channel=require_channel(channel),
        local_authority=require_local_authority(local_authority),
        other_party=other_party,
        other_party_name=optional_text(other_party_name, "the name of the school, college or body", 200),
        disagreement=require_text(disagreement, "what the disagreement is about"),
        funded_by=other_party,
        consent_statement=statement,
        contact_preference=contact_preference,
        contact_details=optional_text(contact_details, "contact details", 320),
        availability=optional_text(availability, "when you are available"),
        requester_name=require_name(requester_name, "your name") if requester_name else None,
        requested_at=now,
        requested_on=local_today(now),
        status="waiting_for_agreement",
        status_changed_at=now,
    )
    session.add(request)
    session.flush()
    return request


def _dr_request(session: Session, request_id: str) -> DisagreementResolutionRequest:
    request = session.get(DisagreementResolutionRequest, request_id) if request_id else None
    if request is None:
        raise ValueError(f"There is no disagreement resolution request {request_id!r}.")
    return request


def mark_dr_agreed(
    session: Session,
    request_id: str,
    *,
    by: str,
    agreed_on: Optional[dt.date] = None,
    now: Optional[dt.datetime] = None,
) -> DisagreementResolutionRequest:
    """Every party, including the funding party, agreed to take part."""
    return change_status(
        session,
        _dr_request(session, request_id),
        "agreed",
        ("waiting_for_agreement",),
        by,
        now,
        agreed_on=agreed_on or local_today(now),
    )


def mark_dr_declined(
    session: Session, request_id: str, *, by: str, reason: str, now: Optional[dt.datetime] = None
) -> DisagreementResolutionRequest:
    request = _dr_request(session, request_id)
    reason = require_text(reason, "why the request was declined", 2000)
    return change_status(session, request, "declined", ("waiting_for_agreement",), by, now, declined_reason=reason)


def mark_dr_held(
    session: Session, request_id: str, *, held_on: dt.date, by: str, now: Optional[dt.datetime] = None
) -> DisagreementResolutionRequest:
    request = _dr_request(session, request_id)
    require_past_date(held_on, "the day of the meeting", local_today(now))
    return change_status(session, request, "held", ("agreed",), by, now, held_on=held_on)


def withdraw_dr(
    session: Session, request_id: str, *, by: str, now: Optional[dt.datetime] = None
) -> DisagreementResolutionRequest:
    return change_status(
        session, _dr_request(session, request_id), "withdrawn", ("waiting_for_agreement", "agreed"), by, now
    )
