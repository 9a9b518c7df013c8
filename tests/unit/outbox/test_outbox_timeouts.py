"""The outbox when Twilio gives no answer: the text is neither lost nor sent twice.

A request that times out, or whose connection drops, may have been taken by Twilio. The
next try looks the message up at Twilio (the helper library's messages.list, against a
local server speaking Twilio's REST API) and sends only if it is not there. On SQLite
and on PostgreSQL; the count that matters is the texts the stub took for the number.
"""
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from bot.database import session_scope
from bot.outbox import enqueue_sms, send_due
from bot.outbox.models import OutboxAttempt, OutboxMessage, utcnow
from support.telephony import AUTH_TOKEN
from support.twilio_stub import TwilioStub
from bot.outbox import twilio_sms as twilio_client

NUMBER = "+447700900123"
BODY = "Your mediation certificate: https://example.org/c/1"
LATER = dt.timedelta(minutes=5)  # past any backoff of the first tries


@pytest.fixture
def twilio_stub(monkeypatch):
    """The Twilio stub on a port of 23000-23999; the client gives up waiting after 2 seconds
    (shorter than in production, long enough for a stub on a busy 2-core machine to answer)."""
    stub = TwilioStub(auth_token=AUTH_TOKEN, hang_seconds=30).start(ports=range(23000, 24000))
    monkeypatch.setattr(twilio_client, "REQUEST_TIMEOUT_SECONDS", 2.0)
    twilio_client._client.cache_clear()
    yield stub
    stub.stop()
    twilio_client._client.cache_clear()


def _enqueue(database_url, to=NUMBER, body=BODY):
    with session_scope(database_url) as session:
        message = enqueue_sms(session, to, body, kind="certificate_link")
        session.flush()
        return message.id


def _message(database_url, message_id):
    with session_scope(database_url) as session:
        return session.get(OutboxMessage, message_id)


def _outcomes(database_url, message_id):
    with session_scope(database_url) as session:
        return [a.outcome for a in session.query(OutboxAttempt).filter_by(message_id=message_id).order_by(OutboxAttempt.id)]


def _lookups(stub):
    return [r for r in stub.requests if r.method == "GET" and r.path.endswith("/Messages.json")]


@pytest.mark.parametrize("fault", ["time_out", "drop"])
def test_twilio_took_the_text_but_never_answered_it_is_found_and_not_sent_again(
        database_url, configure, twilio_stub, fault):
    configure(database_url)
    message_id = _enqueue(database_url)
    getattr(twilio_stub, f"{fault}_next")(accepted=True)

    assert send_due(database_url) == 0
    message = _message(database_url, message_id)
    assert message.status == "pending" and message.attempts == 1 and "may have been taken" in message.last_error
    assert twilio_stub.texts_to(NUMBER) == [BODY]  # the person has it already

    assert send_due(database_url, now=utcnow() + LATER) == 1
    message = _message(database_url, message_id)
    [stored] = twilio_stub.messages()
    assert message.status == "sent" and message.attempts == 2
    assert message.provider_sid == twilio_stub._stored[0]["sid"]
    assert twilio_stub.texts_to(NUMBER) == [BODY]  # and has it once
    assert _outcomes(database_url, message_id) == ["unknown", "found"]
    lookup = _lookups(twilio_stub)[0].form
    assert lookup["To"] == NUMBER and lookup["From"] == "+441632960000" and "DateSent>" in lookup

    assert send_due(database_url, now=utcnow() + 4 * LATER) == 0
    assert len(twilio_stub.texts_to(NUMBER)) == 1


@pytest.mark.parametrize("fault", ["time_out", "drop"])
def test_twilio_never_took_the_text_it_is_looked_for_then_sent_once(database_url, configure, twilio_stub, fault):
    configure(database_url)
    message_id = _enqueue(database_url)
    getattr(twilio_stub, f"{fault}_next")(accepted=False)

    assert send_due(database_url) == 0
    assert twilio_stub.texts_to(NUMBER) == []

    assert send_due(database_url, now=utcnow() + LATER) == 1
    message = _message(database_url, message_id)
    assert message.status == "sent" and message.provider_sid.startswith("SM")
    assert twilio_stub.texts_to(NUMBER) == [BODY]
    assert _outcomes(database_url, message_id) == ["unknown", "sent"]
    assert [(r.method, r.answered) for r in twilio_stub.requests] == [("POST", False), ("GET", True),
                                                                       ("GET", True), ("POST", True)]


