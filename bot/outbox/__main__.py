"""python -m bot.outbox: send every outbound message that is due now, once."""

import logging

from bot.outbox.service import send_due


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    sent = send_due()
    print(f"==> outbox: {sent} message(s) sent")


if __name__ == "__main__":
    main()
