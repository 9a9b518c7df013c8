"""Mediation requests (CFA 2014 ss.52-54; Regs 32-42) and disagreement resolution
requests (CFA 2014 s.57; seed: Kent 2014 on consent and funding)."""
from __future__ import annotations

import json
import uuid
from typing import List

import sqlalchemy as sa

from bot.certificates.inputs import CHANNELS, utcnow
from bot.certificates.models import enum
from bot.database import Base

MEDIATION_STATUSES = ("requested", "arranged", "held", "not_arranged_in_time", "withdrawn")
CONTACT_PREFERENCES = ("phone", "email", "text", "post")
DR_OTHER_PARTIES = ("school", "college", "local_authority", "icb", "social_care")
DR_STATUSES = ("waiting_for_agreement", "agreed", "held", "declined", "withdrawn")


def new_id() -> str:
    return str(uuid.uuid4())


class MediationRequest(Base):
    __tablename__ = "mediation_requests"

    id = sa.Column(sa.String(36), primary_key=True, default=new_id)
    conversation_id = sa.Column(sa.String(100), nullable=False, index=True)
    channel = sa.Column(enum("mediation_request_channel", *CHANNELS), nullable=False)
    local_authority = sa.Column(sa.String(100), nullable=False, index=True)
    issues = sa.Column(sa.Text, nullable=False)
    health_care_in_issue = sa.Column(sa.Boolean, nullable=False, default=False)
    icbs_json = sa.Column(sa.Text, nullable=False, default="[]")
    contact_preference = sa.Column(enum("mediation_contact_preference", *CONTACT_PREFERENCES), nullable=False)
    contact_details = sa.Column(sa.String(320), nullable=True)
    availability = sa.Column(sa.Text, nullable=False)
    requester_name = sa.Column(sa.String(120), nullable=True)
    requester_role = sa.Column(sa.String(20), nullable=True)
    child_name = sa.Column(sa.String(120), nullable=True)
    about = sa.Column(sa.String(60), nullable=True)
    decision_date = sa.Column(sa.Date, nullable=True)
    requested_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    requested_on = sa.Column(sa.Date, nullable=False, index=True)
    arrange_by = sa.Column(sa.Date, nullable=False)
    icb_notify_by = sa.Column(sa.Date, nullable=True)
    status = sa.Column(enum("mediation_request_status", *MEDIATION_STATUSES), nullable=False, default="requested")
    status_changed_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    status_changed_by = sa.Column(sa.String(120), nullable=True)
    meeting_on = sa.Column(sa.Date, nullable=True)  # when arranged
    held_on = sa.Column(sa.Date, nullable=True, index=True)
    not_arranged_learned_on = sa.Column(sa.Date, nullable=True)
    la_notification_id = sa.Column(sa.Integer, sa.ForeignKey("outbox_messages.id"), nullable=True)

    @property
    def icbs(self) -> List[str]:
        return json.loads(self.icbs_json or "[]")


class DisagreementResolutionRequest(Base):
    __tablename__ = "dr_requests"

    id = sa.Column(sa.String(36), primary_key=True, default=new_id)
    conversation_id = sa.Column(sa.String(100), nullable=False, index=True)
    channel = sa.Column(enum("dr_request_channel", *CHANNELS), nullable=False)
    local_authority = sa.Column(sa.String(100), nullable=False, index=True)
    other_party = sa.Column(enum("dr_other_party", *DR_OTHER_PARTIES), nullable=False)
    other_party_name = sa.Column(sa.String(200), nullable=True)
    disagreement = sa.Column(sa.Text, nullable=False)
    funded_by = sa.Column(enum("dr_funded_by", *DR_OTHER_PARTIES), nullable=False)
    consent_statement = sa.Column(sa.Text, nullable=False)
    contact_preference = sa.Column(enum("dr_contact_preference", *CONTACT_PREFERENCES), nullable=False)
    contact_details = sa.Column(sa.String(320), nullable=True)
    availability = sa.Column(sa.Text, nullable=True)
    requester_name = sa.Column(sa.String(120), nullable=True)
    requested_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    requested_on = sa.Column(sa.Date, nullable=False, index=True)
    status = sa.Column(enum("dr_request_status", *DR_STATUSES), nullable=False, default="waiting_for_agreement")
    status_changed_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    status_changed_by = sa.Column(sa.String(120), nullable=True)
    agreed_on = sa.Column(sa.Date, nullable=True)
    held_on = sa.Column(sa.Date, nullable=True, index=True)
    declined_reason = sa.Column(sa.Text, nullable=True)
