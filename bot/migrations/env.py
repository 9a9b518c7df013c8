"""Alembic environment: migrations for the app's own tables."""

from alembic import context

from bot.database import RASA_OWNED_TABLES, Base, make_engine
from bot.models import import_all_models

import_all_models()
config = context.config


def include_object(obj, name, type_, reflected, compare_to):
    # Rasa creates and owns its tracker table in the same database.
    return not (type_ == "table" and name in RASA_OWNED_TABLES)


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            include_object=include_object,
            render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not used in this project; run `python -m bot.database upgrade`.")
run_migrations_online()
