"""Fixtures shared by every test: real databases (SQLite and PostgreSQL), and the account
of what could not be tested on this machine.

PostgreSQL, Redis and Chromium are found by tests/support/servers.py: the configured server
when it answers, else a throwaway one from the installed binaries, else the test is skipped
as not tested here. Those skips are summed up in ONE line at the end of the run (and added
to $TEST_SUMMARY_FILE, which `make test` prints after its last stage); under CI=true they
make the run fail.
"""
from __future__ import annotations

import json
import os
import uuid
from collections import Counter
from typing import Dict, Iterator, List, Tuple

import pytest
import sqlalchemy as sa
from hypothesis import settings as hypothesis_settings
from sqlalchemy.engine import make_url

from support import servers

# Kept for code that reads it: the configured server (the one `.ci/run` makes sure is running).
POSTGRES_ADMIN_URL = servers.POSTGRES_ADMIN_URL


def _admin_engine() -> sa.engine.Engine:
    return sa.create_engine(servers.postgres_admin_url(), future=True, isolation_level="AUTOCOMMIT")


def create_postgres_database() -> str:
    """A new, empty database on the test PostgreSQL server; returns its URL (skips when there is none)."""
    admin_url = servers.postgres_admin_url()
    name = f"send_line_test_{uuid.uuid4().hex[:10]}"
    engine = _admin_engine()
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    name = make_url(url).database
    engine = _admin_engine()
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    """An empty database of each kind the product supports."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    url = create_postgres_database()
    try:
        yield url
    finally:
        from bot.database import get_engine

        get_engine.cache_clear()
        drop_postgres_database(url)


@pytest.fixture
def redis_database_url():
    """`redis_database_url(15)`: a URL for that Redis database number on the test server (skips when none)."""
    return servers.redis_url


# --- what was not tested --------------------------------------------------------------------
def _not_tested(terminalreporter) -> Dict[Tuple[str, str], Tuple[int, List[str]]]:
    """{(what, how): (tests skipped, [problems])} from this run's skips for a missing server."""
    counts: Counter = Counter()
    problems: Dict[Tuple[str, str], List[str]] = {}
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
        if servers.NOT_TESTED not in reason:
            continue
        _, what, problem, how = reason.split(servers.NOT_TESTED, 1)[1].split("|", 3)
        counts[(what, how)] += 1
        problems.setdefault((what, how), [])
        if problem not in problems[(what, how)]:
            problems[(what, how)].append(problem)
    return {key: (count, problems[key]) for key, count in counts.items()}


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _is_controller(config) -> bool:
    return not hasattr(config, "workerinput")  # an xdist worker reports to the controller


def summary_line(missing: Dict[Tuple[str, str], Tuple[int, List[str]]]) -> str:
    parts = [f"{count} test{'s' if count != 1 else ''} needing {what} ({'; '.join(problems)}; to test: {how})"
             for (what, how), (count, problems) in sorted(missing.items())]
    return "NOT TESTED: " + " | ".join(parts)


def pytest_sessionfinish(session, exitstatus):
    if not _is_controller(session.config):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    missing = _not_tested(reporter) if reporter else {}
    if not missing:
        return
    line = summary_line(missing)
    session.config._send_line_not_tested = line
    summary_file = os.environ.get("TEST_SUMMARY_FILE")
    if summary_file:
        with open(summary_file, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"stage": os.environ.get("TEST_STAGE", "pytest"),
                                     "missing": [[what, how, count, problems]
                                                 for (what, how), (count, problems) in sorted(missing.items())]})
                         + "\n")
    if _in_ci() and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_unconfigure(config):
    servers.stop_throwaway_servers()  # in each xdist worker too, which does not run atexit


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    line = getattr(config, "_send_line_not_tested", None)
    if not line:
        return
    terminalreporter.write_line(line, yellow=not _in_ci(), red=_in_ci(), bold=True)
    if _in_ci():
        terminalreporter.write_line("FAILED: CI=true requires every test to run; the servers above are missing.",
                                    red=True, bold=True)


# Property tests check rules, not speed (speed is measured under bench/): no per-example
# deadline, which a busy 2-core machine would otherwise miss on a first, cold call.
hypothesis_settings.register_profile("send_line", deadline=None)
hypothesis_settings.load_profile("send_line")


# Stages that run on two workers (`-n 2 --dist loadgroup`, see the Makefile) keep each
# module on one worker, so a module's own stack on its own ports starts once. Modules that
# share something start-up heavy or a fixed port share a group (and so a worker).
SHARED_GROUPS = {
    # the session's shared stack (tests/integration/conftest.py, ports 16005/16055/19000)
    "running_stack": "integration-shared-stack",
}


# The longest groups go first, one to each worker, so neither waits at the end for a long
# module the other could have started earlier (minutes, measured on 2 cores).
LONG_GROUPS = ("integration-shared-stack", "test_service_stack", "test_webchat", "test_console_day", "test_console_bugs")


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(config, items):
    groups = {}
    for item in items:
        marker = item.get_closest_marker("xdist_group")
        if marker is None:
            module = item.module.__name__.rsplit(".", 1)[-1] if item.module else item.nodeid
            if "running_stack" in getattr(item, "fixturenames", ()):
                group = SHARED_GROUPS["running_stack"]
            else:
                group = SHARED_GROUPS.get(module, module)
            item.add_marker(pytest.mark.xdist_group(group))
        else:
            group = marker.args[0] if marker.args else marker.kwargs.get("name", "")
        groups[item.nodeid] = group
    rank = {group: index for index, group in enumerate(LONG_GROUPS)}
    items.sort(key=lambda item: rank.get(groups[item.nodeid], len(rank)))  # stable: the rest keep their order
