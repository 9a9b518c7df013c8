"""Certificates, mediation advice records, mediation and disagreement resolution requests;
email in the outbox.

Revision ID: 0003_certificates
Revises: 0002_telephony
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_certificates"
down_revision = "0002_telephony"
branch_labels = None
depends_on = None

CHANNELS = ("web", "voice", "sms", "console")
CONTACT_PREFERENCES = ("phone", "email", "text", "post")
DR_PARTIES = ("school", "college", "local_authority", "icb", "social_care")


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def upgrade() -> None:
    # The outbox also carries email (council notifications, certificates by email).
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("channel", _enum("outbox_channel", "sms", "email"), nullable=False,
                                   server_default="sms"))
        batch.add_column(sa.Column("to_address", sa.String(320), nullable=True))
        batch.add_column(sa.Column("subject", sa.String(300), nullable=True))
        batch.alter_column("to_number", existing_type=sa.String(20), nullable=True)

    op.create_table(
        "mediation_advice",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("conversation_id", sa.String(100), nullable=False, unique=True),
        sa.Column("channel", _enum("mediation_advice_channel", *CHANNELS), nullable=False),
        sa.Column("local_authority", sa.String(100), nullable=False),
        sa.Column("about", sa.String(60), nullable=False),
        sa.Column("decision_date", sa.Date, nullable=False),
        sa.Column("information_given_at", sa.DateTime, nullable=False),
        sa.Column("contact_adviser_by", sa.Date, nullable=False),
        sa.Column("appeal_by", sa.Date, nullable=False),
        sa.Column("pursue", sa.Boolean, nullable=True),
        sa.Column("choice_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_mediation_advice_local_authority", "mediation_advice", ["local_authority"])

    op.create_table(
        "mediation_requests",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("conversation_id", sa.String(100), nullable=False),
        sa.Column("channel", _enum("mediation_request_channel", *CHANNELS), nullable=False),
        sa.Column("local_authority", sa.String(100), nullable=False),
        sa.Column("issues", sa.Text, nullable=False),
        sa.Column("health_care_in_issue", sa.Boolean, nullable=False),
        sa.Column("icbs_json", sa.Text, nullable=False),
        sa.Column("contact_preference", _enum("mediation_contact_preference", *CONTACT_PREFERENCES), nullable=False),
        sa.Column("contact_details", sa.String(320), nullable=True),
        sa.Column("availability", sa.Text, nullable=False),
        sa.Column("requester_name", sa.String(120), nullable=True),
        sa.Column("requester_role", sa.String(20), nullable=True),
        sa.Column("child_name", sa.String(120), nullable=True),
        sa.Column("about", sa.String(60), nullable=True),
        sa.Column("decision_date", sa.Date, nullable=True),
        sa.Column("requested_at", sa.DateTime, nullable=False),
        sa.Column("requested_on", sa.Date, nullable=False),
        sa.Column("arrange_by", sa.Date, nullable=False),
        sa.Column("icb_notify_by", sa.Date, nullable=True),
        sa.Column("status", _enum("mediation_request_status", "requested", "arranged", "held",
                                  "not_arranged_in_time", "withdrawn"), nullable=False),
        sa.Column("status_changed_at", sa.DateTime, nullable=False),
        sa.Column("status_changed_by", sa.String(120), nullable=True),
        sa.Column("meeting_on", sa.Date, nullable=True),
        sa.Column("held_on", sa.Date, nullable=True),
        sa.Column("not_arranged_learned_on", sa.Date, nullable=True),
        sa.Column("la_notification_id", sa.Integer, sa.ForeignKey("outbox_messages.id"), nullable=True),
    )
    for column in ("conversation_id", "local_authority", "requested_on", "held_on"):
        op.create_index(f"ix_mediation_requests_{column}", "mediation_requests", [column])

    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(16), nullable=False, unique=True),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", _enum("certificate_kind", "not_pursuing", "after_mediation", "deemed"), nullable=False),
        sa.Column("conversation_id", sa.String(100), nullable=False),
        sa.Column("channel", _enum("certificate_channel", *CHANNELS), nullable=False),
        sa.Column("requester_name", sa.String(120), nullable=False),
        sa.Column("requester_role", _enum("certificate_requester_role", "parent", "young_person"), nullable=False),
        sa.Column("child_name", sa.String(120), nullable=False),
        sa.Column("local_authority", sa.String(100), nullable=False),
        sa.Column("about", sa.String(60), nullable=False),
        sa.Column("decision_date", sa.Date, nullable=False),
        sa.Column("issued_at", sa.DateTime, nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("issued_by", sa.String(120), nullable=True),
        sa.Column("appeal_by", sa.Date, nullable=False),
        sa.Column("mediation_request_id", sa.String(36), sa.ForeignKey("mediation_requests.id"), nullable=True),
        sa.Column("mediation_held_on", sa.Date, nullable=True),
        sa.Column("issue_key", sa.String(130), nullable=True, unique=True),
        sa.Column("status", _enum("certificate_status", "valid", "revoked"), nullable=False),
        sa.Column("revoked_at", sa.DateTime, nullable=True),
        sa.Column("revoked_by", sa.String(120), nullable=True),
        sa.Column("revoked_reason", sa.Text, nullable=True),
    )
    op.create_index("ix_certificates_conversation_id", "certificates", ["conversation_id"])
    op.create_index("ix_certificates_local_authority", "certificates", ["local_authority"])
    op.create_index("ix_certificates_issued_on", "certificates", ["issued_on"])

    op.create_table(
        "dr_requests",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("conversation_id", sa.String(100), nullable=False),
        sa.Column("channel", _enum("dr_request_channel", *CHANNELS), nullable=False),
        sa.Column("local_authority", sa.String(100), nullable=False),
        sa.Column("other_party", _enum("dr_other_party", *DR_PARTIES), nullable=False),
        sa.Column("other_party_name", sa.String(200), nullable=True),
        sa.Column("disagreement", sa.Text, nullable=False),
        sa.Column("funded_by", _enum("dr_funded_by", *DR_PARTIES), nullable=False),
        sa.Column("consent_statement", sa.Text, nullable=False),
        sa.Column("contact_preference", _enum("dr_contact_preference", *CONTACT_PREFERENCES), nullable=False),
        sa.Column("contact_details", sa.String(320), nullable=True),
        sa.Column("availability", sa.Text, nullable=True),
        sa.Column("requester_name", sa.String(120), nullable=True),
        sa.Column("requested_at", sa.DateTime, nullable=False),
        sa.Column("requested_on", sa.Date, nullable=False),
        sa.Column("status", _enum("dr_request_status", "waiting_for_agreement", "agreed", "held", "declined",
                                  "withdrawn"), nullable=False),
        sa.Column("status_changed_at", sa.DateTime, nullable=False),
        sa.Column("status_changed_by", sa.String(120), nullable=True),
        sa.Column("agreed_on", sa.Date, nullable=True),
        sa.Column("held_on", sa.Date, nullable=True),
        sa.Column("declined_reason", sa.Text, nullable=True),
    )
    for column in ("conversation_id", "local_authority", "requested_on", "held_on"):
        op.create_index(f"ix_dr_requests_{column}", "dr_requests", [column])


def downgrade() -> None:
    for column in ("conversation_id", "local_authority", "requested_on", "held_on"):
        op.drop_index(f"ix_dr_requests_{column}", table_name="dr_requests")
    op.drop_table("dr_requests")
    for name in ("ix_certificates_issued_on", "ix_certificates_local_authority", "ix_certificates_conversation_id"):
        op.drop_index(name, table_name="certificates")
    op.drop_table("certificates")
    for column in ("conversation_id", "local_authority", "requested_on", "held_on"):
        op.drop_index(f"ix_mediation_requests_{column}", table_name="mediation_requests")
    op.drop_table("mediation_requests")
    op.drop_index("ix_mediation_advice_local_authority", table_name="mediation_advice")
    op.drop_table("mediation_advice")
    op.execute("DELETE FROM outbox_messages WHERE channel = 'email'")
    with op.batch_alter_table("outbox_messages") as batch:
        batch.alter_column("to_number", existing_type=sa.String(20), nullable=False)
        batch.drop_column("subject")
        batch.drop_column("to_address")
        batch.drop_column("channel")
