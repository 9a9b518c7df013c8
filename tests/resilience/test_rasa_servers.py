"""Several Rasa servers and restarts: nothing said is lost or reordered (README, Production).

Two Rasa servers share one PostgreSQL tracker store and a Redis lock store. Messages
for the same conversations go to both in turn, and some to both at once; every turn is
kept whole and in order. A Rasa server restarted mid-way through the route check
carries on with the next question.
"""
from __future__ import annotations

import asyncio
import uuid
from typing import Dict, List

import httpx

SCRIPT = [
    "hello",
    "what is send mediation about",
    "do I need a mediation certificate to go to tribunal",
    "when are you open",  # a custom action on the action server
    "is disagreement resolution free",
    "thank you so much",
]


def new_sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _texts(replies: List[Dict]) -> str:
    return "\n".join(reply.get("text") or "" for reply in replies)


def _turns(events: List[Dict]) -> List[List[Dict]]:
    """The tracker's events cut at each user message: [[user, ...its actions..., action_listen], ...]."""
    turns: List[List[Dict]] = []
    for event in events:
        if event["event"] == "user":
            turns.append([event])
        elif turns:
            turns[-1].append(event)
    return turns


def _assert_whole_turns_in_order(tracker: Dict, expected_texts: List[str]) -> None:
    events = tracker["events"]
    stamps = [event["timestamp"] for event in events]
    assert stamps == sorted(stamps), "events are not in time order"
    turns = _turns(events)
    assert sorted(turn[0]["text"] for turn in turns) == sorted(expected_texts), "a message is missing or doubled"
    for turn in turns:
        names = [event.get("name") for event in turn if event["event"] == "action"]
        # Each turn was handled as a whole: it ends listening, with nothing of another turn inside.
        assert names and names[-1] == "action_listen" and names.count("action_listen") == 1, names
        assert any(event["event"] == "bot" for event in turn), f"no answer to {turn[0]['text']!r}"


def test_two_servers_keep_every_event_of_interleaved_conversations_in_order(rasa_cluster):
    senders = [new_sender("two") for _ in range(4)]

    async def conversation(client: httpx.AsyncClient, index: int, sender: str) -> None:
        for step, text in enumerate(SCRIPT):
            server = rasa_cluster.urls[(index + step) % 2]  # alternate servers, out of step with each other
            response = await client.post(f"{server}/webhooks/rest/webhook", json={"sender": sender, "message": text})
            response.raise_for_status()
            assert response.json(), f"no answer to {text!r} from {server}"

    async def both_at_once(client: httpx.AsyncClient, sender: str) -> None:
        # Two messages of one conversation in flight at the same moment, one on each server.
        responses = await asyncio.gather(*(
            client.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text})
            for url, text in zip(rasa_cluster.urls, ("what is mediation", "how do I appeal to the tribunal"))))
        for response in responses:
            response.raise_for_status()

    async def run() -> None:
        async with httpx.AsyncClient(timeout=120) as client:
            await asyncio.gather(*(conversation(client, i, s) for i, s in enumerate(senders)))
            await asyncio.gather(*(both_at_once(client, s) for s in senders))

    asyncio.run(run())
    for sender in senders:
        from_first, from_second = rasa_cluster.tracker(sender, 0), rasa_cluster.tracker(sender, 1)
        assert from_first["events"] == from_second["events"]
        _assert_whole_turns_in_order(from_first, SCRIPT + ["what is mediation", "how do I appeal to the tribunal"])
        # The sequential part kept the order it was said in.
        assert [turn[0]["text"] for turn in _turns(from_first["events"])][:len(SCRIPT)] == SCRIPT


def test_a_restarted_rasa_server_carries_on_mid_route_check(rasa_cluster):
    sender = new_sender("restart")
    assert "parent or carer, the young person, or a professional" in _texts(
        rasa_cluster.say(0, sender, "can you check my deadlines"))
    assert "what is the disagreement about" in _texts(rasa_cluster.say(0, sender, "I'm his mum")).lower()
    assert "Which council is it?" in _texts(rasa_cluster.say(0, sender, "they refused to do an EHC needs assessment"))

    first = rasa_cluster.rasa[0]
    first.stop()
    try:
        # While it is down the other server has the conversation, mid-form.
        assert "How old is your child?" in _texts(rasa_cluster.say(1, sender, "Kent"))
    finally:
        first.start().wait_ready()
    replies = rasa_cluster.say(0, sender, "he's 9")
    assert "What date is on the council's decision letter?" in _texts(replies)
    slots = rasa_cluster.tracker(sender)["slots"]
    assert slots["rc_local_authority"] == "Kent" and slots["requested_slot"]
