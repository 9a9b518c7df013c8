"""Safeguarding: the kind of concern and the person's language on escalations; reminders in waiting chats.

- escalations.category: for safeguarding, the kind of concern the assistant found
  (risk_to_life, abuse_or_neglect, domestic_abuse, carer_breaking_point); the console
  shows it in words. Plain text, no CHECK constraint: the list belongs to the detector.
- escalations.language: the language the person wrote in when it is not English
  ("Polish"), so staff can arrange an interpreter.
- conversation_owners.reason: why a web chat is waiting for a person (the escalation's
  reason: "safeguarding" changes what the chat page says while waiting);
  conversation_owners.waiting_since and reminder_sent_at: an urgent chat nobody has
  joined within SAFEGUARDING_REMINDER_SECONDS is told again what to do meanwhile, once;
  kept in the database so a restart of the web app does not lose the timer.

Revision ID: 0008_escalation_category
Revises: 0007_outbox_attempts
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_escalation_category"
down_revision = "0007_outbox_attempts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("escalations", sa.Column("category", sa.String(40), nullable=True))
    op.add_column("escalations", sa.Column("language", sa.String(60), nullable=True))
    op.add_column("conversation_owners", sa.Column("reason", sa.String(30), nullable=True))
    op.add_column("conversation_owners", sa.Column("waiting_since", sa.DateTime, nullable=True))
    op.add_column("conversation_owners", sa.Column("reminder_sent_at", sa.DateTime, nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN in place (SQLite 3.35 and later too): no table rebuild,
    # so SQLite does not delete the escalations' staff notes with the old table.
    for column in ("reminder_sent_at", "waiting_since", "reason"):
        op.drop_column("conversation_owners", column)
    for column in ("language", "category"):
        op.drop_column("escalations", column)
