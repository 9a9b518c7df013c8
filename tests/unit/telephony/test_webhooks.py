"""The Twilio webhooks: signatures checked against the public URL, TwiML parsed as XML."""
import logging
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa

from support.telephony import ALWAYS_CLOSED, MEDIATORS, PUBLIC_BASE_URL, sign

CALL = {"CallSid": "CA" + "1" * 32, "AccountSid": "AC" + "0" * 32, "From": "+447700900123", "To": "+441632960000",
        "CallStatus": "in-progress"}


def xml(response) -> ET.Element:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    return ET.fromstring(response.text)


def rows(database_url: str, table: str):
    engine = sa.create_engine(database_url, future=True)
    with engine.connect() as connection:
        result = [dict(row._mapping) for row in connection.execute(sa.text(f"SELECT * FROM {table} ORDER BY created_at"))]
    engine.dispose()
    return result


def test_unsigned_and_forged_requests_are_refused_and_change_nothing(twilio):
    poster = twilio()
    client = poster.client
    params = dict(CALL, Digits="0")
    url = f"{PUBLIC_BASE_URL}/telephony/voice?step=turn"
    assert client.post("/telephony/voice?step=turn", data=params).status_code == 403
    forged = sign(url, params, token="not-the-auth-token")
    assert poster.post(url, params, signature=forged).status_code == 403
    # Signed for other parameters, or for another URL: refused too.
    assert poster.post(url, dict(params, Digits="1"), signature=sign(url, params)).status_code == 403
    assert poster.post(url, params, signature=sign("https://evil.example/telephony/voice?step=turn", params)).status_code == 403
    for path in ("/telephony/sms", "/telephony/voice/voicemail", "/telephony/voice/whisper", "/telephony/voice/status"):
        assert client.post(path, data={"From": "+447700900123", "Body": "STOP"}).status_code == 403
    from bot.settings import get_settings
    assert rows(get_settings().database_url, "escalations") == []
    assert rows(get_settings().database_url, "sms_opt_outs") == []


def test_a_signed_request_is_accepted_against_the_public_url_behind_a_proxy(twilio):
    poster = twilio()
    # The app itself is reached as http://testserver; Twilio signed https://line.example.org/...
    response = poster.post("/telephony/voice?step=turn", dict(CALL, Digits="*"))
    assert response.status_code == 200


def test_keypad_zero_in_staffed_hours_transfers_to_the_mediators_and_records_it(twilio):
    poster = twilio()
    root = xml(poster.post("/telephony/voice?step=turn", dict(CALL, Digits="0")))
    dial = root.find("Dial")
    assert [number.text for number in dial.findall("Number")] == MEDIATORS[:1]
    query = parse_qs(urlsplit(dial.get("action")).query)
    assert query["reason"] == ["person_requested"]
    from bot.settings import get_settings
    [escalation] = rows(get_settings().database_url, "escalations")
    assert escalation["id"] == query["escalation"][0]
    assert escalation["reason"] == "person_requested" and escalation["channel"] == "voice"
    assert escalation["conversation_id"] == f"voice-{CALL['CallSid']}"
    assert escalation["callback_number"] is None and "+44" not in escalation["summary"]

    # Nobody answers, one mediator after the other: a call back is offered, on the same escalation (one per call).
    second = xml(poster.post(dial.get("action"), dict(CALL, DialCallStatus="no-answer"))).find("Dial")
    assert [number.text for number in second.findall("Number")] == MEDIATORS[1:]
    offer = xml(poster.post(second.get("action"), dict(CALL, DialCallStatus="no-answer")))
    assert offer.find("Record") is None and "call you back" in " ".join(say.text for say in offer.iter("Say"))
    confirm = xml(poster.post(offer.find("Gather").get("action"), dict(CALL, Digits="1")))
    when = xml(poster.post(confirm.find("Gather").get("action"), dict(CALL, Digits="1")))
    done = xml(poster.post(when.find("Gather").get("action"), dict(CALL, Digits="2")))
    assert done.find("Hangup") is not None
    [escalation] = rows(get_settings().database_url, "escalations")
    assert escalation["callback_number"] == CALL["From"] and escalation["status"] == "new"
    assert "Asked for a callback." in escalation["summary"]
    # The mediators were alerted by text, without the caller's number.
    engine = sa.create_engine(get_settings().database_url, future=True)
    with engine.connect() as connection:
        alerts = connection.execute(sa.text("SELECT to_number, body, kind FROM outbox_messages "
                                            "WHERE kind = 'mediator_alert'")).all()
    engine.dispose()
    assert {row.to_number for row in alerts} == set(MEDIATORS)
    assert all("900123" not in row.body for row in alerts)


