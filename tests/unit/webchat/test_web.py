"""The web chat's routes in-process: headers, the loader, sessions never chosen by the browser."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.fixture
def client(chat_db, monkeypatch):
    from bot.settings import get_settings

    monkeypatch.setenv("OUTBOX_WORKER_ENABLED", "false")
    monkeypatch.setenv("RETENTION_JOB_HOURS", "0")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://chat.example.org")
    monkeypatch.setenv("WEBCHAT_EMBED_ORIGINS", "https://www.kent.gov.uk")
    get_settings.cache_clear()
    from bot.app import create_app

    with TestClient(create_app()) as test_client:
        yield test_client


def test_the_page_loads_nothing_from_elsewhere_and_may_be_framed_only_where_allowed(client):
    page = client.get("/")
    assert page.status_code == 200 and "Your privacy" in page.text
    assert "frame-ancestors 'self'" in page.headers["content-security-policy"]
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "http" not in page.text.split("<body", 1)[0].replace("http-equiv", "")  # no external assets in <head>
    embedded = client.get("/?embed=1")
    assert "frame-ancestors https://www.kent.gov.uk" in embedded.headers["content-security-policy"]
    assert client.get("/static/webchat/webchat.js").status_code == 200
    assert client.get("/static/webchat/../web.py").status_code == 404


def test_the_loader_opens_this_service(client):
    script = client.get("/widget.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert 'var ORIGIN = "https://chat.example.org";' in script.text


OWN_ORIGIN = {"origin": "https://chat.example.org"}


def test_a_session_is_never_chosen_by_the_browser_and_is_resumed_when_known(client):
    guessed = "web-" + "x" * 32
    with client.websocket_connect("/chat/ws", headers=OWN_ORIGIN) as socket:
        socket.send_json({"type": "start", "session": guessed, "after": 0})
        session = socket.receive_json()
        assert session["type"] == "session" and session["session"] != guessed
        greeting = socket.receive_json()
        assert greeting["type"] == "message" and greeting["seq"] == 1 and greeting["buttons"]
    with client.websocket_connect("/chat/ws", headers=OWN_ORIGIN) as socket:
        socket.send_json({"type": "start", "session": session["session"], "after": 1})
        assert socket.receive_json()["session"] == session["session"]
        assert socket.receive_json() == {"type": "owner", "state": "bot", "staff_name": None, "urgent": False}


@pytest.mark.parametrize("origin", ["https://evil.example", "https://chat.example.org.evil.example",
                                    "http://chat.example.org", "https://www.kent.gov.uk"])
def test_a_page_on_another_site_cannot_open_the_chat_socket(client, origin):
    from starlette.websockets import WebSocketDisconnect

    with pytest.raises(WebSocketDisconnect):
        with client.websocket_connect("/chat/ws", headers={"origin": origin}) as socket:
            socket.send_json({"type": "start", "after": 0})
            socket.receive_json()


def test_a_socket_with_no_origin_is_refused_as_a_policy_violation(client):
    # A browser always sends Origin; a client that does not (a script replaying a chat key
    # copied from somewhere) is refused before the handshake completes, code 1008.
    from starlette.websockets import WebSocketDisconnect

    with pytest.raises(WebSocketDisconnect) as refused:
        with client.websocket_connect("/chat/ws") as socket:
            socket.send_json({"type": "start", "after": 0})
            socket.receive_json()
    assert refused.value.code == 1008


@pytest.mark.parametrize("environment, allowed", [("development", True), ("production", False)])
def test_no_origin_is_allowed_only_in_development_with_the_explicit_setting(environment, allowed):
    from bot.settings import Settings
    from bot.webchat.web import allowed_origin

    settings = Settings(environment=environment, webchat_allow_missing_origin=True)
    assert allowed_origin(None, settings) is allowed
    assert allowed_origin(None, Settings(environment="development")) is False


def test_the_chat_page_own_origin_opens_the_socket(client):
    with client.websocket_connect("/chat/ws", headers={"origin": "https://chat.example.org"}) as socket:
        socket.send_json({"type": "start", "after": 0})
        assert socket.receive_json()["type"] == "session"
