"""With no PostgreSQL or Redis to be had, the tests that need them are skipped with ONE line
saying what was not tested and how to get it; under CI=true that same run fails, saying why.

Runs pytest itself on two tests of this suite that need the servers, with the servers'
addresses pointing at a closed port and no throwaway servers (as for a user who has neither
installed nor running).
"""
import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SELECTED = "lock_store_uses_redis_when_configured or keeps_events_on_the_configured_database"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends: nothing listens there


def _run(ci: bool) -> subprocess.CompletedProcess:
    port = _closed_port()
    env = {
        **os.environ,
        "TEST_POSTGRES_ADMIN_URL": f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres",
        "TEST_REDIS_URL": f"redis://127.0.0.1:{port}",
        "TEST_THROWAWAY_SERVERS": "0",
        "CI": "true" if ci else "",
    }
    env.pop("TEST_SUMMARY_FILE", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         "tests/unit/test_rasa_stores.py", "-k", SELECTED],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )


def test_without_servers_the_run_passes_and_says_what_was_not_tested():
    run = _run(ci=False)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = [line for line in run.stdout.splitlines() if line.startswith("NOT TESTED:")]
    assert len(lines) == 1, run.stdout
    assert "needing PostgreSQL" in lines[0] and "needing Redis" in lines[0]
    assert "to test:" in lines[0]
    assert "1 passed" in run.stdout  # the SQLite case still ran


def test_under_ci_the_same_run_fails_with_a_clear_message():
    run = _run(ci=True)
    assert run.returncode != 0
    assert "NOT TESTED:" in run.stdout
    assert "FAILED: CI=true requires every test to run; the servers above are missing." in run.stdout


def test_a_pg_ctl_this_user_cannot_run_is_not_offered(monkeypatch, tmp_path):
    """Debian's /usr/lib/postgresql/<version>/bin/pg_ctl that this user may not execute is
    skipped for the newest one it may run, or none (then the summary says 'no pg_ctl')."""
    from support import servers

    paths = {}
    for version, mode in (("14", 0o755), ("15", 0o644)):
        path = tmp_path / "usr/lib/postgresql" / version / "bin/pg_ctl"
        path.parent.mkdir(parents=True)
        path.write_text("#!/bin/sh\n")
        path.chmod(mode)
        paths[version] = str(path)
    monkeypatch.setattr(servers.shutil, "which", lambda name: None)
    monkeypatch.setattr(servers.glob, "glob", lambda pattern: [paths["15"], paths["14"]])
    assert servers.find_pg_ctl() == paths["14"]
    monkeypatch.setattr(servers.glob, "glob", lambda pattern: [paths["15"]])
    assert servers.find_pg_ctl() is None
