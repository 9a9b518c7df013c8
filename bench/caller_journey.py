"""Benchmark: the caller's journey on the phone line, before and after issue 19.

    flock /tmp/heavy.lock .venv/bin/python -m bench.caller_journey [--before COMMIT]

For five common questions, and for the walk to a mediation certificate, a scripted
caller rings the line and says or presses what a caller would, pressing 1 ("go on")
whenever the line offers more, until the whole answer (or the certificate) has been
heard. Counted: the caller's turns after the greeting, and the seconds of speech the
line says from the greeting to the end of the answer (words at 150 a minute, plus
<Pause> lengths: about what Twilio's neural voices take).

"After" is this tree: the product as `python -m bot.supervisor` runs it, on its own ports
and a throw-away SQLite database, texts never sent (the outbox worker is off). "Before"
is the web app of COMMIT (default: the commit the issue measured), unpacked (git archive)
into a temporary folder and run with the same virtual environment against the same Rasa
and action servers, so only the phone line differs. Writes the table into
docs/benchmarks.md between the caller-journey markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Tuple

import httpx
from twilio.request_validator import RequestValidator

from bench.services import ROOT, Server, product_env, product_ready, supervisor
from bench.startup_and_training import write_section

BEFORE = "9dcc3e6"  # the tree issue 19 measured (Architecture, step 10)
PORTS = {"RASA_PORT": "21405", "ACTION_SERVER_PORT": "21455", "WEB_PORT": "21480"}
BEFORE_WEB_PORT = "21481"
AUTH_TOKEN = "caller-journey-token"
WORDS_PER_SECOND = 2.5
MAX_GO_ON = 25

QUESTIONS: Tuple[Tuple[str, str], ...] = (
    ("What is mediation?", "what is mediation"),
    ("Do I need a mediation certificate to appeal?", "do I need a mediation certificate before I can appeal"),
    ("How long do I have to appeal?", "how long do I have to appeal to the tribunal"),
    ("What is disagreement resolution?", "what is disagreement resolution"),
    ("How do I complain about the council?", "how do I complain about the council"),
)


def _speech(text: str) -> Dict[str, str]:
    return {"SpeechResult": text, "Confidence": "0.9", "Language": "en-GB"}


def certificate_walk() -> List[Dict[str, str]]:
    """As tests/integration/test_phone_line.py: a parent who wants to appeal and takes a certificate."""
    letter = dt.date.today() - dt.timedelta(days=12)
    return [
        _speech("I'd like to appeal against the council's decision"),
        {"Digits": "1"},
        _speech("they refused to reassess my daughter"),
        _speech("Medway"),
        _speech("she is fourteen"),
        _speech(f"the letter was dated {letter.day} {letter.strftime('%B')}"),
        {"Digits": "1"},
        _speech("yeah that's all right"),
        {"Digits": "2"},
        _speech("Alex Morgan"),
        _speech("Riley Morgan"),
        {"Digits": "1"},
    ]


@dataclass
class Journey:
    turns: int = 0
    seconds: float = 0.0
    reached: bool = True
    heard: List[str] = field(default_factory=list)


class Line:
    """A web app reached the way Twilio reaches it: signed form posts to its public URL."""

    def __init__(self, port: str) -> None:
        self.public = f"http://localhost:{port}"
        self.local = f"http://127.0.0.1:{port}"
        self.client = httpx.Client(timeout=30)

    def post(self, url: str, params: Dict[str, str]) -> ET.Element:
        signature = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
        response = self.client.post(
            url.replace(self.public, self.local, 1), data=params, headers={"X-Twilio-Signature": signature}
        )
        response.raise_for_status()
        return ET.fromstring(response.text)

    @staticmethod
    def next_url(root: ET.Element, public: str) -> str:
        gather = root.find("Gather")
        if gather is not None:
            return gather.get("action")
        redirect = root.find("Redirect")
        return redirect.text if redirect is not None else f"{public}/telephony/voice?step=turn"

    @staticmethod
    def seconds(root: ET.Element) -> float:
        words = sum(len((say.text or "").split()) for say in root.iter("Say"))
        pauses = sum(int(pause.get("length") or 1) for pause in root.iter("Pause"))
        return words / WORDS_PER_SECOND + pauses

    def call(self, inputs: List[Dict[str, str]]) -> Journey:
        call = {
            "AccountSid": "AC" + "0" * 32,
            "ApiVersion": "2010-04-01",
            "CallSid": "CA" + uuid.uuid4().hex,
            "CallStatus": "in-progress",
            "Direction": "inbound",
            "From": "+447700900456",
            "Caller": "+447700900456",
            "To": "+441632960000",
            "Called": "+441632960000",
        }
        journey = Journey()
        root = self.post(f"{self.public}/telephony/voice", call)
        journey.seconds += self.seconds(root)
        for given in inputs:
            root = self.post(self.next_url(root, self.public), dict(call, **given))
            journey.turns += 1
            journey.seconds += self.seconds(root)
            journey.heard.append(" ".join(say.text or "" for say in root.iter("Say")))
            for _ in range(MAX_GO_ON):  # the rest of a long answer: "go on", press 1
                if "step=more" not in self.next_url(root, self.public):
                    break
                root = self.post(self.next_url(root, self.public), dict(call, Digits="1"))
                journey.turns += 1
                journey.seconds += self.seconds(root)
                journey.heard.append(" ".join(say.text or "" for say in root.iter("Say")))
            if root.find("Gather") is None:
                break
        return journey


def measure(line: Line) -> Dict[str, Journey]:
    results = {label: line.call([_speech(text)]) for label, text in QUESTIONS}
    certificate = line.call(certificate_walk())
    certificate.reached = any("issued your mediation certificate" in text for text in certificate.heard)
    results["To a mediation certificate"] = certificate
    return results


def _before_web(commit: str, env: Dict[str, str], workdir: Path) -> Server:
    tree = workdir / "before"
    tree.mkdir()
    archive = subprocess.run(["git", "archive", "--format=tar", commit], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    before_env = dict(
        env,
        WEB_PORT=BEFORE_WEB_PORT,
        PUBLIC_BASE_URL=f"http://localhost:{BEFORE_WEB_PORT}",
        DATABASE_URL=f"sqlite:///{workdir / 'before.db'}",
        RASA_URL=f"http://127.0.0.1:{env['RASA_PORT']}",
    )
    subprocess.run(
        [sys.executable, "-m", "bot.database", "upgrade"],
        cwd=tree,
        env=before_env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return Server(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bot.app:app",
            "--host",
            "127.0.0.1",
            "--port",
            BEFORE_WEB_PORT,
            "--no-access-log",
        ],
        before_env,
        cwd=tree,
        log=workdir / "before-web.log",
    )


def table(before: Dict[str, Journey], after: Dict[str, Journey], commit: str) -> str:
    def cell(journey: Journey) -> Tuple[str, str]:
        mark = "" if journey.reached else " (not reached)"
        return f"{journey.turns}{mark}", f"{journey.seconds:.0f}"

    lines = [
        f"Caller journey (bench/caller_journey.py, {dt.date.today().isoformat()}): the caller's turns after "
        f"the greeting and the seconds of speech the line says, from the greeting to the end of the answer "
        f'(words at {WORDS_PER_SECOND * 60:.0f} a minute plus pauses; every "go on" is a turn). Before: '
        f"the web app of {commit}; after: this tree; same trained model, Rasa and action servers. "
        "After, the greeting names the keypad options and 'press 0 for a person' in its one turn (before, "
        "they came only after a 'Shall I go on?'), so every call starts a few seconds longer; answers no "
        "longer read their legal citations, and a question ends its turn (no 'go on' after 'Is that right?').",
        "",
        "| journey | turns before | turns after | speech before (s) | speech after (s) |",
        "|---|---:|---:|---:|---:|",
    ]
    for label in after:
        turns_before, seconds_before = cell(before[label])
        turns_after, seconds_after = cell(after[label])
        lines.append(f"| {label} | {turns_before} | {turns_after} | {seconds_before} | {seconds_after} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", default=BEFORE, help="the commit whose phone line is 'before'")
    parser.add_argument("--print-only", action="store_true", help="print the table; do not write docs/benchmarks.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = product_env(
            workdir / "after.db",
            PORTS,
            TWILIO_AUTH_TOKEN=AUTH_TOKEN,
            OUTBOX_WORKER_ENABLED="false",
            TWILIO_VALIDATE_SIGNATURES="true",
            RETENTION_JOB_HOURS="0",
        )
        with supervisor(env, log=workdir / "after.log") as server:
            server.start(product_ready(env), timeout=600)
            after = measure(Line(PORTS["WEB_PORT"]))
            with _before_web(args.before, env, workdir) as old:
                old.start(lambda: _ready(BEFORE_WEB_PORT), timeout=120)
                before = measure(Line(BEFORE_WEB_PORT))
    text = table(before, after, args.before)
    print(text)
    if not args.print_only:
        write_section(text, key="caller-journey")


def _ready(port: str) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    main()
