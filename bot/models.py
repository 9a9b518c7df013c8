"""Where Alembic finds every feature's SQLAlchemy models.

Each feature keeps its models beside its service functions (bot/<feature>/models.py);
add the module here when a feature gains tables.
"""

import importlib

FEATURE_MODEL_MODULES: tuple = (
    "bot.handoff.models",
    "bot.outbox.models",
    "bot.console.models",
    "bot.webchat.live",
    "bot.webchat.models",
    "bot.mediation.models",
    "bot.disagreement_resolution.models",
    "bot.conversations.deliveries",
)


def import_all_models() -> None:
    for module in FEATURE_MODEL_MODULES:
        importlib.import_module(module)
