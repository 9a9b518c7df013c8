"""Choose the safeguarding detector's thresholds on the tuning split (never on a gate set).

    .venv/bin/python -m bench.tune_safeguarding [--model models/current.tar.gz]

Parses tests/realistic/tuning/ (disclosures, ordinary messages, intents, situations) with the
trained model; the parse carries each signal of the detector (the words, the classifier's
scores of the whole message and of its best sentence). Prints the pairs of thresholds
with the best recall on the disclosures and the fewest false alarms on the ordinary and
other messages: put the first in config.yml (SafeguardingDetector threshold and
sentence_threshold).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from bench.understanding import ROOT, load_rows, parser_for

# The limit is 2% of ordinary messages; the tuning split's rate runs below what new
# writers' messages give (blind rounds 3-7 flagged 1.5-3.7% of their ordinary messages at
# thresholds where the tuning split flagged 1.2-1.7%), so thresholds keep a margin under it.
MAX_FALSE_ALARMS = 0.015


def signals(parse, texts):
    """(words fired, whole-message score, best sentence score) for each text."""
    rows = []
    for text in texts:
        found = parse(text).get("safeguarding") or {}
        rows.append(
            (
                "words" in (found.get("by") or []),
                float(found.get("whole_score") or 0.0),
                float(found.get("sentence_score") or 0.0),
            )
        )
    return rows


def flagged(rows, threshold, sentence_threshold):
    return np.array([w or whole >= threshold or sentence >= sentence_threshold for w, whole, sentence in rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "current.tar.gz")
    args = parser.parse_args()
    parse = parser_for(args.model)
    disclosures = signals(parse, [r["text"] for r in load_rows("safeguarding.yml", "disclosures", True)])
    ordinary = signals(parse, [r["text"] for r in load_rows("ordinary.yml", "ordinary", True)])
    others = signals(
        parse,
        [r["text"] for r in load_rows("intents.yml", "messages", True)]
        + [r["text"] for r in load_rows("situations.yml", "situations", True)],
    )
    candidates = []
    for threshold in np.arange(0.40, 1.0, 0.01):
        for sentence_threshold in np.arange(0.50, 1.0, 0.01):
            recall = flagged(disclosures, threshold, sentence_threshold).mean()
            alarms = flagged(ordinary, threshold, sentence_threshold).mean()
            other = flagged(others, threshold, sentence_threshold).mean()
            candidates.append((recall, -(alarms + other), threshold, sentence_threshold, alarms, other))
    # Every disclosure matters more than a false alarm, but a detector that interrupts one
    # worried parent in ten is not usable either: the most recall with at most
    # MAX_FALSE_ALARMS of ordinary messages flagged. On 2 December 2026 (Gaussian-kernel
    # SVM, figures of speech read plainly, the wider word net) the tuning split's frontier
    # was 99.1% at 0.8%, 99.8% at 1.2% (offline, the same features as the model).
    candidates = [c for c in candidates if c[4] <= MAX_FALSE_ALARMS] or candidates
    candidates.sort(reverse=True)
    print("| threshold (message) | threshold (sentence) | recall | false alarms (ordinary) | false alarms (other) |")
    print("|---|---|---|---|---|")
    for recall, _, threshold, sentence_threshold, alarms, other in candidates[:10]:
        print(f"| {threshold:.2f} | {sentence_threshold:.2f} | {recall:.3f} | {alarms:.3f} | {other:.3f} |")
    recall, _, threshold, sentence_threshold, alarms, other = candidates[0]
    print(
        f"\nChosen: threshold {threshold:.2f}, sentence_threshold {sentence_threshold:.2f}: recall {recall:.3f}, "
        f"false alarms {alarms:.3f} (ordinary), {other:.3f} (other messages)"
    )


if __name__ == "__main__":
    main()
