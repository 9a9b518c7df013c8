"""Certificate download links (issue 20), on SQLite and PostgreSQL: the secret is only in
the link given to the family (the database holds its hash); a link expires after
CERTIFICATE_LINK_DAYS and then says how to get a new one; asking again in the chat
gives a new link while the first still works; links sent before the upgrade keep
working until they expire."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.database import session_scope
from bot.mediation import service
from support.back_office import PUBLIC_BASE_URL, issue_not_pursuing

LINK = re.compile(re.escape(PUBLIC_BASE_URL) + r"/certificates/download/([\w-]+)")


@pytest.fixture
def client(office):
    from bot.app import create_app

    return TestClient(create_app())


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _every_stored_value(url: str) -> str:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            tables = sa.inspect(connection).get_table_names()
            return "\n".join(
                str(row) for table in tables for row in connection.execute(sa.text(f'SELECT * FROM "{table}"'))
            )
    finally:
        engine.dispose()


def test_the_secret_is_only_in_the_link_the_database_holds_its_hash(office, client):
    with session_scope(office.database_url) as session:
        certificate = issue_not_pursuing(session)
        link = service.new_download_link(session, certificate)
    secret = LINK.fullmatch(link.url).group(1)
    assert len(secret) >= 40 and certificate.reference not in link.url

    stored = _every_stored_value(office.database_url)
    assert secret not in stored
    assert hashlib.sha256(secret.encode()).hexdigest() in stored
    response = client.get(link.url.replace(PUBLIC_BASE_URL, ""))
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    # The hash itself opens nothing.
    assert client.get(f"/certificates/download/{hashlib.sha256(secret.encode()).hexdigest()}").status_code == 404


def test_an_expired_link_says_how_to_get_a_new_one_and_the_certificate_can_still_be_checked(
    office, reconfigure, client
):
    settings = reconfigure(CERTIFICATE_LINK_DAYS="3")
    with session_scope(office.database_url) as session:
        certificate = issue_not_pursuing(session)
        given = _utcnow() - dt.timedelta(days=3, minutes=1)
        old = service.new_download_link(session, certificate, now=given, settings=settings)
        recent = service.new_download_link(
            session, certificate, now=_utcnow() - dt.timedelta(days=2, hours=23), settings=settings
        )
    assert old.expires_at == given + dt.timedelta(days=3)

    page = client.get(old.url.replace(PUBLIC_BASE_URL, ""))
    assert page.status_code == 410 and "application/pdf" not in page.headers["content-type"]
    assert "This download link has expired" in page.text and "work for 3 days" in page.text
    assert "ask for your mediation certificate again" in page.text and "still valid" in page.text
    assert 'href="/certificates/verify"' in page.text and 'href="/"' in page.text
    assert certificate.reference not in page.text and "Smith" not in page.text  # the link names nothing
    assert page.headers["cache-control"] == "no-store"

    assert client.get(recent.url.replace(PUBLIC_BASE_URL, "")).status_code == 200
    verify = client.get(f"/certificates/verify/{certificate.reference}")
    assert verify.status_code == 200 and "Valid certificate" in verify.text


def _ask_for_the_certificate(conversation_id: str):
    from actions.mediation_advice import ActionStartAppeal

    tracker = Tracker(
        conversation_id,
        {},
        {"text": "I need my certificate", "intent": {"name": "start_appeal"}, "entities": []},
        [],
        False,
        None,
        {},
        "action_listen",
    )
    dispatcher = CollectingDispatcher()
    events = ActionStartAppeal().run(dispatcher, tracker, {})
    return dispatcher.messages, events


def test_asking_again_in_the_chat_gives_a_new_link_and_the_first_still_works(office, client):
    with session_scope(office.database_url) as session:
        certificate = issue_not_pursuing(session, conversation_id="web-family-1")
        first = service.new_download_link(session, certificate)

    messages, events = _ask_for_the_certificate("web-family-1")
    assert events == []
    said = " ".join(message.get("text") or "" for message in messages)
    assert "You already have a mediation certificate" in said and certificate.reference in said
    assert "The link works until" in said and "ask me for your certificate again" in said
    [again] = LINK.findall(said)
    [button] = [m["custom"]["download"]["url"] for m in messages if (m.get("custom") or {}).get("download")]
    assert button.endswith(again) and first.url != button

    for url in (first.url, button):
        response = client.get(url.replace(PUBLIC_BASE_URL, ""))
        assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_a_revoked_certificate_is_not_handed_out_by_any_of_its_links(office, client):
    with session_scope(office.database_url) as session:
        certificate = issue_not_pursuing(session)
        links = [service.new_download_link(session, certificate) for _ in range(2)]
    with session_scope(office.database_url) as session:
        service.revoke_certificate(session, certificate.reference, reason="issued in error", by="mediator.anne")
    for link in links:
        page = client.get(link.url.replace(PUBLIC_BASE_URL, ""))
        assert page.status_code == 410 and "was revoked" in page.text


def test_anonymised_certificates_lose_every_link(office, client):
    with session_scope(office.database_url) as session:
        certificate = issue_not_pursuing(session)
        link = service.new_download_link(session, certificate)
    with session_scope(office.database_url) as session:
        assert service.anonymise_certificates_before(session, _utcnow() + dt.timedelta(days=1)) == 1
    assert client.get(link.url.replace(PUBLIC_BASE_URL, "")).status_code == 404


def test_links_sent_before_the_upgrade_keep_working_until_they_expire(database_url, monkeypatch):
    """Migration 0012: each plain-text token becomes a hash; the link expires 30 days after
    the upgrade (or after issue, if later); the plain token is gone from the database."""
    from bot import database
    from bot.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
    database.get_engine.cache_clear()
    database.upgrade(database_url, "0011_staff_second_factor")
    token = "plain-token-sent-in-a-text-" + "x" * 20
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO certificates (reference, token, kind, conversation_id, channel, requester_name, "
                "requester_role, child_name, local_authority, about, decision_date, issued_at, issued_on, appeal_by, "
                "issue_key, status) VALUES ('SEM-7KQ4-MX2P', :token, 'not_pursuing', 'conv-old', 'web', 'Jane Smith', "
                "'parent', 'Sam Smith', 'Kent', 'plan_content', :decided, :issued_at, :issued_on, :appeal_by, "
                "'conv-old:not_pursuing', 'valid')"
            ),
            {
                "token": token,
                "decided": dt.date(2025, 1, 6),
                "issued_at": dt.datetime(2025, 2, 3, 10, 0),
                "issued_on": dt.date(2025, 2, 3),
                "appeal_by": dt.date(2025, 3, 3),
            },
        )
    engine.dispose()

    before = _utcnow()
    database.upgrade(database_url)
    try:
        assert token not in _every_stored_value(database_url)
        with session_scope(database_url) as session:
            found = service.open_download(session, token)
            assert found.status == "ok" and found.certificate.reference == "SEM-7KQ4-MX2P"
            assert service.open_download(session, token, now=before + dt.timedelta(days=29)).status == "ok"
            assert service.open_download(session, token, now=_utcnow() + dt.timedelta(days=30)).status == "expired"
    finally:
        get_settings.cache_clear()
        database.get_engine.cache_clear()
