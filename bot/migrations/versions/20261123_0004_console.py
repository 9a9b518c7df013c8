"""Staff console: staff users, sessions, audit log, escalation notes.

Revision ID: 0004_console
Revises: 0003_certificates
Create Date: 2026-11-23
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0004_console"
down_revision = "0003_certificates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
