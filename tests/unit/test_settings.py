"""Settings read from the environment, with safe defaults."""
import datetime as dt
import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings


def test_defaults_need_no_external_service(monkeypatch):
    for name in ("DATABASE_URL", "REDIS_URL", "RASA_URL", "ACTION_SERVER_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith("var/send_line.db")
    assert settings.redis_url == ""
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.action_server_url == "http://127.0.0.1:5055/webhook"
    # Rasa and the action server stay on loopback unless told otherwise.
    assert settings.rasa_host == settings.action_server_host == "127.0.0.1"


def test_urls_follow_ports_unless_set(monkeypatch):
    monkeypatch.setenv("RASA_PORT", "6005")
    monkeypatch.setenv("ACTION_SERVER_PORT", "6055")
    settings = Settings(_env_file=None)
    assert settings.rasa_url == "http://127.0.0.1:6005"
    assert settings.action_server_url == "http://127.0.0.1:6055/webhook"

    monkeypatch.setenv("RASA_URL", "http://rasa.internal:5005/")
    assert Settings(_env_file=None).rasa_url == "http://rasa.internal:5005"


def test_staffed_hours_from_environment(monkeypatch):
    monkeypatch.setenv("STAFFED_HOURS", "sat=10:00-12:30,fri=")
    settings = Settings(_env_file=None)
    assert settings.staffed_span(5) == (dt.time(10, 0), dt.time(12, 30))
    assert settings.staffed_span(4) is None  # Friday closed
    assert settings.staffed_span(0) == (dt.time(9, 0), dt.time(17, 0))  # default kept


@pytest.mark.parametrize("value", ["mon=17:00-09:00", "mon=9-5", "funday=09:00-17:00"])
def test_bad_staffed_hours_are_refused_with_a_clear_message(monkeypatch, value):
    monkeypatch.setenv("STAFFED_HOURS", value)
    with pytest.raises(ValidationError) as error:
        Settings(_env_file=None)
    assert "staffed_hours" in str(error.value)


def test_secrets_are_hidden_in_the_printable_summary():
    settings = Settings(_env_file=None, rasa_token="s3cret", twilio_auth_token="t0ken")
    summary = settings.public_summary()
    assert summary["rasa_token"] == "***" and summary["twilio_auth_token"] == "***"


def test_every_variable_in_env_example_is_a_setting():
    from pathlib import Path

    names = set()
    for line in (Path(__file__).resolve().parents[2] / ".env.example").read_text().splitlines():
        line = line.lstrip("# ").strip()
        if "=" in line and line.split("=", 1)[0].isupper():
            names.add(line.split("=", 1)[0].lower())
    assert names, "no variables found"
    assert names <= set(Settings.__fields__), names - set(Settings.__fields__)


def _settings(**values):
    base = {"rasa_token": "r" * 40, "phone_hash_salt": "s" * 40, "_env_file": None}
    return Settings(**{**base, **values})


def test_published_or_short_secrets_are_named():
    assert _settings().secret_problems() == []
    problems = " ".join(_settings(rasa_token="change-me-rasa-token", phone_hash_salt="").secret_problems())
    assert "RASA_TOKEN is the published default" in problems and "PHONE_HASH_SALT is missing" in problems
    assert "shorter than" in " ".join(_settings(phone_hash_salt="salty").secret_problems())
    assert "TWILIO_AUTH_TOKEN" in " ".join(_settings(twilio_account_sid="AC" + "0" * 32).secret_problems())
    assert "SIGNATURES" in " ".join(_settings(twilio_validate_signatures=False).secret_problems())


def test_outside_development_a_default_secret_stops_the_service():
    from bot.settings import UnsafeSecrets

    assert _settings(rasa_token="change-me-rasa-token").refuse_unsafe_secrets()  # development: a warning
    with pytest.raises(UnsafeSecrets) as refused:
        _settings(environment="production", rasa_token="change-me-rasa-token").refuse_unsafe_secrets()
    assert "RASA_TOKEN" in str(refused.value)
    assert _settings(environment="production").refuse_unsafe_secrets() == []


def test_the_supervisor_refuses_to_start_in_production_with_default_secrets(tmp_path):
    import subprocess
    import sys

    env = {**os.environ, "ENVIRONMENT": "production", "RASA_TOKEN": "", "PHONE_HASH_SALT": "change-me-phone-hash-salt",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'never.db'}"}
    done = subprocess.run([sys.executable, "-m", "bot.supervisor"], cwd=Path(__file__).resolve().parents[2], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "RASA_TOKEN is missing" in done.stdout and "PHONE_HASH_SALT is the published default" in done.stdout
    assert not (tmp_path / "never.db").exists()  # refused before touching anything
