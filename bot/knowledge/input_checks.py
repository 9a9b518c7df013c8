"""Input the assistant cannot read as a question, and the kind reply for each kind.

Used by the fallback action: when the model is unsure, a specific reply ("that was
only emoji") helps more than "did you mean...?".
"""

from __future__ import annotations

import re
import unicodedata
from typing import Optional

MAX_MESSAGE_CHARS = 2000

_MARKUP = re.compile(r"<\s*/?\s*[a-z][^>]*>|\{\{.*\}\}|javascript:", re.IGNORECASE | re.DOTALL)

REPLIES = {
    "empty": "I didn't get a message. Please type your question, for example 'what is mediation?'",
    "too_long": (
        "Thanks for telling me all that. It's too long for me to read in one go: please ask "
        "one question at a time, in a sentence or two. You can also talk to a person from our team."
    ),
    "no_words": (
        "I can only read words, not symbols or emoji. Please tell me in a few words what you "
        "need, for example 'appeal deadline'."
    ),
    "markup": (
        "That looks like code, which I can't read. Please tell me in a few words what you need, "
        "for example 'what is mediation?'"
    ),
    "not_english": (
        "Sorry, I can only understand English at the moment. If you need help in another "
        "language, say 'person' and someone from our team will help."
    ),
}


def classify_input(text: Optional[str]) -> Optional[str]:
    """'empty', 'too_long', 'markup', 'no_words', 'not_english', or None for ordinary text."""
    if text is None or not text.strip():
        return "empty"
    if len(text) > MAX_MESSAGE_CHARS:
        return "too_long"
    if _MARKUP.search(text):
        return "markup"
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return "no_words"
    non_latin = sum(1 for ch in letters if not _is_latin(ch))
    if non_latin / len(letters) > 0.5:
        return "not_english"
    return None


def reply_for(kind: str) -> str:
    return REPLIES[kind]


def _is_latin(ch: str) -> bool:
    try:
        return unicodedata.name(ch).startswith("LATIN")
    except ValueError:
        return False
