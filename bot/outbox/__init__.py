"""Outbound SMS and email: enqueue in the database, send in the background with retries.

A message is written before anything is acknowledged, and a Twilio error never
loses it (nor an SMTP error): the worker retries with exponential backoff, and a message that cannot be
sent stays in the table as `failed` with the error, for staff to see.

    python -m bot.outbox      send every message that is due now, once (tests, cron)

- `service`: enqueue, opt-outs, `send_due` (claim, send, retry with backoff)
- `errors`: how a send fails (permanent, transient, unconfirmed)
- `twilio_sms`: the Twilio SMS sender (the helper library's REST client, pointed at a stub in tests)
- `email`: the SMTP sender
- `worker`: the background worker in the web app, started by bot.app's lifespan
"""

from bot.outbox.service import enqueue_email, enqueue_sms, hash_number, is_opted_out, send_due, set_opt_out  # noqa: F401
