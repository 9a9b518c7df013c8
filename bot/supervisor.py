"""Start the action server, the Rasa server(s) and the web app, and keep watch over them.

    python -m bot.supervisor          (what `make run` calls)

- Starts each part in turn, prefixes its output with its name, and waits until
  it answers before starting the next.
- Prints the URLs once everything is up.
- Restarts nothing: if a part exits, it says which and why, stops the others
  and exits non-zero, so a failure is never hidden.
- Ctrl-C or SIGTERM stops all three cleanly (web app first, action server last).
"""

from __future__ import annotations

import ctypes
import functools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

import httpx

from bot import database, log_privacy
from bot.settings import PROJECT_ROOT, Settings, UnsafeSecrets, get_settings

STOP_GRACE_SECONDS = 15
STARTUP_TIMEOUT_SECONDS = 240  # Rasa needs about 40 s to load a model on 2 cores

QUIET_ENVIRONMENT = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TQDM_DISABLE": "1",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONWARNINGS": "ignore::DeprecationWarning",
    "PYTHONUNBUFFERED": "1",
    "SANIC_ACCESS_LOG": "False",  # the action server would log every health probe
    "RASA_TELEMETRY_ENABLED": "false",  # no data about this service leaves the machine
}


@dataclass
class Service:
    name: str
    command: List[str]
    port: int
    host: str
    ready: Callable[[], bool]
    process: Optional[subprocess.Popen] = None
    output_thread: Optional[threading.Thread] = field(default=None, repr=False)


def websocket_max_bytes(settings: Settings) -> int:
    """The largest WebSocket frame the web app takes (uvicorn's default is 16 MB).

    Room for a chat message at its limit even written as JSON escapes (up to 12 bytes a
    character) plus the frame's other fields, and never under the request-body limit: a
    message a little too long still reaches the app and gets its "refused" answer; a
    bigger frame is closed by uvicorn (1009, message too big) before anything reads it.
    """
    return max(settings.max_request_bytes, 12 * settings.chat_max_message_characters + 4096)


def child_environment(settings: Settings) -> Dict[str, str]:
    """The environment every part runs with: the settings resolved once, here."""
    env = dict(os.environ)
    env.update(QUIET_ENVIRONMENT)
    env.update(
        {
            "DATABASE_URL": settings.database_url,
            "REDIS_URL": settings.redis_url,
            "RASA_URL": settings.rasa_url,
            "RASA_URLS": settings.rasa_urls,
            "RASA_SERVERS": str(settings.rasa_servers),
            "RASA_TOKEN": settings.rasa_token,
            "ACTION_SERVER_URL": settings.action_server_url,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH", "")])),
        }
    )
    return env


