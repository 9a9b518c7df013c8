"""Staff users, passwords (Argon2 via argon2-cffi), sign-in with lockout, the second factor
(TOTP, bot.console.second_factor), and server-side sessions.

Sign-in is two steps. The password opens a *pending* session that reaches the
second-factor page and nothing else, for SECOND_FACTOR_MINUTES; a right code (set up on
the first sign-in) ends it and opens a new, full session with a new token and CSRF token.

Plain Python on a SQLAlchemy session: the web routes and the management command
(`python -m bot.console.users`) both use it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Optional, Sequence

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.orm import Session

from bot.console import audit, second_factor
from bot.console.models import ROLES, LoginAttempt, StaffSession, StaffUser, utcnow
from bot.settings import Settings, get_settings

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
# zxcvbn's 0-4 guessability score: 3 is "safely unguessable: moderate protection from an
# offline slow-hash scenario" (Argon2id here). Common and breached passwords, keyboard
# patterns, repeats ("passwordpassword") and the person's own names score lower.
MIN_PASSWORD_SCORE = 3
# Words anyone would try first against this service's console.
SERVICE_WORDS = ("send", "mediation", "mediator", "console", "tribunal", "council", "ehcp", "kent", "surrey")
# Each role can do everything the roles before it can.
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
_hasher = PasswordHasher()
# Verified against when the username is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


class UserError(ValueError):
    """A management request that cannot be done (message for a person)."""


class WrongPassword(UserError):
    """The current password given to change it was wrong."""


def role_allows(role: str, needed: str) -> bool:
    return ROLE_RANK.get(role, -1) >= ROLE_RANK[needed]


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str, user_inputs: Sequence[str] = ()) -> None:
    """Raises UserError (with advice a person can act on) unless ``password`` has at least
    MIN_PASSWORD_LENGTH characters (at most MAX_PASSWORD_LENGTH) and zxcvbn scores it at
    least MIN_PASSWORD_SCORE, given the person's own names (``user_inputs``) and the
    service's words. No composition rules (OWASP ASVS 5.0 6.2.1, 6.2.4, 6.2.5, 6.2.9)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UserError(f"The password must be at most {MAX_PASSWORD_LENGTH} characters long.")
    from zxcvbn import zxcvbn  # loads its word lists (about 1 s): only when a password is set

    found = zxcvbn(password, user_inputs=[*SERVICE_WORDS, *(word for word in user_inputs if word)])
    if found["score"] < MIN_PASSWORD_SCORE:
        feedback = found.get("feedback") or {}
        advice = " ".join(filter(None, [feedback.get("warning"), *(feedback.get("suggestions") or [])]))
        raise UserError("That password is too easy to guess. " + (advice or "Try a few unrelated words together."))


def find_user(session: Session, username: str) -> Optional[StaffUser]:
    return session.execute(
        sa.select(StaffUser).where(StaffUser.username == username.strip().lower())
    ).scalar_one_or_none()


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    actor: str = "system",
    ip_address: Optional[str] = None,
) -> StaffUser:
    username = username.strip().lower()
    if not username or not all(ch.isalnum() or ch in "._-" for ch in username) or len(username) > 64:
        raise UserError("A username is letters, digits, dots, dashes or underscores (at most 64).")
    if role not in ROLES:
        raise UserError(f"The role must be one of {', '.join(ROLES)}.")
    check_password_rules(password, (username, display_name))
    if find_user(session, username) is not None:
        raise UserError(f"There is already a user called {username}.")
    user = StaffUser(
        username=username,
        display_name=(display_name.strip() or username)[:100],
        role=role,
        password_hash=hash_password(password),
        active=True,
    )
    session.add(user)
    audit.record(session, actor, "user_created", username, f"role {role}", ip_address)
    return user


def disable_user(
    session: Session, username: str, *, actor: str = "system", ip_address: Optional[str] = None
) -> StaffUser:
    user = find_user(session, username)
    if user is None:
        raise UserError(f"There is no user called {username}.")
    user.active = False
    user.disabled_at = utcnow()
    end_sessions(session, user)
    audit.record(session, actor, "user_disabled", user.username, None, ip_address)
    return user


