"""All settings in one place, read from the environment (and `.env`).

Every setting has a safe embedded default so `make run` works on a fresh machine
with no external service: SQLite under `var/`, an in-memory Rasa lock store, and
Twilio pointed at nothing. `.env.example` documents each one.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from pydantic import BaseSettings, Field, validator

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Staffed hours per weekday (Monday=0). Values are "HH:MM-HH:MM" or "" for closed.
DEFAULT_STAFFED_HOURS = {
    "mon": "09:00-17:00",
    "tue": "09:00-17:00",
    "wed": "09:00-17:00",
    "thu": "09:00-17:00",
    "fri": "09:00-16:30",
    "sat": "",
    "sun": "",
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# Published defaults: anyone who has read this file knows them.
DEFAULT_RASA_TOKEN = "change-me-rasa-token"
DEFAULT_PHONE_HASH_SALT = "change-me-phone-hash-salt"
# Secrets shorter than this are guessable (ASVS 5.0 13.3: secrets generated, not chosen).
MIN_SECRET_LENGTH = 24


class Settings(BaseSettings):
    service_name: str = "South East SEND Mediation and Disagreement Resolution Service"
    # "development" on a developer's machine (published defaults allowed, with a warning);
    # anything else (e.g. "production") refuses to start with a default or missing secret.
    environment: str = "development"

    # Storage. One database holds the app's tables and Rasa's tracker store.
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'send_line.db'}"
    # Empty: Rasa keeps conversation locks in memory (one Rasa server only).
    redis_url: str = ""

    # Internal services. Rasa and the action server listen on loopback only;
    # the web app is the one public surface.
    rasa_host: str = "127.0.0.1"
    rasa_port: int = 5005
    action_server_host: str = "127.0.0.1"
    action_server_port: int = 5055
    web_host: str = "0.0.0.0"
    web_port: int = 8000
    # Where the web app and Rasa reach the other services; derived from the
    # hosts and ports above unless set (e.g. when they run on other machines).
    rasa_url: str = ""
    # How many Rasa servers `make run` starts, on RASA_PORT, RASA_PORT+1, ... More than one
    # needs REDIS_URL (Rasa's Redis lock store, so two servers never run one conversation's
    # turns at once); the supervisor refuses to start without it.
    rasa_servers: int = 1
    # The Rasa servers the web app spreads conversations across (comma separated; one
    # conversation always goes to the same one). Derived from RASA_URL (one server) or from
    # RASA_HOST, RASA_PORT and RASA_SERVERS unless set.
    rasa_urls: str = ""
    action_server_url: str = ""
    rasa_token: str = DEFAULT_RASA_TOKEN
    model_path: str = str(PROJECT_ROOT / "models" / "current.tar.gz")

    # The URL browsers and Twilio use to reach the web app (behind any proxy).
    public_base_url: str = "http://localhost:8000"
    # Addresses of the reverse proxies in front of the web app (space or comma separated):
    # only their X-Forwarded-For / -Proto headers are believed. Empty: no proxy is trusted.
    trusted_proxies: str = ""

    # Twilio. TWILIO_API_BASE_URL lets tests point the helper library at a stub.
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from_number: str = ""
    twilio_api_base_url: str = ""
    # Reject webhooks whose X-Twilio-Signature is wrong. Only ever false on a
    # developer's machine; the web app logs a warning at start-up when it is.
    twilio_validate_signatures: bool = True
    # The voice and language of the phone line (a British neural voice).
    twilio_voice: str = "Google.en-GB-Neural2-C"
    twilio_language: str = "en-GB"
    # The line's own number, said and texted to callers (e.g. "0300 123 4567").
    service_phone_number: str = ""
    # Numbers of the mediators on duty: live transfers ring them, alerts go to them.
    # Comma-separated in the environment, E.164 (+44...).
    mediator_numbers: List[str] = Field(default_factory=list)
    # Seconds each mediator's phone rings before the next is tried (then a call back is offered).
    transfer_ring_seconds: int = 25
    # Hold music while waiting in the queue (empty: Twilio's default music).
    hold_music_url: str = ""
    # Secret mixed into the hash that stands for a phone number (SMS conversation ids,
    # opt-outs). Set a long random value in production and never change it.
    phone_hash_salt: str = DEFAULT_PHONE_HASH_SALT
    # Outbound SMS outbox: the web app sends due messages in the background.
    outbox_worker_enabled: bool = True
    outbox_poll_seconds: float = 2.0
    outbox_max_attempts: int = 8
    # Emails (notifications to councils) are retried for longer: 48 attempts is about
    # two days at the hourly cap of the backoff.
    outbox_email_max_attempts: int = 48

    # Email through SMTP (council notifications, certificates by email). Empty host:
    # emails wait in the outbox until one is set.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "send-mediation@localhost"

    # Mediation certificates and the service contract (seed: Kent 2014).
    # Where each council's SEND team is told of mediation requests.
    la_contacts_file: str = str(PROJECT_ROOT / "data" / "la_contacts.yml")
    # The contract's start: each council's core subscription includes 5 mediation or
    # DR meetings over the contract; further meetings are pay-as-you-go.
    contract_start: dt.date = dt.date(2015, 4, 1)
    core_meetings_per_la: int = 5

    # Staffed hours of the line, per weekday, in UK local time; closed on bank holidays.
    staffed_hours: Dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_STAFFED_HOURS))
    timezone: str = "Europe/London"

    # Web chat (/ and /widget.js). How long the web app waits for Rasa's answer before
    # it apologises and asks for a person; how often each open chat looks for news
    # in the database (pushes are immediate; this covers writers in other processes);
    # which sites may show the chat in a frame (the widget on council pages), as a
    # CSP frame-ancestors list ("*" any site; e.g. "https://www.kent.gov.uk https://*.surreycc.gov.uk").
    webchat_rasa_timeout_seconds: float = 20.0
    webchat_poll_seconds: float = 2.0
    webchat_embed_origins: str = "*"
    # Development only (ignored elsewhere): let a client that sends no Origin header (a script,
    # not a browser) open the chat's WebSocket. Off: such a socket is closed with 1008.
    webchat_allow_missing_origin: bool = False
    # A person waiting in the web chat after a safeguarding disclosure whom no mediator
    # has joined after this many seconds is told again what to do meanwhile (once).
    safeguarding_reminder_seconds: float = 180.0

    # Hostile or runaway input (bot/limits.py). Request bodies over this many bytes are
    # refused (413); a chat message over this many characters is refused; each chat
    # conversation and each texting number may send this many messages per window
    # (0: no limit); over it they are asked to wait (web chat) or refused (SMS, 429).
    max_request_bytes: int = 65536
    chat_max_message_characters: int = 5000
    chat_rate_limit: int = 20
    sms_rate_limit: int = 10
    rate_limit_window_seconds: float = 60.0
    # Per source address (bot/limits.py; the `limits` library's notation, ";" between
    # rules; "0" for none), counted in Redis when REDIS_URL is set: web chat messages over
    # all of an address's chats; requests for a person or a callback (never safeguarding);
    # certificate verifications (pages and API).
    chat_source_rate_limit: str = "60/minute"
    escalation_rate_limit: str = "10/hour;30/day"
    certificate_check_rate_limit: str = "30/minute;300/day"

    # How long the health check waits for each dependency.
    health_timeout_seconds: float = 2.0

    # Staff console (/console). Sessions end after this long without a request,
    # and in any case this long after sign-in.
    console_idle_timeout_minutes: int = 30
    console_absolute_timeout_hours: int = 12
    # Sign-in: after this many failures for one username the account is locked
    # for the lockout time; one address may fail this many times in that time.
    console_max_login_failures: int = 5
    console_lockout_minutes: int = 15
    console_max_failures_per_address: int = 20
    # Escalations waiting longer than these (since raised) are flagged in the queue.
    console_target_minutes: int = 60
    console_urgent_target_minutes: int = 15
    # How often the queue page checks for new escalations.
    console_alert_poll_seconds: int = 15

    # Retention (personal data, special category: SEND is health data). The
    # retention job deletes or anonymises what is older; docs/privacy.md explains.
    retention_transcript_months: int = 12
    retention_certificate_years: int = 6
    retention_callback_days: int = 30
    retention_audit_years: int = 6
    # Service log files (LOG_DIR, one a day) older than this are deleted (rotation and the
    # retention job); a certificate's download link works this many days after it is given.
    retention_log_days: int = 30
    log_dir: str = str(PROJECT_ROOT / "var" / "log")
    certificate_link_days: int = 30
    # The web app runs the retention job in the background this often (0: never;
    # `python -m bot.console.retention` runs it once).
    retention_job_hours: float = 24.0

    class Config:
        env_file = PROJECT_ROOT / ".env"
        env_file_encoding = "utf-8"

        @classmethod
        def parse_env_var(cls, field_name: str, raw_value: str):
            # STAFFED_HOURS may be JSON or "mon=09:00-17:00,tue=...".
            if field_name == "staffed_hours" and not raw_value.lstrip().startswith("{"):
                pairs = (part.split("=", 1) for part in raw_value.split(",") if part.strip())
                return {day.strip().lower(): hours.strip() for day, hours in pairs}
            # MEDIATOR_NUMBERS may be JSON or "+447700900001,+447700900002".
            if field_name == "mediator_numbers" and not raw_value.lstrip().startswith("["):
                return [number.strip() for number in raw_value.split(",") if number.strip()]
            return cls.json_loads(raw_value)

    @validator("database_url", pre=True)
    def _default_database(cls, value: str) -> str:
        # An empty DATABASE_URL in .env means "the embedded default", not "no database".
        return value or f"sqlite:///{PROJECT_ROOT / 'var' / 'send_line.db'}"

    @validator("staffed_hours")
    def _check_staffed_hours(cls, value: Dict[str, str]) -> Dict[str, str]:
        hours = dict(DEFAULT_STAFFED_HOURS, **{k.lower(): v for k, v in value.items()})
        for day, span in hours.items():
            if day not in WEEKDAYS:
                raise ValueError(f"unknown weekday {day!r}; use {', '.join(WEEKDAYS)}")
            if span:
                _parse_span(span)
        return hours

    @validator("rasa_url", always=True)
    def _default_rasa_url(cls, value: str, values: Dict[str, object]) -> str:
        return (value or f"http://{_loopback(values['rasa_host'])}:{values['rasa_port']}").rstrip("/")

    @validator("rasa_servers")
    def _at_least_one_rasa_server(cls, value: int) -> int:
        if value < 1:
            raise ValueError("RASA_SERVERS must be 1 or more")
        return value

    @validator("rasa_urls", always=True)
    def _default_rasa_urls(cls, value: str, values: Dict[str, object]) -> str:
        if value.strip():
            return ",".join(url.strip().rstrip("/") for url in value.split(",") if url.strip())
        servers = int(values.get("rasa_servers") or 1)  # type: ignore[call-overload]
        if servers == 1:
            return str(values.get("rasa_url", ""))
        host, port = _loopback(values["rasa_host"]), int(values["rasa_port"])  # type: ignore[call-overload]
        return ",".join(f"http://{host}:{port + index}" for index in range(servers))

    @property
    def rasa_server_urls(self) -> List[str]:
        """The Rasa servers' base URLs, in order (server 1 first)."""
        return [url for url in self.rasa_urls.split(",") if url]

    @validator("action_server_url", always=True)
    def _default_action_server_url(cls, value: str, values: Dict[str, object]) -> str:
        return value or f"http://{_loopback(values['action_server_host'])}:{values['action_server_port']}/webhook"

    @validator("public_base_url")
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    def staffed_span(self, weekday: int) -> Optional[Tuple[dt.time, dt.time]]:
        """Opening and closing time on a weekday (Monday=0), or None if closed."""
        span = self.staffed_hours.get(WEEKDAYS[weekday], "")
        return _parse_span(span) if span else None

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def is_development(self) -> bool:
        return self.environment.strip().lower() in ("development", "dev", "test")

    def secret_problems(self) -> List[str]:
        """What is wrong with the secrets, one sentence each (empty: nothing).

        A published default, an empty value or one shorter than MIN_SECRET_LENGTH for
        RASA_TOKEN and PHONE_HASH_SALT (with the default salt every texting number can be
        recovered from its hash in seconds); TWILIO_AUTH_TOKEN missing while Twilio is
        configured; Twilio signatures not checked."""
        problems = []
        for name, value, default in (
            ("RASA_TOKEN", self.rasa_token, DEFAULT_RASA_TOKEN),
            ("PHONE_HASH_SALT", self.phone_hash_salt, DEFAULT_PHONE_HASH_SALT),
        ):
            if not value or value == default:
                problems.append(
                    f"{name} is {'missing' if not value else 'the published default'}: "
                    "set a long random value (`make run` writes one into .env)."
                )
            elif len(value) < MIN_SECRET_LENGTH:
                problems.append(f"{name} is shorter than {MIN_SECRET_LENGTH} characters: use a long random value.")
        if self.twilio_account_sid and not self.twilio_auth_token:
            problems.append("TWILIO_AUTH_TOKEN is missing while TWILIO_ACCOUNT_SID is set.")
        if not self.twilio_validate_signatures:
            problems.append("TWILIO_VALIDATE_SIGNATURES is off: anyone could post as Twilio.")
        return problems

    def refuse_unsafe_secrets(self) -> List[str]:
        """Raises UnsafeSecrets outside development when ``secret_problems`` finds any;
        in development returns them, for a warning."""
        problems = self.secret_problems()
        if problems and not self.is_development:
            raise UnsafeSecrets(problems)
        return problems

    def public_summary(self) -> Dict[str, object]:
        """Settings safe to print (no secrets)."""
        hidden = {"rasa_token", "twilio_auth_token", "phone_hash_salt", "smtp_password"}
        return {k: ("***" if k in hidden and v else v) for k, v in self.dict().items()}


class UnsafeSecrets(RuntimeError):
    """A secret is missing or a published default outside development."""

    def __init__(self, problems: List[str]) -> None:
        self.problems = problems
        super().__init__("Refusing to start outside development: " + " ".join(problems))


def _loopback(host: object) -> str:
    # A server bound to every interface is reached locally on loopback.
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else str(host)


def _parse_span(span: str) -> Tuple[dt.time, dt.time]:
    try:
        start, end = (dt.time.fromisoformat(part.strip()) for part in span.split("-"))
    except ValueError as error:
        raise ValueError(f"staffed hours {span!r} must look like 09:00-17:00") from error
    if end <= start:
        raise ValueError(f"staffed hours {span!r} close before they open")
    return start, end


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


__all__: List[str] = ["Settings", "get_settings", "PROJECT_ROOT"]
