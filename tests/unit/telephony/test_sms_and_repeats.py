"""SMS as texters meet it, and every Twilio webhook acted on once.

- a person who texts for a person gets one: the console shows the conversation, the
  number behind the reveal, a reply box that texts through the outbox, and the assistant
  stays silent while a mediator holds the conversation;
- a picture with no words is answered (it cannot be read), and reaches no misunderstanding;
- an answer goes out in at most 3 texts, or with a link to all of it;
- the same signed webhook delivered twice (SMS or voice) is answered the same, once.
Rasa is played by a scripted server; texts go to the outbox (and the Twilio stub).
"""
from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from typing import Dict, List

import pytest
import sqlalchemy as sa

from support.console import add_user, totp_code
from support.scripted_rasa import Rule, ScriptedRasa
from support.telephony import PUBLIC_BASE_URL, TwilioPoster, digits_params, sms_params, voice_params

TEXTER = "+447700900123"
LONG = " ".join(f"Sentence {n} of a long answer about mediation and appeals, with the detail a parent needs."
                for n in range(1, 16))


@pytest.fixture
def rasa():
    fake = ScriptedRasa()
    fake.rules.insert(0, Rule(r"everything", "faq_mediation", [{"text": LONG}], "utter_faq_mediation"))
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def line(configure, rasa):
    """The app as Twilio and the console reach it (one HTTPS origin), with a mediator account."""
    from fastapi.testclient import TestClient

    settings = configure(RASA_URL=rasa.url)
    from bot.app import create_app

    client = TestClient(create_app(), base_url=PUBLIC_BASE_URL, follow_redirects=False)
    add_user(settings.database_url, "mediator", "mediator", "a long enough password", "Mediator Person")
    return TwilioPoster(client)


def query(sql: str, **params) -> List[Dict]:
    from bot.settings import get_settings
    engine = sa.create_engine(get_settings().database_url, future=True)
    try:
        with engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(sa.text(sql), params)]
    finally:
        engine.dispose()


def texts_to(number: str) -> List[str]:
    return [row["body"] for row in query("SELECT body FROM outbox_messages WHERE to_number = :n ORDER BY id", n=number)]


def text(line, body: str, sid: str = "", **extra) -> ET.Element:
    params = sms_params(sid or "SM" + uuid.uuid4().hex, body, sender=TEXTER)
    params.update(extra)
    response = line.post("/telephony/sms", params)
    assert response.status_code == 200, response.text
    return ET.fromstring(response.text)


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client) -> str:
    token = csrf(client.get("/console/login").text)
    response = client.post("/console/login", data={"username": "mediator", "password": "a long enough password",
                                                   "csrf_token": token, "next": "/console/"})
    assert response.status_code == 303, response.text
    step = client.get(response.headers["location"])  # the second factor, as the mediator's app shows it
    response = client.post("/console/login/second-factor", data={
        "code": totp_code("mediator", str(client.base_url)), "csrf_token": csrf(step.text), "next": "/console/"})
    assert response.status_code == 303, response.text
    return csrf(client.get("/console/").text)


