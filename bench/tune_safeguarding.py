"""Choose the safeguarding detector's thresholds on the tuning split (never on a gate set).

    .venv/bin/python -m bench.tune_safeguarding [--model models/current.tar.gz]

Parses tests/realistic/tuning/ (disclosures, ordinary messages, intents, situations) with the
trained model; the parse carries each signal of the detector (the words, the classifier's
score, the model's safeguarding intent confidence). Prints, for each pair of thresholds,
recall on the disclosures and false alarms on the ordinary and other messages, and the pair
with every tuning disclosure caught and the fewest false alarms: put it in config.yml
(SafeguardingDetector threshold and intent_threshold).
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from bench.understanding import ROOT, load_rows, parser_for


def signals(parse, texts):
    rows = []
    for text in texts:
        found = parse(text).get("safeguarding") or {}
        rows.append(("words" in (found.get("by") or []), float(found.get("classifier_score") or 0.0),
                     float(found.get("intent_confidence") or 0.0)))
    return rows


def flagged(rows, threshold, intent_threshold):
    return np.array([w or c >= threshold or i >= intent_threshold for w, c, i in rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "current.tar.gz")
    args = parser.parse_args()
    parse = parser_for(args.model)
    disclosures = signals(parse, [r["text"] for r in load_rows("safeguarding.yml", "disclosures", True)])
    ordinary = signals(parse, [r["text"] for r in load_rows("ordinary.yml", "ordinary", True)])
    others = signals(parse, [r["text"] for r in load_rows("intents.yml", "messages", True)]
                     + [r["text"] for r in load_rows("situations.yml", "situations", True)])
    best = None
    print("| threshold | intent threshold | recall | false alarms (ordinary) | false alarms (other messages) |")
    print("|---|---|---|---|---|")
    for intent_threshold in (0.8, 0.9, 0.95, 0.99, 1.01):
        for threshold in np.arange(0.30, 0.96, 0.025):
            recall = flagged(disclosures, threshold, intent_threshold).mean()
            alarms = flagged(ordinary, threshold, intent_threshold).mean()
            other = flagged(others, threshold, intent_threshold).mean()
            if round(threshold, 3) in (0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
                print(f"| {threshold:.2f} | {intent_threshold:.2f} | {recall:.3f} | {alarms:.3f} | {other:.3f} |")
            key = (recall, -(alarms + other))
            if best is None or key > best[0]:
                best = (key, threshold, intent_threshold, recall, alarms, other)
    _, threshold, intent_threshold, recall, alarms, other = best
    print(f"\nChosen: threshold {threshold:.3f}, intent_threshold {intent_threshold:.2f}: recall {recall:.3f}, "
          f"false alarms {alarms:.3f} (ordinary), {other:.3f} (other messages)")


if __name__ == "__main__":
    main()
