"""Settings read from the environment, with safe defaults."""
import datetime as dt

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
