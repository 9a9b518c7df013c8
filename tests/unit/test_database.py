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
