"""Migrations and sessions work the same on SQLite and PostgreSQL."""
import sqlalchemy as sa

from bot import database


def test_migrations_apply_and_are_recorded(database_url):
    database.upgrade(database_url)
    database.upgrade(database_url)  # running again changes nothing and does not fail

    engine = database.make_engine(database_url)
    with engine.connect() as connection:
        version = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()
    assert version == _head_revision()


def test_session_scope_commits_and_rolls_back(database_url):
    database.upgrade(database_url)
    engine = database.make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE scratch (id INTEGER PRIMARY KEY, note VARCHAR(20))"))

    with database.session_scope(database_url) as session:
        session.execute(sa.text("INSERT INTO scratch (id, note) VALUES (1, 'kept')"))
    try:
        with database.session_scope(database_url) as session:
            session.execute(sa.text("INSERT INTO scratch (id, note) VALUES (2, 'lost')"))
            raise RuntimeError("failure after the insert")
    except RuntimeError:
        pass

    with engine.connect() as connection:
        notes = connection.execute(sa.text("SELECT note FROM scratch ORDER BY id")).scalars().all()
    engine.dispose()
    assert notes == ["kept"]


def test_ping_reports_an_unreachable_database():
    import pytest

    with pytest.raises(sa.exc.OperationalError):
        database.ping("postgresql+psycopg2://nobody@127.0.0.1:1/none")


def _head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(database.alembic_config()).get_current_head()


def test_sqlite_connections_are_kept_with_their_pragmas_and_the_file_stays_shared(tmp_path):
    """One connection is reused (no reconnect and pragmas for each use); every use still
    waits for another process's write (busy_timeout) and checks foreign keys; the file
    is in WAL mode, so a second engine (another process) reads what the first committed,
    even while it holds a connection open, and a write waits for a lock instead of failing."""
    import threading

    url = f"sqlite:///{tmp_path / 'shared.db'}"
    engine, other = database.make_engine(url), database.make_engine(url)
    connects = []
    sa.event.listen(engine, "connect", lambda *_: connects.append(1))
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE scratch (id INTEGER PRIMARY KEY, note VARCHAR(20))"))

    def settings(eng):
        with eng.connect() as connection:
            return [connection.execute(sa.text(f"PRAGMA {name}")).scalar_one()
                    for name in ("journal_mode", "busy_timeout", "foreign_keys")]

    assert settings(engine) == ["wal", 30000, 1]
    assert settings(engine) == ["wal", 30000, 1]
    # Used from another thread too (the web app's sync routes run in a thread pool).
    seen = []
    worker = threading.Thread(target=lambda: seen.append(settings(engine)))
    worker.start()
    worker.join()
    assert seen == [["wal", 30000, 1]]
    assert len(connects) == 1

    with other.connect() as held:  # the other process holds a pooled connection open
        held.execute(sa.text("SELECT count(*) FROM scratch")).scalar_one()
        with engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO scratch (id, note) VALUES (1, 'kept')"))
        held.commit()
        assert held.execute(sa.text("SELECT note FROM scratch")).scalars().all() == ["kept"]

    # A write while another connection writes waits for it (busy_timeout), then succeeds.
    with other.connect() as writer:
        writer.execute(sa.text("BEGIN IMMEDIATE"))
        writer.execute(sa.text("INSERT INTO scratch (id, note) VALUES (2, 'first')"))
        timer = threading.Timer(0.5, writer.commit)
        timer.start()
        with engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO scratch (id, note) VALUES (3, 'waited')"))
        timer.join()
    with other.connect() as connection:
        assert connection.execute(sa.text("SELECT note FROM scratch ORDER BY id")).scalars().all() == [
            "kept", "first", "waited"]
    engine.dispose()
    other.dispose()
