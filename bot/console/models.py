"""Staff users, their server-side sessions, sign-in attempts and the audit log."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from bot.database import Base

ROLES = ("mediator", "manager", "admin")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class StaffUser(Base):
    __tablename__ = "staff_users"

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    username = sa.Column(sa.String(64), nullable=False, unique=True)
    display_name = sa.Column(sa.String(100), nullable=False)
    role = sa.Column(sa.Enum(*ROLES, name="staff_role", native_enum=False, create_constraint=True), nullable=False)
    password_hash = sa.Column(sa.String(255), nullable=False)
    active = sa.Column(sa.Boolean, nullable=False, default=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    disabled_at = sa.Column(sa.DateTime, nullable=True)
    last_login_at = sa.Column(sa.DateTime, nullable=True)
    # The second factor (TOTP, RFC 6238; bot.console.second_factor): the base32 secret, set
    # when enrolment starts; enrolled once a code from it was right; the last time step
    # accepted, so a code is never accepted twice (ASVS 5.0 6.5.1).
    totp_secret = sa.Column(sa.String(64), nullable=True)
    totp_enrolled_at = sa.Column(sa.DateTime, nullable=True)
    totp_last_step = sa.Column(sa.BigInteger, nullable=True)


class StaffSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "staff_sessions"

    id = sa.Column(sa.String(64), primary_key=True)  # sha256 of the cookie's token
    user_id = sa.Column(sa.Integer, sa.ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    last_seen_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    csrf_token = sa.Column(sa.String(64), nullable=False)
    ip_address = sa.Column(sa.String(64), nullable=True)
    ended_at = sa.Column(sa.DateTime, nullable=True)
    # None while only the password was given: such a session opens the second-factor
    # page and nothing else (bot.console.auth.pending_session_for).
    second_factor_at = sa.Column(sa.DateTime, nullable=True)


class LoginAttempt(Base):
    """One sign-in attempt, for rate limiting and lockout (kept for a day)."""

    __tablename__ = "staff_login_attempts"

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    at = sa.Column(sa.DateTime, nullable=False, default=utcnow, index=True)
    username = sa.Column(sa.String(64), nullable=False, index=True)
    ip_address = sa.Column(sa.String(64), nullable=False, index=True)
    succeeded = sa.Column(sa.Boolean, nullable=False, default=False)
    # "password" or "totp": each is limited on its own (bot.console.auth).
    factor = sa.Column(sa.String(8), nullable=False, default="password", server_default="password")


class AuditEntry(Base):
    """Who did what, when, from where. Append-only: rows are never changed.

    The database refuses UPDATE (a trigger, migration 0004); the ORM refuses changes
    and deletes. Only the retention job removes entries past RETENTION_AUDIT_YEARS.
    """

    __tablename__ = "audit_log"

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    at = sa.Column(sa.DateTime, nullable=False, default=utcnow, index=True)
    actor = sa.Column(sa.String(64), nullable=False, index=True)
    action = sa.Column(sa.String(64), nullable=False, index=True)
    target = sa.Column(sa.String(200), nullable=True)
    detail = sa.Column(sa.Text, nullable=True)
    ip_address = sa.Column(sa.String(64), nullable=True)


class AuditLogIsAppendOnly(Exception):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _context, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry):
            raise AuditLogIsAppendOnly("the audit log is append-only")


class CaseLink(Base):
    """One conversation joined to a family's case (issue 21): its escalations show as one case with
    the root conversation's. A conversation not listed here, or unlinked, is its own case's root.

    Joined by a member of staff with a reason (`linked_by` their username), or automatically
    ("automatic") when two phone or text conversations share the caller's number. An unlinked row
    is kept (`unlinked_at`), so the same conversations are never joined automatically again.
    Migration 0012.
    """

    __tablename__ = "case_links"

    conversation_id = sa.Column(sa.String(100), primary_key=True)
    root_conversation_id = sa.Column(sa.String(100), nullable=False, index=True)
    linked_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    linked_by = sa.Column(sa.String(64), nullable=False)
    reason = sa.Column(sa.String(500), nullable=False)
    unlinked_at = sa.Column(sa.DateTime, nullable=True)
    unlinked_by = sa.Column(sa.String(64), nullable=True)


class CallbackSnooze(Base):
    """A callback put aside until `until` (naive UTC) after a try that reached nobody: the queue
    leaves the case out until then, and shows it again, marked due, once the time comes.
    Ended early by `cleared_at` (the next try recorded, or the case resolved). Migration 0012."""

    __tablename__ = "callback_snoozes"

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    escalation_id = sa.Column(
        sa.String(36), sa.ForeignKey("escalations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    by = sa.Column(sa.String(64), nullable=False)
    until = sa.Column(sa.DateTime, nullable=False, index=True)
    cleared_at = sa.Column(sa.DateTime, nullable=True)


class CertificateReissue(Base):
    """A certificate issued again after its revocation (bot.console.certificate_reissue): the new
    reference, the revoked one it replaces, who, when and why. Migration 0012."""

    __tablename__ = "certificate_reissues"

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    revoked_reference = sa.Column(sa.String(16), nullable=False, unique=True)
    new_reference = sa.Column(sa.String(16), nullable=False, unique=True)
    at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    by = sa.Column(sa.String(64), nullable=False)
    reason = sa.Column(sa.String(500), nullable=False)
