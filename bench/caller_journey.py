"""Benchmark: the caller's journey on the phone line, before and after issue 19.

    flock /tmp/heavy.lock .venv/bin/python -m bench.caller_journey [--before COMMIT] [--previous COMMIT]

For five common questions, and for the walk to a mediation certificate, a scripted
caller rings the line and says or presses what a caller would, pressing 1 ("go on")
whenever the line offers more, until the whole answer (or the certificate) has been
heard. Counted: the caller's turns after the greeting, and the seconds of speech the
line says from the greeting to the end of the answer (words at 150 a minute, plus
<Pause> lengths: about what Twilio's neural voices take). An answer made for the ear
ends with the offer to text its details and sources: the journey ends there (the
caller has their answer; the written one is a "yes" away).

"After" is this tree: the product as `python -m bot.supervisor` runs it, on its own ports
and a throw-away SQLite database, texts never sent (the outbox worker is off). "Before"
(default: the commit the issue measured) and "previous" (default: the last commit
before answers were made for the ear) are those commits' web apps, unpacked (git archive)
into temporary folders and run with the same virtual environment against the same Rasa
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

from bench.doc_sections import write_section
from bench.services import ROOT, Server, product_env, product_ready, supervisor
from telephony import texts

BEFORE = "9dcc3e6"  # the tree issue 19 measured (Architecture, step 10)
PREVIOUS = "ae5359f"  # the last tree before answers were made for the ear (spoken versions, details by text)
PORTS = {"RASA_PORT": "21405", "ACTION_SERVER_PORT": "21455", "WEB_PORT": "21480"}
BEFORE_WEB_PORT = "21481"
PREVIOUS_WEB_PORT = "21482"
OFFER = "Shall I text you the details and sources?"
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

    @property
    def offered_details(self) -> bool:
        return any(OFFER in text for text in self.heard)

    @property
    def answer_seconds(self) -> float:
        """The seconds of speech without the offer of the details (its words and the pause before it)."""
        return self.seconds - (len(texts.OFFER_TEXT.split()) / WORDS_PER_SECOND + 1 if self.offered_details else 0)


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


def _old_web(commit: str, env: Dict[str, str], workdir: Path, port: str) -> Server:
    """The web app of `commit` on `port`, with its own database, against this tree's Rasa."""
    tree = workdir / f"tree-{commit}"
    tree.mkdir()
    archive = subprocess.run(["git", "archive", "--format=tar", commit], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    old_env = dict(
        env,
        WEB_PORT=port,
        PUBLIC_BASE_URL=f"http://localhost:{port}",
        DATABASE_URL=f"sqlite:///{workdir / f'{commit}.db'}",
        RASA_URL=f"http://127.0.0.1:{env['RASA_PORT']}",
    )
    subprocess.run(
        [sys.executable, "-m", "bot.database", "upgrade"],
        cwd=tree,
        env=old_env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return Server(
        [sys.executable, "-m", "uvicorn", "bot.app:app", "--host", "127.0.0.1", "--port", port, "--no-access-log"],
        old_env,
        cwd=tree,
        log=workdir / f"web-{commit}.log",
    )


def table(runs: Dict[str, Dict[str, Journey]]) -> str:
    """runs: {commit or "now": {journey label: Journey}}, oldest first."""

    def cell(journey: Journey) -> str:
        return f"{journey.turns}" + ("" if journey.reached else " (not reached)")

    names = list(runs)
    after = runs[names[-1]]
    offered = [label for label, journey in after.items() if journey.offered_details]
    lines = [
        f"Caller journey (bench/caller_journey.py, {dt.date.today().isoformat()}): the caller's turns after "
        f"the greeting and the seconds of speech the line says, from the greeting to the end of the answer "
        f'(words at {WORDS_PER_SECOND * 60:.0f} a minute plus pauses; every "go on" is a turn). Columns: '
        f"the web app of {names[0]} (what issue 19 measured), of {names[1]} (before answers were made for the "
        "ear) and this tree; same trained model, Rasa and action servers. Since the greeting names the keypad "
        "options and 'press 0 for a person' in its one turn, every call starts a few seconds longer; answers "
        "no longer read their legal citations, and a question ends its turn (no 'go on' after 'Is that "
        "right?'). Now an answer is its spoken version (at most 3 sentences, no citations) ending with "
        f"'{OFFER}' (yes texts the written answer with its sources); the journey ends at that offer "
        f"({len(offered)} of {len(after)} journeys end so); the last column is that speech without the "
        "offer itself.",
        "",
        "| journey | "
        + " | ".join(f"turns {name}" for name in names)
        + " | "
        + " | ".join(f"speech {name} (s)" for name in names)
        + " | speech now, answer only (s) |",
        "|---|" + "---:|" * (2 * len(names) + 1),
    ]
    for label in after:
        turns = [cell(runs[name][label]) for name in names]
        seconds = [f"{runs[name][label].seconds:.0f}" for name in names]
        lines.append(
            f"| {label} | "
            + " | ".join(turns)
            + " | "
            + " | ".join(seconds)
            + f" | {after[label].answer_seconds:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", default=BEFORE, help="the commit whose phone line is 'before'")
    parser.add_argument("--previous", default=PREVIOUS, help="a later commit to compare too")
    parser.add_argument("--print-only", action="store_true", help="print the table; do not write docs/benchmarks.md")
    args = parser.parse_args()
    runs: Dict[str, Dict[str, Journey]] = {}
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
            for commit, port in ((args.before, BEFORE_WEB_PORT), (args.previous, PREVIOUS_WEB_PORT)):
                with _old_web(commit, env, workdir, port) as old:
                    old.start(lambda port=port: _ready(port), timeout=120)
                    runs[commit] = measure(Line(port))
    runs["now"] = after
    text = table(runs)
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