def test_a_texter_who_asks_for_a_person_gets_a_mediator_who_replies_by_text(line, rasa):
    text(line, "can I speak to someone please")
    assert "pass you to one of our mediation team" in texts_to(TEXTER)[-1]
    [escalation] = query("SELECT * FROM escalations")
    assert escalation["channel"] == "sms" and escalation["status"] == "new"

    client = line.client
    token = sign_in(client)
    page = client.get(f"/console/escalations/{escalation['id']}")
    assert page.status_code == 200
    assert "Take over and reply by text" in page.text
    assert "07700 900123" not in page.text and "The number is hidden" in page.text
    shown = client.post(f"/console/escalations/{escalation['id']}/reveal",
                        data={"reason": "to text the parent back about their request", "csrf_token": token})
    assert "07700 900123" in shown.text

    taken = client.post(f"/console/escalations/{escalation['id']}/sms/take-over", data={"csrf_token": token})
    assert taken.status_code == 303
    assert "Mediator from our mediation team" in texts_to(TEXTER)[-1]
    sent_before = len(texts_to(TEXTER))

    # While the mediator holds it, the assistant stays silent: the text reaches the console only.
    text(line, "what is mediation")
    assert len(texts_to(TEXTER)) == sent_before
    assert "what is mediation" in rasa.messages_from(escalation["conversation_id"])

    page = client.get(f"/console/escalations/{escalation['id']}")
    assert "Reply by text" in page.text and "Hand back to the assistant" in page.text
    replied = client.post(f"/console/escalations/{escalation['id']}/sms/reply",
                          data={"text": "Hello, I can help. Which council is it?", "csrf_token": token})
    assert replied.status_code == 303
    assert texts_to(TEXTER)[-1] == "Hello, I can help. Which council is it?"
    too_long = client.post(f"/console/escalations/{escalation['id']}/sms/reply",
                           data={"text": "x" * 500, "csrf_token": token})
    assert too_long.status_code == 409 and "3 texts" in too_long.text

    client.post(f"/console/escalations/{escalation['id']}/sms/hand-back", data={"csrf_token": token})
    assert query("SELECT status FROM escalations")[0]["status"] == "resolved"
    text(line, "what is mediation")
    assert "Mediation is a meeting" in " ".join(texts_to(TEXTER)[-3:])
    actions = {row["action"] for row in query("SELECT action FROM audit_log")}
    assert {"sms_take_over", "sms_send_reply", "sms_hand_back"} <= actions


def test_a_picture_with_no_words_is_answered_and_is_no_misunderstanding(line, rasa):
    text(line, "", NumMedia="1", MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM1/Media/ME1",
         MediaContentType0="image/jpeg")
    [reply] = texts_to(TEXTER)
    assert "can't open pictures" in reply and "key details" in reply
    assert rasa.received == []


def test_a_long_answer_is_at_most_three_texts_with_a_link_to_all_of_it(line):
    text(line, "tell me everything")
    sent = texts_to(TEXTER)
    assert 1 <= len(sent) <= 3 and all(len(part) <= 160 for part in sent)
    link = re.search(r"https://line\.example\.org(/telephony/texts/\S+)", " ".join(sent))
    assert link, sent
    page = line.client.get(link.group(1))
    assert page.status_code == 200 and "Sentence 15 of a long answer" in page.text
    assert line.client.get("/telephony/texts/not-a-token-at-all").status_code == 404


def test_the_same_text_delivered_twice_is_answered_once(line, rasa):
    first = text(line, "what is mediation", sid="SM" + "7" * 32)
    sent = texts_to(TEXTER)
    again = text(line, "what is mediation", sid="SM" + "7" * 32)
    assert ET.tostring(first) == ET.tostring(again)
    assert texts_to(TEXTER) == sent
    assert len(rasa.received) == 1
    assert query("SELECT count(*) AS n FROM webhook_deliveries")[0]["n"] == 1


def test_a_repeated_voice_webhook_gets_the_same_twiml_and_one_escalation(line, rasa):
    sid = "CA" + uuid.uuid4().hex
    url = "/telephony/voice?step=turn&n=3"
    params = voice_params(sid, **digits_params("0"))
    first, again = line.post(url, params), line.post(url, params)
    assert first.status_code == again.status_code == 200 and first.text == again.text
    assert len(query("SELECT * FROM escalations")) == 1
    nobody = voice_params(sid, DialCallStatus="no-answer")
    dial = ET.fromstring(first.text).find("Dial")
    second, replayed = line.post(dial.get("action"), nobody), line.post(dial.get("action"), nobody)
    assert second.text == replayed.text and ET.fromstring(second.text).find("Dial") is not None
    offer = ET.fromstring(line.post(ET.fromstring(second.text).find("Dial").get("action"), nobody).text)
    confirm = ET.fromstring(line.post(offer.find("Gather").get("action"), voice_params(sid, **digits_params("1"))).text)
    when = ET.fromstring(line.post(confirm.find("Gather").get("action"), voice_params(sid, **digits_params("1"))).text)
    booking = voice_params(sid, **digits_params("1"))
    line.post(when.find("Gather").get("action"), booking)
    alerts = len(query("SELECT * FROM outbox_messages WHERE kind = 'mediator_alert'"))
    line.post(when.find("Gather").get("action"), booking)
    assert len(query("SELECT * FROM outbox_messages WHERE kind = 'mediator_alert'")) == alerts
    [escalation] = query("SELECT * FROM escalations")
    assert escalation["summary"].count("Asked for a callback.") == 1