def change_password(
    session: Session, username: str, current: str, new: str, confirm: str, *, ip_address: Optional[str] = None
) -> StaffUser:
    """A member of staff changes their own password: the current one must be right, the new
    one must pass check_password_rules and differ from it. Every session of theirs ends
    (sign in again with the new one). Raises WrongPassword (the caller audits it: this
    transaction is rolled back) or UserError; audited (ASVS 5.0 6.2.2, 6.2.3)."""
    user = find_user(session, username)
    if user is None or not user.active or not _verify(user.password_hash, current or ""):
        raise WrongPassword("Your current password is not right.")
    if new != confirm:
        raise UserError("The two new passwords are not the same.")
    if new == current:
        raise UserError("The new password must be different from the current one.")
    check_password_rules(new, (user.username, user.display_name))
    user.password_hash = hash_password(new)
    end_sessions(session, user)
    audit.record(session, user.username, "password_changed", user.username, None, ip_address)
    return user


def end_sessions(session: Session, user: StaffUser) -> None:
    session.execute(
        sa.update(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


# --- sign-in -------------------------------------------------------------------------
@dataclass
class SignIn:
    user: Optional[StaffUser]
    token: Optional[str] = None  # goes in the cookie; only its hash is stored
    error: str = ""  # for the person signing in; the same for an unknown user and a wrong password


LOCKED_MESSAGE = "Too many failed attempts. Wait {minutes} minutes and try again, or ask an administrator."
WRONG_MESSAGE = "The username or password is not right."


def _recent_failures(session: Session, column, value: str, since: dt.datetime, *also, factor: str = "password") -> int:
    return session.execute(
        sa.select(sa.func.count())
        .select_from(LoginAttempt)
        .where(
            column == value,
            LoginAttempt.at >= since,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.factor == factor,
            *also,
        )
    ).scalar_one()


def _last_success(session: Session, username: str, factor: str = "password") -> Optional[dt.datetime]:
    return session.execute(
        sa.select(sa.func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username, LoginAttempt.succeeded.is_(True), LoginAttempt.factor == factor
        )
    ).scalar()


def is_locked(session: Session, username: str, ip_address: str, settings: Settings, now: dt.datetime) -> bool:
    """Whether sign-in as ``username`` from ``ip_address`` is refused for now.

    Failures count per username *from that address* (console_max_login_failures in the
    lockout time), so a stranger elsewhere cannot lock a mediator out of the console by
    failing on purpose; and per address for all usernames (console_max_failures_per_address),
    so one address cannot guess its way through many accounts (OWASP ASVS 5.0 6.3.1)."""
    window = now - dt.timedelta(minutes=settings.console_lockout_minutes)
    last_success = _last_success(session, username)
    since = max(window, last_success) if last_success and last_success > window else window
    if (
        _recent_failures(session, LoginAttempt.username, username, since, LoginAttempt.ip_address == ip_address)
        >= settings.console_max_login_failures
    ):
        return True
    return (
        _recent_failures(session, LoginAttempt.ip_address, ip_address, window)
        >= settings.console_max_failures_per_address
    )


def sign_in(
    session: Session,
    username: str,
    password: str,
    ip_address: str,
    settings: Optional[Settings] = None,
    now: Optional[dt.datetime] = None,
) -> SignIn:
    """Check the password, with lockout per username and rate limit per address; audit every attempt.

    A right password gives a *pending* session (``SignIn.token``): the second factor
    (verify_second_factor) must follow within SECOND_FACTOR_MINUTES."""
    settings = settings or get_settings()
    now = now or utcnow()
    username = (username or "").strip().lower()[:64]
    if is_locked(session, username, ip_address, settings, now):
        session.add(LoginAttempt(at=now, username=username, ip_address=ip_address, succeeded=False))
        audit.record(session, username or "(blank)", "login_refused_locked", username, None, ip_address)
        return SignIn(None, error=LOCKED_MESSAGE.format(minutes=settings.console_lockout_minutes))
    user = find_user(session, username) if username else None
    ok = _verify(user.password_hash if user else _DUMMY_HASH, password or "") and user is not None and user.active
    session.add(LoginAttempt(at=now, username=username, ip_address=ip_address, succeeded=ok))
    if not ok:
        detail = "disabled user" if user is not None and not user.active else None
        audit.record(session, username or "(blank)", "login_failed", username, detail, ip_address)
        session.flush()
        if is_locked(session, username, ip_address, settings, now):
            audit.record(
                session,
                username or "(blank)",
                "login_locked",
                username,
                f"locked for {settings.console_lockout_minutes} minutes",
                ip_address,
            )
            return SignIn(None, error=LOCKED_MESSAGE.format(minutes=settings.console_lockout_minutes))
        return SignIn(None, error=WRONG_MESSAGE)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    token = _new_session(session, user, ip_address, now, second_factor_at=None)
    audit.record(
        session,
        user.username,
        "password_accepted",
        None,
        "second factor next" if user.totp_enrolled_at else "second factor to set up",
        ip_address,
    )
    return SignIn(user, token=token)


def _new_session(
    session: Session, user: StaffUser, ip_address: str, now: dt.datetime, second_factor_at: Optional[dt.datetime]
) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            id=_token_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            csrf_token=secrets.token_urlsafe(32),
            ip_address=ip_address,
            second_factor_at=second_factor_at,
        )
    )
    return token


