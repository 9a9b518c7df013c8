"""The web app as `make run` starts it refuses a huge web chat frame before reading it.

uvicorn would take WebSocket frames of up to 16 MB; the supervisor starts it with a
limit derived from the chat message limit (bot.supervisor.websocket_max_bytes). A real
uvicorn on a port of 23000-23999 and a real WebSocket client.
"""
from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import time

import httpx
import pytest
import websockets

from bot import database
from bot.settings import Settings
from bot.supervisor import build_services, child_environment, websocket_max_bytes


def _free_port() -> int:
    for port in range(23000, 24000):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 23000-23999")


@pytest.fixture
def web(tmp_path):
    """The web service from the supervisor's own command line, with a 100-character chat limit."""
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'web.db'}", "WEB_HOST": "127.0.0.1", "WEB_PORT": str(_free_port()),
        "CHAT_MAX_MESSAGE_CHARACTERS": "100", "RASA_URL": "http://127.0.0.1:9", "REDIS_URL": "",
        "OUTBOX_WORKER_ENABLED": "false", "RETENTION_JOB_HOURS": "0",
    }
    settings = Settings(_env_file=None, **{name.lower(): value for name, value in env.items()})
    database.upgrade(settings.database_url)
    [service] = [s for s in build_services(settings) if s.name == "web"]
    log = tmp_path / "web.log"
    with log.open("w") as output:
        process = subprocess.Popen(service.command, env={**child_environment(settings), **env}, stdout=output,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not _answers(settings.web_port):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield settings, log
    finally:
        process.terminate()
        process.wait(timeout=30)
        database.get_engine.cache_clear()


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/chat/privacy", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


async def _chat(url: str, frames):
    """Start a chat, send each frame in turn; the frames that came back and how the socket closed."""
    received = []
    async with websockets.connect(url, max_size=None, origin=url.replace("ws://", "http://").split("/chat/")[0]) as chat:
        await chat.send(json.dumps({"type": "start", "session": None, "after": 0}))
        received.append(json.loads(await asyncio.wait_for(chat.recv(), timeout=10)))
        assert received[0]["type"] == "session"  # as the browser does, wait for it before saying anything
        for frame in frames:
            await chat.send(frame)
        try:
            while True:
                received.append(json.loads(await asyncio.wait_for(chat.recv(), timeout=10)))
                if received[-1]["type"] == "refused" and len(frames) == 1:
                    return received, None
        except websockets.ConnectionClosed as closed:
            return received, closed.code
        except asyncio.TimeoutError:
            return received, None


def _say(text: str, client_id: str) -> str:
    return json.dumps({"type": "say", "text": text, "client_id": client_id, "payload": None})


def test_the_websocket_limit_follows_the_chat_message_limit():
    settings = Settings(_env_file=None, chat_max_message_characters=5000, max_request_bytes=65536)
    assert websocket_max_bytes(settings) == 65536
    assert websocket_max_bytes(Settings(_env_file=None, chat_max_message_characters=20000)) == 12 * 20000 + 4096
    # A message at the limit fits even with every character escaped.
    assert len(_say("\U0001F600" * 5000, "x").encode()) < websocket_max_bytes(settings)


def test_an_oversized_frame_is_closed_with_1009_and_a_long_message_gets_the_apps_refusal(web):
    settings, log = web
    url = f"ws://127.0.0.1:{settings.web_port}/chat/ws"

    # Over the chat limit but within the frame limit: the app reads it and says why.
    received, _ = asyncio.run(_chat(url, [_say("x" * 101, "long")]))
    [refused] = [f for f in received if f["type"] == "refused"]
    assert refused["reason"] == "too_long" and "under 100 characters" in refused["message"]

    # A 1 MB frame never reaches the app: uvicorn closes the socket, "message too big".
    received, code = asyncio.run(_chat(url, [_say("x" * 1_000_000, "huge")]))
    assert code == 1009
    # (The greeting may arrive first; nothing the person sent is stored or answered.)
    assert not [f for f in received if f["type"] == "refused" or (f["type"] == "message" and f.get("sender") != "bot")]
    assert not [f for f in received if f["type"] == "message" and f.get("client_id") == "huge"]

    # The server carried on, and did not log an error for it.
    assert _answers(settings.web_port)
    received, _ = asyncio.run(_chat(url, [_say("y" * 101, "again")]))
    assert [f["reason"] for f in received if f["type"] == "refused"] == ["too_long"]
    assert "Traceback" not in log.read_text() and "ERROR" not in log.read_text()
