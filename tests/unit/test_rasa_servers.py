"""Several Rasa servers (issue 22): the web app sends each turn to the least busy server,
ties to the conversation's own (a hash of its id), the next one when that is down; and the
supervisor refuses more than one without the Redis lock store, saying so.

Two real local HTTP servers speak Rasa's REST channel (tests/support/scripted_rasa.py).
"""
from __future__ import annotations

import asyncio
import socket
from collections import Counter

import httpx
import pytest

from bot.conversations.rasa_client import SERVER_LOAD, RasaClient, ServerLoad, server_index, servers_for
from bot.settings import Settings
from bot.supervisor import Supervisor, build_services, child_environment
from support.scripted_rasa import ScriptedRasa


@pytest.fixture
def two_servers():
    servers = [ScriptedRasa().start(), ScriptedRasa().start()]
    yield servers
    for server in servers:
        server.stop()


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"  # closed once the probe is


def _client(*urls: str) -> RasaClient:
    return RasaClient(Settings(_env_file=None, rasa_urls=",".join(urls), rasa_servers=len(urls)), timeout=5)


def _talk(client: RasaClient, senders, turns=("hello", "what is mediation", "bye")) -> None:
    async def everyone() -> None:
        at_once = asyncio.Semaphore(4)  # the stub's listen queue is short

        async def conversation(sender: str) -> None:
            async with at_once:
                for text in turns:
                    assert await client.send_message(sender, text)

        await asyncio.gather(*(conversation(sender) for sender in senders))

    asyncio.run(everyone())


def test_one_at_a_time_each_conversation_stays_on_the_server_its_hash_names(two_servers):
    client = _client(*(server.url for server in two_servers))
    senders = [f"web-{number}" for number in range(20)]
    for sender in senders:  # nothing else in flight: every turn is a tie
        _talk(client, [sender])

    for sender in senders:
        turns = [len(server.messages_from(sender)) for server in two_servers]
        assert turns[server_index(sender, 2)] == 3 and sum(turns) == 3, (sender, turns)
    per_server = Counter(server_index(sender, 2) for sender in senders)
    assert min(per_server.values()) >= 5, per_server  # spread, not all on one


def test_turns_at_once_are_shared_evenly_between_the_servers(two_servers):
    """A hash alone gave one server more of the conversations at a time than the other."""
    client = _client(*(server.url for server in two_servers))
    # Conversations whose hash names the first server: by hash alone it would take them all.
    senders = [f"web-{n}" for n in range(200) if server_index(f"web-{n}", 2) == 0][:40]
    _talk(client, senders)  # four conversations at once

    per_server = [sum(len(server.messages_from(sender)) for sender in senders) for server in two_servers]
    assert sum(per_server) == 120 and min(per_server) >= 45, per_server
    assert all(SERVER_LOAD.in_flight(server.url) == 0 for server in two_servers)  # nothing left counted


def test_the_least_busy_server_comes_first_ties_to_the_conversations_own():
    load = ServerLoad()
    urls = ["a", "b", "c"]
    sender = next(f"web-{n}" for n in range(100) if server_index(f"web-{n}", 3) == 1)
    assert load.order(sender, urls) == ["b", "c", "a"]
    with load.busy("b"):
        assert load.order(sender, urls) == ["c", "a", "b"]
        with load.busy("c"), load.busy("a"), load.busy("a"):
            assert load.order(sender, urls) == ["b", "c", "a"]
    assert load.in_flight("a") == load.in_flight("b") == 0


def test_a_conversation_whose_server_is_down_is_answered_by_the_other(two_servers):
    alive = two_servers[0]
    client = _client(alive.url, _closed_port_url())
    senders = [f"voice-CA{number}" for number in range(12)]
    on_the_dead_one = [sender for sender in senders if server_index(sender, 2) == 1]
    assert on_the_dead_one  # some conversations belong to the server that is down

    _talk(client, senders)  # every turn answered

    for sender in senders:
        assert len(alive.messages_from(sender)) == 3


def test_the_order_of_servers_is_the_same_in_every_process():
    # A hash of the id, not Python's salted hash(): two web app processes agree.
    assert servers_for("web-abc", ["a", "b", "c"]) == servers_for("web-abc", ["a", "b", "c"])
    assert [server_index(f"sms-{n}", 3) for n in range(6)] == [server_index(f"sms-{n}", 3) for n in range(6)]
    assert sorted(servers_for("web-abc", ["a", "b", "c"])) == ["a", "b", "c"]


def test_an_error_from_a_server_that_answered_is_not_sent_to_another(two_servers):
    """A server that received the turn and failed must not have it run again elsewhere."""
    first, second = two_servers
    client = _client(first.url, second.url)
    sender = next(f"web-{n}" for n in range(100) if server_index(f"web-{n}", 2) == 0)
    first.stop()  # its port now refuses; then put a server that answers 500 there
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Failing(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(500)
            self.end_headers()

        def log_message(self, *args):
            pass

    port = int(first.url.rsplit(":", 1)[1])
    failing = ThreadingHTTPServer(("127.0.0.1", port), Failing)
    import threading

    threading.Thread(target=failing.serve_forever, daemon=True).start()
    try:
        with pytest.raises(httpx.HTTPStatusError):
            asyncio.run(client.send_message(sender, "hello"))
        assert second.messages_from(sender) == []
    finally:
        failing.shutdown()
        failing.server_close()


def test_settings_derive_one_url_per_server_from_the_port():
    settings = Settings(_env_file=None, rasa_servers=2, rasa_port=5005, redis_url="redis://127.0.0.1:6379/0")
    assert settings.rasa_server_urls == ["http://127.0.0.1:5005", "http://127.0.0.1:5006"]
    assert Settings(_env_file=None).rasa_server_urls == ["http://127.0.0.1:5005"]
    rasa = [service for service in build_services(settings) if service.name.startswith("rasa")]
    assert [(service.name, service.port) for service in rasa] == [("rasa-1", 5005), ("rasa-2", 5006)]
    assert child_environment(settings)["RASA_URLS"] == "http://127.0.0.1:5005,http://127.0.0.1:5006"


def test_more_than_one_rasa_server_without_redis_is_refused_at_start_up(capsys, tmp_path):
    settings = Settings(_env_file=None, rasa_servers=2, redis_url="", database_url=f"sqlite:///{tmp_path / 'x.db'}")
    code = Supervisor(settings).run()
    said = capsys.readouterr().out
    assert code == 2
    assert "RASA_SERVERS=2 needs the Redis lock store: set REDIS_URL" in said
    assert not (tmp_path / "x.db").exists()  # refused before anything was started or migrated


def test_two_servers_with_redis_say_so_at_start_up(capsys, tmp_path):
    settings = Settings(_env_file=None, rasa_servers=2, redis_url="redis://127.0.0.1:6379/0",
                        model_path=str(tmp_path / "no-model.tar.gz"))
    with pytest.raises(SystemExit, match="No trained model"):  # stops at the next check, before starting anything
        Supervisor(settings).run()
    said = capsys.readouterr().out
    assert "2 Rasa servers (http://127.0.0.1:5005, http://127.0.0.1:5006)" in said
    assert "conversation locks in Redis" in said
