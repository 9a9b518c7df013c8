"""Understanding, measured on realistic messages never trained on (tests/realistic/).

    .venv/bin/python -m bench.understanding [--model models/current.tar.gz] [--write] [--tuning]

Parses every message of the realistic sets with the trained model (in process, Rasa's
Agent) and reports: intent accuracy and FAQ answer-key accuracy, the fallback rate on
in-scope messages, per-intent scores and the commonest confusions (tests/realistic/intents.yml);
what a situation is about (situations.yml); safeguarding recall on the disclosures bank
(safeguarding.yml) and the false-alarm rate on ordinary worried messages (ordinary.yml).
``--tuning`` reads tests/realistic/tuning/ instead: the only set thresholds are chosen on.
``--write`` puts the gate figures into docs/benchmarks.md (section "understanding").
The gates themselves are asserted by tests/model/test_understanding.py on the same code.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

import yaml

ROOT = Path(__file__).resolve().parents[1]
REALISTIC = ROOT / "tests" / "realistic"
# Labels the assistant does not answer as a question: a fallback on these is no failure.
NOT_IN_SCOPE = {"out_of_scope", "gibberish", "non_english", "insult"}
FALLBACK = "nlu_fallback"


def load_rows(name: str, key: str, tuning: bool = False) -> List[dict]:
    path = (REALISTIC / "tuning" if tuning else REALISTIC) / name
    return (yaml.safe_load(path.read_text()) or {}).get(key) or []


def parser_for(model: Path) -> Callable[[str], dict]:
    """A function text -> Rasa parse data, from the model file, in this process."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import logging

    import structlog
    from rasa.core.agent import Agent

    # One debug line per message from Rasa's processor would bury the report.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    logging.getLogger("rasa").setLevel(logging.WARNING)

    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()

    def parse(text: str) -> dict:
        return loop.run_until_complete(agent.parse_message(text))

    return parse


def predicted_label(parse: dict) -> str:
    """'faq:<topic>/<key>' for a FAQ answer, else the intent name."""
    intent = (parse.get("intent") or {}).get("name") or FALLBACK
    if intent.startswith("faq_"):
        selectors = parse.get("response_selector") or {}
        selected = (selectors.get(intent) or selectors.get("default") or {}).get("response") or {}
        key = selected.get("intent_response_key") or intent
        return "faq:" + key[len("faq_") :]
    return intent


def intent_of(label: str) -> str:
    return "faq_" + label[4:].split("/")[0] if label.startswith("faq:") else label


@dataclass
class IntentReport:
    total: int = 0
    intent_correct: int = 0
    answer_correct: int = 0
    in_scope: int = 0
    in_scope_fallbacks: int = 0
    per_intent: Dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    confusions: Counter = field(default_factory=Counter)
    misses: List[tuple] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        return self.intent_correct / max(self.total, 1)

    @property
    def answer_accuracy(self) -> float:
        return self.answer_correct / max(self.total, 1)

    @property
    def fallback_rate(self) -> float:
        return self.in_scope_fallbacks / max(self.in_scope, 1)


def evaluate_intents(parse: Callable[[str], dict], rows: Sequence[dict]) -> IntentReport:
    report = IntentReport()
    for row in rows:
        expected = row["intent"]
        result = parse(row["text"])
        got = predicted_label(result)
        want_intent, got_intent = intent_of(expected), intent_of(got)
        report.total += 1
        stats = report.per_intent[want_intent]
        stats["support"] += 1
        report.per_intent[got_intent]["predicted"] += 1
        if got_intent == want_intent:
            report.intent_correct += 1
            stats["correct"] += 1
        else:
            report.confusions[(want_intent, got_intent)] += 1
            report.misses.append(
                (row["text"], expected, got, round((result.get("intent") or {}).get("confidence", 0), 2))
            )
        if got == expected or (not expected.startswith("faq:") and got_intent == want_intent):
            report.answer_correct += 1
        if want_intent not in NOT_IN_SCOPE:
            report.in_scope += 1
            if got_intent == FALLBACK:
                report.in_scope_fallbacks += 1
    return report


# Issue 18 split two kinds off older ones (brief sections 6 and 7): an exclusion was
# labelled disability_discrimination and a council not yet deciding duties_not_carried_out.
# Sets written before the split keep the older label, so reading the finer kind is right.
REFINED_FROM = {"school_exclusion": "disability_discrimination", "no_decision_yet": "duties_not_carried_out"}


def evaluate_situations(parse: Callable[[str], dict], rows: Sequence[dict]) -> tuple:
    from bot.redress.conversation import about_from_text

    correct, misses = 0, []
    for row in rows:
        parsed = parse(row["text"])
        if "situation" in parsed:
            about = parsed["situation"].get("about")
        else:  # a model from before the situation classifier: the word patterns read it
            about = about_from_text(row["text"])
        if about == row["about"] or REFINED_FROM.get(about) == row["about"]:
            correct += 1
        else:
            misses.append((row["text"], row["about"], about))
    return correct / max(len(rows), 1), misses


def evaluate_safeguarding(parse: Callable[[str], dict], disclosures: Sequence[dict], ordinary: Sequence[dict]) -> dict:
    def flagged(text: str) -> bool:
        parsed = parse(text)
        if (parsed.get("intent") or {}).get("name") == "safeguarding_risk":
            return True
        if "safeguarding" not in parsed:
            # A model from before the detector: the input guard's word net applied too.
            from bot.safeguarding.words import looks_like_risk

            return looks_like_risk(text)
        return False

    missed = [row for row in disclosures if not flagged(row["text"])]
    alarms = [row for row in ordinary if flagged(row["text"])]
    return {
        "recall": 1 - len(missed) / max(len(disclosures), 1),
        "missed": missed,
        "false_alarm_rate": len(alarms) / max(len(ordinary), 1),
        "false_alarms": alarms,
        "disclosures": len(disclosures),
        "ordinary": len(ordinary),
    }


