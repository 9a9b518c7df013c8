"""Mediation advice given, mediation certificates issued (CFA 2014 s.55; Regs 32-34),
and mediation requests (CFA 2014 ss.52-54; Regs 32-42).

Who, what, when and which channel are stored with each record. Only the names the
tribunal needs are kept: the parent's or young person's, and the child's.

``enum``, ``new_id`` and ``CONTACT_PREFERENCES`` serve the disagreement resolution
request too (bot.disagreement_resolution.models builds on this module).
"""

from __future__ import annotations

import json
import uuid
from typing import List

import sqlalchemy as sa

from bot.database import Base
from bot.mediation.inputs import CHANNELS, REQUESTER_ROLES, utcnow

KINDS = ("not_pursuing", "after_mediation", "deemed")
STATUSES = ("valid", "revoked")
MEDIATION_STATUSES = ("requested", "arranged", "held", "not_arranged_in_time", "withdrawn")
CONTACT_PREFERENCES = ("phone", "email", "text", "post")


def enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def new_id() -> str:
    return str(uuid.uuid4())


class MediationAdvice(Base):
    """That the statutory mediation information was given, and the person's choice."""

    __tablename__ = "mediation_advice"

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    conversation_id = sa.Column(sa.String(100), nullable=False, unique=True)
    channel = sa.Column(enum("mediation_advice_channel", *CHANNELS), nullable=False)
    local_authority = sa.Column(sa.String(100), nullable=False, index=True)
    about = sa.Column(sa.String(60), nullable=False)
    decision_date = sa.Column(sa.Date, nullable=False)
    information_given_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    contact_adviser_by = sa.Column(sa.Date, nullable=False)
    appeal_by = sa.Column(sa.Date, nullable=False)  # before any certificate: 2 months from the letter
    pursue = sa.Column(sa.Boolean, nullable=True)  # None until they answer
    choice_at = sa.Column(sa.DateTime, nullable=True)


class Certificate(Base):
    __tablename__ = "certificates"

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    reference = sa.Column(sa.String(16), nullable=False, unique=True)
    kind = sa.Column(enum("certificate_kind", *KINDS), nullable=False)
    conversation_id = sa.Column(sa.String(100), nullable=False)
    channel = sa.Column(enum("certificate_channel", *CHANNELS), nullable=False)
    requester_name = sa.Column(sa.String(120), nullable=False)
    requester_role = sa.Column(enum("certificate_requester_role", *REQUESTER_ROLES), nullable=False)
    child_name = sa.Column(sa.String(120), nullable=False)
    local_authority = sa.Column(sa.String(100), nullable=False, index=True)
    about = sa.Column(sa.String(60), nullable=False)
    decision_date = sa.Column(sa.Date, nullable=False)
    issued_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    issued_on = sa.Column(sa.Date, nullable=False, index=True)  # UK date printed on the certificate
    issued_by = sa.Column(sa.String(120), nullable=True)  # staff user; None when the assistant issued it
    appeal_by = sa.Column(sa.Date, nullable=False)
    mediation_request_id = sa.Column(sa.String(36), sa.ForeignKey("mediation_requests.id"), nullable=True)
    mediation_held_on = sa.Column(sa.Date, nullable=True)
    # "<conversation_id>:<kind>" while the certificate stands, so asking again in the
    # same conversation returns it; cleared on revocation so a corrected one can be issued.
    issue_key = sa.Column(sa.String(130), nullable=True, unique=True)
    status = sa.Column(enum("certificate_status", *STATUSES), nullable=False, default="valid")
    revoked_at = sa.Column(sa.DateTime, nullable=True)
    revoked_by = sa.Column(sa.String(120), nullable=True)
    revoked_reason = sa.Column(sa.Text, nullable=True)

    __table_args__ = (sa.Index("ix_certificates_conversation_id", "conversation_id"),)


class CertificateLink(Base):
    """One download link given to the family (chat message, text or email).

    Only ``token_hash`` is kept: the SHA-256 (hex) of the link's random secret, which
    appears nowhere but in the link itself. A link works until ``expires_at`` (UTC;
    CERTIFICATE_LINK_DAYS after it was given) while the certificate is not revoked.
    Asking again gives a new link; the earlier ones keep working until they expire.
    """

    __tablename__ = "certificate_links"

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    certificate_id = sa.Column(
        sa.Integer, sa.ForeignKey("certificates.id", ondelete="CASCADE"), nullable=False, index=True
    )
    token_hash = sa.Column(sa.String(64), nullable=False, unique=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    expires_at = sa.Column(sa.DateTime, nullable=False)


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