# --- the second factor (TOTP) ----------------------------------------------------------
SECOND_FACTOR_MINUTES = 5
TOTP_ISSUER = "SEND line staff console"
WRONG_CODE_MESSAGE = "That code is not right. Enter the 6-digit code your authenticator app shows now."
USED_CODE_MESSAGE = "That code has been used already. Wait for the next code in your app and enter that."
TOTP_LOCKED_MESSAGE = (
    "Too many wrong codes. Wait {minutes} minutes and sign in again, or ask a manager to reset your sign-in codes."
)


def pending_session_for(
    session: Session, token: Optional[str], now: Optional[dt.datetime] = None
) -> Optional["Current"]:
    """The session a right password opened (second factor not yet given), or None when there is
    none, it ended, the user was disabled or SECOND_FACTOR_MINUTES have passed."""
    if not token:
        return None
    now = now or utcnow()
    row = session.get(StaffSession, _token_hash(token))
    if row is None or row.ended_at is not None or row.second_factor_at is not None:
        return None
    user = session.get(StaffUser, row.user_id)
    if user is None or not user.active or now - row.created_at > dt.timedelta(minutes=SECOND_FACTOR_MINUTES):
        row.ended_at = now
        return None
    return Current(user, row)


def enrolment_secret(session: Session, user: StaffUser) -> Optional[str]:
    """The secret to show a user who has not set up the second factor yet (made on first
    call and kept until a code from it is right); None once they have."""
    if user.totp_enrolled_at is not None:
        return None
    if not user.totp_secret:
        user.totp_secret = second_factor.new_secret()
    return user.totp_secret


def totp_locked(session: Session, username: str, settings: Settings, now: dt.datetime) -> bool:
    """Whether codes for ``username`` are refused for now: console_max_login_failures wrong
    codes (from any address; only someone with the password gets this far) in
    console_lockout_minutes since the last right one (OWASP ASVS 5.0 6.3.1)."""
    window = now - dt.timedelta(minutes=settings.console_lockout_minutes)
    last_success = _last_success(session, username, "totp")
    since = max(window, last_success) if last_success else window
    return (
        _recent_failures(session, LoginAttempt.username, username, since, factor="totp")
        >= settings.console_max_login_failures
    )


