"""Give a developer's machine its own secrets, so no published default is ever in use.

    python -m bot.local_secrets [--env-file .env]      (`make run` calls it)

For each secret the service needs (RASA_TOKEN, PHONE_HASH_SALT) that is neither in the
environment nor in the env file, a random value (secrets.token_urlsafe, 32 bytes) is
written into the file with python-dotenv; values already there are never changed (a
new PHONE_HASH_SALT would orphan every stored number hash). The file is made readable
by its owner only (0600).
"""

from __future__ import annotations

import argparse
import os
import secrets
from pathlib import Path
from typing import List

from dotenv import dotenv_values, set_key

from bot.settings import DEFAULT_PHONE_HASH_SALT, DEFAULT_RASA_TOKEN, PROJECT_ROOT

GENERATED = {"RASA_TOKEN": DEFAULT_RASA_TOKEN, "PHONE_HASH_SALT": DEFAULT_PHONE_HASH_SALT}


def ensure_local_secrets(env_file: Path) -> List[str]:
    """Write a random value for each missing secret; returns the names written (may be empty)."""
    env_file.touch(mode=0o600, exist_ok=True)
    os.chmod(env_file, 0o600)
    present = dotenv_values(env_file)
    written = []
    for name, default in GENERATED.items():
        value = os.environ.get(name) or present.get(name)
        if value and value != default:
            continue
        set_key(str(env_file), name, secrets.token_urlsafe(32), quote_mode="never")
        written.append(name)
    os.chmod(env_file, 0o600)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env-file", type=Path, default=PROJECT_ROOT / ".env")
    args = parser.parse_args()
    for name in ensure_local_secrets(args.env_file):
        print(f"==> wrote a new random {name} into {args.env_file}")


if __name__ == "__main__":
    main()
