"""CSRF tokens: one random token per staff session, in a hidden field of every form.

The sign-in form has no session yet: it uses the double-submit pattern, a random
token in a SameSite=Strict, HttpOnly cookie and the same in the form.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Optional

LOGIN_COOKIE = "console_login_csrf"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(expected: Optional[str], given: Optional[str]) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))
