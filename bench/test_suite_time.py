"""Benchmark: how long CI's test run takes, stage by stage (not part of `make bench`).

    python3 -m bench.test_suite_time                          (runs `bash .ci/run` once: lint, then `make test`)
    python3 -m bench.test_suite_time --command "make test"    (times another command the same way)
    python3 -m bench.test_suite_time --no-write               (prints the table; leaves docs/benchmarks.md alone)

Standard library only, so it runs in a fresh clone before `.venv` exists (then the run's
set-up creates it, as on CI). It runs the command once from this checkout, streams its
output to the console and to build/test-suite-time.log with each line's time since the
start, and reads the times from that output:

- each stage: from its "==> make test-<stage>" line to the next stage's line (or to
  "==> summary", or the end of the run), with the last pytest summary line inside it;
- training: from the "training the model beside the first stages" line to when
  models/current.tar.gz changes (its mtime, polled while the run goes on); it runs beside
  the first stages, so its time is not added to theirs;
- set-up and lint: everything before the first stage (services, `make lint`, `make setup`).

Writes the table into docs/benchmarks.md between the `test-suite-time` markers. It takes
about as long as CI's run and uses both cores: run nothing else heavy beside it.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shlex
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable, List, Optional, Sequence, Tuple

from bench.doc_sections import ROOT, write_section

SECTION = "test-suite-time"
DEFAULT_COMMAND = "bash .ci/run"
MODEL = ROOT / "models" / "current.tar.gz"
LOG = ROOT / "build" / "test-suite-time.log"
BUDGET_MINUTES = 30  # CI's limit for `make test`, training included

STAGE_LINE = re.compile(r"^==> make test-(?P<stage>[\w-]+)\s*$")
SUMMARY_LINE = re.compile(r"^==> summary\b")
TRAINING_LINE = re.compile(r"^==> training the model beside")
TRAINING_DONE_LINE = re.compile(r"^==> (?P<outcome>the model is trained|training failed)")
FAILED_STAGES_LINE = re.compile(r"^FAILED stages: (?P<stages>[^(]*)")
NOT_TESTED_LINE = re.compile(r"^NOT TESTED: ")
_OUTCOME = r"\d+ (?:passed|failed|skipped|deselected|xfailed|xpassed|errors?|warnings?|rerun)"
# pytest's last line, with or without -q's missing '=' padding: "804 passed, 3 skipped in 150.2s (0:02:30)".
PYTEST_SUMMARY = re.compile(
    rf"^=*\s*(?P<counts>(?:{_OUTCOME})(?:, {_OUTCOME})*|no tests ran) in [\d.]+\s*s(?:econds)?\b.*?=*\s*$"
)
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

Line = Tuple[float, str]  # seconds since the start of the run, the line (no newline)


@dataclass
class Stage:
    name: str
    started: float
    ended: float = 0.0
    pytest: str = ""  # the last pytest summary inside the stage, e.g. "804 passed, 3 skipped"

    @property
    def seconds(self) -> float:
        return self.ended - self.started


@dataclass
class Run:
    total: float
    stages: List[Stage] = field(default_factory=list)
    setup_seconds: float = 0.0  # before the first stage
    training_started: Optional[float] = None  # None: the model was up to date
    training_ended: Optional[float] = None
    training_outcome: str = ""  # "trained", "failed" or "" (not seen)
    failed_stages: List[str] = field(default_factory=list)
    not_tested: str = ""

    @property
    def training_seconds(self) -> Optional[float]:
        if self.training_started is None or self.training_ended is None:
            return None
        return self.training_ended - self.training_started

    def beside_training(self) -> List[str]:
        """The stages that ran (at least partly) while the model was being trained."""
        if self.training_started is None:
            return []
        until = self.training_ended if self.training_ended is not None else self.total
        return [s.name for s in self.stages if s.started < until and s.ended > self.training_started]


def parse(lines: Iterable[Line], total: float, model_changes: Sequence[float] = ()) -> Run:
    """Times of a run from its timestamped output; model_changes: when (seconds since the
    start) models/current.tar.gz was seen with a new mtime."""
    run = Run(total=total)
    current: Optional[Stage] = None
    done_line: Optional[float] = None
    first_stage: Optional[float] = None
    for at, raw in lines:
        text = ANSI.sub("", raw).strip()
        stage, summary = STAGE_LINE.match(text), SUMMARY_LINE.match(text)
        if stage or summary:
            if current is not None:
                current.ended = at
                current = None
            if stage:
                current = Stage(stage["stage"], at)
                run.stages.append(current)
                first_stage = at if first_stage is None else first_stage
            continue
        if TRAINING_LINE.match(text):
            run.training_started = at
        elif done := TRAINING_DONE_LINE.match(text):
            done_line = at
            run.training_outcome = "trained" if done["outcome"] == "the model is trained" else "failed"
        elif failed := FAILED_STAGES_LINE.match(text):
            run.failed_stages = [name.strip() for name in failed["stages"].split(",") if name.strip()]
        elif NOT_TESTED_LINE.match(text):
            run.not_tested = text
        elif current is not None and (result := PYTEST_SUMMARY.match(text)):
            current.pytest = result["counts"]
    if current is not None:
        current.ended = total
    run.setup_seconds = first_stage if first_stage is not None else total
    if run.training_started is not None:
        after = [at for at in model_changes if at >= run.training_started]
        if after:
            run.training_ended = min(after)
            run.training_outcome = run.training_outcome or "trained"
        elif run.training_outcome == "trained":
            run.training_ended = done_line  # an upper bound: when the first later stage stopped waiting for it
    return run


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"


def _stage_result(stage: Stage, run: Run) -> str:
    failed = stage.name in run.failed_stages
    if stage.pytest:
        return f"{stage.pytest}" + (" (stage FAILED)" if failed else "")
    return "FAILED" if failed else "no pytest summary seen"


def report(run: Run, command: str, exit_code: int, invocation: str) -> str:
    rows = [
        "| part of the run | time | result |",
        "|---|---|---|",
        f"| before the first stage: services, lint, set-up (`.venv`, install, migrations) | "
        f"{_minutes(run.setup_seconds)} | |",
    ]
    beside = run.beside_training()
    if run.training_started is None:
        rows.append("| training the model | none | the model was up to date |")
    else:
        took = run.training_seconds
        rows.append(
            "| training the model, beside "
            + (", ".join(f"`make test-{name}`" for name in beside) or "the first stages")
            + f" | {_minutes(took) if took is not None else 'not finished'} | "
            + (run.training_outcome or "not seen to finish")
            + " |"
        )
    for stage in run.stages:
        rows.append(f"| `make test-{stage.name}` | {_minutes(stage.seconds)} | {_stage_result(stage, run)} |")
    outcome = "passed" if exit_code == 0 else f"FAILED (exit {exit_code})"
    if run.failed_stages:
        outcome += ": " + ", ".join(run.failed_stages)
    rows.append(f"| **all of `{command}`** | **{_minutes(run.total)}** | {outcome} |")
    notes = [
        "",
        f"Wall clock from start to end: {run.total / (BUDGET_MINUTES * 60):.2f} of the {BUDGET_MINUTES} minutes CI "
        "allows for `make test` (training included); the total also counts what runs before `make test` "
        "(lint, services), so it errs on the long side. Training is not added to the stages beside it: "
        "the stages after them wait for the model.",
    ]
    if run.not_tested:
        notes.append(f"Skipped in this run for a missing server: {run.not_tested}")
    notes.append(
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"with `{invocation}` (runs `{command}` once from this checkout; per stage: from its "
        "'==> make test-<stage>' line to the next; log: build/test-suite-time.log; not part of `make bench`)."
    )
    return "\n".join(rows + notes)


class ModelWatch:
    """Polls models/current.tar.gz's mtime; records each new one as seconds since `start_wall`."""

    def __init__(self, path: Path, start_wall: float, interval: float = 1.0) -> None:
        self.path, self.start_wall, self.interval = path, start_wall, interval
        self.changes: List[float] = []
        self._stop = threading.Event()
        self._last = self._mtime()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _mtime(self) -> Optional[float]:
        try:
            return self.path.stat().st_mtime
        except OSError:
            return None

    def _check(self) -> None:
        mtime = self._mtime()
        if mtime is not None and mtime != self._last:
            self.changes.append(mtime - self.start_wall)
            self._last = mtime

    def _poll(self) -> None:
        while not self._stop.wait(self.interval):
            self._check()

    def __enter__(self) -> "ModelWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._check()


