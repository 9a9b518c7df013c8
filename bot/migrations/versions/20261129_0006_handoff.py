"""Handoff: the bot_failure escalation reason, and a callback email for out-of-hours requests.

- escalations.reason may be "bot_failure" (Rasa or the action server failed: treated
  as a handoff, never as silence);
- escalations.callback_email: out of hours, a person may ask to be contacted by email
  (before this it was kept as a staff note). Personal data: cleared by the retention job
  with the callback number (RETENTION_CALLBACK_DAYS).

SQLite cannot change a CHECK constraint, so the table is rebuilt there; its staff notes
(which SQLite would delete with the old table, ON DELETE CASCADE) are put back.

Revision ID: 0006_handoff
Revises: 0005_webchat
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_handoff"
down_revision = "0005_webchat"
branch_labels = None
depends_on = None

OLD_REASONS = ("person_requested", "safeguarding", "repeated_failure", "voicemail", "callback")
NEW_REASONS = OLD_REASONS + ("bot_failure",)


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def _escalations(reasons, with_email: bool) -> sa.Table:
    """The escalations table as migrations 0002 and 0004 left it (SQLite rebuilds it from this)."""
    columns = [
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("reason", _enum("escalation_reason", *reasons), nullable=False),
        sa.Column("priority", _enum("escalation_priority", "normal", "urgent"), nullable=False),
        sa.Column("channel", _enum("escalation_channel", "voice", "sms", "web"), nullable=False),
        sa.Column("conversation_id", sa.String(100), nullable=False),
        sa.Column("local_authority", sa.String(100), nullable=True),
        sa.Column("status", _enum("escalation_status", "new", "assigned", "waiting", "resolved"), nullable=False),
        sa.Column("callback_number", sa.String(20), nullable=True),
        sa.Column("preferred_time", sa.String(100), nullable=True),
        sa.Column("recording_url", sa.String(500), nullable=True),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("assigned_to", sa.String(64), nullable=True),
        sa.Column("assigned_at", sa.DateTime, nullable=True),
        sa.Column("resolved_at", sa.DateTime, nullable=True),
    ]
    if with_email:
        columns.append(sa.Column("callback_email", sa.String(320), nullable=True))
    return sa.Table(
        "escalations", sa.MetaData(), *columns,
        sa.Index("ix_escalations_created_at", "created_at"),
        sa.Index("ix_escalations_conversation_id", "conversation_id"),
        sa.Index("ix_escalations_status", "status"),
        sa.Index("ix_escalations_assigned_to", "assigned_to"),
    )


def _rebuild_on_sqlite(old: sa.Table, new: sa.Table) -> None:
    notes = sa.table("escalation_notes", sa.column("id"), sa.column("escalation_id"), sa.column("created_at"),
                     sa.column("author"), sa.column("text"))
    bind = op.get_bind()
    saved = [dict(row._mapping) for row in bind.execute(sa.select(notes))]
    with op.batch_alter_table("escalations", copy_from=old, recreate="always") as batch:
        if "callback_email" in new.c and "callback_email" not in old.c:
            batch.add_column(sa.Column("callback_email", sa.String(320), nullable=True))
        if "callback_email" in old.c and "callback_email" not in new.c:
            batch.drop_column("callback_email")
        batch.alter_column("reason", existing_type=old.c.reason.type, type_=new.c.reason.type,
                           existing_nullable=False)
    bind.execute(sa.delete(notes))
    if saved:
        bind.execute(sa.insert(notes), saved)


def _reason_check(reasons) -> str:
    return "reason IN (" + ", ".join(f"'{reason}'" for reason in reasons) + ")"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_on_sqlite(_escalations(OLD_REASONS, False), _escalations(NEW_REASONS, True))
        return
    op.add_column("escalations", sa.Column("callback_email", sa.String(320), nullable=True))
    op.drop_constraint("escalation_reason", "escalations", type_="check")
    op.create_check_constraint("escalation_reason", "escalations", _reason_check(NEW_REASONS))


def downgrade() -> None:
    # Escalations for a bot failure become "repeated_failure" (the nearest older reason).
    op.execute("UPDATE escalations SET reason = 'repeated_failure' WHERE reason = 'bot_failure'")
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_on_sqlite(_escalations(NEW_REASONS, True), _escalations(OLD_REASONS, False))
        return
    op.drop_constraint("escalation_reason", "escalations", type_="check")
    op.create_check_constraint("escalation_reason", "escalations", _reason_check(OLD_REASONS))
    op.drop_column("escalations", "callback_email")
