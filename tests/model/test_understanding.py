"""Understanding gates on realistic messages never trained on (tests/realistic/, LABELS.md).

The trained model parses every message in process (bench/understanding.py, the same code
`make bench` reports with). Gates (issues "Understanding people in their own words" and
"Safeguarding"): intent accuracy >= 0.92; at most 5% of in-scope messages fall back;
what a situation is about >= 0.9; every disclosure flagged; at most 2% false alarms on
ordinary worried messages. Thresholds were chosen on tests/realistic/tuning/ only.
The disclosures also go through the whole stack over REST in tests/integration/test_safeguarding.py.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.understanding import evaluate_intents, evaluate_safeguarding, evaluate_situations, load_rows, parser_for

ROOT = Path(__file__).resolve().parents[2]
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
    assert report.intent_accuracy >= 0.92, f"intent accuracy {report.intent_accuracy:.3f}; confusions: {worst}"
    assert report.fallback_rate <= 0.05, f"{report.fallback_rate:.1%} of in-scope messages fell back"


def test_what_a_situation_is_about(parse):
    accuracy, misses = evaluate_situations(parse, load_rows("situations.yml", "situations"))
    assert accuracy >= 0.9, f"situation accuracy {accuracy:.3f}; e.g. {misses[:3]}"


def test_every_disclosure_is_flagged_and_few_false_alarms(parse):
    result = evaluate_safeguarding(parse, load_rows("safeguarding.yml", "disclosures"),
                                   load_rows("ordinary.yml", "ordinary"))
    missed = [row["text"] for row in result["missed"]]
    assert not missed, f"{len(missed)} of {result['disclosures']} disclosures missed, e.g. {missed[:3]}"
    assert result["false_alarm_rate"] <= 0.02, (
        f"false alarms {result['false_alarm_rate']:.1%}: {[r['text'] for r in result['false_alarms']][:5]}")