def run_command(command: str, log: Path, console: IO[str] = sys.stdout) -> Tuple[List[Line], float, int, List[float]]:
    """Runs the command from the checkout; returns its timestamped lines, its wall-clock
    seconds, its exit code and when the model changed."""
    log.parent.mkdir(parents=True, exist_ok=True)
    lines: List[Line] = []
    env = dict(os.environ, PYTHONUNBUFFERED="1")  # lines as they happen, not when a buffer fills
    start_wall, start = time.time(), time.monotonic()
    with open(log, "w") as out, ModelWatch(MODEL, start_wall) as watch:
        out.write(f"# {command} (from {ROOT}), started {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        process = subprocess.Popen(
            command,
            shell=True,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            bufsize=1,
        )
        assert process.stdout is not None
        for raw in process.stdout:
            at = time.monotonic() - start
            text = raw.rstrip("\n")
            lines.append((at, text))
            stamped = f"[{at:7.1f} s] {text}\n"
            console.write(stamped)
            console.flush()
            out.write(stamped)
            out.flush()
        code = process.wait()
        total = time.monotonic() - start
        out.write(f"# exit {code} after {total:.1f} s\n")
    return lines, total, code, watch.changes


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--command", default=DEFAULT_COMMAND, help=f"what to run and time (default: {DEFAULT_COMMAND})")
    parser.add_argument("--no-write", action="store_true", help="print the table; leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)
    invocation = "python3 -m bench.test_suite_time" + (
        f" --command {shlex.quote(args.command)}" if args.command != DEFAULT_COMMAND else ""
    )
    lines, total, code, model_changes = run_command(args.command, LOG)
    text = report(parse(lines, total, model_changes), args.command, code, invocation)
    print("\n" + text)
    if not args.no_write:
        write_section(text, key=SECTION)
        print(f"(written into docs/benchmarks.md, section {SECTION})")
    return code


if __name__ == "__main__":
    sys.exit(main())
