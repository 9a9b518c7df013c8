"""Start the action server on the host and port from bot.settings (loopback by default).

rasa-sdk's own CLI always binds 0.0.0.0 unless SANIC_HOST is set; this keeps the
choice in one place. It also answers a failing action with a generic error: rasa-sdk's
own handler sends the whole request (the conversation's tracker) back to Rasa, which
logs it (OWASP ASVS 5.0 16.5.1).
"""

import logging
import os

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app
from sanic import response

from bot import log_privacy
from bot.settings import get_settings

log = logging.getLogger(__name__)


def build_app():
    """rasa-sdk's Sanic app for the `actions` package, with a generic last-resort error answer."""
    app = create_app("actions", cors_origins=None)  # no CORS: only the Rasa server calls it

    @app.exception(Exception)
    async def generic_error(request, exception: Exception):
        action = (request.json or {}).get("next_action") if request.method == "POST" else None
        log.error("custom action %s failed: %s", action or "(unknown)", type(exception).__name__, exc_info=exception)
        return response.json({"error": "The action failed.", "action_name": action}, status=500)

    return app


def main() -> None:
    log_privacy.install()
    settings = get_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = build_app()
    app.run(
        os.environ.get("SANIC_HOST", settings.action_server_host),
        settings.action_server_port,
        workers=utils.number_of_sanic_workers(),
        access_log=False,
    )


if __name__ == "__main__":
    main()
