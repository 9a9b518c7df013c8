"""The input-guard rules cover every intent, and the guard's decision is right."""
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]


def test_the_guard_rules_list_every_intent_in_the_domain():
    intents = set(yaml.safe_load((ROOT / "domain.yml").read_text())["intents"])
    rules = yaml.safe_load((ROOT / "data" / "rules" / "input_guard.yml").read_text())["rules"]
    assert len(rules) == 5  # risk, too long, and one per form: the form reads its own words first
    for rule in rules:
        listed = {step["intent"] for step in rule["steps"][0]["or"]}
        assert listed == intents, f"{rule['rule']}: missing {sorted(intents - listed)}"


def _message_check():
    # actions/ imports rasa_sdk; the decision itself is plain Python.
    pytest.importorskip("rasa_sdk")
    from actions.input_guard import message_check
    return message_check


@pytest.mark.parametrize("text, intent, expected", [
    ("what is mediation", "faq_mediation", None),
    ("what is mediation, my son says he wants to kil himself", "faq_mediation", "risk"),
    ("anything", "safeguarding_risk", "risk"),
    ("x" * 2500, "faq_scope", "too_long"),
    ("we've had a hard year. " * 120 + "she is self harming now", "faq_complaints", "risk"),
])
def test_message_check(text, intent, expected):
    assert _message_check()(text, intent) == expected
