"""SMS: keywords, and replies that fit in SMS length (split and numbered when needed).

Plain Python, no web or Rasa imports.
"""

from __future__ import annotations

import re
from typing import Callable, Dict, Iterable, List, Optional

# Twilio's default opt-out keywords (Advanced Opt-Out off or on, these always apply).
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"})
START_WORDS = frozenset({"START", "YES", "UNSTOP", "OPTIN"})
HELP_WORDS = frozenset({"HELP", "INFO"})

GSM_SINGLE = 160
GSM_PART = 153
UCS2_SINGLE = 70
UCS2_PART = 67

# GSM 03.38 basic character set (what fits 160 characters to a message).
GSM_CHARS = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€")
REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u2022": "-",
}


def keyword(body: str) -> Optional[str]:
    """'stop', 'start' or 'help' when the whole message is one of those keywords."""
    word = re.sub(r"[^A-Za-z]", "", body or "").upper()
    if word in STOP_WORDS:
        return "stop"
    if word in START_WORDS and (body or "").strip().upper().strip(".! ") == word:
        return "start"
    if word in HELP_WORDS:
        return "help"
    return None


def gsm_text(text: str) -> str:
    """Typographic characters swapped for plain ones, so a message stays 160 characters long."""
    for typographic, plain in REPLACEMENTS.items():
        text = text.replace(typographic, plain)
    text = re.sub(r"\*\*|__|`", "", text)
    return text.strip()


def _length(text: str) -> int:
    return sum(2 if ch in GSM_EXTENDED else 1 for ch in text)


def is_gsm(text: str) -> bool:
    return all(ch in GSM_CHARS or ch in GSM_EXTENDED for ch in text)


def split_sms(text: str) -> List[str]:
    """Messages of one SMS segment each; when more than one, each starts '(1/3) '."""
    text = gsm_text(text)
    single, part_limit = (GSM_SINGLE, GSM_SINGLE) if is_gsm(text) else (UCS2_SINGLE, UCS2_SINGLE)
    if _length(text) <= single:
        return [text] if text else []
    for total_guess in (9, 99):
        prefix_len = len(f"({total_guess}/{total_guess}) ")
        parts = _wrap(text, part_limit - prefix_len)
        if len(parts) <= total_guess:
            break
    return [f"({number}/{len(parts)}) {part}" for number, part in enumerate(parts, start=1)]


def _wrap(text: str, limit: int) -> List[str]:
    parts: List[str] = []
    current = ""
    for word in re.split(r"(?<=\s)", text):
        while _length(word.strip()) > limit:  # a very long word (a link) is cut
            if current.strip():
                parts.append(current.strip())
                current = ""
            parts.append(word[:limit])
            word = word[limit:]
        if _length(current + word.rstrip()) > limit:
            parts.append(current.strip())
            current = word
        else:
            current += word
    if current.strip():
        parts.append(current.strip())
    return parts


def fit_parts(text: str, link: str, max_parts: int = 3) -> List[str]:
    """`text` as at most `max_parts` texts of one segment each: whole when it fits, else
    its first sentences and `link` (a line that leads to the full answer) last."""
    parts = split_sms(text)
    if len(parts) <= max_parts:
        return parts
    sentences = re.split(r"(?<=[.!?:])\s+|\n+", gsm_text(text))
    while sentences:
        sentences.pop()
        shorter = " ".join(sentences).strip()
        parts = split_sms(f"{shorter}\n{link}" if shorter else link)
        if len(parts) <= max_parts:
            return parts
    return split_sms(link)[:max_parts]


def segments(text: str) -> int:
    """How many SMS segments Twilio sends `text` as: GSM-7 160 characters alone or 153 a
    part, else UCS-2 70 alone or 67 a part."""
    text = gsm_text(text)
    single, part = (GSM_SINGLE, GSM_PART) if is_gsm(text) else (UCS2_SINGLE, UCS2_PART)
    length = _length(text) if is_gsm(text) else len(text.encode("utf-16-le")) // 2
    return 1 if length <= single else -(-length // part)


def one_text(body: str, last: str, link: Callable[[], str], max_segments: int = 3) -> str:
    """`body`, then `last` on its own line (kept whole), as one message of at most
    `max_segments` segments; when that does not fit, the body's last sentences make way
    for a line with `link()` (a page with all of it; called only then)."""
    whole = gsm_text(f"{body}\n{last}" if last else body)
    if segments(whole) <= max_segments:
        return whole
    address = link()
    sentences = re.split(r"(?<=[.!?:])\s+|\n+", gsm_text(body))
    while sentences:
        sentences.pop()
        shorter = " ".join(sentences).strip()
        text = gsm_text("\n".join(part for part in (shorter, last, f"All of it: {address}") if part))
        if segments(text) <= max_segments:
            return text
    return gsm_text(f"{last}\nAll of it: {address}" if last else f"All of it: {address}")


def render_messages(messages: Iterable[Dict]) -> str:
    """Rasa's bot messages as one SMS text; buttons become numbered options."""
    lines: List[str] = []
    for message in messages:
        if message.get("text"):
            lines.append(str(message["text"]).strip())
        if message.get("buttons"):
            for number, button in enumerate(message["buttons"][:9], start=1):
                lines.append(f"{number} {button.get('title', '')}".rstrip())
            lines.append("Reply with a number.")
    return "\n".join(lines)
