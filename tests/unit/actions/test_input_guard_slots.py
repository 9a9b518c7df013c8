"""The input guard's slot list (issue 22, form turns made cheaper): the same as rasa_sdk's,
worked out once per request's domain instead of once per slot."""
from pathlib import Path

import yaml
from rasa_sdk import ValidationAction

from actions.input_guard import ActionValidateSlotMappings

DOMAIN = Path(__file__).resolve().parents[3] / "domain.yml"


def _domain() -> dict:
    return yaml.safe_load(DOMAIN.read_text())


def test_global_slots_are_rasa_sdks_and_computed_once_per_domain(monkeypatch):
    guard, domain = ActionValidateSlotMappings(), _domain()
    expected = ValidationAction.global_slots(guard, domain)
    assert expected  # the domain has slots without a form condition

    calls = []
    original = ValidationAction.global_slots
    monkeypatch.setattr(ValidationAction, "global_slots", lambda self, d: calls.append(d) or original(self, d))
    for _ in range(40):  # rasa_sdk asks once per slot it extracts
        assert guard.global_slots(domain) == expected
    assert len(calls) == 1

    changed = _domain()
    changed["slots"].pop(expected[0])  # the next request's domain is read afresh
    assert expected[0] not in guard.global_slots(changed)
    assert len(calls) == 2
