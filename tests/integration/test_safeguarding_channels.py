"""Safeguarding on every channel, through the real product: the supervisor's three services,
the trained model and its safeguarding detector, a real WebSocket for the web chat, and
Twilio played by the test (webhooks signed as Twilio signs them, texts taken by a local
server speaking Twilio's REST API). The line is always staffed here; out of hours is in
the unit tests (tests/unit/webchat/test_safeguarding_chat.py,
tests/unit/telephony/test_safeguarding_escalations.py) and the conversation tests.

What the person must see, and what staff must get:
- the web chat: the assistant's numbers, then an urgent notice (never "usually within a
  few minutes"); an urgent escalation with its category; the mediators texted; a reminder
  of what to do meanwhile when nobody has joined after SAFEGUARDING_REMINDER_SECONDS;
- a disclosure typed while waiting for a person (the assistant paused): the escalation
  raised to urgent and the numbers given;
- a call: the numbers spoken, the transfer, one urgent escalation, new (so the console's
  urgent count has it), its voicemail on the same escalation;
- texts: one urgent escalation for the conversation, the mediators texted once.
"""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from typing import Callable, Dict, Iterator, List

import httpx
import pytest
import sqlalchemy as sa
from twilio.request_validator import RequestValidator

from support.stack import ROOT, ServiceStack
from support.telephony import ALWAYS_OPEN, MEDIATORS
from support.twilio_stub import TwilioStub

AUTH_TOKEN = "safeguarding-channels-token"
PORTS = {"RASA_PORT": "15305", "ACTION_SERVER_PORT": "15355", "WEB_PORT": "18300"}
PUBLIC = f"http://localhost:{PORTS['WEB_PORT']}"
LOCAL = f"http://127.0.0.1:{PORTS['WEB_PORT']}"
REMINDER_SECONDS = 5
CATEGORIES = ("risk_to_life", "abuse_or_neglect", "domestic_abuse", "carer_breaking_point")
ABUSE = "his stepdad locks him in his room without food when he's naughty"


@pytest.fixture(scope="module")
def twilio_stub() -> Iterator[TwilioStub]:
    stub = TwilioStub(auth_token=AUTH_TOKEN).start()
    yield stub
    stub.stop()


@pytest.fixture(scope="module")
def stack(twilio_stub, tmp_path_factory):
    database = tmp_path_factory.mktemp("safeguarding-channels") / "channels.db"
    stack = ServiceStack(
        f"sqlite:///{database}", **PORTS, PUBLIC_BASE_URL=PUBLIC, STAFFED_HOURS=ALWAYS_OPEN,
        TWILIO_ACCOUNT_SID=twilio_stub.account_sid, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        TWILIO_FROM_NUMBER="+441632960000", TWILIO_API_BASE_URL=twilio_stub.url,
        MEDIATOR_NUMBERS=",".join(MEDIATORS), OUTBOX_POLL_SECONDS="0.5", RETENTION_JOB_HOURS="0",
        SAFEGUARDING_REMINDER_SECONDS=str(REMINDER_SECONDS), WEBCHAT_POLL_SECONDS="1")
    subprocess.run([sys.executable, "-m", "bot.database", "upgrade"], cwd=ROOT, env=stack.env, check=True,
                   capture_output=True)
    stack.start()
    yield stack
    stack.stop()


def rows(stack: ServiceStack, query: str, **params) -> List[Dict]:
    engine = sa.create_engine(stack.env["DATABASE_URL"], future=True)
    try:
        with engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(sa.text(query), params)]
    finally:
        engine.dispose()


