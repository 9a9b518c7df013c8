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

# One thread for numpy's BLAS, set before numpy loads: the server answers many conversations
# at once, and BLAS's extra threads spin between the small products of each message, using
# more CPU than they save (bench/rasa_cpu_per_turn.py; TensorFlow keeps its own threads).
for _variable in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

from bot import log_privacy  # noqa: E402 - after the thread settings above


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
