"""How staff name a case: never by the conversation's id."""

from __future__ import annotations

import hashlib


def case_reference(conversation_id: str) -> str:
    """The case's reference as staff see it ("C-3F9A2C71"): never the conversation's id, which
    for a web chat is the browser's secret key (issue 20), so the console and the audit log
    name a conversation by this instead. Stable: the same conversation, the same reference."""
    return "C-" + hashlib.sha256(conversation_id.encode("utf-8")).hexdigest()[:8].upper()
