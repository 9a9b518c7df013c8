"""Staff sign-in's second factor (TOTP, bot.console.second_factor; issue 20).

- staff_users.totp_secret, totp_enrolled_at, totp_last_step: the base32 secret (set when
  set-up starts), when a code from it was first right, and the last 30-second step
  accepted (a code is never accepted twice). Existing users set it up at their next sign-in.
- staff_sessions.second_factor_at: NULL while only the password was given. Sessions
  open before this revision have none, so everyone signs in again, with a code.
- staff_login_attempts.factor: "password" or "totp", limited separately.

Revision ID: 0011_staff_second_factor
Revises: 0010_console_cases
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_staff_second_factor"
down_revision = "0010_console_cases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("staff_users", sa.Column("totp_secret", sa.String(64), nullable=True))
    op.add_column("staff_users", sa.Column("totp_enrolled_at", sa.DateTime, nullable=True))
    op.add_column("staff_users", sa.Column("totp_last_step", sa.BigInteger, nullable=True))
    op.add_column("staff_sessions", sa.Column("second_factor_at", sa.DateTime, nullable=True))
    op.add_column("staff_login_attempts",
                  sa.Column("factor", sa.String(8), nullable=False, server_default="password"))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN in place (SQLite 3.35 and later too): no table rebuild.
    op.drop_column("staff_login_attempts", "factor")
    op.drop_column("staff_sessions", "second_factor_at")
    for column in ("totp_last_step", "totp_enrolled_at", "totp_secret"):
        op.drop_column("staff_users", column)