def test_when_twilio_cannot_be_asked_the_text_waits_rather_than_risk_a_second_copy(database_url, configure, twilio_stub):
    configure(database_url)
    message_id = _enqueue(database_url)
    twilio_stub.time_out_next(accepted=True)
    send_due(database_url)
    twilio_stub.fail_next(500)  # the lookup

    assert send_due(database_url, now=utcnow() + LATER) == 0
    assert _message(database_url, message_id).status == "pending"
    assert len(twilio_stub.texts_to(NUMBER)) == 1

    assert send_due(database_url, now=utcnow() + 4 * LATER) == 1
    assert len(twilio_stub.texts_to(NUMBER)) == 1
    assert _outcomes(database_url, message_id) == ["unknown", "failed", "found"]


def test_the_same_words_sent_earlier_in_another_text_are_not_taken_for_this_one(database_url, configure, twilio_stub):
    configure(database_url)
    first = _enqueue(database_url, body="Sorry, I did not catch that.")
    assert send_due(database_url) == 1
    second = _enqueue(database_url, body="Sorry, I did not catch that.")
    twilio_stub.time_out_next(accepted=False)
    send_due(database_url)

    assert send_due(database_url, now=utcnow() + LATER) == 1
    assert twilio_stub.texts_to(NUMBER) == ["Sorry, I did not catch that."] * 2
    assert _message(database_url, second).provider_sid != _message(database_url, first).provider_sid


def test_several_workers_after_an_unanswered_try_send_nothing_more(database_url, configure, twilio_stub):
    configure(database_url)
    message_id = _enqueue(database_url)
    twilio_stub.drop_next(accepted=True)
    send_due(database_url)

    later = utcnow() + LATER
    results = []
    workers = [threading.Thread(target=lambda: results.append(send_due(database_url, now=later))) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sum(results) == 1
    assert twilio_stub.texts_to(NUMBER) == [BODY]
    assert _message(database_url, message_id).status == "sent"


@pytest.mark.parametrize("accepted", [True, False], ids=["after_twilio_took_it", "before_twilio_took_it"])
def test_a_worker_killed_mid_send_loses_nothing_and_its_successor_sends_no_second_copy(
        database_url, configure, twilio_stub, accepted):
    configure(database_url)
    message_id = _enqueue(database_url)
    twilio_stub.time_out_next(accepted=accepted)
    worker = subprocess.Popen([sys.executable, "-m", "bot.outbox"], env=dict(os.environ),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not twilio_stub.requests:  # the worker's request is at Twilio, waiting for the answer
            assert worker.poll() is None and time.monotonic() < deadline, "the worker never reached Twilio"
            time.sleep(0.05)
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    message = _message(database_url, message_id)
    assert message.status == "pending" and message.attempts == 0  # its transaction died with it
    assert _outcomes(database_url, message_id) == [None]  # but the try it began is on record

    assert send_due(database_url) == 1  # the restarted worker, at once: the message is still due
    message = _message(database_url, message_id)
    assert message.status == "sent" and message.provider_sid.startswith("SM")
    assert twilio_stub.texts_to(NUMBER) == [BODY]
    assert _outcomes(database_url, message_id) == [None, "found" if accepted else "sent"]


def test_the_stub_lists_messages_as_twilio_does_newest_first_in_pages(configure, twilio_stub):
    settings = configure()
    for n in range(3):
        twilio_client.send_sms(NUMBER, f"text {n}", settings)
    twilio_client.send_sms("+447700900999", "someone else", settings)
    client = twilio_client.make_client(settings)

    listed = client.messages.list(to=NUMBER, from_=settings.twilio_from_number, page_size=2)
    assert [m.body for m in listed] == ["text 2", "text 1", "text 0"]  # two pages
    assert all(m.status == "sent" and m.date_sent is not None for m in listed)
    tomorrow = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    assert client.messages.list(to=NUMBER, date_sent_after=tomorrow) == []
    assert len(client.messages.list(date_sent=dt.date.today().isoformat())) == 4
