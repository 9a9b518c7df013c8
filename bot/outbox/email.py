"""Email through an SMTP server (SMTP_HOST, SMTP_PORT), for the outbox worker.

Errors are sorted the way the SMS sender sorts Twilio's: a refusal that retrying
cannot change (5xx: no such mailbox, relaying denied) is permanent; a busy or
unreachable server (4xx, connection errors, timeouts) is retried with backoff.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Optional

from bot.outbox.errors import PermanentSendError, TransientSendError
from bot.settings import Settings, get_settings


def build_email(to_address: str, subject: str, body: str, settings: Settings) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"{settings.service_name} <{settings.mail_from}>"
    message["To"] = to_address
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.mail_from.rpartition("@")[2] or "localhost")
    message.set_content(body)
    return message


def send_email(to_address: str, subject: str, body: str, settings: Optional[Settings] = None) -> str:
    """Send one email; returns its Message-ID. Raises Permanent/TransientSendError."""
    settings = settings or get_settings()
    if not settings.smtp_host:
        # Retried, not failed: the message waits in the outbox until SMTP is configured.
        raise TransientSendError("SMTP is not configured (SMTP_HOST)")
    message = build_email(to_address, subject, body, settings)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        detail = f"SMTP refused the recipient: {error.recipients}"
        if all(code >= 500 for code in codes):
            raise PermanentSendError(detail) from error
        raise TransientSendError(detail) from error
    except smtplib.SMTPResponseException as error:
        detail = f"SMTP {error.smtp_code}: {error.smtp_error!r}"
        if error.smtp_code >= 500:
            raise PermanentSendError(detail) from error
        raise TransientSendError(detail) from error
    except (OSError, smtplib.SMTPException) as error:
        raise TransientSendError(f"SMTP server not reachable: {error}") from error
    return message["Message-ID"]
