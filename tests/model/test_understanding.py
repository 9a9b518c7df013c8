"""Understanding gates on realistic messages never trained on (tests/realistic/, LABELS.md).

The trained model parses every message in process (bench/understanding.py, the same code
`make bench` reports with). Thresholds were chosen on tests/realistic/tuning/ only.
The disclosures also go through the whole stack over REST in tests/integration/test_safeguarding.py.

The issues' targets (TARGETS) are not all reached yet, and those issues stay open; each
test asserts the target where it is met and otherwise the floor measured on the final
model of the session that built this (FLOORS), so what was reached cannot slip. Raise a
floor to its target as the model improves, never lower one.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.understanding import evaluate_intents, evaluate_safeguarding, evaluate_situations, load_rows, parser_for

ROOT = Path(__file__).resolve().parents[2]
TARGETS = {"intent_accuracy": 0.92, "fallback_rate": 0.05, "situation_accuracy": 0.9, "recall": 1.0,
           "false_alarm_rate": 0.02}
# Measured 2 December 2026 (docs/benchmarks.md, "understanding"): 0.934, 2.5%, 0.920, 98.7%, 1.8%.
# Intents, fallbacks, situations and false alarms are at their targets; the recall floor leaves
# a small margin for a training on another machine.
FLOORS = {"intent_accuracy": 0.92, "fallback_rate": 0.05, "situation_accuracy": 0.9, "recall": 0.98,
          "false_alarm_rate": 0.02}
MODEL = Path(os.environ.get("MODEL_PATH", ROOT / "models" / "current.tar.gz"))


@pytest.fixture(scope="module")
def parse():
    if not MODEL.is_file():
        pytest.fail(f"no trained model at {MODEL}; run `make models/current.tar.gz`", pytrace=False)
    cache = {}
    parse_text = parser_for(MODEL)

    def cached(text: str) -> dict:
        if text not in cache:
            cache[text] = parse_text(text)
        return cache[text]

    return cached


def test_realistic_set_is_big_enough():
    assert len(load_rows("intents.yml", "messages")) >= 400
    assert len(load_rows("situations.yml", "situations")) >= 100
    assert len(load_rows("safeguarding.yml", "disclosures")) >= 200
    assert len(load_rows("ordinary.yml", "ordinary")) >= 500


def test_intent_accuracy_and_fallbacks_on_the_realistic_set(parse):
    report = evaluate_intents(parse, load_rows("intents.yml", "messages"))
    worst = "; ".join(f"{a}->{b} x{n}" for (a, b), n in report.confusions.most_common(8))
    assert report.intent_accuracy >= FLOORS["intent_accuracy"], (
        f"intent accuracy {report.intent_accuracy:.3f}; confusions: {worst}")
    assert report.fallback_rate <= FLOORS["fallback_rate"], f"{report.fallback_rate:.1%} of in-scope messages fell back"


def test_what_a_situation_is_about(parse):
    accuracy, misses = evaluate_situations(parse, load_rows("situations.yml", "situations"))
    assert accuracy >= FLOORS["situation_accuracy"], f"situation accuracy {accuracy:.3f}"


def test_disclosures_flagged_and_false_alarms(parse):
    result = evaluate_safeguarding(parse, load_rows("safeguarding.yml", "disclosures"),
                                   load_rows("ordinary.yml", "ordinary"))
    assert result["recall"] >= FLOORS["recall"], f"{result['recall']:.1%} of the disclosures flagged"
    assert result["false_alarm_rate"] <= FLOORS["false_alarm_rate"], f"false alarms {result['false_alarm_rate']:.1%}"


def test_floors_never_pass_their_targets():
    assert FLOORS["intent_accuracy"] <= TARGETS["intent_accuracy"] and FLOORS["recall"] <= TARGETS["recall"]
    assert FLOORS["situation_accuracy"] <= TARGETS["situation_accuracy"]
    assert FLOORS["fallback_rate"] >= TARGETS["fallback_rate"] and FLOORS["false_alarm_rate"] >= TARGETS["false_alarm_rate"]


@pytest.mark.parametrize("text", ["banana", "my cat", "pizza", "xyz", "hello", "purple"])
def test_a_message_about_nothing_is_about_no_disagreement(parse, text):
    # Asked "what is the disagreement about?", these must be asked again, not read as a kind
    # of disagreement (the classifier alone always has a best guess).
    assert not (parse(text).get("situation") or {}).get("about")
