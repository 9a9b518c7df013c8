"""A faster check of the action server's answers inside the Rasa server.

Rasa checks every action server response against its JSON schema with
`jsonschema.validate`, which first checks the schema itself against the JSON Schema
meta-schema, on every custom action call. With jsonschema 4.17 that meta-schema check
was over half of the Rasa server's CPU per turn (bench/load.py, profiled with py-spy;
docs/benchmarks.md). The schema never changes, so it is checked once here and each
response is validated with a ready validator: the same schema, the same
ValidationError (with Rasa's message) for a bad response.

Installed by bot.conversations.stores, which the Rasa server imports at start-up
because endpoints.yml names its tracker store.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def _validator():
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    error = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (  # as Rasa words it (rasa/core/actions/action.py)
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result


__all__ = ["install", "ValidationError"]
