"""The mediator's working day in the console (issue 21).

- callback_attempts: each try to call a family back (who, when, outcome: reached, no
  answer, voicemail left, wrong number; when to try next), bot.handoff.models.CallbackAttempt.
- staff_alert_failures: alerts to staff that were not sent (no numbers or no text
  service configured), shown in the console and /health; no personal details.

Revision ID: 0010_console_cases
Revises: 0009_webhook_deliveries
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_console_cases"
down_revision = "0009_webhook_deliveries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "callback_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("escalation_id", sa.String(36), sa.ForeignKey("escalations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("next_try_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_callback_attempts_escalation_id", "callback_attempts", ["escalation_id"])
    op.create_table(
        "staff_alert_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("escalation_id", sa.String(36), nullable=True),
        sa.Column("priority", sa.String(10), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
    )
    op.create_index("ix_staff_alert_failures_at", "staff_alert_failures", ["at"])


def downgrade() -> None:
    op.drop_index("ix_staff_alert_failures_at", table_name="staff_alert_failures")
    op.drop_table("staff_alert_failures")
    op.drop_index("ix_callback_attempts_escalation_id", table_name="callback_attempts")
    op.drop_table("callback_attempts")
