"""Outbox attempts: each try at sending a message, recorded before the request goes out.

A request to Twilio that times out, or whose connection drops before the answer, may
have been taken: the outbox looks the message up at Twilio before sending it again
(bot.outbox.service). The record is committed before the try, so a worker that dies
mid-request leaves a try without an outcome, which the next worker treats the same way.
Deleted with its message.

Revision ID: 0007_outbox_attempts
Revises: 0006_handoff
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_outbox_attempts"
down_revision = "0006_handoff"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("message_id", sa.Integer, sa.ForeignKey("outbox_messages.id", ondelete="CASCADE"), nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=True),
        sa.Column("outcome", sa.Enum("sent", "found", "failed", "unknown", name="outbox_attempt_outcome",
                                     native_enum=False, create_constraint=True), nullable=True),
        sa.Column("provider_sid", sa.String(64), nullable=True),
        sa.Column("error", sa.Text, nullable=True),
    )
    op.create_index("ix_outbox_attempts_message_id", "outbox_attempts", ["message_id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_attempts_message_id", table_name="outbox_attempts")
    op.drop_table("outbox_attempts")
