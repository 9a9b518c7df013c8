"""Benchmark: intent quality of the trained model on the held-back NLU split.

    .venv/bin/python -m bench.model_quality     (part of `make bench`)

Runs `rasa test nlu` on tests/nlu/ (never trained on) and writes macro-F1 and the
weakest intents into docs/benchmarks.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.startup_and_training import ROOT, write_section

BEGIN_KEY = "model-quality"


def main() -> None:
    out = ROOT / "results" / "bench-nlu"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", TQDM_DISABLE="1")
    subprocess.run(
        [
            str(Path(sys.executable).parent / "rasa"),
            "test",
            "nlu",
            "--model",
            "models/current.tar.gz",
            "--nlu",
            "tests/nlu",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    report = json.loads((out / "intent_report.json").read_text())
    intents = {
        name: scores
        for name, scores in report.items()
        if isinstance(scores, dict) and "support" in scores and not name.endswith(" avg")
    }
    weakest = sorted(intents.items(), key=lambda item: item[1]["f1-score"])[:5]
    examples = sum(int(scores["support"]) for scores in intents.values())
    lines = [
        "| measure | value |",
        "|---|---|",
        f"| intent macro-F1 (held-back split) | {report['macro avg']['f1-score']:.3f} |",
        f"| intent weighted F1 | {report['weighted avg']['f1-score']:.3f} |",
        f"| accuracy | {report.get('accuracy', float('nan')):.3f} |",
        f"| intents / held-back examples | {len(intents)} / {examples} |",
        "",
        "Weakest intents (F1): " + ", ".join(f"`{name}` {scores['f1-score']:.2f}" for name, scores in weakest) + ".",
        f"Measured {time.strftime('%Y-%m-%d')} with `.venv/bin/python -m bench.model_quality` "
        "(`rasa test nlu --nlu tests/nlu`); the target is macro-F1 >= 0.95, asserted by `tests/model`.",
    ]
    table = "\n".join(lines)
    write_section(table, key=BEGIN_KEY)
    print(table)


if __name__ == "__main__":
    main()
