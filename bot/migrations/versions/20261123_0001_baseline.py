"""Baseline: the empty schema every feature migration builds on.

Rasa's tracker table (`events`) shares this database but is created by Rasa itself.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
