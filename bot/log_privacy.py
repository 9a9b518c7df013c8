"""No personal details, conversation dumps or web chat keys in any log line, at any level.

Installed first thing in every process of the service (the web app, the Rasa server,
the action server, the supervisor) as the logging *record factory*, so it sees every
record of every library (Rasa, rasa-sdk, Sanic, uvicorn) whatever handlers they set up
later, and before any handler formats it:

- an exception's traceback is kept (files, lines, exception types) but its text is
  scrubbed like the message: a failing custom action's error carries the whole tracker
  (rasa-sdk answers a failure with the request body, Rasa logs that answer);
- JSON objects that hold conversation data ("events", "slots", "latest_message",
  "sender_id", "text" ...) are replaced by ``{conversation data removed}``;
- web chat keys (``web-`` and 24+ key characters) become ``web-#<8 hex>``, a fingerprint
  staff can match against the console's conversation id but that opens nothing;
- what is left goes through bot.redaction (names after cues, phone numbers, emails,
  postcodes, addresses, dates of birth).

ICO guidance on special category data and OWASP ASVS 5.0 16.2.5 (no sensitive data in logs).
"""
from __future__ import annotations

import hashlib
import logging
import re
import traceback

_INSTALLED = "_send_line_private_logs"
CHAT_KEY = re.compile(r"\bweb-([A-Za-z0-9_-]{24,})")
CONVERSATION_FIELDS = re.compile(
    r"""["'](?:events|slots|latest_message|sender_id|text|tracker|metadata|entities|request_body|message)["']\s*:""")
REMOVED = "{conversation data removed}"


def _fingerprint(match: re.Match) -> str:
    return "web-#" + hashlib.sha256(match.group(0).encode()).hexdigest()[:8]


def _json_objects_removed(text: str) -> str:
    """Each outermost {...} (or a truncated one to the end) holding conversation fields, replaced."""
    out, depth, start, last = [], 0, 0, 0
    for i, char in enumerate(text):
        if char == "{":
            if depth == 0:
                start = i
            depth += 1
        elif char == "}" and depth:
            depth -= 1
            if depth == 0 and CONVERSATION_FIELDS.search(text, start, i + 1):
                out.append(text[last:start] + REMOVED)
                last = i + 1
    if depth and CONVERSATION_FIELDS.search(text, start):  # a dump cut off part-way
        out.append(text[last:start] + REMOVED)
        last = len(text)
    return "".join(out) + text[last:]


def scrub(text: str) -> str:
    """The text with conversation dumps, chat keys and personal details removed."""
    if not text:
        return text
    text = CHAT_KEY.sub(_fingerprint, _json_objects_removed(text))
    try:
        from bot.redaction import Redactor  # here: it loads spaCy's tokenizer on first use

        return Redactor().redact(text).text
    except Exception:  # noqa: BLE001 - a log line must never be lost to the scrubber
        return text


def install() -> None:
    """Make every log record of this process private (idempotent)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, _INSTALLED, False):
        return

    def private_record(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed call still logs its format string
            message = str(record.msg)
        record.msg, record.args = scrub(message), ()
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = scrub("".join(traceback.format_exception(*record.exc_info)).rstrip())
            record.exc_info = None
        return record

    setattr(private_record, _INSTALLED, True)
    logging.setLogRecordFactory(private_record)
