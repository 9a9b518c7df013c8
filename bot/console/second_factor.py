"""Time-based one-time codes (TOTP, RFC 6238) for staff sign-in, with `pyotp`; QR codes with `segno`.

Plain functions, no database: bot.console.auth keeps each user's secret and the last
time step accepted, and limits the attempts.

- A secret is 32 base32 characters (160 random bits, RFC 4226 section 4's recommended
  length), shown to the person as text in groups of four and as an ``otpauth://`` URI
  (and a QR code of it) for an authenticator app.
- A code is 6 digits for a 30-second step. The step before and after the current one
  are accepted too (a phone clock a little out, a code typed as it changed), but never
  a step at or before the last one accepted: a code cannot be used twice (OWASP ASVS
  5.0 6.5.1), nor an older one after a newer.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional

import pyotp
import segno
from pyotp.utils import strings_equal

DIGITS = 6
STEP_SECONDS = 30
# Steps either side of the current one that are accepted.
DRIFT_STEPS = 1
_CODE = re.compile(r"^[0-9]{6}$")


def new_secret() -> str:
    """A fresh random secret: 32 base32 characters (160 bits)."""
    return pyotp.random_base32(32)


def grouped(secret: str) -> str:
    """'JBSWY3DPEHPK3PXP...' -> 'JBSW Y3DP EHPK 3PXP ...', easier to type into an app."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def setup_uri(secret: str, username: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads (issuer and account name, SHA-1, 6 digits, 30 s)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(name=username, issuer_name=issuer)


def qr_svg_data_uri(uri: str) -> str:
    """A QR code of ``uri`` as a data: URI of an SVG image (the console's CSP allows data: images)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def clean_code(code: Optional[str]) -> str:
    """The code as typed with spaces and dashes removed ('123 456' -> '123456')."""
    return re.sub(r"[\s-]", "", code or "")[:20]


def step_at(now: dt.datetime) -> int:
    """The time step (30 s since the Unix epoch) of ``now``, a naive UTC datetime."""
    return int(now.replace(tzinfo=dt.timezone.utc).timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str, now: dt.datetime) -> Optional[int]:
    """The time step whose code ``code`` is (current step +/- DRIFT_STEPS), or None.

    ``now`` is a naive UTC datetime. Compared in constant time."""
    code = clean_code(code)
    if not _CODE.match(code):
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = step_at(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if strings_equal(code, totp.generate_otp(step)):
            return step
    return None


def code_at(secret: str, step: int) -> str:
    """The code of ``secret`` for a time step (for tests and the command line's check)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)
