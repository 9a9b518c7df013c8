"""Log lines carry no personal details, conversation dumps or web chat keys."""
import io
import json
import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot import log_privacy
from bot.settings import Settings
from bot.supervisor import child_environment

ROOT = Path(__file__).resolve().parents[2]
KEY = "web-Zq3xY8wV1uT6sR4pO2nM0lK9jH7g"
TRACKER = {"sender_id": KEY, "slots": {"child_name": "Poppy Ashworth"},
           "latest_message": {"text": "my daughter Poppy Ashworth, call 07700 900512"},
           "events": [{"event": "user", "text": "we live at 22 Juniper Close, ME14 2LL"}]}


@pytest.mark.parametrize("text", [
    f"Failed to execute custom action: 500, body={json.dumps({'error': 'x', 'request_body': {'tracker': TRACKER}})}",
    f"tracker {json.dumps(TRACKER)[:120]}",  # a dump cut off part-way
    f"web chat: relaying a message of {KEY} failed",
    "callback wanted on 07700 900512 by poppy.parent@example.org, my daughter Poppy Ashworth",
])
def test_scrubbed_lines_keep_no_personal_detail_or_key(text):
    scrubbed = log_privacy.scrub(text)
    for secret in (KEY, "Poppy", "Ashworth", "07700 900512", "poppy.parent@example.org", "Juniper", "ME14 2LL"):
        assert secret not in scrubbed


def test_ordinary_lines_are_unchanged_and_keys_keep_a_fingerprint():
    assert log_privacy.scrub("outbox: message 41 sent (attempt 2)") == "outbox: message 41 sent (attempt 2)"
    first, second = log_privacy.scrub(f"a {KEY}"), log_privacy.scrub(f"b {KEY}")
    assert first.split()[1] == second.split()[1] and first.split()[1].startswith("web-#")


def test_every_record_and_traceback_is_scrubbed_once_installed():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("test.log_privacy")
    logger.addHandler(handler)
    previous = logging.getLogRecordFactory()
    try:
        log_privacy.install()
        log_privacy.install()  # idempotent
        try:
            raise RuntimeError(f"action failed with request {json.dumps(TRACKER)}")
        except RuntimeError:
            logger.exception("relaying %s failed: %s", KEY, "about my daughter Poppy Ashworth")
    finally:
        logging.setLogRecordFactory(previous)
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "Traceback" in output and "RuntimeError" in output and "relaying" in output
    for secret in (KEY, "Poppy", "07700 900512", "Juniper"):
        assert secret not in output


def test_rasa_telemetry_is_off_for_every_part():
    assert child_environment(Settings(_env_file=None))["RASA_TELEMETRY_ENABLED"] == "false"


def test_files_the_service_creates_are_private(tmp_path):
    database = tmp_path / "private.db"
    code = ("from bot.supervisor import private_files; from bot import database; private_files(); "
            f"database.upgrade('sqlite:///{database}')")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, timeout=120,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert stat.S_IMODE(database.stat().st_mode) & 0o007 == 0
