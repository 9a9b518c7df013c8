"""Web chat and live handoff: conversation owners, chat messages for reconnect.

Revision ID: 0005_webchat
Revises: 0004_console
Create Date: 2026-11-23
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0005_webchat"
down_revision = "0004_console"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
