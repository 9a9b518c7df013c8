"""Start the action server on the host and port from bot.settings (loopback by default).

rasa-sdk's own CLI always binds 0.0.0.0 unless SANIC_HOST is set; this keeps the
choice in one place.
"""
import logging
import os

from rasa_sdk.endpoint import run

from bot.settings import get_settings


def main() -> None:
    settings = get_settings()
    os.environ.setdefault("SANIC_HOST", settings.action_server_host)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # No CORS: only the Rasa server calls the action server.
    run("actions", port=settings.action_server_port, cors_origins=None)


if __name__ == "__main__":
    main()
