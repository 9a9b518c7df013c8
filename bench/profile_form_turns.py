"""Where the action server spends its time on form turns: cProfile on the action server
while a Rasa server plays route checks and appeals to it (the form turns of bench/load.py).

    flock /tmp/heavy.lock .venv/bin/python -m bench.profile_form_turns [--conversations 6] [--top 25]

Starts `python -m cProfile -m actions.server` and the product's Rasa server (trained model,
its own SQLite file, ports 21205/21255), sends the conversations one after the other over
the REST channel, stops the action server with SIGINT (so cProfile writes its figures) and
prints the functions that used the most time, this project's own first. Nothing is written
to docs/: it is a tool for finding waste, not a figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import pstats
import re
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from bench.load import appeal_turns, route_check_turns
from bench.services import ROOT, Server, get_ok, product_env

PORTS = {"RASA_PORT": "21205", "ACTION_SERVER_PORT": "21255", "WEB_PORT": "21280"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=6, help="route checks and appeals, alternately")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        work = Path(tmp)
        env = product_env(work / "profile.db", PORTS)
        env["ACTION_SERVER_URL"] = f"http://127.0.0.1:{PORTS['ACTION_SERVER_PORT']}/webhook"
        from bot import database

        database.upgrade(env["DATABASE_URL"])
        profile = work / "actions.prof"
        actions = Server(
            [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "actions.server"],
            env,
            log=work / "actions.log",
        )
        rasa_url = f"http://127.0.0.1:{PORTS['RASA_PORT']}"
        rasa = Server(
            [
                sys.executable,
                "-m",
                "bot.conversations.rasa_server",
                "--model",
                str(ROOT / "models" / "current.tar.gz"),
                "--endpoints",
                "endpoints.yml",
                "--credentials",
                "credentials.yml",
                "--interface",
                "127.0.0.1",
                "--port",
                PORTS["RASA_PORT"],
            ],
            env,
            log=work / "rasa.log",
        )
        with actions, rasa:
            actions.start(lambda: get_ok(f"http://127.0.0.1:{PORTS['ACTION_SERVER_PORT']}/health"))
            rasa.start(lambda: get_ok(f"{rasa_url}/status", token=env["RASA_TOKEN"]))
            today = dt.date.today()
            turns, started = 0, time.perf_counter()
            for number in range(args.conversations):
                script = route_check_turns(today) if number % 2 == 0 else appeal_turns(today)
                sender = f"profile-{number}-{uuid.uuid4().hex[:6]}"
                for text in script:
                    response = httpx.post(
                        f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
                    )
                    response.raise_for_status()
                    turns += 1
            elapsed = time.perf_counter() - started
            assert actions.process is not None
            actions.process.send_signal(signal.SIGINT)
            actions.process.wait(timeout=60)
        print(f"{turns} form turns in {elapsed:.1f} s ({1000 * elapsed / turns:.0f} ms a turn, Rasa included)")
        stats = pstats.Stats(str(profile))
        stats.sort_stats("cumulative").print_stats(rf"{re.escape(str(ROOT))}/(bot|actions)/", args.top)
        stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
