"""The action server down or hung: the person is told, offered a person, and nothing is lost.

Rasa answers nothing when a custom action fails, and waits when the action server
hangs; the web chat and the phone line must still answer. The real Rasa server and
action server (the shared cluster), the web app in-process.
"""
from __future__ import annotations

import uuid

import pytest

from bot.webchat.relay import SORRY
from support.telephony import PUBLIC_BASE_URL

QUESTION = "when are you open"  # answered by a custom action (action_staffed_hours)


@pytest.fixture
def app_on_cluster(rasa_cluster, web_app):
    def make(**env):
        rasa_cluster.ensure_actions_running()
        return web_app(DATABASE_URL=rasa_cluster.database_url, RASA_URL=rasa_cluster.urls[0], **env)

    yield make
    rasa_cluster.actions.resume() if rasa_cluster.actions.running else None
    rasa_cluster.ensure_actions_running()


def _user_texts(rasa_cluster, sender: str):
    return [event["text"] for event in rasa_cluster.tracker(sender)["events"] if event["event"] == "user"]


def _chat_turn_fails_politely(client, chat_reader, rasa_cluster) -> str:
    with client.websocket_connect("/chat/ws", headers={"origin": PUBLIC_BASE_URL}) as socket:
        chat = chat_reader(socket)
        session = chat.start()
        chat.say(QUESTION, client_id="c1")
        chat.until(lambda f: f["type"] == "message" and f["sender"] == "person" and f.get("client_id") == "c1")
        sorry = chat.until(lambda f: f["type"] == "message" and f["sender"] != "person")
        assert sorry["text"] == SORRY and sorry["sender"] == "system"
        # ... and a person is asked for at once (staffed hours: a mediator is asked to join).
        offer = chat.until(lambda f: f["type"] == "message" and "mediator" in (f["text"] or ""))
        assert "asked a mediator from our team to join" in offer["text"]
        chat.until(lambda f: f["type"] == "owner" and f["state"] == "waiting")
    return session


def test_action_server_down_chat_and_phone_get_an_apology_and_a_person(rasa_cluster, app_on_cluster, chat_reader):
    client = app_on_cluster()
    rasa_cluster.actions.stop()

    session = _chat_turn_fails_politely(client, chat_reader, rasa_cluster)
    assert QUESTION in _user_texts(rasa_cluster, session)  # the turn is in the tracker

    call = {"CallSid": "CA" + uuid.uuid4().hex, "From": "+447700900555", "To": "+441632960000"}
    assert client.twilio.post("/telephony/voice", call).status_code == 200
    answer = client.twilio.post("/telephony/voice?step=turn", {**call, "SpeechResult": QUESTION})
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/xml"
    assert "Sorry" in answer.text and "press 0 for a person" in answer.text
    assert QUESTION in _user_texts(rasa_cluster, f"voice-{call['CallSid']}")
    # Nothing crashed: both servers still answer.
    assert client.get("/health").json()["components"]["rasa"]["status"] == "ok"


def test_action_server_hung_chat_and_phone_get_an_apology_and_a_person(rasa_cluster, app_on_cluster, chat_reader,
                                                                      monkeypatch):
    client = app_on_cluster(WEBCHAT_RASA_TIMEOUT_SECONDS="3")
    monkeypatch.setattr("telephony.web.VOICE_RASA_TIMEOUT", 3.0)
    call = {"CallSid": "CA" + uuid.uuid4().hex, "From": "+447700900556", "To": "+441632960000"}
    assert client.twilio.post("/telephony/voice", call).status_code == 200  # greeted while all is well
    rasa_cluster.actions.pause()
    try:
        session = _chat_turn_fails_politely(client, chat_reader, rasa_cluster)
        answer = client.twilio.post("/telephony/voice?step=turn", {**call, "SpeechResult": QUESTION})
        assert answer.status_code == 200
        assert "having trouble answering just now" in answer.text and "Press 0 to talk to a person" in answer.text
        # Rasa drops a turn whose caller stopped waiting; the web app records it in the tracker.
        assert QUESTION in _user_texts(rasa_cluster, session)
        assert QUESTION in _user_texts(rasa_cluster, f"voice-{call['CallSid']}")
    finally:
        rasa_cluster.actions.resume()
    # Once the action server answers again, the call goes on from there (the chat waits for a mediator).
    replies = rasa_cluster.say(0, f"voice-{call['CallSid']}", "what is mediation")
    assert replies and "mediation" in replies[0]["text"].lower()