def eventually(read: Callable[[], object], timeout: float = 15.0):
    """What `read` returns once it is truthy (the channels store escalations after answering)."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def escalations_of(stack: ServiceStack, conversation_id: str) -> List[Dict]:
    return rows(stack, "SELECT reason, priority, status, category, recording_url, channel FROM escalations "
                       "WHERE conversation_id = :c ORDER BY created_at", c=conversation_id)


# --- the web chat -----------------------------------------------------------------------
class Chat:
    """A browser's side of the chat's WebSocket protocol (bot/webchat/web.py)."""

    def __init__(self) -> None:
        self.frames: List[Dict] = []
        self.session = ""

    async def run(self, script) -> None:
        import websockets

        async with websockets.connect(f"ws://127.0.0.1:{PORTS['WEB_PORT']}/chat/ws", origin=PUBLIC) as socket:
            self.socket = socket
            await socket.send(json.dumps({"type": "start", "session": None, "after": 0}))
            self.session = (await self.until(lambda f: f["type"] == "session"))["session"]
            await script(self)

    async def say(self, text: str, payload: str = None) -> None:
        await self.socket.send(json.dumps({"type": "say", "text": text, "payload": payload,
                                           "client_id": uuid.uuid4().hex}))

    async def until(self, wanted: Callable[[Dict], bool], timeout: float = 45.0) -> Dict:
        for frame in self.frames:
            if wanted(frame):
                return frame
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"not received in {timeout} s; frames: {self.frames}")
            frame = json.loads(await asyncio.wait_for(self.socket.recv(), timeout=left))
            self.frames.append(frame)
            if wanted(frame):
                return frame

    def said(self, sender: str) -> List[str]:
        return [f["text"] for f in self.frames if f["type"] == "message" and f["sender"] == sender]


def run(coroutine) -> None:
    """asyncio.run in a thread of its own (another test in the process may hold an event loop)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result()


def system_says(text: str) -> Callable[[Dict], bool]:
    return lambda f: f["type"] == "message" and f["sender"] == "system" and text in f["text"]


def test_a_disclosure_in_the_web_chat_is_urgent_honest_alerted_and_followed_up(stack, twilio_stub):
    chat = Chat()

    async def script(chat: Chat) -> None:
        await chat.say(ABUSE)
        await chat.until(system_says("has been alerted"))
        await chat.until(lambda f: f["type"] == "owner" and f["state"] == "waiting" and f["urgent"])
        # Nobody joins: after SAFEGUARDING_REMINDER_SECONDS the person is told again what to do.
        await chat.until(system_says("Nobody from our team has been able to join yet"), timeout=REMINDER_SECONDS + 20)

    run(chat.run(script))
    assistant = " ".join(chat.said("bot"))
    assert "999" in assistant  # the assistant's own reply: the numbers first
    everything = " ".join(chat.said("bot") + chat.said("system"))
    assert "usually within a few minutes" not in everything and "isn't available right now" not in everything
    assert "Carry on with the assistant instead" not in everything
    reminder = chat.said("system")[-1]
    for number in ("999", "0800 1111", "116 123"):
        assert number in reminder

    [escalation] = escalations_of(stack, chat.session)
    assert (escalation["reason"], escalation["priority"], escalation["status"]) == ("safeguarding", "urgent", "new")
    assert escalation["category"] == "abuse_or_neglect"
    # Each mediator on duty got a text at once, without the person's words.
    for number in MEDIATORS:
        texts = eventually(lambda: [t for t in twilio_stub.texts_to(number) if "safeguarding" in t and "web chat" in t])
        assert texts and all("stepdad" not in t for t in texts)


def test_a_disclosure_while_waiting_for_a_person_raises_the_escalation_and_gives_the_numbers(stack):
    chat = Chat()

    async def script(chat: Chat) -> None:
        await chat.say("Talk to a person", "webchat:person")
        await chat.until(lambda f: f["type"] == "owner" and f["state"] == "waiting")
        await chat.say("while I wait, my husband hits me and I'm scared to go home tonight")
        await chat.until(system_says("0800 1111"))
        await chat.until(lambda f: f["type"] == "owner" and f["urgent"])

    run(chat.run(script))
    [escalation] = escalations_of(stack, chat.session)
    assert (escalation["reason"], escalation["priority"]) == ("safeguarding", "urgent")
    assert escalation["category"] in CATEGORIES
    # The assistant itself stayed silent (paused): only the service's notices answered.
    assert not [text for text in chat.said("bot") if "999" in text]


# --- the phone line ---------------------------------------------------------------------
def post(url: str, params: Dict[str, str]) -> ET.Element:
    """As Twilio: to the public URL, signed; returns the TwiML."""
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
    response = httpx.post(url.replace(PUBLIC, LOCAL, 1), data=params, headers={"X-Twilio-Signature": signature},
                          timeout=15)
    assert response.status_code == 200, response.text
    return ET.fromstring(response.text)


