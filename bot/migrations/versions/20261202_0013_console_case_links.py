"""One family, one case across channels; callbacks snoozed; certificates reissued (issue 21).

- case_links: a conversation joined to another's case (bot.console.models.CaseLink), by a
  member of staff with a reason or automatically (the same caller's number on the phone
  line and by text); unlinked rows are kept so they are never joined again automatically.
- callback_snoozes: a callback put aside until a time after a try that reached nobody
  (bot.console.models.CallbackSnooze).
- certificate_reissues: a revoked certificate's replacement, who, when and why
  (bot.console.models.CertificateReissue).

Revision ID: 0013_console_case_links
Revises: 0012_certificate_links
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_console_case_links"
down_revision = "0012_certificate_links"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_links",
        sa.Column("conversation_id", sa.String(100), primary_key=True),
        sa.Column("root_conversation_id", sa.String(100), nullable=False),
        sa.Column("linked_at", sa.DateTime, nullable=False),
        sa.Column("linked_by", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("unlinked_at", sa.DateTime, nullable=True),
        sa.Column("unlinked_by", sa.String(64), nullable=True),
    )
    op.create_index("ix_case_links_root_conversation_id", "case_links", ["root_conversation_id"])
    op.create_table(
        "callback_snoozes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("escalation_id", sa.String(36), sa.ForeignKey("escalations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("until", sa.DateTime, nullable=False),
        sa.Column("cleared_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_callback_snoozes_escalation_id", "callback_snoozes", ["escalation_id"])
    op.create_index("ix_callback_snoozes_until", "callback_snoozes", ["until"])
    op.create_table(
        "certificate_reissues",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("revoked_reference", sa.String(16), nullable=False, unique=True),
        sa.Column("new_reference", sa.String(16), nullable=False, unique=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("certificate_reissues")
    op.drop_index("ix_callback_snoozes_until", table_name="callback_snoozes")
    op.drop_index("ix_callback_snoozes_escalation_id", table_name="callback_snoozes")
    op.drop_table("callback_snoozes")
    op.drop_index("ix_case_links_root_conversation_id", table_name="case_links")
    op.drop_table("case_links")
