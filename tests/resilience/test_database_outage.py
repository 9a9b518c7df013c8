"""The database briefly unreachable: requests fail cleanly (503, no stack trace), nothing
acknowledged is lost, and everything works again when it is back.

A small TCP proxy stands between the web app and the real PostgreSQL server; the test
cuts it (every connection dropped, new ones refused) and restores it.
"""
from __future__ import annotations

import socket
import threading
from typing import List

import pytest
from sqlalchemy.engine import make_url
from starlette.websockets import WebSocketDisconnect

from bot.mediation.references import new_reference
from bot.outbox.models import OutboxMessage
from support.telephony import PUBLIC_BASE_URL

PROXY_PORT = 20432


class CuttableProxy:
    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = None
        self.connections: List[socket.socket] = []
        self.lock = threading.Lock()

    def restore(self) -> "CuttableProxy":
        self.listener = socket.create_server(("127.0.0.1", PROXY_PORT), reuse_port=True)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()
        return self

    def cut(self) -> None:
        self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close() alone would not
        self.listener.close()
        with self.lock:
            for connection in self.connections:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                connection.close()
            self.connections.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self.lock:
                self.connections += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@pytest.fixture
def proxied_app(postgres_url, web_app):
    url = make_url(postgres_url)
    proxy = CuttableProxy(url.port or 5432).restore()
    client = web_app(DATABASE_URL=url.set(host="127.0.0.1", port=PROXY_PORT).render_as_string(hide_password=False))
    yield client, proxy
    proxy.cut()


def _replies(postgres_url):
    from bot.database import session_scope

    with session_scope(postgres_url) as session:
        return [m.to_number for m in session.query(OutboxMessage).order_by(OutboxMessage.id)]


def test_requests_fail_cleanly_while_the_database_is_away_and_nothing_acknowledged_is_lost(proxied_app, postgres_url,
                                                                                            chat_reader):
    client, proxy = proxied_app
    sms = lambda number: client.twilio.post("/telephony/sms", {"From": number, "Body": "what is mediation"})  # noqa: E731
    assert sms("+447700900301").status_code == 200
    with client.websocket_connect("/chat/ws", headers={"origin": PUBLIC_BASE_URL}) as socket_:
        chat = chat_reader(socket_)
        session = chat.start()
        chat.say("hello before", client_id="before")
        chat.until(lambda f: f["type"] == "message" and f.get("client_id") == "before")

        proxy.cut()
        chat.say("hello during", client_id="during")
        with pytest.raises(WebSocketDisconnect) as closed:  # not stored, so not acknowledged: the page re-sends
            chat.until(lambda f: f["type"] == "message" and f.get("client_id") == "during", timeout=30)
        assert closed.value.code in (1011, 1013)

    for response in (sms("+447700900302"), client.get(f"/api/v1/certificates/{new_reference()}/status")):
        assert response.status_code == 503, response.text
        assert response.json()["message"].startswith("The service is briefly unavailable")
        assert response.headers["Retry-After"] and "Traceback" not in response.text
    health = client.get("/health")
    assert health.status_code == 503 and health.json()["components"]["database"]["status"] == "down", health.text

    proxy.restore()
    assert sms("+447700900302").status_code == 200  # Twilio's retry (or the person's) now goes through
    with client.websocket_connect("/chat/ws", headers={"origin": PUBLIC_BASE_URL}) as socket_:
        chat = chat_reader(socket_)
        assert chat.start(session) == session  # the same conversation
        chat.say("hello during", client_id="during")  # what the page had pending
        chat.until(lambda f: f["type"] == "message" and f.get("client_id") == "during")
    from bot.database import session_scope
    from bot.webchat.models import ChatMessage

    with session_scope(postgres_url) as db:
        said = [m.text for m in db.query(ChatMessage).filter_by(conversation_id=session, sender="person")
                .order_by(ChatMessage.seq)]
    assert said == ["hello before", "hello during"]
    assert sorted(_replies(postgres_url)) == ["+447700900301", "+447700900302"]
