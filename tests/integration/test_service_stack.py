"""The whole product: one command starts three services, conversations survive restarts."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import httpx

from support.stack import ROOT  # noqa: F401


def test_conversation_survives_a_restart_of_every_service(database_url, service_stack_factory):
    """Done-when of the Foundation issue, on SQLite and on PostgreSQL."""
    stack = service_stack_factory(database_url).start()

    health = httpx.get(f"{stack.web_url}/health", timeout=10)
    assert health.status_code == 200, health.text
    report = health.json()
    assert {name: part["status"] for name, part in report["components"].items()} == {
        "web_app": "ok", "database": "ok", "rasa": "ok", "action_server": "ok", "staff_alerts": "ok",
    }
    assert report["components"]["rasa"]["detail"]["model_loaded"] is True
    assert report["components"]["rasa"]["detail"]["model_fingerprint"]

    sender = f"persist-{uuid.uuid4().hex[:8]}"
    replies = stack.say(sender, "hello there, i've got a question")
    assert replies and "mediation" in replies[0]["text"].lower()
    # A custom action runs on the action server.
    assert stack.say(sender, "what time are you open until today")

    assert stack.stop() == 0, stack.log_tail()
    assert "all services stopped" in stack.output[-1]

    stack.start()
    events = stack.tracker(sender)["events"]
    user_texts = [event["text"] for event in events if event["event"] == "user"]
    assert user_texts[:2] == ["hello there, i've got a question", "what time are you open until today"]
    assert any(event.get("name") == "action_staffed_hours" for event in events if event["event"] == "action")

    # The Rasa API token is in no process's command line (anyone on the machine can read
    # those), yet the API still refuses a request without it.
    rasa_command = open(f"/proc/{stack.child_pid('rasa_server')}/cmdline", "rb").read().decode(errors="replace")
    assert stack.rasa_token not in rasa_command
    assert httpx.get(f"{stack.rasa_url}/conversations/{sender}/tracker", timeout=10).status_code == 401
    assert stack.stop() == 0


def test_a_part_that_dies_is_reported_and_nothing_is_restarted(tmp_path, service_stack_factory):
    stack = service_stack_factory(f"sqlite:///{tmp_path / 'dies.db'}").start()
    os.kill(stack.child_pid("actions.server"), signal.SIGKILL)

    assert stack.process.wait(timeout=60) == 1
    stack._reader.join(timeout=5)
    log = "\n".join(stack.output)
    assert "actions exited" in log and "not restarting" in log
    assert "all services stopped" in log
    # Rasa and the web app were stopped too: their ports are free again.
    for url in (f"{stack.rasa_url}/", f"{stack.web_url}/health"):
        try:
            httpx.get(url, timeout=2)
            raise AssertionError(f"{url} still answers")
        except httpx.TransportError:
            pass


def test_health_is_503_and_names_the_part_that_is_down(tmp_path):
    """The web app alone, with Rasa and the action server not running."""
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'alone.db'}",
               RASA_URL="http://127.0.0.1:1", ACTION_SERVER_URL="http://127.0.0.1:1/webhook")
    web = subprocess.Popen([sys.executable, "-m", "uvicorn", "bot.app:app", "--port", "18001"], cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        response = None
        for _ in range(60):
            try:
                response = httpx.get("http://127.0.0.1:18001/health", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.25)
        assert response is not None and response.status_code == 503
        components = response.json()["components"]
        assert components["database"]["status"] == "ok"
        assert components["rasa"]["status"] == "down" and "unreachable" in components["rasa"]["detail"]["error"]
        assert components["action_server"]["status"] == "down"
        docs = httpx.get("http://127.0.0.1:18001/openapi.json", timeout=5).json()
        assert "/health" in docs["paths"]
    finally:
        web.terminate()
        web.wait(timeout=10)


def test_no_part_outlives_a_killed_supervisor(tmp_path, service_stack_factory):
    stack = service_stack_factory(f"sqlite:///{tmp_path / 'orphans.db'}").start()
    children = [stack.child_pid(marker) for marker in ("actions.server", "rasa", "uvicorn")]
    stack.process.kill()  # SIGKILL: the supervisor gets no chance to clean up
    stack.process.wait(timeout=10)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(os.path.exists(f"/proc/{pid}") and
                                              "zombie" not in open(f"/proc/{pid}/status").read().lower()
                                              for pid in children):
        time.sleep(0.5)
    alive = [pid for pid in children if os.path.exists(f"/proc/{pid}") and "zombie" not in open(f"/proc/{pid}/status").read().lower()]
    assert not alive, f"parts still running after the supervisor died: {alive}"
