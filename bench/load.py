"""Benchmark: latency, throughput, errors and memory under many concurrent conversations.

    make bench
    .venv/bin/python -m bench.load                       (the full run: 20 at once)
    .venv/bin/python -m bench.load --concurrency 5 --conversations 1 --turns 6 --no-write   (a quick look)

In one run, on this machine:
1. a stock `rasa init --no-prompt` assistant is created and trained in a temporary
   directory (never committed) and served with `rasa run`; `--concurrency` simulated
   people each hold `--conversations` conversations of `--turns` turns with it over the
   REST channel, using its own greet/mood phrasings;
2. the product is started as a user starts it (`python -m bot.supervisor`) on its own
   SQLite file, with Twilio signatures checked, the outbox worker off and the chat and
   SMS rate limits off; the same harness plays the same number of conversations of the
   same length over the REST channel: FAQ questions (phrasings from data/nlu/), the
   route check answered turn by turn with a correction, and "I want to appeal" through
   the mediation information to an issued certificate;
3. the same number of callers phone the voice webhook (/telephony/voice), every request
   signed as Twilio signs it, each call following the TwiML it gets (pressing 1 to hear
   the rest of a long answer), through FAQ questions, the route check, or an appeal to a
   certificate read out.
   The callers first arrive spread evenly over one caller pause (independent calls do not
   reach the line at the same millisecond), then again all at the same instant, the worst
   case: with the same pause after every answer they stay in step, 20 webhooks at once.
A chat turn is sent as soon as the previous answer arrives (no time to read or type):
the worst case for 20 people at once. A call's next webhook comes --caller-pause
seconds after the previous answer (the quickest a caller can barge in and speak). Peak memory of
each process is read from /proc while the load runs. The figures go into docs/benchmarks.md between the `load` markers.

Errors: a transport error or timeout, a status other than 200, an empty answer, or (on
the phone) TwiML without speech or the line's "having trouble answering" apology.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Awaitable, Callable, Dict, List, Optional, Sequence, Tuple

import httpx
import yaml

from bench.doc_sections import write_section
from bench.services import (
    QUIET_ENV,
    ROOT,
    Server,
    cpu_seconds,
    process_tree,
    product_env,
    product_ready,
    status_kib,
    supervisor,
    supervisor_parts,
)

# Every port this benchmark listens on is in 21000-21999.
PRODUCT_PORTS = {"RASA_PORT": "21005", "ACTION_SERVER_PORT": "21055", "WEB_PORT": "21800"}
STOCK_PORT = 21105
TWILIO_TOKEN = "bench-twilio-auth-token"
REST_TIMEOUT = 30.0
VOICE_TIMEOUT = 15.0  # Twilio gives up on a webhook after 15 s
# The quickest a caller can answer: barge-in cuts the line's speech short, then a short
# utterance and Twilio's end-of-speech detection. Twilio cannot post the next turn of a
# call sooner, so 20 calls at once never send 20 webhooks back to back.
CALLER_PAUSE = 2.0
SECTION = "load"
TARGET_CHAT_RATIO = 1.5
TARGET_VOICE_P95_MS = 400.0


# --- what people say ------------------------------------------------------------
def nlu_examples(files: Sequence[Path]) -> Dict[str, List[str]]:
    """{intent: [examples]} from Rasa NLU YAML files (entity annotations removed)."""
    examples: Dict[str, List[str]] = {}
    for path in files:
        for item in (yaml.safe_load(path.read_text()) or {}).get("nlu") or []:
            if "intent" in item and item.get("examples"):
                raw = item["examples"]
                if isinstance(raw, list):  # examples with metadata: a list of {text, metadata}
                    lines = [str(entry.get("text", "")).strip() for entry in raw if isinstance(entry, dict)]
                else:
                    lines = [line.strip()[2:].strip() for line in raw.splitlines() if line.strip().startswith("- ")]
                lines = [
                    re.sub(r"\[([^\]]+)\]\([^)]+\)|\[([^\]]+)\]\{[^}]+\}", lambda m: m.group(1) or m.group(2), line)
                    for line in lines
                ]
                examples.setdefault(item["intent"], []).extend(lines)
    return examples


def _slash_date(day: dt.date) -> str:
    return f"{day.day}/{day.month}/{day.year % 100:02d}"


def route_check_turns(today: dt.date) -> List[str]:
    """As tests/integration/test_route_check.py: every question, a correction midway, a changed date."""
    first, right = today - dt.timedelta(days=40), today - dt.timedelta(days=33)
    return [
        "can you check my deadlines",
        "I'm his mum",
        "they refused to do an EHC needs assessment",
        "Kent",
        "he's 9",
        "sorry, actually it's Surrey not Kent",
        f"the letter was dated {_slash_date(first)}",
        "No, no certificate yet",
        f"no, the letter was dated {right.day} {right.strftime('%B')}",
        "yes that's right",
    ]


def appeal_turns(today: dt.date) -> List[str]:
    """As tests/integration/test_mediation_advice.py: 'I want to appeal', the information, a certificate."""
    letter = today - dt.timedelta(days=20)
    return [
        "I want to appeal",
        "I'm his dad",
        "they won't do an EHC needs assessment",
        "Kent",
        "he's 11",
        f"the letter was dated {letter.day} {letter.strftime('%B %Y')}",
        "No, no certificate yet",
        "yes that's right",
        "no, I don't want mediation, please issue my certificate",
        "my name is jo bloggs",
        "Sam Bloggs",
        "yes that's right",
    ]


class Phrasebook:
    """Conversations of exactly `turns` turns for the product and for the stock assistant."""

    KINDS = ("faq", "route_check", "appeal")
    # Person p's conversation n is MIX[(p + n) % 4]: questions in half the conversations, a
    # form (the route check, or an appeal to a certificate) in the other half, so about half
    # of all turns are form turns (the route check's two closing questions are not).
    MIX = ("route_check", "faq", "appeal", "faq")
    # The stock assistant's stories and rules: greet, mood, did that help, bot challenge, goodbye.
    STOCK_PATTERN = ("greet", "mood_unhappy", "deny", "bot_challenge", "greet", "mood_great", "affirm", "goodbye")

    def __init__(self, turns: int, seed: int, stock_nlu: Optional[Path] = None) -> None:
        self.turns = turns
        self.random = random.Random(seed)
        ours = nlu_examples(sorted((ROOT / "data" / "nlu").glob("*.yml")))
        self.faq = [
            text
            for intent, texts in sorted(ours.items())
            if intent.startswith("faq_") or intent == "ask_staffed_hours"
            for text in texts
        ]
        self.greet = ours["greet"]
        self.thanks = ours["thanks"]
        self.stock = nlu_examples([stock_nlu]) if stock_nlu else {}

    def _fill(self, script: List[str]) -> List[str]:
        while len(script) < self.turns:
            script.append(self.random.choice(self.faq))
        return script[: self.turns]

    def ours(self, kind: str) -> List[str]:
        today = dt.date.today()
        if kind == "route_check":
            return self._fill(route_check_turns(today))
        if kind == "appeal":
            return self._fill(appeal_turns(today))
        script = [self.random.choice(self.greet)]
        script = self._fill(script)
        script[-1] = self.random.choice(self.thanks)
        return script

    @staticmethod
    def form_turns(kind: str) -> int:
        """How many of a conversation's first turns are form turns (the rest are questions)."""
        today = dt.date.today()
        return {"route_check": len(route_check_turns(today)), "appeal": len(appeal_turns(today))}.get(kind, 0)

    def kind(self, person: int, number: int) -> str:
        return self.MIX[(person + number) % len(self.MIX)]

    def stock_turns(self) -> List[str]:
        pattern = [self.STOCK_PATTERN[i % len(self.STOCK_PATTERN)] for i in range(self.turns)]
        return [self.random.choice(self.stock[intent]) for intent in pattern]


