"""Telephony: escalations (transfers, voicemails, callbacks), the SMS outbox and SMS opt-outs.

Revision ID: 0002_telephony
Revises: 0001
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_telephony"
down_revision = "0001"
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def upgrade() -> None:
    op.create_table(
        "escalations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("reason", _enum("escalation_reason", "person_requested", "safeguarding", "repeated_failure",
                                  "voicemail", "callback"), nullable=False),
        sa.Column("priority", _enum("escalation_priority", "normal", "urgent"), nullable=False),
        sa.Column("channel", _enum("escalation_channel", "voice", "sms", "web"), nullable=False),
        sa.Column("conversation_id", sa.String(100), nullable=False),
        sa.Column("local_authority", sa.String(100), nullable=True),
        sa.Column("status", _enum("escalation_status", "new", "assigned", "waiting", "resolved"), nullable=False),
        sa.Column("callback_number", sa.String(20), nullable=True),
        sa.Column("preferred_time", sa.String(100), nullable=True),
        sa.Column("recording_url", sa.String(500), nullable=True),
        sa.Column("summary", sa.Text, nullable=False),
    )
    op.create_index("ix_escalations_created_at", "escalations", ["created_at"])
    op.create_index("ix_escalations_conversation_id", "escalations", ["conversation_id"])
    op.create_index("ix_escalations_status", "escalations", ["status"])

    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("to_number", sa.String(20), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", _enum("outbox_status", "pending", "sent", "failed", "suppressed"), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime, nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("provider_sid", sa.String(64), nullable=True),
        sa.Column("sent_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_outbox_messages_to_number", "outbox_messages", ["to_number"])
    op.create_index("ix_outbox_due", "outbox_messages", ["status", "next_attempt_at"])

    op.create_table(
        "sms_opt_outs",
        sa.Column("number_hash", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sms_opt_outs")
    op.drop_index("ix_outbox_due", table_name="outbox_messages")
    op.drop_index("ix_outbox_messages_to_number", table_name="outbox_messages")
    op.drop_table("outbox_messages")
    op.drop_index("ix_escalations_status", table_name="escalations")
    op.drop_index("ix_escalations_conversation_id", table_name="escalations")
    op.drop_index("ix_escalations_created_at", table_name="escalations")
    op.drop_table("escalations")