def test_busy_mediators_put_the_caller_in_the_queue_with_hold_music(twilio):
    poster = twilio()
    dial = xml(poster.post("/telephony/voice?step=turn", dict(CALL, Digits="0"))).find("Dial")
    second = xml(poster.post(dial.get("action"), dict(CALL, DialCallStatus="busy"))).find("Dial")
    enqueue = xml(poster.post(second.get("action"), dict(CALL, DialCallStatus="no-answer"))).find("Enqueue")
    hold = xml(poster.post(enqueue.get("waitUrl"), dict(CALL, QueueTime="20")))
    assert hold.find("Play") is not None


def test_out_of_hours_a_callback_is_taken_confirmed_and_texted(twilio, twilio_stub):
    poster = twilio(STAFFED_HOURS=ALWAYS_CLOSED)
    offer = xml(poster.post("/telephony/voice?step=turn", dict(CALL, Digits="0")))
    assert offer.find("Dial") is None
    spoken = " ".join(say.text for say in offer.iter("Say"))
    assert "aren't on the line just now" in spoken and "ending 1 2 3" in spoken
    gather = offer.find("Gather")
    assert gather.get("input") == "speech dtmf" and gather.get("finishOnKey") == "#"

    # Another number typed on the keypad is read back in groups.
    confirm = xml(poster.post(gather.get("action"), dict(CALL, Digits="07700900456")))
    assert "0 7 7 0 0, 9 0 0, 4 5 6" in confirm.find("Gather/Say").text
    # 2: enter it again; then 1: the caller's own number, confirmed.
    again = xml(poster.post(confirm.find("Gather").get("action"), dict(CALL, Digits="2")))
    confirm = xml(poster.post(again.find("Gather").get("action"), dict(CALL, Digits="1")))
    assert "0 7 7 0 0, 9 0 0, 1 2 3" in confirm.find("Gather/Say").text
    when = xml(poster.post(confirm.find("Gather").get("action"), dict(CALL, Digits="1")))
    booked = xml(poster.post(when.find("Gather").get("action"), dict(CALL, Digits="2")))
    assert booked.find("Hangup") is not None
    assert "call you back in the afternoon" in " ".join(say.text for say in booked.iter("Say"))

    from bot.outbox import send_due
    from bot.settings import get_settings
    [escalation] = rows(get_settings().database_url, "escalations")
    assert escalation["reason"] == "callback" and escalation["callback_number"] == "+447700900123"
    assert escalation["preferred_time"] == "in the afternoon"
    assert send_due() >= 3  # the caller's confirmation and an alert to each mediator
    texts = {}
    for request in twilio_stub.messages():
        texts[request.form["To"]] = texts.get(request.form["To"], "") + request.form["Body"]
    assert "ending 123" in texts["+447700900123"] and "afternoon" in texts["+447700900123"]
    assert set(texts) == {"+447700900123", *MEDIATORS}


def test_sms_stop_and_start(twilio, twilio_stub):
    poster = twilio()
    from bot.database import session_scope
    from bot.outbox import enqueue_sms, send_due
    from bot.settings import get_settings

    sms = {"From": "+447700900123", "To": "+441632960000", "MessageSid": "SM1"}
    response = poster.post("/telephony/sms", dict(sms, Body="STOP"))
    assert xml(response).findall("*") == []
    with session_scope() as session:
        enqueue_sms(session, "+447700900123", "A certificate link", kind="certificate_link")
    send_due()
    assert twilio_stub.messages() == []
    [message] = rows(get_settings().database_url, "outbox_messages")
    assert message["status"] == "suppressed"

    # A new text has a new MessageSid (the same one again would be a repeat, acted on once).
    xml(poster.post("/telephony/sms", dict(sms, Body="START", MessageSid="SM2")))
    send_due()
    assert [request.form["Body"] for request in twilio_stub.messages()][0].endswith("Text STOP to stop them.")


def test_validation_can_be_switched_off_only_explicitly_with_a_warning(twilio, caplog):
    from fastapi.testclient import TestClient

    poster = twilio(TWILIO_VALIDATE_SIGNATURES="false")
    with caplog.at_level(logging.WARNING), TestClient(poster.client.app) as client:
        assert client.post("/telephony/voice?step=turn", data=dict(CALL, Digits="*")).status_code == 200
    assert any("NOT authenticated" in record.getMessage() for record in caplog.records)
