"""Web chat and live handoff: conversation owners, chat conversations and messages.

- conversation_owners: who holds a conversation (bot.handoff.live's status machine);
- chat_conversations: a web chat's session id and who the person said they are;
- chat_messages: what the chat page shows, numbered per conversation, so a reload or
  a reconnect shows everything again. Personal data: deleted with the transcripts
  (RETENTION_TRANSCRIPT_MONTHS after the last message; bot.webchat.models.delete_older_than).

Revision ID: 0005_webchat
Revises: 0004_console
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_webchat"
down_revision = "0004_console"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_owners",
        sa.Column("conversation_id", sa.String(100), primary_key=True),
        sa.Column("state", sa.Enum("bot", "waiting", "assigned", "snoozed", "resolved",
                                   name="conversation_owner_state", native_enum=False, create_constraint=True),
                  nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("staff_username", sa.String(64), nullable=True),
        sa.Column("staff_name", sa.String(100), nullable=True),
        sa.Column("snoozed_until", sa.DateTime, nullable=True),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_conversation_owners_state", "conversation_owners", ["state"])
    op.create_table(
        "chat_conversations",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("role", sa.String(20), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_chat_conversations_updated_at", "chat_conversations", ["updated_at"])
    op.create_table(
        "chat_messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("conversation_id", sa.String(100), sa.ForeignKey("chat_conversations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("sender", sa.Enum("person", "bot", "staff", "system", name="chat_sender", native_enum=False,
                                    create_constraint=True), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("buttons", sa.JSON, nullable=True),
        sa.Column("data", sa.JSON, nullable=True),
        sa.Column("client_id", sa.String(64), nullable=True),
        sa.Column("staff_name", sa.String(100), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("conversation_id", "seq", name="uq_chat_messages_conversation_seq"),
        sa.UniqueConstraint("conversation_id", "client_id", name="uq_chat_messages_client_id"),
    )
    op.create_index("ix_chat_messages_conversation_id", "chat_messages", ["conversation_id"])


def downgrade() -> None:
    op.drop_index("ix_chat_messages_conversation_id", table_name="chat_messages")
    op.drop_table("chat_messages")
    op.drop_index("ix_chat_conversations_updated_at", table_name="chat_conversations")
    op.drop_table("chat_conversations")
    op.drop_index("ix_conversation_owners_state", table_name="conversation_owners")
    op.drop_table("conversation_owners")
