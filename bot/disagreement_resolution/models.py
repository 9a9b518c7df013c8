"""Disagreement resolution requests (CFA 2014 s.57; seed: Kent 2014 on consent and funding).

The request is recorded the way a mediation request is (bot.mediation.models: the same
channels, contact preferences, ids and enum columns); it has its own table, dr_requests.
"""

from __future__ import annotations

import sqlalchemy as sa

from bot.database import Base
from bot.mediation.inputs import CHANNELS, utcnow
from bot.mediation.models import CONTACT_PREFERENCES, enum, new_id

DR_OTHER_PARTIES = ("school", "college", "local_authority", "icb", "social_care")
DR_STATUSES = ("waiting_for_agreement", "agreed", "held", "declined", "withdrawn")


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
