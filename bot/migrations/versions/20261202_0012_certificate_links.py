"""Certificate download links stored as hashes, each with an expiry (issue 20).

- certificate_links: one row per link given to a family (chat message, text, email):
  the SHA-256 (hex) of the link's secret and when it expires. The secret itself is
  kept nowhere.
- certificates.token (the secret in plain text, never expiring) goes. Each existing
  token becomes a link row holding its hash, so a link already sent keeps working
  until it expires: LINK_DAYS (30, CERTIFICATE_LINK_DAYS' default) after this
  migration or after the certificate was issued, whichever is later, so no family
  finds its link dead on the day this is deployed.

Downgrade: the column comes back with a fresh random value per certificate (links
given since stop working; they were never stored in a form that could be put back).

Revision ID: 0012_certificate_links
Revises: 0011_staff_second_factor
Create Date: 2026-12-02
"""
import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0012_certificate_links"
down_revision = "0011_staff_second_factor"
branch_labels = None
depends_on = None

LINK_DAYS = 30


def upgrade() -> None:
    connection = op.get_bind()
    old = list(connection.execute(sa.text("SELECT id, token, issued_at FROM certificates")))
    with op.batch_alter_table("certificates") as batch:  # SQLite: a UNIQUE column needs a rebuild
        batch.drop_column("token")
    links = op.create_table(
        "certificate_links",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("certificate_id", sa.Integer, sa.ForeignKey("certificates.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_certificate_links_certificate_id", "certificate_links", ["certificate_id"])
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    rows = []
    for certificate_id, token, issued_at in old:
        if isinstance(issued_at, str):  # SQLite through a plain text() query
            issued_at = dt.datetime.fromisoformat(issued_at)
        rows.append({"certificate_id": certificate_id, "token_hash": hashlib.sha256(token.encode()).hexdigest(),
                     "created_at": issued_at, "expires_at": max(issued_at, now) + dt.timedelta(days=LINK_DAYS)})
    if rows:
        op.bulk_insert(links, rows)


def downgrade() -> None:
    op.drop_index("ix_certificate_links_certificate_id", table_name="certificate_links")
    op.drop_table("certificate_links")
    with op.batch_alter_table("certificates") as batch:
        batch.add_column(sa.Column("token", sa.String(64), nullable=True))
    connection = op.get_bind()
    for (certificate_id,) in list(connection.execute(sa.text("SELECT id FROM certificates"))):
        connection.execute(sa.text("UPDATE certificates SET token = :token WHERE id = :id"),
                           {"token": secrets.token_urlsafe(32), "id": certificate_id})
    with op.batch_alter_table("certificates") as batch:
        batch.alter_column("token", existing_type=sa.String(64), nullable=False)
        batch.create_unique_constraint("uq_certificates_token", ["token"])