# --- measuring ------------------------------------------------------------------
@dataclass
class Results:
    latencies: List[float] = field(default_factory=list)  # seconds, one per turn
    form_latencies: List[float] = field(default_factory=list)  # the form turns' among them
    errors: Counter = field(default_factory=Counter)
    wall: float = 0.0
    conversations: int = 0

    @property
    def turns(self) -> int:
        return len(self.latencies) + sum(self.errors.values())

    def percentile(self, p: float, forms_only: bool = False) -> float:
        """Nearest-rank percentile in milliseconds (of the form turns only, with `forms_only`)."""
        ordered = sorted(self.form_latencies if forms_only else self.latencies)
        if not ordered:
            return float("nan")
        rank = max(1, int(-(-p * len(ordered) // 100)))
        return ordered[rank - 1] * 1000

    @property
    def throughput(self) -> float:
        return self.turns / self.wall if self.wall else 0.0


class MemoryWatch:
    """Peak RSS (summed over each process's tree) sampled while the load runs, VmHWM, and
    the CPU time each used meanwhile (steady on a busy machine, unlike wall-clock times)."""

    def __init__(self, processes: Dict[str, int], every: float = 0.25) -> None:
        self.processes, self.every = processes, every
        self.trees = {name: process_tree(pid) for name, pid in processes.items()}  # fixed while the load runs
        self.peak_rss: Dict[str, int] = {name: 0 for name in processes}
        self._task: Optional[asyncio.Task] = None

    def sample(self) -> None:
        for name, tree in self.trees.items():
            rss = sum(status_kib(member, "VmRSS") for member in tree)
            self.peak_rss[name] = max(self.peak_rss[name], rss)

    async def _run(self) -> None:
        while True:
            await asyncio.to_thread(self.sample)
            await asyncio.sleep(self.every)

    def cpu(self) -> Dict[str, float]:
        return {name: sum(cpu_seconds(member) for member in tree) for name, tree in self.trees.items()}

    def __enter__(self) -> "MemoryWatch":
        self.cpu_used = self.cpu()
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *_exc) -> None:
        assert self._task
        self._task.cancel()
        self.sample()
        self.cpu_used = {name: used - self.cpu_used[name] for name, used in self.cpu().items()}
        # Peak resident size over each process's whole life (start-up and model load included).
        self.hwm = {name: sum(status_kib(member, "VmHWM") for member in tree) for name, tree in self.trees.items()}


async def timed(results: Results, send: Callable[[], Awaitable[Optional[str]]], form: bool = False) -> None:
    """One turn: `send` returns None when it went well, else the kind of error."""
    started = time.perf_counter()
    try:
        error = await send()
    except httpx.TimeoutException:
        error = "timeout"
    except httpx.HTTPError as exc:
        error = type(exc).__name__
    elapsed = time.perf_counter() - started
    if error:
        results.errors[error] += 1
    else:
        results.latencies.append(elapsed)
        if form:
            results.form_latencies.append(elapsed)


async def run_load(
    people: int,
    conversation: Callable[[int, int], Awaitable[None]],
    per_person: int,
    results: Results,
    arrival: float = 0.0,
) -> Results:
    """`people` at once, each holding `per_person` conversations one after the other.

    ``arrival`` (seconds): the people start evenly spread over it (0: all at the same instant)."""

    async def person(index: int) -> None:
        await asyncio.sleep(arrival * index / people)
        for number in range(per_person):
            await conversation(index, number)
            results.conversations += 1

    started = time.perf_counter()
    await asyncio.gather(*(person(index) for index in range(people)))
    results.wall = time.perf_counter() - started
    return results


# --- the REST channel -------------------------------------------------------------
def rest_conversation(
    client: httpx.AsyncClient,
    base_urls: Sequence[str],
    scripts: Callable[[int, int], List[str]],
    results: Results,
    prefix: str,
    form_turns: Callable[[int, int], int] = lambda person, number: 0,
) -> Callable[[int, int], Awaitable[None]]:
    """Conversations over the REST channel; with several servers each turn goes to the one
    the web app would send it to (bot.conversations.rasa_client.ServerLoad: the least busy)."""
    from bot.conversations.rasa_client import ServerLoad

    load = ServerLoad()

    async def conversation(person: int, number: int) -> None:
        sender = f"{prefix}-{person}-{number}-{uuid.uuid4().hex[:6]}"
        forms = form_turns(person, number)
        for index, text in enumerate(scripts(person, number)):

            async def send(text: str = text) -> Optional[str]:
                base_url = load.order(sender, base_urls)[0]
                with load.busy(base_url):
                    response = await client.post(
                        f"{base_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
                    )
                if response.status_code != 200:
                    return f"HTTP {response.status_code}"
                return None if response.json() else "empty answer"

            await timed(results, send, form=index < forms)

    return conversation


# --- the phone line -----------------------------------------------------------------
class Caller:
    """Plays Twilio: posts form-encoded, signed requests to the public URL, follows the TwiML."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        public_base_url: str,
        local_base_url: str,
        results: Results,
        pause: float = CALLER_PAUSE,
    ) -> None:
        from twilio.request_validator import RequestValidator

        self.client, self.public, self.local, self.results = client, public_base_url, local_base_url, results
        self.pause = pause
        self.validator = RequestValidator(TWILIO_TOKEN)

    async def post(self, url: str, params: Dict[str, str]) -> Optional[ET.Element]:
        """One webhook request, timed; the TwiML, or None when it failed."""
        await asyncio.sleep(self.pause)
        signature = self.validator.compute_signature(url, params)
        local = url.replace(self.public, self.local, 1)
        root: List[ET.Element] = []

        async def send() -> Optional[str]:
            response = await self.client.post(local, data=params, headers={"X-Twilio-Signature": signature})
            if response.status_code != 200:
                return f"HTTP {response.status_code}"
            try:
                twiml = ET.fromstring(response.text)
            except ET.ParseError:
                return "not TwiML"
            said = " ".join(say.text or "" for say in twiml.iter("Say"))
            if not said:
                return "nothing said"
            if "having trouble answering" in said:
                return "assistant did not answer"
            root.append(twiml)
            return None

        await timed(self.results, send)
        return root[0] if root else None

    async def call(self, said: Sequence[Dict[str, str]]) -> None:
        call = {
            "CallSid": "CA" + uuid.uuid4().hex,
            "AccountSid": "AC" + "0" * 32,
            "From": "+447700900123",
            "To": "+441632960000",
            "CallStatus": "in-progress",
            "Direction": "inbound",
        }
        root = await self.post(f"{self.public}/telephony/voice", call)
        for params in said:
            root = await self.post(self._action(root), dict(call, **params))
            # A long answer comes in parts: the caller presses 1 to hear the rest.
            while root is not None and "step=more" in self._action(root):
                root = await self.post(self._action(root), dict(call, Digits="1"))
            if root is None or root.find("Gather") is None:
                return  # a failed turn (counted) or the call ended: the caller hangs up

    def _action(self, root: Optional[ET.Element]) -> str:
        gather = root.find("Gather") if root is not None else None
        return gather.get("action") if gather is not None else f"{self.public}/telephony/voice?step=turn"


def _speech(text: str) -> Dict[str, str]:
    return {"SpeechResult": text, "Confidence": "0.9"}


def voice_calls(book: Phrasebook) -> Dict[str, List[Dict[str, str]]]:
    """As tests/integration/test_phone_line.py: questions, the route check by voice and keypad, an appeal."""
    today = dt.date.today()
    letter = today - dt.timedelta(days=12)
    route = route_check_turns(today)
    faq = [_speech(book.random.choice(book.faq)) for _ in range(book.turns - 1)]
    return {
        "faq": faq,
        "route_check": [_speech(route[0]), {"Digits": "1"}] + [_speech(text) for text in route[2:]],
        "appeal": [
            _speech("I want to appeal the council's decision"),
            {"Digits": "1"},
            _speech("they refused to reassess my daughter"),
            _speech("Medway"),
            _speech("she is fourteen"),
            _speech(f"the letter was dated {letter.day} {letter.strftime('%B')}"),
            {"Digits": "1"},
            _speech("yes that's right"),
            {"Digits": "2"},
            _speech("Alex Morgan"),
            _speech("Riley Morgan"),
            {"Digits": "1"},
        ],
    }


# --- the runs ---------------------------------------------------------------------
@dataclass
class Measured:
    results: Results
    memory: Dict[str, Tuple[int, int]]  # name: (peak RSS during the load, VmHWM), KiB
    cpu: Dict[str, float]  # name: CPU seconds used during the load

    def cpu_ms_per_turn(self, name: str) -> float:
        return 1000 * self.cpu[name] / max(1, self.results.turns)


async def measure(
    processes: Dict[str, int],
    people: int,
    per_person: int,
    make_conversation: Callable[[httpx.AsyncClient, Results], Callable[[int, int], Awaitable[None]]],
    timeout: float,
    warm_up: bool = True,
    arrival: float = 0.0,
    servers: int = 1,
) -> Measured:
    results = Results()
    limits = httpx.Limits(max_connections=people * 2, max_keepalive_connections=people * 2)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        if warm_up:
            # One conversation per Rasa server first, at once (each turn to the least busy, so
            # every server takes some), not counted: models and caches warm up on the first turns.
            conversation = make_conversation(client, Results())
            await asyncio.gather(*(conversation(index, -1) for index in range(servers)))
        with MemoryWatch(processes) as memory:
            await run_load(people, make_conversation(client, results), per_person, results, arrival)
    return Measured(results, {name: (memory.peak_rss[name], memory.hwm[name]) for name in processes}, memory.cpu_used)


def stock_assistant(workdir: Path, log: Path, reuse: Optional[str]) -> Tuple[Server, Path, float]:
    """`rasa init --no-prompt` (which trains it) in `workdir`, then `rasa run` on STOCK_PORT."""
    rasa = str(Path(sys.executable).parent / "rasa")
    env = dict(os.environ, **QUIET_ENV)
    project, trained = workdir / "stock", float("nan")
    if reuse:  # development runs only: a project an earlier `rasa init --no-prompt` made and trained
        project = Path(reuse).resolve()
    else:
        project.mkdir()
        started = time.perf_counter()
        with open(log, "w") as output:
            subprocess.run(
                [rasa, "init", "--no-prompt", "--init-dir", str(project)],
                cwd=workdir,
                env=env,
                check=True,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        trained = time.perf_counter() - started
    server = Server(
        [rasa, "run", "--model", "models", "--interface", "127.0.0.1", "--port", str(STOCK_PORT), "--enable-api"],
        env,
        cwd=project,
        log=workdir / "stock-run.log",
    )
    return server, project, trained


def stock_ready() -> bool:
    try:
        status = httpx.get(f"http://127.0.0.1:{STOCK_PORT}/status", timeout=2)
        return status.status_code == 200 and bool(status.json().get("model_file"))
    except (httpx.HTTPError, ValueError):
        return False


async def run_stock(workdir: Path, book: Phrasebook, args) -> Tuple[Measured, float]:
    server, project, trained = await asyncio.to_thread(
        stock_assistant, workdir, workdir / "stock-init.log", args.stock_project
    )
    book.stock = nlu_examples([project / "data" / "nlu.yml"])
    with server:
        await asyncio.to_thread(server.start, stock_ready)
        base_url = f"http://127.0.0.1:{STOCK_PORT}"
        make = lambda client, results: rest_conversation(  # noqa: E731
            client, [base_url], lambda person, number: book.stock_turns(), results, "stock"
        )
        measured = await measure(
            {"Rasa server (stock)": server.process.pid}, args.concurrency, args.conversations, make, REST_TIMEOUT
        )
    return measured, trained


@dataclass
class Product:
    """One run of the product: `servers` Rasa servers, its chat and phone measurements."""

    servers: int
    chat: Measured
    voice: Measured  # callers arriving spread over one caller pause, as independent calls do
    voice_together: Measured  # every caller's first webhook at the same instant: the worst case

    @property
    def rasa(self) -> List[str]:
        return [name for name in self.chat.memory if name.startswith("Rasa server")]

    def rasa_cpu_ms_per_turn(self, measured: Measured) -> float:
        return sum(measured.cpu_ms_per_turn(name) for name in self.rasa)

    def rasa_peak_rss(self) -> int:
        """KiB: the Rasa servers' peak RSS under the chat load, summed."""
        return sum(self.chat.memory[name][0] for name in self.rasa)


async def run_product(workdir: Path, book: Phrasebook, args, servers: int = 1) -> Product:
    database = workdir / f"bench-load-{servers}.db"
    env = product_env(
        database,
        PRODUCT_PORTS,
        TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
        TWILIO_ACCOUNT_SID="",
        TWILIO_API_BASE_URL="",
        TWILIO_VALIDATE_SIGNATURES="true",
        OUTBOX_WORKER_ENABLED="false",
        CHAT_RATE_LIMIT="0",
        SMS_RATE_LIMIT="0",
        MEDIATOR_NUMBERS="",
        RASA_SERVERS=str(servers),
    )
    if servers > 1:
        env["REDIS_URL"] = args.redis_url  # several Rasa servers share conversation locks in Redis
    if args.model:
        env["MODEL_PATH"] = str(Path(args.model).resolve())
    with supervisor(env, log=workdir / f"product-{servers}.log") as server:
        await asyncio.to_thread(server.start, product_ready(env))
        names = {"actions": "action server", "web": "web app", "rasa": "Rasa server"}
        processes = {
            names.get(part, part.replace("rasa-", "Rasa server ")): pid
            for part, pid in supervisor_parts(server.process.pid).items()
        }
        rasa_urls = [f"http://127.0.0.1:{int(env['RASA_PORT']) + index}" for index in range(servers)]
        make_chat = lambda client, results: rest_conversation(  # noqa: E731
            client,
            rasa_urls,
            lambda person, number: book.ours(book.kind(person, number)),
            results,
            f"bench{servers}",
            lambda person, number: book.form_turns(book.kind(person, number)),
        )
        chat = await measure(processes, args.concurrency, args.conversations, make_chat, REST_TIMEOUT, servers=servers)

        calls = voice_calls(book)
        public, local = env["PUBLIC_BASE_URL"], f"http://127.0.0.1:{env['WEB_PORT']}"

        def make_voice(client: httpx.AsyncClient, results: Results) -> Callable[[int, int], Awaitable[None]]:
            caller = Caller(client, public, local, results, pause=args.caller_pause)
            return lambda person, number: caller.call(calls[book.kind(person, number)])

        # The chat load has warmed the same Rasa servers. Callers first arrive as independent
        # calls do (spread over one caller pause), then all at the same instant, which keeps
        # them in step: 20 webhooks at once, every 2 s.
        voice = await measure(
            processes, args.concurrency, args.conversations, make_voice, VOICE_TIMEOUT, False, args.caller_pause
        )
        together = await measure(processes, args.concurrency, args.conversations, make_voice, VOICE_TIMEOUT, False)
    return Product(servers, chat, voice, together)


# --- the report -----------------------------------------------------------------------
def _mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


def _errors(results: Results) -> str:
    if not results.errors:
        return "0"
    return (
        f"{sum(results.errors.values())} (" + ", ".join(f"{n} {kind}" for kind, n in results.errors.most_common()) + ")"
    )


def _servers(count: int) -> str:
    return f"{count} Rasa server{'s' if count != 1 else ''}"


def report(stock: Measured, trained: float, products: List[Product], args, command: str) -> str:
    s = stock.results
    stock_name = "Rasa server (stock)"
    heads = [_servers(product.servers) for product in products]
    form_share = [len(p.chat.results.form_latencies) / max(1, len(p.chat.results.latencies)) for p in products]

    def chat_row(label: str, stock_cell: str, cells: List[str], ratios: List[str]) -> str:
        return f"| {label} | {stock_cell} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |"

    lines = [
        f"{args.concurrency} conversations at once, each person holding {args.conversations} conversations of "
        f"{args.turns} turns one after the other, every turn sent as soon as the answer to the previous one arrives. "
        f"This assistant's conversations alternate questions with a form (the route check, an appeal to a "
        f"certificate): {100 * form_share[0]:.0f}% of its turns are form turns. The product runs with "
        + " and then with ".join(heads)
        + " (more than one: Rasa's Redis lock store, each conversation to the server the web app would pick).",
        "",
        "| chat, REST channel (per turn) | stock `rasa init` | "
        + " | ".join(heads)
        + " | "
        + " | ".join(f"{head} / stock" for head in heads)
        + " |",
        "|---|---|" + "---|" * (2 * len(products)),
    ]
    for p in (50, 95, 99):
        values = [product.chat.results.percentile(p) for product in products]
        lines.append(
            chat_row(
                f"p{p}",
                f"{s.percentile(p):.0f} ms",
                [f"{v:.0f} ms" for v in values],
                [f"{v / s.percentile(p):.2f}" for v in values],
            )
        )
    forms = [product.chat.results.percentile(95, forms_only=True) for product in products]
    lines += [
        chat_row(
            "p95 of the form turns", "", [f"{v:.0f} ms" for v in forms], [f"{v / s.percentile(95):.2f}" for v in forms]
        ),
        chat_row(
            "throughput",
            f"{s.throughput:.1f} turns/s",
            [f"{product.chat.results.throughput:.1f} turns/s" for product in products],
            [f"{product.chat.results.throughput / s.throughput:.2f}" for product in products],
        ),
        chat_row(
            "turns / conversations",
            f"{s.turns} / {s.conversations}",
            [f"{product.chat.results.turns} / {product.chat.results.conversations}" for product in products],
            ["" for _ in products],
        ),
        chat_row("errors", _errors(s), [_errors(product.chat.results) for product in products], ["" for _ in products]),
        chat_row(
            "Rasa CPU per turn (all its servers)",
            f"{stock.cpu_ms_per_turn(stock_name):.0f} ms",
            [f"{product.rasa_cpu_ms_per_turn(product.chat):.0f} ms" for product in products],
            [
                f"{product.rasa_cpu_ms_per_turn(product.chat) / stock.cpu_ms_per_turn(stock_name):.2f}"
                for product in products
            ],
        ),
        chat_row(
            "Rasa memory: peak RSS under load, all its servers (VmHWM of each)",
            f"{_mib(stock.memory[stock_name][0])} ({_mib(stock.memory[stock_name][1])})",
            [
                f"{_mib(product.rasa_peak_rss())} ("
                + ", ".join(_mib(product.chat.memory[name][1]) for name in product.rasa)
                + ")"
                for product in products
            ],
            [f"{product.rasa_peak_rss() / stock.memory[stock_name][0]:.2f}" for product in products],
        ),
        "",
        "| phone line, signed `/telephony/voice` webhooks "
        f"(per request; {args.caller_pause:g} s caller pause) | " + " | ".join(heads) + " |",
        "|---|" + "---|" * len(products),
        f"| p50 / p95 / p99, callers arriving over {args.caller_pause:g} s | "
        + " | ".join(
            f"{v.percentile(50):.0f} / {v.percentile(95):.0f} / {v.percentile(99):.0f} ms"
            for v in (product.voice.results for product in products)
        )
        + " |",
        "| p50 / p95 / p99, every caller at the same instant (worst case) | "
        + " | ".join(
            f"{v.percentile(50):.0f} / {v.percentile(95):.0f} / {v.percentile(99):.0f} ms"
            for v in (product.voice_together.results for product in products)
        )
        + " |",
        "| throughput | " + " | ".join(f"{p.voice.results.throughput:.1f} requests/s" for p in products) + " |",
        "| requests / calls | "
        + " | ".join(f"{p.voice.results.turns} / {p.voice.results.conversations}" for p in products)
        + " |",
        "| errors (spread, at once) | "
        + " | ".join(f"{_errors(p.voice.results)}, {_errors(p.voice_together.results)}" for p in products)
        + " |",
        "",
        "| process (this assistant) | peak RSS, chat load | peak RSS, phone load | VmHWM at the end "
        "| CPU per chat turn | CPU per phone request |",
        "|---|---|---|---|---|---|",
    ]
    for product in products:
        chat, voice = product.chat, product.voice
        for name in chat.memory:
            lines.append(
                f"| {name} ({_servers(product.servers)}) | {_mib(chat.memory[name][0])} | "
                f"{_mib(voice.memory[name][0])} | {_mib(voice.memory[name][1])} | "
                f"{chat.cpu_ms_per_turn(name):.0f} ms | {voice.cpu_ms_per_turn(name):.0f} ms |"
            )
    met = lambda ok: "**met**" if ok else "**missed**"  # noqa: E731
    best = products[-1]  # the most servers measured
    ratio = best.chat.results.percentile(95) / s.percentile(95)
    voice_p95 = best.voice.results.percentile(95)
    total_errors = sum(
        sum(p.chat.results.errors.values())
        + sum(p.voice.results.errors.values())
        + sum(p.voice_together.results.errors.values())
        for p in products
    )
    lines += [
        "",
        f"| target (2 cores, 20 at once; {_servers(best.servers)}) | result | |",
        "|---|---|---|",
        f"| chat turn p95 at most {TARGET_CHAT_RATIO}x the stock assistant's | {ratio:.2f}x | "
        f"{met(ratio <= TARGET_CHAT_RATIO)} |",
        f"| voice webhook p95 under {TARGET_VOICE_P95_MS:.0f} ms (callers arriving over {args.caller_pause:g} s) "
        f"| {voice_p95:.0f} ms | "
        f"{met(voice_p95 < TARGET_VOICE_P95_MS)} |",
        f"| zero errors (this assistant, chat and phone, every run) | {total_errors} | {met(total_errors == 0)} |",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"with {command}. The product ran under `python -m bot.supervisor` (RASA_SERVERS=1, then 2) on its own "
        "SQLite file each time (a fresh `bench-load-<servers>.db` in a temporary directory: tracker store and app "
        f"tables), model `{args.model or 'models/current.tar.gz'}`; the stock assistant (Rasa's in-memory tracker "
        "store, its own DIET/TED config) was created and trained by `rasa init --no-prompt` in "
        f"{trained:.0f} s in the same run.",
    ]
    return "\n".join(lines)


async def main_async(args) -> str:
    book = Phrasebook(args.turns, args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        workdir = Path(tmp)
        try:
            stock, trained = await run_stock(workdir, book, args)
            products = [await run_product(workdir, book, args, servers=1)]
            if args.servers > 1:
                products.append(await run_product(workdir, book, args, servers=args.servers))
        except Exception:
            for log in sorted(workdir.glob("*.log")):
                print(
                    f"--- {log.name} (last lines)\n" + "\n".join(log.read_text(errors="replace").splitlines()[-25:]),
                    file=sys.stderr,
                )
            raise
    command = (
        "`"
        + " ".join([".venv/bin/python -m bench.load", *sys.argv[1:]])
        + "`"
        + ("" if sys.argv[1:] else " (`make bench`)")
    )
    return report(stock, trained, products, args, command)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, default=20, help="people (or callers) at once")
    parser.add_argument("--conversations", type=int, default=3, help="conversations each person holds in turn")
    parser.add_argument("--turns", type=int, default=12, help="turns in each chat conversation")
    parser.add_argument(
        "--caller-pause",
        type=float,
        default=CALLER_PAUSE,
        help="seconds between a call's webhooks (the caller speaking)",
    )
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--servers", type=int, default=2, help="Rasa servers of the second product run (1: none)")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
        help="Redis for the lock store when there are several Rasa servers",
    )
    parser.add_argument("--model", help="the product's model (default: models/current.tar.gz)")
    parser.add_argument("--stock-project", help="development only: reuse a trained `rasa init` project")
    parser.add_argument("--no-write", action="store_true", help="print the table; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    if args.servers > 1:
        import redis

        try:
            redis.Redis.from_url(args.redis_url, socket_connect_timeout=2).ping()
        except redis.RedisError as error:
            raise SystemExit(
                f"{args.servers} Rasa servers need Redis (the lock store): none answers at {args.redis_url} "
                f"({error}). Start one, pass --redis-url, or --servers 1."
            ) from None
    rasa_ports = [str(int(PRODUCT_PORTS["RASA_PORT"]) + index) for index in range(1, args.servers)]
    for port in [*PRODUCT_PORTS.values(), *rasa_ports, str(STOCK_PORT)]:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", int(port))) == 0:
                raise SystemExit(f"port {port} is in use; stop what runs there first")
    table = asyncio.run(main_async(args))
    if not args.no_write:
        write_section(table, key=SECTION)
    print(table)


if __name__ == "__main__":
    main()
