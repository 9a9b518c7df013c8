"""Start Rasa's server with its API token taken from the environment, not the command line.

    python -m bot.conversations.rasa_server --model models/current.tar.gz --port 5005 ...

Any `rasa run` option may be given; `--enable-api --auth-token $RASA_TOKEN` are added here,
inside the process, so the token never appears in the process list (`ps` shows this
process's own command line, not the arguments Rasa parses later). The supervisor starts
Rasa this way. Raises SystemExit when RASA_TOKEN is empty.
"""

from __future__ import annotations

import os
import sys
from typing import List, Optional

from bot import log_privacy


def rasa_arguments(argv: List[str], token: str) -> List[str]:
    """The argv Rasa's own command line reads: `rasa run <argv> --enable-api --auth-token <token>`."""
    if not token:
        raise SystemExit("RASA_TOKEN is empty: the Rasa API must not run without a token.")
    return ["rasa", "run", *argv, "--enable-api", "--auth-token", token]


def main(argv: Optional[List[str]] = None) -> None:
    # Rasa's telemetry (and its error reports to Sentry) carry data about this service off the machine.
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    log_privacy.install()
    sys.argv = rasa_arguments(list(sys.argv[1:] if argv is None else argv), os.environ.get("RASA_TOKEN", ""))
    from rasa.__main__ import main as rasa_main  # only here: importing Rasa takes seconds

    rasa_main()


if __name__ == "__main__":
    main()
