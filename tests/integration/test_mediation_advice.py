"""Mediation advice in conversation, over the REST channel, with the trained model:
from "I want to appeal" to an issued certificate (its PDF read back, the public
verification valid then revoked), the mediation request with its clocks and the
council's email, section I only, and a disagreement resolution request.

Dates in messages are relative to today, as a person's are; expected dates come from
bot.redress, tested on their own.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from typing import Dict, List

import httpx
import sqlalchemy as sa
from pypdf import PdfReader
from sqlalchemy.orm import Session

from bot.redress.dates import format_long
from bot.redress.deadlines import appeal_deadline, contact_mediation_adviser_by, mediation_by


def _texts(replies: List[Dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies if reply.get("text"))


def _custom(replies: List[Dict]) -> List[Dict]:
    return [reply["custom"] for reply in replies if reply.get("custom")]


def _rows(stack, query: str, **params):
    engine = sa.create_engine(stack.env["DATABASE_URL"], future=True)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(query), params)]
    finally:
        engine.dispose()


def _letter(days_ago: int) -> dt.date:
    return dt.date.today() - dt.timedelta(days=days_ago)


def _answer_the_route_check(say, letter: dt.date) -> str:
    """'I want to appeal' up to the mediation information; returns what was said last."""
    replies = say("I'd like to start an appeal")
    assert "talk to a mediation adviser" in _texts(replies)
    assert "are you a parent or carer, the young person, or a professional" in _texts(replies)
    say("I'm his dad")
    say("they won't do an EHC needs assessment")
    say("Kent")
    say("he's 11")
    say(f"the letter was dated {letter.day} {letter.strftime('%B %Y')}")
    replies = say("No, no certificate yet")
    assert "Let me check I have this right" in _texts(replies)
    return _texts(say("yes, everything there is right"))


def test_i_want_to_appeal_to_an_issued_certificate_that_verifies_then_revokes(running_stack):
    sender = f"ma-{uuid.uuid4().hex[:8]}"
    say = lambda text: running_stack.say(sender, text)  # noqa: E731
    letter = _letter(20)

    information = _answer_the_route_check(say, letter)
    # The statutory information, in plain words, with the person's own dates.
    assert "mediation" in information and "free" in information and "independent" in information
    assert "your choice" in information and "you keep your right to appeal" in information
    assert f"contact the mediation adviser by {format_long(contact_mediation_adviser_by(letter))}" in information
    assert format_long(appeal_deadline(letter).last_day) in information
    assert "Would you like to try mediation" in information
    # Recorded that it was given, with the time.
    [(given_at, channel)] = _rows(running_stack, "SELECT information_given_at, channel FROM mediation_advice "
                                                 "WHERE conversation_id = :c", c=sender)
    assert given_at is not None and channel == "web"

    replies = say("no, I don't want mediation, please issue my certificate")
    assert "does not affect your appeal" in _texts(replies)
    assert "What is your full name?" in _texts(replies)
    [(pursue, choice_at)] = _rows(running_stack, "SELECT pursue, choice_at FROM mediation_advice "
                                                 "WHERE conversation_id = :c", c=sender)
    assert not pursue and choice_at is not None

    replies = say("my name is jo bloggs")
    assert "What is your child's full name" in _texts(replies)
    replies = say("Sam Bloggs")
    read_back = _texts(replies)
    assert "Your name: Jo Bloggs." in read_back and "Your child's name: Sam Bloggs." in read_back
    assert "Council: Kent." in read_back and format_long(letter) in read_back
    # A correction at the read-back, without starting again.
    replies = say("no, his name is Samuel Bloggs")
    assert "Your child's name: Samuel Bloggs." in _texts(replies)
    assert not _rows(running_stack, "SELECT 1 FROM certificates WHERE conversation_id = :c", c=sender)

    replies = say("yep, that all sounds right")
    issued = _texts(replies)
    reference = re.search(r"SEM-[0-9A-Z]{4}-[0-9A-Z]{4}", issued).group(0)
    [download] = [custom["download"]["url"] for custom in _custom(replies) if "download" in custom]
    assert download in issued
    # The deadline with the certificate: 1 month from it or 2 months from the letter, whichever is later.
    with_certificate = appeal_deadline(letter, dt.date.today()).last_day
    assert format_long(with_certificate) in issued

    # The PDF: the tribunal's fields, read back from the file.
    pdf = httpx.get(download.replace(running_stack.env["PUBLIC_BASE_URL"], running_stack.web_url), timeout=30)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in (reference, "Jo Bloggs", "Samuel Bloggs", "Kent", format_long(letter),
                     format_long(dt.date.today()), format_long(with_certificate)):
        assert expected in text, expected
    assert "not to pursue mediation" in text.lower() or "decided not to" in text.lower()

    # Asking again in the same conversation gives the same certificate, never a second one.
    replies = say("we want to appeal please")
    assert reference in _texts(replies) and "already have" in _texts(replies)
    assert _rows(running_stack, "SELECT count(*) FROM certificates WHERE conversation_id = :c", c=sender) == [(1,)]

    # Anyone can check it: valid, then revoked once staff revoke it.
    page = httpx.get(f"{running_stack.web_url}/certificates/verify/{reference}", timeout=10)
    assert page.status_code == 200 and "is valid" in page.text and "J. B." in page.text
    assert "Bloggs" not in page.text
    from bot.models import import_all_models

    import_all_models()  # every table, for the mapper
    from bot.mediation.service import revoke_certificate

    engine = sa.create_engine(running_stack.env["DATABASE_URL"], future=True)
    with Session(engine) as session, session.begin():
        revoke_certificate(session, reference, reason="Issued with the wrong council", by="test mediator")
    engine.dispose()
    page = httpx.get(f"{running_stack.web_url}/certificates/verify/{reference}", timeout=10)
    assert "revoked" in page.text and "no longer valid" in page.text


def test_choosing_mediation_records_the_request_with_its_clocks_and_tells_the_council(running_stack):
    sender = f"mr-{uuid.uuid4().hex[:8]}"
    say = lambda text: running_stack.say(sender, text)  # noqa: E731
    letter = _letter(10)
    _answer_the_route_check(say, letter)

    replies = say("yes, I'd like to try mediation")
    assert "what do you want mediation to be about" in _texts(replies)
    say("the council refused to assess him and we want them to think again")
    replies = say("yes, his speech therapy is part of it")
    assert "integrated care board" in _texts(replies)
    say("don't know")
    say("Jo Bloggs")
    say("Sam Bloggs")
    replies = say("by email")
    assert "email address" in _texts(replies)
    replies = say("it's jo@example.com")
    assert "When are you usually free" in _texts(replies)
    replies = say("weekday mornings")
    read_back = _texts(replies)
    assert "Health care involved: yes." in read_back and "by email on jo@example.com" in read_back

    replies = say("yes, all of that is right")
    done = _texts(replies)
    today = dt.date.today()
    assert f"must arrange mediation by {format_long(mediation_by(today))}" in done
    assert "must tell" in done and "3 working days" in done  # the ICB clock, health care being in issue
    [(status, icb_by, council_email)] = _rows(
        running_stack, "SELECT r.status, r.icb_notify_by, o.kind FROM mediation_requests r "
                       "JOIN outbox_messages o ON o.id = r.la_notification_id WHERE r.conversation_id = :c", c=sender)
    assert status == "requested" and icb_by is not None and council_email
    # No certificate: the person chose mediation.
    assert not _rows(running_stack, "SELECT 1 FROM certificates WHERE conversation_id = :c", c=sender)


def test_an_appeal_only_about_the_named_school_needs_no_certificate(running_stack):
    sender = f"si-{uuid.uuid4().hex[:8]}"
    say = lambda text: running_stack.say(sender, text)  # noqa: E731
    letter = _letter(15)
    say("I want to appeal this decision")
    say("I'm her mum")
    say("we only disagree with the school named in section I")
    say("Surrey")
    say("she's 8")
    replies = say(f"dated {letter.day} {letter.strftime('%B %Y')}")
    replies = say("yes, those details are right") if "Is that right" in _texts(replies) else replies
    text = _texts(replies)
    assert "You do not need a mediation certificate" in text
    assert format_long(appeal_deadline(letter).last_day) in text
    assert "Would you like to try mediation" not in text


def test_a_disagreement_resolution_request_waits_for_the_other_partys_agreement(running_stack):
    sender = f"dr-{uuid.uuid4().hex[:8]}"
    say = lambda text: running_stack.say(sender, text)  # noqa: E731
    replies = say("I'd like a disagreement resolution meeting with the school")
    assert "Which council area do you live in" in _texts(replies)  # the school is already known
    replies = say("we're in West Sussex")
    assert "what is the disagreement with the school about" in _texts(replies)
    say("the school is not giving the support his SEN needs")
    say("Jo Bloggs")
    replies = say("by text")
    assert "phone number" in _texts(replies)
    replies = say("07700 900123")
    terms = _texts(replies)
    assert "every party must agree" in terms and "the school funds the meeting" in terms
    replies = say("yes, send it")
    assert "We will ask the school to agree" in _texts(replies)
    [(status, funded_by, council)] = _rows(
        running_stack, "SELECT status, funded_by, local_authority FROM dr_requests "
                       "WHERE conversation_id = :c", c=sender)
    assert (status, funded_by, council) == ("waiting_for_agreement", "school", "West Sussex")
