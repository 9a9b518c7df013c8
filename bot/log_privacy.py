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

The service log file (``open_log_file``, used by the supervisor): every line of every part
is also written, scrubbed as above, to ``LOG_DIR/service.log`` (mode 0640), which the
standard library's TimedRotatingFileHandler starts afresh at midnight, keeping
RETENTION_LOG_DAYS days of older files (``service.log.YYYY-MM-DD``) and deleting the rest;
the retention job (bot.console.retention) also deletes them (``delete_old_logs``), so
files left while the service was stopped go too.

ICO guidance on special category data and OWASP ASVS 5.0 16.2.5 (no sensitive data in logs).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import traceback
from logging.handlers import TimedRotatingFileHandler
from pathlib import Path
from typing import Optional

_INSTALLED = "_send_line_private_logs"
CHAT_KEY = re.compile(r"\bweb-([A-Za-z0-9_-]{24,})")
CONVERSATION_FIELDS = re.compile(
    r"""["'](?:events|slots|latest_message|sender_id|text|tracker|metadata|entities|request_body|message)["']\s*:"""
)
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


# --- the service log file ---------------------------------------------------------------------

LOG_FILE = "service.log"
ROTATED = re.compile(r"^" + re.escape(LOG_FILE) + r"\.(\d{4}-\d{2}-\d{2})$")  # TimedRotatingFileHandler's names
_FILE_LOGGER = "send_line.service_log"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _folder(log_dir: str) -> Path:
    """LOG_DIR as a path; a relative one is under the project's folder (whatever the working folder)."""
    folder = Path(log_dir)
    return folder if folder.is_absolute() else PROJECT_ROOT / folder


def log_file_handler(log_dir: str, keep_days: int) -> TimedRotatingFileHandler:
    """A handler writing ``log_dir/service.log``: a new file at local midnight, the older ones
    named ``service.log.YYYY-MM-DD`` (the day they hold) and only the newest ``keep_days``
    of them kept. The folder is made 0750 and the file 0640 (the service's user and group)."""
    folder = _folder(log_dir)
    folder.mkdir(parents=True, exist_ok=True, mode=0o750)
    handler = TimedRotatingFileHandler(
        folder / LOG_FILE, when="midnight", backupCount=max(keep_days, 1), encoding="utf-8", delay=False
    )
    os.chmod(folder / LOG_FILE, 0o640)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    return handler


def open_log_file(log_dir: str, keep_days: int) -> Optional[logging.Logger]:
    """Start writing the service log file (see the module's docstring); None when ``log_dir`` is empty.

    Lines go through this module's record factory when it is installed, so the file
    holds them scrubbed. Calling it again replaces the handler (tests, a changed setting)."""
    logger = logging.getLogger(_FILE_LOGGER)
    for old in list(logger.handlers):
        logger.removeHandler(old)
        old.close()
    if not log_dir:
        return None
    logger.addHandler(log_file_handler(log_dir, keep_days))
    logger.setLevel(logging.INFO)
    logger.propagate = False  # not again on the console
    return logger


def write_line(line: str) -> None:
    """One line of output (any part's) into the service log file, if one is open."""
    logger = logging.getLogger(_FILE_LOGGER)
    if logger.handlers:
        logger.info("%s", line)


def delete_old_logs(log_dir: str, keep_days: int, today: Optional[dt.date] = None) -> int:
    """Delete the rotated log files (``service.log.YYYY-MM-DD``) of days more than ``keep_days``
    before ``today``; returns how many. The current ``service.log`` and any other file stay."""
    folder = _folder(log_dir) if log_dir else None
    if folder is None or not folder.is_dir():
        return 0
    oldest_kept = (today or dt.date.today()) - dt.timedelta(days=keep_days)
    deleted = 0
    for path in folder.iterdir():
        match = ROTATED.match(path.name)
        if not match:
            continue
        try:
            day = dt.date.fromisoformat(match.group(1))
        except ValueError:
            continue
        if day < oldest_kept:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
