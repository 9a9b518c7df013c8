"""Twilio webhooks acted on once; the numbers behind phone and SMS conversations.

- webhook_deliveries: one row per webhook delivery (a text's MessageSid; a call's
  CallSid with its step's URL and parameters), written before the webhook is acted on,
  with the answer once built: a repeat gets the same answer and nothing else happens
  (bot.conversations.deliveries).
- conversation_numbers: the caller's or texter's number (E.164) for a phone or SMS
  conversation, so staff can call or text back; shown in the console behind the
  reveal-with-reason only.
- full_answers: an SMS answer too long for 3 texts, on a page the texts link to.

Revision ID: 0009_webhook_deliveries
Revises: 0008_escalation_category
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_webhook_deliveries"
down_revision = "0008_escalation_category"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhook_deliveries",
        sa.Column("key", sa.String(120), primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("conversation_id", sa.String(100), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("status_code", sa.Integer, nullable=True),
        sa.Column("media_type", sa.String(60), nullable=True),
        sa.Column("body", sa.Text, nullable=True),
        sa.Column("finished_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_webhook_deliveries_created_at", "webhook_deliveries", ["created_at"])
    op.create_index("ix_webhook_deliveries_conversation_id", "webhook_deliveries", ["conversation_id"])
    op.create_table(
        "conversation_numbers",
        sa.Column("conversation_id", sa.String(100), primary_key=True),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "full_answers",
        sa.Column("token", sa.String(32), primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )
    op.create_index("ix_full_answers_created_at", "full_answers", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_full_answers_created_at", table_name="full_answers")
    op.drop_table("full_answers")
    op.drop_table("conversation_numbers")
    op.drop_index("ix_webhook_deliveries_conversation_id", table_name="webhook_deliveries")
    op.drop_index("ix_webhook_deliveries_created_at", table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
