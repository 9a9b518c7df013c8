"""A retention rule for the service's logs (issue 20): every part's output is also written
to LOG_DIR/service.log (private, scrubbed of personal details), a new file each day; files
older than RETENTION_LOG_DAYS are deleted by the rotation and by the retention job."""

from __future__ import annotations

import datetime as dt
import logging
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot import log_privacy
from bot.console.models import AuditEntry
from bot.console.retention import apply_retention
from bot.database import session_scope
from bot.settings import PROJECT_ROOT


@pytest.fixture(autouse=True)
def _close_the_log_file():
    yield
    log_privacy.open_log_file("", 0)


def _rotated(folder: Path):
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("service.log."))


def test_the_log_file_starts_afresh_each_day_and_keeps_only_the_days_set(tmp_path):
    folder = tmp_path / "log"
    logger = log_privacy.open_log_file(str(folder), 3)
    handler = logger.handlers[0]
    midnight = time.mktime(dt.date(2026, 11, 20).timetuple())
    for day in range(6):  # six midnights pass
        handler.rolloverAt = midnight + day * 86400  # as if the clock had reached that midnight
        log_privacy.write_line(f"[web] line {day}")
    log_privacy.write_line("[web] today")
    assert _rotated(folder) == ["service.log.2026-11-22", "service.log.2026-11-23", "service.log.2026-11-24"]
    assert "today" in (folder / "service.log").read_text()


def test_the_log_file_is_private_and_holds_no_personal_details(tmp_path):
    """Through the supervisor's own output path, in a process with the privacy factory installed."""
    folder = tmp_path / "log"
    code = (
        "from bot import log_privacy, supervisor; log_privacy.install(); supervisor.private_files(); "
        f"log_privacy.open_log_file({str(folder)!r}, 30); "
        "supervisor._print('[action server] failed for Jane Doe, call 07700 900666 or jane.doe@example.com')"
    )
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=PROJECT_ROOT, timeout=120)
    text = (folder / "service.log").read_text()
    assert "[action server] failed for" in text
    for detail in ("07700 900666", "jane.doe@example.com"):
        assert detail not in text
    mode = stat.S_IMODE((folder / "service.log").stat().st_mode)
    assert mode & 0o007 == 0 and mode & 0o020 == 0, oct(mode)  # nobody else reads it; the group cannot write


def test_the_retention_job_deletes_log_files_older_than_the_setting(database_url, configure, tmp_path):
    folder = tmp_path / "log"
    settings = configure(database_url, LOG_DIR=str(folder), RETENTION_LOG_DAYS="30")
    folder.mkdir()
    today = dt.date.today()
    names = {f"service.log.{today - dt.timedelta(days=age):%Y-%m-%d}": age for age in (1, 29, 30, 31, 45, 400)}
    for name in [*names, "service.log", "notes.txt", "service.log.backup"]:
        (folder / name).write_text("a line\n")

    report = apply_retention(database_url, settings, now=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None))
    assert report.counts["log files deleted"] == 3
    assert _rotated(folder) == sorted(["service.log.backup"] + [n for n, age in names.items() if age <= 30])
    assert (folder / "service.log").exists() and (folder / "notes.txt").exists()
    with session_scope(database_url) as session:
        [entry] = session.execute(sa.select(AuditEntry).where(AuditEntry.action == "retention_applied")).scalars()
    assert "log files deleted 3" in entry.detail
    assert apply_retention(database_url, settings).counts["log files deleted"] == 0


def test_without_a_log_folder_nothing_is_written_or_deleted(tmp_path):
    assert log_privacy.open_log_file("", 30) is None
    log_privacy.write_line("nowhere")  # no file, no error
    assert log_privacy.delete_old_logs("", 30) == 0
    assert log_privacy.delete_old_logs(str(tmp_path / "missing"), 30) == 0
    assert not logging.getLogger("send_line.service_log").handlers


def test_a_relative_log_folder_is_under_the_project_whatever_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    relative = f"var/test-logs-{os.getpid()}"
    folder = PROJECT_ROOT / relative
    try:
        log_privacy.open_log_file(relative, 30)
        log_privacy.write_line("[web] started")
        assert (folder / "service.log").exists() and not (tmp_path / relative).exists()
        (folder / "service.log.2020-01-01").write_text("old\n")
        assert log_privacy.delete_old_logs(relative, 30) == 1
    finally:
        log_privacy.open_log_file("", 0)
        for path in folder.glob("*"):
            path.unlink()
        folder.rmdir()
