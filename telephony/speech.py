"""What a caller hears: assistant text turned into short, clearly spoken turns.

Plain Python, no web or Rasa imports.

- dates ("2026-03-05", "5/3/2026") become "Thursday 5 March 2026";
- UK phone numbers are read digit by digit in their usual groups;
- references such as certificate numbers are read character by character, grouped;
- links are not read out: "the link we have sent you in a text" (the caller gets them by
  SMS), or "our website" when the caller's number cannot take a text (withheld, a landline);
- sources and legal citations ("(Source: Children and Families Act 2014 s.55)") are not
  read out: they are in the text the caller can have, and on the web chat;
- Markdown is dropped, long answers are split into short turns;
- buttons become numbered options: "say or press 1 for ...".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Sequence, Tuple

from bot.redress.dates import format_long
from telephony import texts

MAX_TURN_CHARS = 320  # about 20 seconds of speech

LINK_RE = re.compile(r"(?:https?://|www\.)[^\s<>()\"']+[^\s<>()\"'.,;:!?]", re.IGNORECASE)
MARKDOWN_LINK_RE = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
ISO_DATE_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
UK_DATE_RE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
PHONE_RE = re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|0)\d(?:[\s-]?\d){8,9}(?![\w])")
# Certificate references (SEM-XXXX-XXXX) may have no digit at all, so they are named first.
REFERENCE_RE = re.compile(
    r"\bSEM-[0-9A-Z]{4}-[0-9A-Z]{4}\b|\b(?=[A-Z0-9/-]*\d)(?=[A-Z0-9/-]*[A-Z])[A-Z0-9]+(?:[-/][A-Z0-9]+)*\b"
)
SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")

LINK_SPOKEN = texts.LINK_TEXTED
CITATION_RE = re.compile(
    r"\s*\((?:Sources?|See)\s*:[^()]*(?:\([^()]*\)[^()]*)*\)|^\s*Sources?:.*$", re.IGNORECASE | re.MULTILINE
)


@dataclass
class Spoken:
    turns: List[str]
    links: List[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.turns)


def spoken_date(day: dt.date) -> str:
    return format_long(day)


def spoken_characters(value: str) -> str:
    """'MC-2026-0042' -> 'M C, 2 0 2 6, 0 0 4 2' (groups of at most four)."""
    groups: List[str] = []
    for part in re.split(r"[-/\s]+", value.strip()):
        for start in range(0, len(part), 4 if len(part) % 3 else 3):
            groups.append(" ".join(part[start : start + (4 if len(part) % 3 else 3)]))
    return ", ".join(group for group in groups if group)


def spoken_phone_number(number: str) -> str:
    """'+44 300 123 4567' -> '0 3 0 0, 1 2 3, 4 5 6 7' in UK groups."""
    digits = re.sub(r"\D", "", number)
    if number.strip().startswith("+44"):
        digits = "0" + digits[2:]
    if len(digits) == 11:
        if digits.startswith(("07", "01")) and not digits.startswith(
            ("011", "0121", "0131", "0141", "0151", "0161", "0113", "0114", "0115", "0116", "0117", "0118", "0191")
        ):
            groups = [digits[:5], digits[5:]]
            if len(groups[1]) == 6:
                groups = [digits[:5], digits[5:8], digits[8:]]
        elif digits.startswith("02"):
            groups = [digits[:3], digits[3:7], digits[7:]]
        else:
            groups = [digits[:4], digits[4:7], digits[7:]]
    else:
        groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return ", ".join(" ".join(group) for group in groups)


def _date_or_text(match: re.Match, day: Tuple[int, int, int]) -> str:
    try:
        return spoken_date(dt.date(*day))
    except ValueError:
        return match.group(0)


def speakable(text: str, can_text: bool = True) -> Tuple[str, List[str]]:
    """One message made speakable; returns the text and the links it contained."""
    links: List[str] = []
    text = CITATION_RE.sub("", text)

    def markdown_link(match: re.Match) -> str:
        links.append(match.group(2))
        return f"{match.group(1)} (we have sent you the link in a text)" if can_text else match.group(1)

    text = MARKDOWN_LINK_RE.sub(markdown_link, text)

    def link(match: re.Match) -> str:
        links.append(match.group(0))
        return texts.LINK_TEXTED if can_text else texts.LINK_NOT_TEXTED

    text = LINK_RE.sub(link, text)
    text = ISO_DATE_RE.sub(lambda m: _date_or_text(m, (int(m[1]), int(m[2]), int(m[3]))), text)
    text = UK_DATE_RE.sub(lambda m: _date_or_text(m, (int(m[3]), int(m[2]), int(m[1]))), text)
    text = PHONE_RE.sub(lambda m: spoken_phone_number(m.group(0)), text)
    text = REFERENCE_RE.sub(lambda m: spoken_characters(m.group(0)), text)
    text = _strip_markdown(text)
    return text, links


def _strip_markdown(text: str) -> str:
    text = re.sub(r"[*_`#>]+", "", text)
    text = re.sub(r"^\s*[-•]\s+", "", text, flags=re.MULTILINE)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # A list item without its own full stop still needs a pause when spoken.
    joined = " ".join(line if line[-1] in ".!?:," else line + "." for line in lines)
    return re.sub(r"\s{2,}", " ", joined).strip()


def split_turns(text: str, max_chars: int = MAX_TURN_CHARS) -> List[str]:
    """Sentences packed into turns of at most `max_chars` (a longer sentence is its own turn)."""
    turns: List[str] = []
    current = ""
    for sentence in SENTENCE_END_RE.split(text.strip()):
        sentence = sentence.strip()
        if not sentence:
            continue
        if current and len(current) + 1 + len(sentence) > max_chars:
            turns.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        turns.append(current)
    return turns


def buttons_prompt(buttons: Sequence[Dict]) -> str:
    """'Say or press 1 for Mediation, or 2 for Tribunal appeals.'"""
    titles = [str(button.get("title", "")).strip().rstrip(".") for button in buttons][:9]
    if not titles:
        return ""
    options = [f"{number} for {title}" for number, title in enumerate(titles, start=1)]
    listed = options[0] if len(options) == 1 else ", ".join(options[:-1]) + f", or {options[-1]}"
    return f"Say or press {listed}."


def speak_messages(messages: Iterable[Dict], max_chars: int = MAX_TURN_CHARS, can_text: bool = True) -> Spoken:
    """Rasa's bot messages (text, buttons) -> short spoken turns and the links to text.
    ``can_text``: whether the caller's number can take a text (no "we have sent you")."""
    parts: List[str] = []
    links: List[str] = []
    for message in messages:
        if message.get("text"):
            text, found = speakable(str(message["text"]), can_text=can_text)
            links.extend(found)
            if text:
                parts.append(text)
        if message.get("buttons"):
            parts.append(buttons_prompt(message["buttons"]))
    return Spoken(turns=split_turns(" ".join(parts), max_chars), links=links)


def button_for_digit(buttons: Sequence[Dict], digits: str):
    """The button a keypad digit chooses, or None."""
    if digits.isdigit() and 1 <= int(digits) <= min(len(buttons), 9):
        return buttons[int(digits) - 1]
    return None