def test_the_same_words_at_two_steps_of_a_call_are_two_steps(line, rasa):
    sid = "CA" + uuid.uuid4().hex
    root = ET.fromstring(line.post("/telephony/voice", voice_params(sid)).text)
    first = ET.fromstring(line.post(root.find("Gather").get("action"),
                                    voice_params(sid, SpeechResult="what is mediation")).text)
    second = ET.fromstring(line.post(first.find("Gather").get("action"),
                                     voice_params(sid, SpeechResult="what is mediation")).text)
    assert second.find("Gather") is not None
    assert rasa.messages_from(f"voice-{sid}").count("what is mediation") == 2


def test_every_call_keeps_the_callers_number_and_a_withheld_one_keeps_none(line):
    line.post("/telephony/voice", voice_params("CA" + "a" * 32, caller="+447700900456"))
    line.post("/telephony/voice", voice_params("CA" + "b" * 32, caller="anonymous"))
    rows = query("SELECT conversation_id, number FROM conversation_numbers")
    assert rows == [{"conversation_id": "voice-CA" + "a" * 32, "number": "+447700900456"}]


def test_a_queued_caller_is_answered_by_a_mediator_who_takes_the_next_caller_from_the_console(line, twilio_stub):
    sid = "CA" + uuid.uuid4().hex
    dial = ET.fromstring(line.post("/telephony/voice?step=turn&n=2", voice_params(sid, **digits_params("0"))).text)
    busy = voice_params(sid, DialCallStatus="busy")
    second = ET.fromstring(line.post(dial.find("Dial").get("action"), busy).text).find("Dial")
    enqueue = ET.fromstring(line.post(second.get("action"), busy).text).find("Enqueue")
    assert enqueue.text == "mediators"
    [escalation] = query("SELECT * FROM escalations")

    client = line.client
    token = sign_in(client)
    page = client.get(f"/console/escalations/{escalation['id']}")
    assert "Ring me with the next caller" in page.text and "07700 900001" in page.text
    assert "07700 900123" not in page.text  # the caller's number stays behind the reveal
    refused = client.post(f"/console/escalations/{escalation['id']}/call/next-caller",
                          data={"mediator_number": "07911 123456", "csrf_token": token})
    assert refused.status_code == 409
    taken = client.post(f"/console/escalations/{escalation['id']}/call/next-caller",
                        data={"mediator_number": "07700 900001", "csrf_token": token})
    assert taken.status_code == 303
    [ring] = [request for request in twilio_stub.requests if request.path.endswith("/Calls.json")]
    # The mediator's phone must press 1 to take the caller (a voicemail that answers takes nobody).
    assert ring.form["To"] == "+447700900001" and "<Queue>" not in ring.form["Twiml"]
    gather = ET.fromstring(ring.form["Twiml"]).find("Gather")
    mediator_leg = voice_params("CA" + uuid.uuid4().hex, caller="+441632960000", to="+447700900001")
    voicemail = ET.fromstring(line.post(gather.get("action"), mediator_leg).text)
    assert voicemail.find("Dial") is None and voicemail.find("Hangup") is not None
    taken = ET.fromstring(line.post(gather.get("action"), dict(mediator_leg, **digits_params("1"))).text)
    assert taken.find("Dial/Queue").text == "mediators"
    [escalation] = query("SELECT * FROM escalations")
    assert escalation["assigned_to"] == "mediator" and escalation["status"] == "assigned"


def test_a_call_is_still_answered_when_the_webhook_record_cannot_be_written(line, monkeypatch):
    from bot.conversations import deliveries

    def broken(*args, **kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(deliveries, "claim", broken)
    response = line.post("/telephony/voice", voice_params("CA" + uuid.uuid4().hex))
    assert response.status_code == 200 and ET.fromstring(response.text).find("Gather") is not None


@pytest.mark.parametrize("typed", ["/restart", '/request_human{"priority": "urgent"}', "  /session_start"])
def test_a_text_starting_with_a_slash_reaches_the_assistant_as_words(line, rasa, typed):
    text(line, typed)
    (message,) = rasa.received
    assert message["message"] == typed.strip().lstrip("/")
