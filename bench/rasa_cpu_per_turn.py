"""Rasa-process CPU per parsed message, before and after a change to the NLU code, with a
parity check: the two must understand every tuning message the same way.

    flock /tmp/heavy.lock .venv/bin/python -m bench.rasa_cpu_per_turn [--before REV] [--write]

The "before" code is the ``bot/`` package at git revision REV (default: the commit before
the per-message CPU work of issue 14), copied read-only with ``git archive`` into a
temporary directory; the "after" code is the working tree. Each side runs in its own
process: it loads models/current.tar.gz (Rasa's Agent, in process, as bench/understanding.py
does), parses every message of tests/realistic/tuning/*.yml once (never the gate sets) and
records the CPU time of the process (all its threads: ``time.process_time``) for each
message, and what it understood.

Parity (asserted; the script exits 1 otherwise): for every message the same intent, FAQ
answer key, entities, safeguarding category and signals, and situation; the intent
confidence, every intent ranking confidence, the safeguarding scores and the situation
confidence within 1e-4. ``--write`` puts the figures into docs/benchmarks.md between the
``rasa-cpu`` markers. Units: milliseconds of CPU per message.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parents[1]
TUNING = ROOT / "tests" / "realistic" / "tuning"
# The last commit before the changes that cut the NLU's CPU per message (issue 14).
BEFORE = "638c4f3"
TOLERANCE = 1e-4
WARM_UP = ["hello", "my son's ehcp has been refused. what can i do? he is 9 and autistic."]


def tuning_texts() -> List[str]:
    """Every message of the tuning split, in file order (duplicates kept once)."""
    import yaml

    texts: List[str] = []
    for path in sorted(TUNING.glob("*.yml")):
        for rows in (yaml.safe_load(path.read_text()) or {}).values():
            texts.extend(row["text"] for row in rows or [] if isinstance(row, dict) and row.get("text"))
    return list(dict.fromkeys(texts))


def understood(parse: dict) -> dict:
    """What a parse says, in the terms the parity check compares."""
    selector = ((parse.get("response_selector") or {}).get("default") or {}).get("response") or {}
    return {
        "intent": (parse.get("intent") or {}).get("name"),
        "confidence": (parse.get("intent") or {}).get("confidence"),
        "ranking": [[r.get("name"), r.get("confidence")] for r in parse.get("intent_ranking") or []],
        "answer": selector.get("intent_response_key"),
        "entities": sorted(
            [e.get("entity"), str(e.get("value")), e.get("start"), e.get("end")] for e in parse.get("entities") or []
        ),
        "safeguarding": parse.get("safeguarding"),
        "situation": parse.get("situation"),
    }


def child(code: Path, out: Path) -> None:
    """Parse every tuning message with the ``bot`` package found in ``code``; write the results."""
    sys.path.insert(0, str(code))
    from bench.understanding import parser_for

    parse = parser_for(ROOT / "models" / "current.tar.gz")
    import bot.nlp.components as components

    assert Path(components.__file__).resolve().is_relative_to(code.resolve()), components.__file__
    for text in WARM_UP:
        parse(text)
    results: Dict[str, dict] = {}
    cpu: List[float] = []
    for text in tuning_texts():
        started = time.process_time()
        parsed = parse(text)
        cpu.append(1000 * (time.process_time() - started))
        results[text] = understood(parsed)
    out.write_text(json.dumps({"cpu_ms": cpu, "results": results}))


def run_side(code: Path, out: Path) -> dict:
    subprocess.run(
        [sys.executable, "-m", "bench.rasa_cpu_per_turn", "--child", str(code), "--out", str(out)],
        cwd=ROOT,
        check=True,
    )
    return json.loads(out.read_text())


def differences(before: dict, after: dict) -> List[str]:
    """Every way the two sides' understanding of the same messages differs (empty: parity)."""
    found: List[str] = []

    def close(a, b) -> bool:
        return (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= TOLERANCE)

    for text, old in before.items():
        new = after.get(text)
        if new is None:
            found.append(f"not parsed after: {text!r}")
            continue
        for key in ("intent", "answer", "entities"):
            if old[key] != new[key]:
                found.append(f"{key} {old[key]!r} -> {new[key]!r}: {text!r}")
        if not close(old["confidence"], new["confidence"]):
            found.append(f"confidence {old['confidence']} -> {new['confidence']}: {text!r}")
        if [n for n, _ in old["ranking"]] != [n for n, _ in new["ranking"]] or not all(
            close(a, b) for (_, a), (_, b) in zip(old["ranking"], new["ranking"])
        ):
            found.append(f"intent ranking differs: {text!r}")
        old_s, new_s = old["safeguarding"] or {}, new["safeguarding"] or {}
        if old_s.keys() != new_s.keys():
            found.append(f"safeguarding keys differ: {text!r}")
        for key, value in old_s.items():
            other = new_s.get(key)
            same = close(value, other) if isinstance(value, float) else value == other
            if not same:
                found.append(f"safeguarding {key} {value!r} -> {other!r}: {text!r}")
        old_t, new_t = old["situation"] or {}, new["situation"] or {}
        if old_t.get("about") != new_t.get("about") or not close(old_t.get("confidence"), new_t.get("confidence")):
            found.append(f"situation {old_t.get('about')} -> {new_t.get('about')}: {text!r}")
        if not close(old_t.get("describes"), new_t.get("describes")):
            found.append(f"situation describes {old_t.get('describes')} -> {new_t.get('describes')}: {text!r}")
    return found


