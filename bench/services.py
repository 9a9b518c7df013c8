"""The processes a benchmark starts: the product (`python -m bot.supervisor`, as a user
runs it) and a plain `rasa run`, each on ports in 21000-21999, stopped by the benchmark.

Also reads what each running process holds in memory (/proc/<pid>/status).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Callable, Dict, List, Optional, Tuple

from bot.supervisor import _get_ok as get_ok  # the supervisor's own readiness probe

ROOT = Path(__file__).resolve().parents[1]
QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TQDM_DISABLE": "1",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONWARNINGS": "ignore::DeprecationWarning",
}
BENCH_RASA_TOKEN = "bench-rasa-token"


def product_env(database: Path, ports: Dict[str, str], **extra: str) -> Dict[str, str]:
    """The product's settings for a benchmark: its own ports and SQLite file, nothing from a developer's run."""
    env = dict(os.environ, **QUIET_ENV)
    for name in ("RASA_URL", "ACTION_SERVER_URL", "REDIS_URL"):
        env.pop(name, None)
    env.update(ports)
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{database}",
            "PUBLIC_BASE_URL": f"http://localhost:{ports['WEB_PORT']}",
            "RASA_TOKEN": BENCH_RASA_TOKEN,
        }
    )
    env.update(extra)
    return env


class Server:
    """One command run in its own process group; `start` returns the seconds until `ready()`."""

    def __init__(self, command: List[str], env: Dict[str, str], cwd: Path = ROOT, log: Optional[Path] = None) -> None:
        self.command, self.env, self.cwd, self.log_path = command, env, cwd, log
        self.process: Optional[subprocess.Popen] = None
        self._log: Optional[IO[str]] = None

    def start(self, ready: Callable[[], bool], timeout: float = 300) -> float:
        self._log = open(self.log_path, "w") if self.log_path else None  # noqa: SIM115 - closed in stop()
        output = self._log or subprocess.DEVNULL
        started = time.perf_counter()
        self.process = subprocess.Popen(
            self.command, cwd=self.cwd, env=self.env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        while time.perf_counter() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.command[:3]} exited with {self.process.returncode}{self._tail()}")
            if ready():
                return time.perf_counter() - started
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.command[:3]} was not ready within {timeout:.0f} s{self._tail()}")

    def stop(self, timeout: float = 60) -> None:
        process = self.process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)  # the supervisor stops its own parts in order
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if self._log:
            self._log.close()
            self._log = None

    def _tail(self, lines: int = 30) -> str:
        if not self.log_path or not self.log_path.exists():
            return ""
        return ":\n" + "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


def supervisor(env: Dict[str, str], log: Optional[Path] = None) -> Server:
    return Server([sys.executable, "-m", "bot.supervisor"], env, log=log)


def product_ready(env: Dict[str, str]) -> Callable[[], bool]:
    """The web app is started last, so its /health green means all three parts are up."""
    return lambda: get_ok(f"http://127.0.0.1:{env['WEB_PORT']}/health")


# --- memory -------------------------------------------------------------------
def children(pid: int) -> List[int]:
    result = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(child) for child in result.stdout.split()]


def process_tree(pid: int) -> List[int]:
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        pending.extend(children(current))
    return tree


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def status_kib(pid: int, field: str) -> int:
    """A memory figure from /proc/<pid>/status (VmRSS, VmHWM), in KiB; 0 once the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def supervisor_parts(supervisor_pid: int) -> Dict[str, int]:
    """{'actions': pid, 'rasa': pid, 'web': pid} of the supervisor's children; with several
    Rasa servers 'rasa-1', 'rasa-2', ... in the order of their ports (as the supervisor names them)."""
    markers = {"actions.server": "actions", "uvicorn": "web"}
    parts: Dict[str, int] = {}
    rasa: List[Tuple[int, int]] = []  # (port, pid)
    for child in children(supervisor_pid):
        line = cmdline(child)
        if "bot.conversations.rasa_server" in line:
            words = line.split()
            port = int(words[words.index("--port") + 1]) if "--port" in words else 0
            rasa.append((port, child))
            continue
        for marker, name in markers.items():
            if marker in line:
                parts[name] = child
    if len(rasa) == 1:
        parts["rasa"] = rasa[0][1]
    else:
        parts.update({f"rasa-{index}": pid for index, (_port, pid) in enumerate(sorted(rasa), start=1)})
    return parts


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used (/proc/<pid>/stat); 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
