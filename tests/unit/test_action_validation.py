"""The Rasa server's check of action server answers (bot.conversations.action_validation):
as strict as Rasa's own, without re-checking the schema on every call."""
from __future__ import annotations

import pytest
from rasa.core.actions.action import RemoteAction

from bot.conversations import action_validation


@pytest.fixture
def action():
    original = RemoteAction._validate_action_result
    action_validation.install()
    yield RemoteAction("action_start_appeal", None)
    RemoteAction._validate_action_result = original


def test_a_well_formed_answer_passes(action):
    assert action._validate_action_result({"events": [{"event": "slot", "name": "x", "value": 1}],
                                           "responses": [{"text": "hello"}]})


@pytest.mark.parametrize("bad", [{"events": "not a list"}, {"responses": {"text": "not a list"}}])
def test_a_malformed_answer_is_refused_with_rasas_message(action, bad):
    with pytest.raises(action_validation.ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(bad)