def extract(revision: str, directory: Path) -> Path:
    """The ``bot`` package at ``revision`` under ``directory`` (git archive: the working tree is untouched)."""
    archive = subprocess.run(["git", "archive", revision, "bot"], cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(directory)
    return directory


def summary(cpu: List[float]) -> str:
    return f"{statistics.median(cpu):.1f} | {statistics.fmean(cpu):.1f} | {sorted(cpu)[int(0.95 * len(cpu))]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", default=BEFORE, help="git revision of the code to compare with")
    parser.add_argument("--write", action="store_true", help="write the figures into docs/benchmarks.md")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.out)
        return
    with tempfile.TemporaryDirectory(prefix="bench-rasa-cpu-") as tmp:
        work = Path(tmp)
        old_code = extract(args.before, work / "before")
        before = run_side(old_code, work / "before.json")
        after = run_side(ROOT, work / "after.json")
    found = differences(before["results"], after["results"])
    for line in found[:20]:
        print("PARITY:", line)
    messages = len(before["results"])
    table = "\n".join(
        [
            "## Rasa CPU per parsed message (issue 14)",
            "",
            f"`flock /tmp/heavy.lock .venv/bin/python -m bench.rasa_cpu_per_turn --write`, "
            f"{time.strftime('%d %B %Y', time.gmtime())}: the trained model (models/current.tar.gz) parsing "
            f"each of the {messages} distinct messages of tests/realistic/tuning/*.yml once, in one process "
            "(Rasa's Agent); CPU of the whole process (all threads) per message, on this machine's 2 cores. "
            f"Before: the `bot/` code at {args.before}; after: the working tree.",
            "",
            "| code | p50 ms | mean ms | p95 ms |",
            "|---|---|---|---|",
            f"| before ({args.before}) | {summary(before['cpu_ms'])} |",
            f"| after | {summary(after['cpu_ms'])} |",
            "",
            (
                f"Parity: every message understood the same (intent, FAQ answer key, entities, safeguarding "
                f"category and signals, situation; confidences and scores within {TOLERANCE:g})."
                if not found
                else f"Parity FAILED on {len(found)} points."
            ),
        ]
    )
    print(table)
    if args.write and not found:
        from bench.doc_sections import write_section

        write_section(table, "rasa-cpu")
    if found:
        sys.exit(1)


if __name__ == "__main__":
    main()
