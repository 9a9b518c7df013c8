"""The last lines of `make test`: which stages failed, and ONE line saying what was not tested.

    python scripts/test_summary.py build/test-summary.jsonl --failed " unit browser"

The file holds one JSON object per pytest run that skipped tests for a missing server
(written by tests/conftest.py): {"stage": ..., "missing": [[what, how, count, [problems]]]}.
Exit status: 1 when a stage failed (under CI=true a stage with such skips has failed), else 0.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Tuple


def not_tested_line(records: List[dict]) -> str:
    """'NOT TESTED: 98 tests needing PostgreSQL (unit 96, resilience 2; ...; to test: ...) | ...', or ''."""
    per_need: Dict[Tuple[str, str], Dict[str, int]] = defaultdict(lambda: defaultdict(int))
    problems: Dict[Tuple[str, str], List[str]] = defaultdict(list)
    for record in records:
        for what, how, count, reasons in record["missing"]:
            per_need[(what, how)][record["stage"]] += count
            problems[(what, how)] += [reason for reason in reasons if reason not in problems[(what, how)]]
    parts = []
    for (what, how), stages in sorted(per_need.items()):
        total = sum(stages.values())
        where = ", ".join(f"{stage} {count}" for stage, count in stages.items())
        parts.append(
            f"{total} test{'s' if total != 1 else ''} needing {what} ({where}: "
            f"{'; '.join(problems[(what, how)])}; to test: {how})"
        )
    return "NOT TESTED: " + " | ".join(parts) if parts else ""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("summary", type=Path)
    parser.add_argument("--failed", default="", help="the stages that failed, space separated")
    args = parser.parse_args()
    records = (
        [json.loads(line) for line in args.summary.read_text().splitlines() if line.strip()]
        if args.summary.exists()
        else []
    )
    failed = args.failed.split()
    print("==> summary")
    line = not_tested_line(records)
    if line:
        print(line)
        if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
            print("CI=true: every test must run here, so the stages with untested parts have failed.")
    if failed:
        print(f"FAILED stages: {', '.join(failed)} (scroll up to each '==> make test-<stage>')")
        return 1
    print("all stages passed" + (" (with the parts above not tested)" if line else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
