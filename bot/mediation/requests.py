"""Mediation requests: plain service functions on a Session.

Mediation (CFA 2014 ss.52-54; SEND Regulations 2014 regs 32-42): the council must
arrange it within 30 days of being told; when health care is in issue it must tell
each integrated care board (ICB) within 3 working days. The council's SEND team is
told by email through the outbox (retried until sent). Staff then mark the request
arranged, held or not arranged in time, and issue the certificate that follows
(``issue_mediation_certificate``).

A disagreement resolution (DR) request is a request of the same shape with its own
table and rules (bot.disagreement_resolution). What both share lives here, in one
place, and DR imports it (never the other way round, so there is no import circle):
``change_status`` (a status change, with who and when), and through
bot.mediation.models and bot.mediation.inputs the contact preferences, ids and the
checks on what a person typed.

Nothing here commits: the caller's ``session_scope`` does, before anyone is told.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import yaml
from sqlalchemy.orm import Session

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
from bot.mediation.models import CONTACT_PREFERENCES, Certificate, MediationRequest
from bot.mediation.service import issue_certificate
from bot.outbox.service import enqueue_email
from bot.redress.dates import add_working_days, format_long
from bot.redress.deadlines import SOURCE_ARRANGE_MEDIATION, certificate_due, mediation_by
from bot.settings import PROJECT_ROOT, Settings, get_settings

WORKING_DAYS_TO_TELL_ICB = 3  # brief: "the LA must tell each relevant ICB within 3 working days"
SOURCE_ICB_NOTICE = "SEND Regulations 2014 regs 32-42 (health care provision in issue)"


# --- council contacts -------------------------------------------------------------------


@dataclass(frozen=True)
class LaContact:
    local_authority: str
    team: str
    email: str


@lru_cache(maxsize=4)
def _contacts(path: str) -> Dict[str, LaContact]:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return {
        name: LaContact(name, entry.get("team", "SEND Team"), entry["email"])
        for name, entry in (raw.get("contacts") or {}).items()
    }


def la_contact(local_authority: str, settings: Optional[Settings] = None) -> LaContact:
    """Where this council is told of mediation requests (LA_CONTACTS_FILE)."""
    settings = settings or get_settings()
    path = Path(settings.la_contacts_file)
    path = path if path.is_absolute() else PROJECT_ROOT / path
    contact = _contacts(str(path)).get(local_authority)
    if contact is None:
        raise ValueError(f"No contact address for {local_authority} in {path}: staff must add one.")
    return contact


# --- mediation requests -----------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """A statutory time limit, ready to show or say."""

    name: str
    due: dt.date
    text: str
    source: str
    overdue: bool


def mediation_clocks(request: MediationRequest, today: Optional[dt.date] = None) -> List[Clock]:
    """The statutory clocks of a mediation request, soonest first."""
    today = today or local_today()
    clocks = []
    if request.icb_notify_by is not None:
        icbs = ", ".join(request.icbs) or "each integrated care board (ICB) involved"
        clocks.append(
            Clock(
                "icb_notify_by",
                request.icb_notify_by,
                f"Because health care is in issue, {request.local_authority} must tell {icbs} by "
                f"{format_long(request.icb_notify_by)} (3 working days).",
                SOURCE_ICB_NOTICE,
                today > request.icb_notify_by and request.status == "requested",
            )
        )
    clocks.append(
        Clock(
            "arrange_by",
            request.arrange_by,
            f"{request.local_authority} must arrange mediation by {format_long(request.arrange_by)} "
            f"(30 days from {format_long(request.requested_on)}). If it cannot, we issue your certificate "
            "within 3 working days of hearing that.",
            SOURCE_ARRANGE_MEDIATION,
            today > request.arrange_by and request.status == "requested",
        )
    )
    if request.not_arranged_learned_on is not None:
        due = certificate_due(request.not_arranged_learned_on)
        clocks.append(
            Clock(
                "deemed_certificate_by",
                due,
                f"The certificate must be issued by {format_long(due)} (3 working days).",
                "SEND Regulations 2014 regs 32-42",
                today > due,
            )
        )
    return clocks


def request_mediation(
    session: Session,
    *,
    conversation_id: str,
    channel: str,
    local_authority: str,
    issues: str,
    health_care_in_issue: bool,
    icbs: Sequence[str] = (),
    contact_preference: str,
    availability: str,
    contact_details: Optional[str] = None,
    requester_name: Optional[str] = None,
    requester_role: Optional[str] = None,
    child_name: Optional[str] = None,
    about: Optional[str] = None,
    decision_date: Optional[dt.date] = None,
    now: Optional[dt.datetime] = None,
    settings: Optional[Settings] = None,
) -> MediationRequest:
    """Record a mediation request, set its clocks and queue the email to the council.

    ``requester_name``, ``requester_role``, ``child_name``, ``about`` and
    ``decision_date`` are optional here but needed later for the certificate after
    mediation (the same values the certificate asks for).
    """
    settings = settings or get_settings()
    now = now or utcnow()
    today = local_today(now)
    conversation_id = require_conversation_id(conversation_id)
    channel = require_channel(channel)
    authority = require_local_authority(local_authority)
    issues = require_text(issues, "what you want mediation about (the mediation issues)")
    if not isinstance(health_care_in_issue, bool):
        raise ValueError("Say whether health care is part of the disagreement: true or false.")
    icb_names = [require_text(name, "the name of the integrated care board", 200) for name in icbs]
    if icb_names and not health_care_in_issue:
        raise ValueError("An integrated care board (ICB) takes part only when health care is in issue.")
    if contact_preference not in CONTACT_PREFERENCES:
        raise ValueError(f"How should the council contact you? Choose one of: {', '.join(CONTACT_PREFERENCES)}.")
    if decision_date is not None:
        require_past_date(decision_date, "the date on the decision letter", today)
    contact = la_contact(authority, settings)

    request = MediationRequest(
        conversation_id=conversation_id,
        channel=channel,
        local_authority=authority,
        issues=issues,
        health_care_in_issue=health_care_in_issue,
        icbs_json=json.dumps(icb_names),
        contact_preference=contact_preference,
        contact_details=optional_text(contact_details, "contact details", 320),
        availability=require_text(availability, "when you are available for a mediation meeting"),
        requester_name=require_name(requester_name, "your name") if requester_name else None,
        requester_role=requester_role,
        child_name=require_name(child_name, "the child's name") if child_name else None,
        about=about,
        decision_date=decision_date,
        requested_at=now,
        requested_on=today,
        arrange_by=mediation_by(today),
        icb_notify_by=add_working_days(today, WORKING_DAYS_TO_TELL_ICB) if health_care_in_issue else None,
        status="requested",
        status_changed_at=now,
    )
    session.add(request)
    session.flush()
    notification = _notify_council(session, request, contact, settings)
    session.flush()
    request.la_notification_id = notification.id
    session.flush()
    return request


def _notify_council(session: Session, request: MediationRequest, contact: LaContact, settings: Settings):
    lines = [
        f"Dear {contact.team},",
        f"A parent or young person has asked for SEND mediation with {request.local_authority} through the "
        f"{settings.service_name}. The council is told on {format_long(request.requested_on)}.",
        "Mediation issues:\n" + request.issues,
        "Who takes part: " + ", ".join([request.local_authority] + request.icbs) + ".",
        "Statutory clocks:\n"
        + "\n".join(f"- {clock.text} ({clock.source})" for clock in mediation_clocks(request, request.requested_on)),
        f"Contact preference: {request.contact_preference}"
        + (f" ({request.contact_details})" if request.contact_details else ""),
        "Availability: " + request.availability,
    ]
    if request.requester_name:
        lines.append(
            f"Name: {request.requester_name}"
            + (f"; child or young person: {request.child_name}" if request.child_name else "")
        )
    lines.append(
        f"Request id: {request.id}. Please tell the service if mediation cannot be arranged "
        "within 30 days, so that the certificate can be issued."
    )
    return enqueue_email(
        session,
        contact.email,
        f"Mediation request for {request.local_authority} (arrange by {format_long(request.arrange_by)})",
        "\n\n".join(lines),
        kind="la_mediation_request",
    )


def _mediation_request(session: Session, request_id: str) -> MediationRequest:
    request = session.get(MediationRequest, request_id) if request_id else None
    if request is None:
        raise ValueError(f"There is no mediation request {request_id!r}.")
    return request


def change_status(
    session: Session, request, to: str, allowed_from: Sequence[str], by: str, now: Optional[dt.datetime], **fields
):
    """Change a request's status (who and when recorded) if its current status allows it.

    Both kinds of request use it: mediation requests here, DR requests in
    bot.disagreement_resolution.service.
    """
    if request.status not in allowed_from:
        raise ValueError(f"This request is '{request.status}', so it cannot be marked '{to}'.")
    request.status = to
    request.status_changed_by = require_text(by, "who is making this change", 120)
    request.status_changed_at = now or utcnow()
    for name, value in fields.items():
        setattr(request, name, value)
    session.flush()
    return request


def mark_mediation_arranged(
    session: Session, request_id: str, *, meeting_on: dt.date, by: str, now: Optional[dt.datetime] = None
) -> MediationRequest:
    request = _mediation_request(session, request_id)
    if meeting_on < request.requested_on:
        raise ValueError("The meeting date is before the request was made: check the date.")
    return change_status(session, request, "arranged", ("requested", "arranged"), by, now, meeting_on=meeting_on)


def mark_mediation_held(
    session: Session, request_id: str, *, held_on: dt.date, by: str, now: Optional[dt.datetime] = None
) -> MediationRequest:
    """Mediation took place (ended on ``held_on``): the after-mediation certificate can be issued."""
    request = _mediation_request(session, request_id)
    require_past_date(held_on, "the day mediation ended", local_today(now))
    if held_on < request.requested_on:
        raise ValueError("Mediation cannot have ended before it was requested: check the date.")
    return change_status(
        session, request, "held", ("requested", "arranged", "not_arranged_in_time"), by, now, held_on=held_on
    )


def mark_not_arranged_in_time(
    session: Session,
    request_id: str,
    *,
    by: str,
    learned_on: Optional[dt.date] = None,
    now: Optional[dt.datetime] = None,
) -> MediationRequest:
    """The council cannot arrange mediation within 30 days: the deemed certificate is due
    within 3 working days of ``learned_on`` (today by default)."""
    request = _mediation_request(session, request_id)
    learned_on = require_past_date(learned_on or local_today(now), "the day you learned of it", local_today(now))
    return change_status(
        session, request, "not_arranged_in_time", ("requested", "arranged"), by, now, not_arranged_learned_on=learned_on
    )


def withdraw_mediation(
    session: Session, request_id: str, *, by: str, now: Optional[dt.datetime] = None
) -> MediationRequest:
    return change_status(
        session, _mediation_request(session, request_id), "withdrawn", ("requested", "arranged"), by, now
    )


def issue_mediation_certificate(
    session: Session,
    request_id: str,
    *,
    issued_by: str,
    requester_name: Optional[str] = None,
    child_name: Optional[str] = None,
    requester_role: Optional[str] = None,
    about: Optional[str] = None,
    decision_date: Optional[dt.date] = None,
    now: Optional[dt.datetime] = None,
) -> Certificate:
    """The certificate after mediation (request held) or the deemed one (not arranged in
    time), through the same ``issue_certificate``; details missing from the request are
    taken from the arguments. Same certificate back if asked again."""
    request = _mediation_request(session, request_id)
    kind = {"held": "after_mediation", "not_arranged_in_time": "deemed"}.get(request.status)
    if kind is None:
        raise ValueError(f"This request is '{request.status}': mark mediation held or not arranged in time first.")
    return issue_certificate(
        session,
        conversation_id=request.conversation_id,
        channel="console",
        requester_name=requester_name or request.requester_name,
        child_name=child_name or request.child_name,
        requester_role=requester_role or request.requester_role or "parent",
        local_authority=request.local_authority,
        about=about or request.about,
        decision_date=decision_date or request.decision_date,
        kind=kind,
        issued_by=issued_by,
        mediation_request_id=request.id,
        now=now,
    )
