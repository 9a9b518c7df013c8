"""The trained model, tested with Rasa's own tools.

- NLU on the held-back split in tests/nlu/ (never trained on): intent macro-F1 >= 0.95.
- Dialogue on the test stories in tests/conversations/: every story passes.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL = Path(os.environ.get("MODEL_PATH", ROOT / "models" / "current.tar.gz"))
RESULTS = ROOT / "results"
RASA = str(Path(sys.executable).parent / "rasa")
MIN_INTENT_MACRO_F1 = 0.95


def run_rasa(*args: str) -> subprocess.CompletedProcess:
    if not MODEL.is_file():
        pytest.fail(f"no trained model at {MODEL}; run `make models/current.tar.gz`", pytrace=False)
    return subprocess.run([RASA, *args], cwd=ROOT, capture_output=True, text=True, timeout=900)


def test_intents_on_the_held_back_split():
    out = RESULTS / "nlu"
    completed = run_rasa("test", "nlu", "--model", str(MODEL), "--nlu", "tests/nlu", "--out", str(out))
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    report = json.loads((out / "intent_report.json").read_text())
    macro_f1 = report["macro avg"]["f1-score"]
    weak = {name: round(scores["f1-score"], 2) for name, scores in report.items()
            if isinstance(scores, dict) and "support" in scores and name not in ("macro avg", "weighted avg", "micro avg")
            and scores["f1-score"] < 0.9}
    assert macro_f1 >= MIN_INTENT_MACRO_F1, f"intent macro-F1 {macro_f1:.3f}; weakest intents: {weak}"


def test_every_test_story_passes():
    out = RESULTS / "core"
    completed = run_rasa("test", "core", "--model", str(MODEL), "--stories", "tests/conversations",
                         "--out", str(out), "--fail-on-prediction-errors")
    failed = (out / "failed_test_stories.yml")
    detail = failed.read_text()[-4000:] if failed.is_file() else completed.stdout[-3000:] + completed.stderr[-3000:]
    assert completed.returncode == 0, detail
