"""Database engine, sessions and migrations (SQLAlchemy 1.4 in 2.0 style).

SQLite under `var/` by default; PostgreSQL when DATABASE_URL says so. The same
database holds Rasa's tracker store (`events` table, owned by Rasa) and the
app's own tables (owned by the Alembic migrations in `bot/migrations/`).

    python -m bot.database upgrade      apply migrations (make run/test do this)
    python -m bot.database revision -m "what changed"   autogenerate a migration
"""

from __future__ import annotations

import argparse
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Optional

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, declarative_base, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.models import import_all_models
from bot.settings import PROJECT_ROOT, get_settings

# Every model of every feature inherits from this Base, so Alembic sees them all.
Base = declarative_base()

# Tables that live in our database but are created and owned by Rasa.
RASA_OWNED_TABLES = frozenset({"events"})


def make_engine(url: str) -> Engine:
    """An engine with the settings every process of the product needs."""
    if url.startswith("sqlite"):
        ensure_sqlite_folder(url)
        engine = create_engine(url, future=True, **sqlite_engine_arguments(url))
        event.listen(engine, "connect", sqlite_pragmas)
        return engine
    # pool_pre_ping: a connection dropped by a database restart is replaced, not raised.
    return create_engine(url, future=True, pool_pre_ping=True)


def sqlite_engine_arguments(url: str) -> dict:
    """Keep SQLite connections open between uses (a pool), as for PostgreSQL.

    SQLAlchemy 1.4 opens a new connection for every use of a file SQLite database
    (NullPool): open, the pragmas below, close, every time; under load that was a quarter
    of the Rasa tracker store's time (bench/load.py, docs/benchmarks.md). A pooled
    connection keeps its per-connection pragmas (busy_timeout, foreign_keys); WAL is a
    setting of the file itself, so the processes sharing the file are unaffected. The pool
    hands a connection to one thread at a time, so sqlite3's same-thread check is off (as
    SQLAlchemy 2.0 does for its pooled file SQLite). In-memory SQLite keeps its default."""
    # A writer waits up to 30 s for another process's write instead of failing at once.
    arguments: dict = {"connect_args": {"timeout": 30}}
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        arguments["connect_args"]["check_same_thread"] = False
        arguments.update(poolclass=QueuePool, pool_size=5, max_overflow=10)
    return arguments


def sqlite_pragmas(dbapi_connection, _record) -> None:
    # Three processes share the file: WAL lets readers work while one writes,
    # and busy_timeout makes a writer wait instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def ensure_sqlite_folder(url: str) -> None:
    path = url.split(":///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


@lru_cache(maxsize=4)
def get_engine(url: Optional[str] = None) -> Engine:
    return make_engine(url or get_settings().database_url)


def get_sessionmaker(url: Optional[str] = None) -> sessionmaker:
    # Every feature's tables, so a process that uses only some features (the action
    # server, a script) can still flush rows with foreign keys to the others.
    import_all_models()
    return sessionmaker(bind=get_engine(url), future=True, expire_on_commit=False)


@contextmanager
def session_scope(url: Optional[str] = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    session = get_sessionmaker(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def ping(url: Optional[str] = None) -> None:
    """Raise if the database cannot answer a trivial query."""
    with get_engine(url).connect() as connection:
        connection.execute(text("SELECT 1"))


def alembic_config(url: Optional[str] = None):
    # Alembic only when migrating: the web app, Rasa and the action server never load it.
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "bot" / "migrations"))
    config.set_main_option("sqlalchemy.url", (url or get_settings().database_url).replace("%", "%%"))
    return config


def upgrade(url: Optional[str] = None, revision: str = "head") -> None:
    from alembic import command  # only when migrating (see alembic_config)

    if (url or get_settings().database_url).startswith("sqlite"):
        ensure_sqlite_folder(url or get_settings().database_url)
    command.upgrade(alembic_config(url), revision)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("upgrade", help="apply all migrations")
    revision = sub.add_parser("revision", help="autogenerate a migration from the models")
    revision.add_argument("-m", "--message", required=True)
    args = parser.parse_args()

    if args.command == "upgrade":
        upgrade()
        print(f"==> database is up to date ({_describe(get_settings().database_url)})")
    else:
        from alembic import command  # only when migrating (see alembic_config)

        command.revision(alembic_config(), message=args.message, autogenerate=True)


def _describe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    main()