def _get_ok(url: str, **params: str) -> bool:
    try:
        return httpx.get(url, params=params, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def proxy_arguments(settings: Settings) -> List[str]:
    """uvicorn's proxy options: X-Forwarded-For and -Proto are believed only from the
    TRUSTED_PROXIES addresses; with none, never (a spoofed header would otherwise put any
    address in the audit log and get round the sign-in limits per address)."""
    proxies = ",".join(settings.trusted_proxies.replace(",", " ").split())
    return ["--proxy-headers", "--forwarded-allow-ips", proxies] if proxies else ["--no-proxy-headers"]


def rasa_services(settings: Settings) -> List[Service]:
    """RASA_SERVERS Rasa servers on RASA_PORT, RASA_PORT+1, ...: named "rasa" when there is
    one, "rasa-1", "rasa-2", ... when there are more."""
    services = []
    for index in range(settings.rasa_servers):
        port = settings.rasa_port + index
        local = f"http://{'127.0.0.1' if settings.rasa_host in ('0.0.0.0', '') else settings.rasa_host}:{port}"
        services.append(
            Service(
                name="rasa" if settings.rasa_servers == 1 else f"rasa-{index + 1}",
                command=[
                    # The API token reaches Rasa by the environment (RASA_TOKEN), not argv.
                    sys.executable,
                    "-m",
                    "bot.conversations.rasa_server",
                    "--model",
                    settings.model_path,
                    "--endpoints",
                    "endpoints.yml",
                    "--credentials",
                    "credentials.yml",
                    "--interface",
                    settings.rasa_host,
                    "--port",
                    str(port),
                ],
                host=settings.rasa_host,
                port=port,
                ready=functools.partial(_get_ok, f"{local}/status", token=settings.rasa_token),
            )
        )
    return services


def rasa_servers_problem(settings: Settings) -> Optional[str]:
    """Why RASA_SERVERS cannot be run as set, or None. Several Rasa servers must share
    conversation locks (Rasa's Redis lock store): with in-memory locks two servers could run
    two turns of one conversation at once and lose one (the fallback sends a conversation to
    another server when its own is down)."""
    if settings.rasa_servers > 1 and not settings.redis_url:
        return (
            f"RASA_SERVERS={settings.rasa_servers} needs the Redis lock store: set REDIS_URL "
            "(e.g. REDIS_URL=redis://127.0.0.1:6379/0 in .env), or set RASA_SERVERS=1."
        )
    return None


def build_services(settings: Settings) -> List[Service]:
    return [
        Service(
            name="actions",
            command=[sys.executable, "-m", "actions.server"],
            host=settings.action_server_host,
            port=settings.action_server_port,
            ready=lambda: _get_ok(settings.action_server_url.rsplit("/webhook", 1)[0] + "/health"),
        ),
        *rasa_services(settings),
        Service(
            name="web",
            command=[
                sys.executable,
                "-m",
                "uvicorn",
                "bot.app:app",
                "--host",
                settings.web_host,
                "--port",
                str(settings.web_port),
                "--no-access-log",
                "--ws-max-size",
                str(websocket_max_bytes(settings)),
                *proxy_arguments(settings),
            ],
            host=settings.web_host,
            port=settings.web_port,
            ready=lambda: _get_ok(f"http://127.0.0.1:{settings.web_port}/health"),
        ),
    ]


class Supervisor:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.services = build_services(settings)
        self.stopping = threading.Event()
        self.width = max(len("supervisor"), *(len(service.name) for service in self.services))

    def say(self, message: str) -> None:
        _print(f"[{'supervisor':>{self.width}}] {message}")

    # --- start -------------------------------------------------------------
    def check_prerequisites(self) -> None:
        if not Path(self.settings.model_path).is_file():
            raise SystemExit(
                f"No trained model at {self.settings.model_path}. "
                "Run `make run` (it trains one) or `make models/current.tar.gz`."
            )
        for service in self.services:
            if _port_in_use(service.host, service.port):
                raise SystemExit(
                    f"Port {service.port} ({service.name}) is already in use. "
                    f"Is the service already running? Stop it, or set another port in .env."
                )

    def start(self, service: Service) -> None:
        self.say(f"starting {service.name} on {service.host}:{service.port} ...")
        service.process = subprocess.Popen(
            service.command,
            cwd=PROJECT_ROOT,
            env=child_environment(self.settings),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches the supervisor, which stops parts in order
            preexec_fn=_die_with_parent,
            text=True,
            bufsize=1,
        )
        service.output_thread = threading.Thread(target=self._relay_output, args=(service,), daemon=True)
        service.output_thread.start()

    def _relay_output(self, service: Service) -> None:
        assert service.process and service.process.stdout
        for line in service.process.stdout:
            _print(f"[{service.name:>{self.width}}] {line.rstrip()}")

    def wait_until_ready(self, service: Service) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        started = time.monotonic()
        while not self.stopping.is_set():
            self.check_alive()
            if service.ready():
                self.say(f"{service.name} is ready ({time.monotonic() - started:.0f} s)")
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{service.name} did not become ready within {STARTUP_TIMEOUT_SECONDS} s")
            time.sleep(0.5)

    def check_alive(self) -> None:
        for service in self.services:
            if service.process is not None and service.process.poll() is not None:
                raise RuntimeError(f"{service.name} exited with code {service.process.returncode}; not restarting it")

    # --- stop --------------------------------------------------------------
    def stop_all(self) -> None:
        for service in reversed(self.services):
            process = service.process
            if process is None or process.poll() is not None:
                continue
            self.say(f"stopping {service.name} ...")
            _signal_group(process, signal.SIGTERM)
            try:
                process.wait(timeout=STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                self.say(f"{service.name} did not stop in {STOP_GRACE_SECONDS} s; killing it")
                _signal_group(process, signal.SIGKILL)
                process.wait()
            if service.output_thread:
                service.output_thread.join(timeout=2)
        self.say("all services stopped")

    # --- main loop ---------------------------------------------------------
    def run(self) -> int:
        def request_stop(signum, _frame):
            self.say(f"received {signal.Signals(signum).name}; stopping")
            self.stopping.set()

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        try:
            for problem in self.settings.refuse_unsafe_secrets():
                self.say(f"WARNING (development only): {problem}")
        except UnsafeSecrets as refused:
            for problem in refused.problems:
                self.say(f"ERROR: {problem}")
            self.say(f"Refusing to start with ENVIRONMENT={self.settings.environment}.")
            return 2
        problem = rasa_servers_problem(self.settings)
        if problem:
            self.say(f"ERROR: {problem}")
            return 2
        if self.settings.rasa_servers > 1:
            self.say(
                f"{self.settings.rasa_servers} Rasa servers ({', '.join(self.settings.rasa_server_urls)}), "
                "sharing the tracker store and conversation locks in Redis; the web app spreads "
                "conversations across them (each conversation always to the same one)"
            )
        self.check_prerequisites()
        self.say("applying database migrations ...")
        database.upgrade(self.settings.database_url)
        code = 0
        try:
            for service in self.services:
                if self.stopping.is_set():
                    break
                self.start(service)
                self.wait_until_ready(service)
            if not self.stopping.is_set():
                self.print_urls()
            while not self.stopping.wait(0.5):
                self.check_alive()
        except RuntimeError as error:
            self.say(f"ERROR: {error}")
            code = 1
        finally:
            self.stop_all()
        return code

    def print_urls(self) -> None:
        s = self.settings
        lines = [
            "all services are up:",
            f"  web app        {s.public_base_url}/   (health: {s.public_base_url}/health, "
            f"API schema: {s.public_base_url}/openapi.json)",
            f"  Rasa server{'s' if s.rasa_servers > 1 else ' '}   {', '.join(s.rasa_server_urls)}   "
            "(REST channel: /webhooks/rest/webhook, socket.io: /socket.io)",
            f"  action server  {s.action_server_url}",
            "Press Ctrl-C to stop.",
        ]
        for line in lines:
            self.say(line)


def _print(line: str) -> None:
    # A closed terminal or pipe must not stop the supervisor from stopping its parts.
    try:
        print(line, flush=True)
    except (BrokenPipeError, OSError):
        pass
    log_privacy.write_line(line)  # and the service log file (LOG_DIR), kept RETENTION_LOG_DAYS


def _die_with_parent() -> None:
    """In the child: get SIGTERM if the supervisor itself dies, so no part is left orphaned (Linux)."""
    try:
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def _port_in_use(host: str, port: int) -> bool:
    target = "127.0.0.1" if host in ("0.0.0.0", "") else host
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((target, port)) == 0


def private_files() -> None:
    """Files this process and its children create (the SQLite database, logs) are for the
    service's own user and group only (mode 0640 at most)."""
    os.umask(0o027)


def main() -> None:
    log_privacy.install()
    private_files()
    settings = get_settings()
    log_privacy.open_log_file(settings.log_dir, settings.retention_log_days)
    sys.exit(Supervisor(settings).run())


if __name__ == "__main__":
    main()
