"""PostgreSQL, Redis and Chromium for the tests, found the same way on every machine.

For each server, in this order:
1. the configured one, when it answers: TEST_POSTGRES_ADMIN_URL (default
   postgresql+psycopg2://postgres@127.0.0.1:5432/postgres, the server `.ci/run` starts) and
   TEST_REDIS_URL (default redis://127.0.0.1:6379);
2. else a private, throwaway server started from the installed binaries (PostgreSQL's
   `pg_ctl` on PATH or in /usr/lib/postgresql/<version>/bin, `redis-server`) in a temporary
   directory on a free port, through pytest-postgresql's and pytest-redis's executors, and
   stopped when the test process ends. PostgreSQL refuses to run as root, so root gets no
   throwaway PostgreSQL. TEST_THROWAWAY_SERVERS=0 turns this step off;
3. else the test is skipped with a reason that starts with `NOT_TESTED`; tests/conftest.py
   counts those skips into one summary line at the end (and, under CI=true, fails the run).

Each pytest process (each xdist worker) resolves a server once and keeps it.
"""
from __future__ import annotations

import atexit
import glob
import os
import re
import shutil
import socket
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL",
                                    "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
# A database number at the end of TEST_REDIS_URL is dropped: each test picks its own.
REDIS_BASE_URL = re.sub(r"/\d*$", "", os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/"))
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Every skip for a missing server starts with this, then "<what>|<how to get it>".
NOT_TESTED = "NOT_TESTED"

HOW = {
    "PostgreSQL": "install PostgreSQL 14 or later (apt-get install postgresql) and run the tests as a "
                  "user other than root, or start a server and set TEST_POSTGRES_ADMIN_URL",
    "Redis": "install redis-server (apt-get install redis-server), or start a server and set TEST_REDIS_URL",
    "Chromium": "install Debian's chromium (scripts/install-browser as root: apt-get install chromium "
                "chromium-driver), or set CHROMIUM_PATH",
}


@dataclass(frozen=True)
class Found:
    """Where a server is (`url`), or why there is none (`problem`)."""

    url: str = ""
    problem: str = ""


def require(what: str, found: Found) -> str:
    """The server's URL, or the test is skipped as not tested here (see tests/conftest.py)."""
    if not found.url:
        pytest.skip(f"{NOT_TESTED}|{what}|{found.problem}|{HOW[what]}")
    return found.url


def throwaway_allowed() -> bool:
    return os.environ.get("TEST_THROWAWAY_SERVERS", "1").strip().lower() not in ("0", "false", "no")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


_STOPS: list = []  # how to stop each throwaway server this process started


def stop_throwaway_servers() -> None:
    """Stop every throwaway server this process started (tests/conftest.py calls it at the end;
    also at exit, for a process that ends otherwise)."""
    while _STOPS:
        _STOPS.pop()()


atexit.register(stop_throwaway_servers)


def _throwaway(kind: str, make_executor: Callable[[str, int], Any], url: Callable[[int], str], tried: str,
               executable: str, answers: Callable[[str], Optional[str]]) -> Found:
    """Start `make_executor(home, port)` (a mirakuru executor) in a new temporary directory on
    a free port, stopped and removed when this process ends; its URL once `answers(url)` says
    it takes connections (None), or why it did not start."""
    home = tempfile.mkdtemp(prefix=f"send-line-test-{kind}-")
    port = _free_port()
    executor = make_executor(home, port)

    def stop() -> None:
        executor.stop()
        shutil.rmtree(home, ignore_errors=True)

    try:
        executor.start()
        _STOPS.append(stop)
        deadline = time.monotonic() + 60
        while (problem := answers(url(port))) is not None:  # PostgreSQL opens its port before it is ready
            if time.monotonic() > deadline:
                raise RuntimeError(problem)
            time.sleep(0.2)
    except Exception as error:  # noqa: BLE001 - any failure to start means "not here"
        stop_throwaway_servers()
        shutil.rmtree(home, ignore_errors=True)
        return Found(problem=f"{tried}; a throwaway server from {executable} did not start ({error})")
    return Found(url(port))


# --- PostgreSQL -------------------------------------------------------------------------
def _postgres_answers(url: str) -> Optional[str]:
    """None when `url` takes connections, else the error."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, future=True, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return None
    except sa.exc.OperationalError as error:
        return str(error.orig).strip().splitlines()[0]
    finally:
        engine.dispose()


def find_pg_ctl() -> Optional[str]:
    """PostgreSQL's pg_ctl on PATH, else the newest in Debian's /usr/lib/postgresql/<version>/bin."""
    on_path = shutil.which("pg_ctl")
    if on_path:
        return on_path
    # Only ones this user may run (a pg_ctl it cannot execute is as good as none).
    candidates = sorted((path for path in glob.glob("/usr/lib/postgresql/*/bin/pg_ctl") if os.access(path, os.X_OK)),
                        key=lambda path: int(path.split("/")[4]) if path.split("/")[4].isdigit() else 0)
    return candidates[-1] if candidates else None


@lru_cache(maxsize=1)
def postgres() -> Found:
    """A PostgreSQL superuser URL (database `postgres`): configured, or a throwaway server."""
    problem = _postgres_answers(POSTGRES_ADMIN_URL)
    if problem is None:
        return Found(POSTGRES_ADMIN_URL)
    tried = f"no server answers at {_hide_password(POSTGRES_ADMIN_URL)} ({problem})"
    if not throwaway_allowed():
        return Found(problem=f"{tried}; TEST_THROWAWAY_SERVERS=0")
    pg_ctl = find_pg_ctl()
    if not pg_ctl:
        return Found(problem=f"{tried}; no pg_ctl on PATH or in /usr/lib/postgresql/*/bin")
    if os.geteuid() == 0:
        return Found(problem=f"{tried}; PostgreSQL refuses to run as root, so no throwaway server")
    from pytest_postgresql.executors import PostgreSQLExecutor

    return _throwaway(
        "postgres",
        lambda home, port: PostgreSQLExecutor(
            executable=pg_ctl, host="127.0.0.1", port=port, datadir=f"{home}/data", unixsocketdir=home,
            logfile=f"{home}/postgres.log", startparams="-w", dbname="postgres", user="postgres",
            postgres_options="-c fsync=off -c full_page_writes=off"),
        lambda port: f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres", tried, pg_ctl, _postgres_answers)


def _hide_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


# --- Redis ------------------------------------------------------------------------------
def _redis_answers(url: str) -> Optional[str]:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
        return None
    except redis.RedisError as error:
        return str(error)
    finally:
        client.close()


@lru_cache(maxsize=1)
def redis_server() -> Found:
    """A Redis base URL without a database number: configured, or a throwaway server."""
    problem = _redis_answers(REDIS_BASE_URL)
    if problem is None:
        return Found(REDIS_BASE_URL)
    tried = f"no server answers at {REDIS_BASE_URL} ({problem})"
    if not throwaway_allowed():
        return Found(problem=f"{tried}; TEST_THROWAWAY_SERVERS=0")
    executable = shutil.which("redis-server")
    if not executable:
        return Found(problem=f"{tried}; no redis-server on PATH")
    from pytest_redis.executor import RedisExecutor

    return _throwaway(
        "redis",
        lambda home, port: RedisExecutor(executable=executable, databases=16, redis_timeout=30, loglevel="warning",
                                         host="127.0.0.1", port=port, datadir=Path(home)),
        lambda port: f"redis://127.0.0.1:{port}", tried, executable, _redis_answers)


def redis_url(database: int) -> str:
    """A URL for one Redis database number (tests use their own numbers), or skip."""
    return f"{require('Redis', redis_server())}/{database}"


def postgres_admin_url() -> str:
    """The PostgreSQL superuser URL, or skip."""
    return require("PostgreSQL", postgres())


# --- Chromium ---------------------------------------------------------------------------
def chromium_path() -> str:
    """Chromium's executable for Playwright, or skip."""
    if os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return require("Chromium", Found(problem=f"no Chromium at {CHROMIUM}"))
