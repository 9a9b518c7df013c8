"""Benchmark: how long `make test` takes, step by step (not part of `make bench`: about 20 minutes).

    .venv/bin/python -m bench.test_suite_time              (times every step of `make test`)
    .venv/bin/python -m bench.test_suite_time --retrain    (the model step trains from scratch, as on a fresh clone)

Runs the steps `make test` runs, in its order, each as `make <step>`, and writes their
times (and whether each passed) into docs/benchmarks.md between the `test-suite-time`
markers. CI allows 20 minutes for the whole of `make test`, training included.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import time
from typing import List, Tuple

from bench.services import ROOT
from bench.startup_and_training import write_section

SECTION = "test-suite-time"
MODEL = "models/current.tar.gz"
# `make test`'s recipe, in order (the Makefile's `test` target).
STEPS = ["setup", "test-unit", "test-data", MODEL, "test-model", "test-integration", "test-resilience", "test-browser"]
BUDGET_SECONDS = 20 * 60


def make_steps() -> List[str]:
    """The steps of `make test` as the Makefile has them now (the list above if it cannot be read)."""
    recipe = subprocess.run(["make", "-n", "-p", "test"], cwd=ROOT, capture_output=True, text=True).stdout
    lines = recipe.split("\ntest: ", 1)[-1].split("\n\n", 1)[0].splitlines()
    steps = ["setup"] if lines and "setup" in lines[0] else []
    for line in lines[1:]:
        parts = line.strip().split()
        if len(parts) == 2 and parts[0] == "$(MAKE)":
            steps.append(parts[1].replace("$(MODEL)", MODEL))
    return steps if len(steps) > 2 else STEPS


def time_step(step: str) -> Tuple[float, int]:
    started = time.perf_counter()
    code = subprocess.run(["make", step], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    return time.perf_counter() - started, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--retrain", action="store_true", help="remove the trained model first, so it is trained")
    args = parser.parse_args()
    if args.retrain and (ROOT / MODEL).exists():
        (ROOT / MODEL).unlink()
    rows, total, failed = [], 0.0, []
    for step in make_steps():
        seconds, code = time_step(step)
        total += seconds
        if code:
            failed.append(step)
        rows.append(f"| `make {step}` | {seconds / 60:.1f} min | {'passed' if code == 0 else f'FAILED ({code})'} |")
        print(rows[-1], flush=True)
    lines = [
        "| step of `make test` | time | result |",
        "|---|---|---|",
        *rows,
        f"| **all of `make test`** | **{total / 60:.1f} min** | "
        f"{'passed' if not failed else 'failed: ' + ', '.join(failed)} |",
        "",
        f"{total / BUDGET_SECONDS:.2f} of CI's 20-minute budget for `make test`"
        + (
            " (the model was trained in this run)."
            if args.retrain
            else " (the model step trains only when its inputs changed)."
        ),
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores, Python {platform.python_version()}, with "
        f"`.venv/bin/python -m bench.test_suite_time{' --retrain' if args.retrain else ''}` "
        "(not part of `make bench`).",
    ]
    write_section("\n".join(lines), key=SECTION)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