def markdown(report: IntentReport, situation_accuracy: float, safeguarding: dict, model: Path, label: str) -> str:
    lines = [
        f"Model `{model.name}` on {label}: {report.total} messages, {safeguarding['disclosures']} disclosures, "
        f"{safeguarding['ordinary']} ordinary messages.",
        "",
        "| measure | value | gate |",
        "|---|---|---|",
        f"| intent accuracy | {report.intent_accuracy:.3f} | >= 0.92 |",
        f"| FAQ answer and intent accuracy | {report.answer_accuracy:.3f} | |",
        f"| in-scope messages that fell back | {report.fallback_rate:.1%} | <= 5% |",
        f"| situation accuracy (what it is about) | {situation_accuracy:.3f} | >= 0.9 |",
        f"| disclosures escalated | {safeguarding['recall']:.1%} | 100% |",
        f"| false alarms on ordinary messages | {safeguarding['false_alarm_rate']:.1%} | <= 2% |",
        "",
        "| intent | support | recall | precision |",
        "|---|---|---|---|",
    ]
    for name, stats in sorted(report.per_intent.items()):
        if not stats["support"]:
            continue
        precision = stats["correct"] / stats["predicted"] if stats["predicted"] else float("nan")
        lines.append(f"| `{name}` | {stats['support']} | {stats['correct'] / stats['support']:.2f} | {precision:.2f} |")
    lines += [
        "",
        "Commonest confusions (expected -> predicted, count): "
        + ", ".join(f"`{a}` -> `{b}` {n}" for (a, b), n in report.confusions.most_common(10))
        + ".",
    ]
    return "\n".join(lines)


def run(model: Path, tuning: bool = False, parse: Optional[Callable[[str], dict]] = None) -> tuple:
    parse = parse or parser_for(model)
    report = evaluate_intents(parse, load_rows("intents.yml", "messages", tuning))
    situation_accuracy, situation_misses = evaluate_situations(parse, load_rows("situations.yml", "situations", tuning))
    safeguarding = evaluate_safeguarding(
        parse, load_rows("safeguarding.yml", "disclosures", tuning), load_rows("ordinary.yml", "ordinary", tuning)
    )
    return report, situation_accuracy, situation_misses, safeguarding


def train_at_commit(commit: str) -> Path:
    """Train the model of ``commit`` (config.yml, domain.yml, data/) in a temporary folder."""
    import subprocess
    import sys
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix=f"model-{commit}-"))
    archive = subprocess.run(
        ["git", "archive", commit, "config.yml", "domain.yml", "data"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    (folder / "build").symlink_to(ROOT / "build")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", TQDM_DISABLE="1", RASA_TELEMETRY_ENABLED="false")
    subprocess.run(
        [
            str(Path(sys.executable).parent / "rasa"),
            "train",
            "--quiet",
            "--config",
            "config.yml",
            "--domain",
            "domain.yml",
            "--data",
            "data",
            "--out",
            "models",
            "--fixed-model-name",
            commit,
        ],
        cwd=folder,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return folder / "models" / f"{commit}.tar.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "current.tar.gz")
    parser.add_argument("--tuning", action="store_true")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--misses", action="store_true", help="print every miss (tuning split only)")
    parser.add_argument(
        "--before-commit",
        metavar="COMMIT",
        help="train the model of an earlier commit (its config, domain and data) in a temporary "
        "folder and measure that, e.g. 8ec1abb, the last commit before the sentence encoder",
    )
    parser.add_argument(
        "--section",
        default="understanding",
        help="the docs/benchmarks.md section to write (e.g. understanding-before for an older model)",
    )
    args = parser.parse_args()
    started = time.time()
    if args.before_commit:
        args.model = train_at_commit(args.before_commit)
    report, situation_accuracy, situation_misses, safeguarding = run(args.model, args.tuning)
    label = (
        "the tuning split (tests/realistic/tuning/)" if args.tuning else "the realistic gate sets (tests/realistic/)"
    )
    text = markdown(report, situation_accuracy, safeguarding, args.model, label)
    print(text)
    print(f"({time.time() - started:.0f} s)")
    if args.misses:
        if not args.tuning:
            raise SystemExit("--misses is for the tuning split: a gate set is never used to tune anything")
        for miss in report.misses:
            print("INTENT", miss)
        for miss in situation_misses:
            print("SITUATION", miss)
        for row in safeguarding["missed"]:
            print("MISSED", row["category"], row["text"])
        for row in safeguarding["false_alarms"]:
            print("ALARM", row["text"])
    if args.write:
        from bench.doc_sections import write_section

        stamp = (
            f"\n\nMeasured {time.strftime('%Y-%m-%d')} with `.venv/bin/python -m bench.understanding --write` "
            "(the gates are asserted by `tests/model/test_understanding.py`)."
        )
        command = (
            "--write"
            + (f" --before-commit {args.before_commit}" if args.before_commit else "")
            + (f" --section {args.section}" if args.section != "understanding" else "")
        )
        write_section(text + stamp.replace("--write", command), key=args.section)


if __name__ == "__main__":
    main()
