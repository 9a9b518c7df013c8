"""Benchmark: full training time and time from `python -m bot.supervisor` to /health green.

    make bench            (or: .venv/bin/python -m bench.startup_and_training --runs 3)

Writes the results table into docs/benchmarks.md between the markers for this benchmark.
Runs on its own ports and a throw-away SQLite database, so `make run` can stay up.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.doc_sections import write_section
from bench.services import ROOT, product_env, product_ready, supervisor

SECTION = "startup-and-training"
STARTUP_TIMEOUT = 300
ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", TQDM_DISABLE="1", SQLALCHEMY_SILENCE_UBER_WARNING="1")


def time_full_training(out_dir: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).parent / "rasa"),
            "train",
            "--force",
            "--config",
            "config.yml",
            "--domain",
            "domain.yml",
            "--data",
            "data",
            "--out",
            str(out_dir),
            "--fixed-model-name",
            "bench",
        ],
        cwd=ROOT,
        env=ENV,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


# Ports of its own in 21000-21999 (bench/load.py uses others), so `make run` can stay up.
STARTUP_PORTS = {"RASA_PORT": "21205", "ACTION_SERVER_PORT": "21255", "WEB_PORT": "21280"}


def time_to_health_green(model: Path, database: Path) -> float:
    env = product_env(database, STARTUP_PORTS, MODEL_PATH=str(model))
    with supervisor(env) as server:
        return server.start(product_ready(env), timeout=STARTUP_TIMEOUT)


def time_noop_setup() -> float:
    """`make setup` when nothing changed: every step should be skipped."""
    started = time.perf_counter()
    subprocess.run(["make", "-s", "setup"], cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    noops = [time_noop_setup() for _ in range(args.runs)]
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        trainings = [time_full_training(tmp_path) for _ in range(max(1, args.runs // 2))]
        model = tmp_path / "bench.tar.gz"
        startups = [time_to_health_green(model, tmp_path / f"bench{i}.db") for i in range(args.runs)]
    cores = os.cpu_count()
    table = "\n".join(
        [
            "| measure | runs | p50 | max |",
            "|---|---|---|---|",
            f"| full training (`rasa train --force`) | {len(trainings)} | "
            f"{statistics.median(trainings):.0f} s | {max(trainings):.0f} s |",
            f"| start to `/health` green (supervisor, trained model) | {len(startups)} | "
            f"{statistics.median(startups):.1f} s | {max(startups):.1f} s |",
            f"| `make setup` when nothing changed | {len(noops)} | "
            f"{statistics.median(noops):.1f} s | {max(noops):.1f} s |",
            "",
            f"Startup is {statistics.median(startups) / statistics.median(trainings):.2f} "
            "of a full training (p50 ratio).",
            f"Measured {time.strftime('%Y-%m-%d')} on {cores} cores, Python {platform.python_version()}, with "
            f"`.venv/bin/python -m bench.startup_and_training --runs {args.runs}` (`make bench`).",
        ]
    )
    write_section(table, key=SECTION)
    print(table)


if __name__ == "__main__":
    main()
