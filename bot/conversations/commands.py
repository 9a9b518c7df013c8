"""Text from people is text: only the buttons we offered reach Rasa as commands.

Rasa reads a message that starts with "/" as an intent, with entities after it in JSON
(`/request_human{"reason": "x"}`), and runs it: typed `/restart`, `/session_start` or a
made-up payload would drive the assistant (and create escalations) with no words said.
Every channel passes what a person typed through ``as_text`` and sends a button's
payload only when ``offered_payload`` finds it among the buttons the assistant gave.
OWASP ASVS 5.0 2.2 (input validated against an allow list).
"""

from __future__ import annotations

from typing import Iterable, Optional


def as_text(typed: Optional[str]) -> str:
    """What a person typed, never read as a command: leading slashes dropped
    ("/restart" -> "restart"); an empty string when nothing is left."""
    return (typed or "").strip().lstrip("/").strip()


def offered_payload(payload: Optional[str], offered: Iterable[Optional[str]]) -> Optional[str]:
    """The payload when it is exactly one the assistant offered, else None."""
    if not payload:
        return None
    return payload if payload in {p for p in offered if p} else None
