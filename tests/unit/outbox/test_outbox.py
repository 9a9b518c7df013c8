"""The outbox: Twilio errors never lose a message, retries back off, nothing is sent twice.

On SQLite and on PostgreSQL, against a local HTTP server that speaks Twilio's REST API.
"""
import datetime as dt
import threading

import pytest

from bot.database import session_scope
from bot.outbox import enqueue_sms, send_due
from bot.outbox.models import OutboxMessage, utcnow
from bot.outbox.service import backoff_seconds


def _message(database_url, message_id):
    with session_scope(database_url) as session:
        return session.get(OutboxMessage, message_id)


def _enqueue(database_url, to="+447700900123", body="Your mediation certificate: https://example.org/c/1"):
    with session_scope(database_url) as session:
        message = enqueue_sms(session, to, body, kind="certificate_link")
        session.flush()
        return message.id


def test_a_500_is_retried_with_backoff_then_sent_once(database_url, configure, twilio_stub):
    configure(database_url)
    message_id = _enqueue(database_url)
    twilio_stub.fail_next(500)

    assert send_due(database_url) == 0
    message = _message(database_url, message_id)
    assert message.status == "pending" and message.attempts == 1 and "500" in message.last_error
    assert message.next_attempt_at > utcnow() + dt.timedelta(seconds=3)
    assert send_due(database_url) == 0  # not due yet: nothing is sent early
    assert len(twilio_stub.requests) == 1

    later = utcnow() + dt.timedelta(seconds=backoff_seconds(1) + 1)
    assert send_due(database_url, now=later) == 1
    message = _message(database_url, message_id)
    assert message.status == "sent" and message.attempts == 2 and message.provider_sid.startswith("SM")
    [accepted] = twilio_stub.messages()
    assert accepted.form == {"To": "+447700900123", "From": "+441632960000",
                             "Body": "Your mediation certificate: https://example.org/c/1",
                             # Delivery reports come back to the signed webhook.
                             "StatusCallback": "https://line.example.org/telephony/sms/status"}
    assert accepted.path == f"/2010-04-01/Accounts/{twilio_stub.account_sid}/Messages.json"

    # Sent means sent: running again sends nothing more. Twilio answered the 500, so
    # nothing was looked up (a try with no answer is: test_outbox_timeouts.py).
    assert send_due(database_url, now=later + dt.timedelta(hours=2)) == 0
    assert [r.status for r in twilio_stub.requests] == [500, 201]
    assert twilio_stub.texts_to("+447700900123") == ["Your mediation certificate: https://example.org/c/1"]


def test_rate_limits_are_retried_and_a_bad_number_fails_for_good_but_is_kept(database_url, configure, twilio_stub):
    configure(database_url)
    limited = _enqueue(database_url, to="+447700900111")
    bad = _enqueue(database_url, to="+447700900222")
    twilio_stub.fail_next(429, code=20429, message="Too Many Requests")
    twilio_stub.fail_next(400, code=21211, message="The 'To' number is not a valid phone number.")
    assert send_due(database_url) == 0
    assert _message(database_url, limited).status == "pending"
    failed = _message(database_url, bad)
    assert failed.status == "failed" and "21211" in failed.last_error and failed.body


def test_messages_to_one_number_keep_their_order(database_url, configure, twilio_stub):
    configure(database_url)
    first = _enqueue(database_url, body="(1/2) first")
    _enqueue(database_url, body="(2/2) second")
    twilio_stub.fail_next(500)
    assert send_due(database_url) == 0  # the second waits for the first
    later = utcnow() + dt.timedelta(minutes=5)
    assert send_due(database_url, now=later) == 2
    assert [r.form["Body"] for r in twilio_stub.messages()] == ["(1/2) first", "(2/2) second"]
    assert _message(database_url, first).status == "sent"


def test_after_the_last_attempt_a_message_is_failed_not_lost(database_url, configure, twilio_stub):
    settings = configure(database_url, OUTBOX_MAX_ATTEMPTS="2")
    message_id = _enqueue(database_url)
    twilio_stub.fail_next(503)
    twilio_stub.fail_next(503)
    send_due(database_url, settings=settings)
    send_due(database_url, settings=settings, now=utcnow() + dt.timedelta(hours=1))
    message = _message(database_url, message_id)
    assert message.status == "failed" and message.attempts == 2 and message.body


def test_two_workers_at_once_send_each_message_exactly_once(database_url, configure, twilio_stub):
    configure(database_url)
    for number in range(6):
        _enqueue(database_url, to=f"+4477009001{number:02d}")
    results = []
    workers = [threading.Thread(target=lambda: results.append(send_due(database_url))) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sum(results) == 6
    assert sorted(r.form["To"] for r in twilio_stub.messages()) == [f"+4477009001{n:02d}" for n in range(6)]


def test_the_one_shot_command_sends_due_messages(configure, twilio_stub, tmp_path):
    import os
    import subprocess
    import sys

    settings = configure()
    _enqueue(settings.database_url)
    result = subprocess.run([sys.executable, "-m", "bot.outbox"], capture_output=True, text=True, env=dict(os.environ),
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert "1 message(s) sent" in result.stdout
    assert len(twilio_stub.messages()) == 1


@pytest.mark.parametrize("attempts,seconds", [(1, 5), (2, 10), (3, 20), (20, 3600)])
def test_backoff_doubles_and_is_capped(attempts, seconds):
    assert backoff_seconds(attempts) == seconds