def verify_second_factor(
    session: Session,
    pending: "Current",
    code: str,
    ip_address: str,
    settings: Optional[Settings] = None,
    now: Optional[dt.datetime] = None,
) -> SignIn:
    """Check a code against the user's secret (setting it up on the first right code).

    Right: the pending session ends and a new, full one starts (``SignIn.token``, a new
    token); the step is remembered so the same code is refused next time. Wrong, used
    already, or too many wrong ones (totp_locked: the pending session ends): ``SignIn.error``.
    Every attempt is audited."""
    settings = settings or get_settings()
    now = now or utcnow()
    user, ip = pending.user, ip_address
    if totp_locked(session, user.username, settings, now):
        pending.staff_session.ended_at = now
        audit.record(session, user.username, "second_factor_refused_locked", user.username, None, ip)
        return SignIn(None, error=TOTP_LOCKED_MESSAGE.format(minutes=settings.console_lockout_minutes))
    enrolling = user.totp_enrolled_at is None
    step = second_factor.matching_step(user.totp_secret, code, now) if user.totp_secret else None
    replayed = step is not None and user.totp_last_step is not None and step <= user.totp_last_step
    if step is None or replayed:
        session.add(LoginAttempt(at=now, username=user.username, ip_address=ip, succeeded=False, factor="totp"))
        audit.record(
            session,
            user.username,
            "second_factor_replayed" if replayed else "second_factor_failed",
            user.username,
            "during set-up" if enrolling else None,
            ip,
        )
        session.flush()
        if totp_locked(session, user.username, settings, now):
            pending.staff_session.ended_at = now
            audit.record(
                session,
                user.username,
                "second_factor_locked",
                user.username,
                f"locked for {settings.console_lockout_minutes} minutes",
                ip,
            )
            return SignIn(None, error=TOTP_LOCKED_MESSAGE.format(minutes=settings.console_lockout_minutes))
        return SignIn(None, error=USED_CODE_MESSAGE if replayed else WRONG_CODE_MESSAGE)
    user.totp_last_step = step
    session.add(LoginAttempt(at=now, username=user.username, ip_address=ip, succeeded=True, factor="totp"))
    if enrolling:
        user.totp_enrolled_at = now
        audit.record(session, user.username, "second_factor_enrolled", user.username, None, ip)
    pending.staff_session.ended_at = now
    user.last_login_at = now
    token = _new_session(session, user, ip, now, second_factor_at=now)
    audit.record(session, user.username, "login", None, None, ip)
    return SignIn(user, token=token)


def reset_second_factor(
    session: Session, username: str, reason: str, *, actor: str, actor_role: str, ip_address: Optional[str] = None
) -> StaffUser:
    """A manager (or an administrator at the command line) resets a colleague's second
    factor, say after a lost phone: the secret goes, every session of theirs ends, and
    they set up a new one at their next sign-in. Not one's own, not a higher role's.
    Raises UserError; audited with the reason."""
    user = find_user(session, username)
    if user is None:
        raise UserError(f"There is no user called {username}.")
    if user.username == actor:
        raise UserError("You cannot reset your own sign-in codes. Ask another manager.")
    if not role_allows(actor_role, user.role):
        raise UserError(f"Only an {user.role} can reset the sign-in codes of an {user.role}.")
    reason = " ".join((reason or "").split())
    if len(reason) < 10:
        raise UserError("Give the reason for the reset (at least 10 characters), for the audit log.")
    user.totp_secret = None
    user.totp_enrolled_at = None
    user.totp_last_step = None
    end_sessions(session, user)
    audit.record(session, actor, "second_factor_reset", user.username, reason[:500], ip_address)
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- sessions ------------------------------------------------------------------------
@dataclass
class Current:
    user: StaffUser
    staff_session: StaffSession

    @property
    def csrf_token(self) -> str:
        return self.staff_session.csrf_token


def session_for(
    session: Session,
    token: Optional[str],
    settings: Optional[Settings] = None,
    now: Optional[dt.datetime] = None,
    touch: bool = True,
) -> Optional[Current]:
    """The signed-in user for a cookie token, or None when there is none, it ended or it expired."""
    if not token:
        return None
    settings = settings or get_settings()
    now = now or utcnow()
    row = session.get(StaffSession, _token_hash(token))
    if row is None or row.ended_at is not None or row.second_factor_at is None:
        return None  # a pending session (password only) opens no page but the second factor's
    user = session.get(StaffUser, row.user_id)
    idle = now - row.last_seen_at > dt.timedelta(minutes=settings.console_idle_timeout_minutes)
    absolute = now - row.created_at > dt.timedelta(hours=settings.console_absolute_timeout_hours)
    if user is None or not user.active or idle or absolute:
        row.ended_at = now
        if user is not None and (idle or absolute):
            audit.record(
                session, user.username, "session_expired", None, "idle" if idle else "absolute limit", row.ip_address
            )
        return None
    if touch:
        row.last_seen_at = now
    return Current(user, row)


def sign_out(session: Session, current: Current, ip_address: Optional[str] = None) -> None:
    current.staff_session.ended_at = utcnow()
    audit.record(session, current.user.username, "logout", None, None, ip_address)
