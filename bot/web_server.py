"""The web app on its own, as a container runs it: ``python -m bot.web_server --host 0.0.0.0 --port 8000``.

The same uvicorn options as the supervisor's "web" service (bot.supervisor): X-Forwarded-For
and -Proto believed only from the TRUSTED_PROXIES addresses (none set: never), WebSocket
frames limited, no access log. The arguments given (host, port) go to uvicorn as they are.
A bare ``uvicorn --proxy-headers`` would instead believe any loopback peer (uvicorn's default
FORWARDED_ALLOW_IPS), whatever TRUSTED_PROXIES says.
"""

from __future__ import annotations

import os
import sys
from typing import List, Sequence

from bot.settings import Settings, get_settings
from bot.supervisor import proxy_arguments, websocket_max_bytes


def command(settings: Settings, arguments: Sequence[str]) -> List[str]:
    """The uvicorn command line for the web app, with ``arguments`` (e.g. ``--host``, ``--port``)."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "bot.app:app",
        *arguments,
        "--no-access-log",
        "--ws-max-size",
        str(websocket_max_bytes(settings)),
        *proxy_arguments(settings),
    ]


def main() -> None:
    line = command(get_settings(), sys.argv[1:])
    os.execv(line[0], line)  # uvicorn takes this process's place: signals reach it directly


if __name__ == "__main__":
    main()