def test_a_disclosure_on_a_staffed_call_is_one_new_urgent_escalation_with_its_callback(stack, twilio_stub):
    call = {"CallSid": "CA" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32, "From": "+447700900321",
            "To": "+441632960000", "CallStatus": "in-progress"}
    greeting = post(f"{PUBLIC}/telephony/voice", call)
    transfer = post(greeting.find("Gather").get("action"), dict(call, SpeechResult=ABUSE, Confidence="0.9"))
    spoken = " ".join(say.text or "" for say in transfer.iter("Say"))
    assert "999" in spoken and transfer.find("Dial") is not None, ET.tostring(transfer).decode()

    conversation = f"voice-{call['CallSid']}"
    [escalation] = eventually(lambda: escalations_of(stack, conversation))
    assert (escalation["reason"], escalation["priority"], escalation["status"]) == ("safeguarding", "urgent", "new")
    assert escalation["category"] == "abuse_or_neglect"
    urgent_unassigned = rows(stack, "SELECT count(*) AS n FROM escalations WHERE status = 'new' AND priority = 'urgent' "
                                    "AND conversation_id = :c", c=conversation)[0]["n"]
    assert urgent_unassigned == 1  # what the console's urgent count and red bar read
    for number in MEDIATORS:
        assert eventually(lambda: [t for t in twilio_stub.texts_to(number) if "safeguarding" in t and "(phone)" in t])

    # Nobody answers: each mediator on duty is rung in turn, then the caller is offered a
    # call back, which goes on the same escalation, still urgent and new.
    step, rung = transfer, 0
    while step.find("Dial") is not None:
        rung += 1
        step = post(step.find("Dial").get("action"), dict(call, DialCallStatus="no-answer"))
    assert rung == len(MEDIATORS)
    offer = step
    assert "999" in " ".join(say.text or "" for say in offer.iter("Say")), ET.tostring(offer).decode()
    confirm = post(offer.find("Gather").get("action"), dict(call, Digits="1"))  # the number I'm calling from
    when = post(confirm.find("Gather").get("action"), dict(call, Digits="1"))
    booked = post(when.find("Gather").get("action"), dict(call, Digits="1"))
    assert booked.find("Hangup") is not None
    assert eventually(lambda: rows(stack, "SELECT callback_number FROM escalations WHERE conversation_id = :c",
                                   c=conversation)[0]["callback_number"] == call["From"])
    [escalation] = escalations_of(stack, conversation)
    assert (escalation["priority"], escalation["status"]) == ("urgent", "new")


# --- SMS --------------------------------------------------------------------------------
def test_a_disclosure_by_text_is_one_urgent_escalation_while_it_is_open(stack, twilio_stub):
    texter = "+447700900654"
    for body in (ABUSE, "and he won't feed him tonight either"):
        before = len(twilio_stub.texts_to(texter))
        params = {"From": texter, "To": "+441632960000", "MessageSid": f"SM{uuid.uuid4().hex}", "Body": body}
        signature = RequestValidator(AUTH_TOKEN).compute_signature(f"{PUBLIC}/telephony/sms", params)
        response = httpx.post(f"{LOCAL}/telephony/sms", data=params, headers={"X-Twilio-Signature": signature},
                              timeout=30)
        assert response.status_code == 200, response.text
        assert eventually(lambda: len(twilio_stub.texts_to(texter)) > before, timeout=30)
    assert "999" in " ".join(twilio_stub.texts_to(texter))
    time.sleep(2)  # the second text's escalation work runs after its answer
    # The only text conversation of this module (its id is a salted hash of the number).
    [escalation] = rows(stack, "SELECT reason, priority, status, category FROM escalations WHERE channel = 'sms'")
    assert (escalation["reason"], escalation["priority"], escalation["status"]) == ("safeguarding", "urgent", "new")
    assert escalation["category"] == "abuse_or_neglect"
    for number in MEDIATORS:
        assert len([t for t in twilio_stub.texts_to(number) if "safeguarding" in t and "(text)" in t]) == 1
