"""A developer's machine gets its own random secrets, once, in a file only its owner reads."""
import stat

from dotenv import dotenv_values

from bot.conversations.rasa_server import rasa_arguments
from bot.local_secrets import ensure_local_secrets
from bot.settings import Settings
from bot.supervisor import build_services


def test_missing_secrets_are_written_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("RASA_TOKEN", raising=False)
    monkeypatch.delenv("PHONE_HASH_SALT", raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text("WEB_PORT=8001\nPHONE_HASH_SALT=change-me-phone-hash-salt\n")
    assert sorted(ensure_local_secrets(env_file)) == ["PHONE_HASH_SALT", "RASA_TOKEN"]
    first = dotenv_values(env_file)
    assert first["WEB_PORT"] == "8001" and len(first["RASA_TOKEN"]) >= 40
    assert first["PHONE_HASH_SALT"] != "change-me-phone-hash-salt"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert ensure_local_secrets(env_file) == []
    assert dotenv_values(env_file) == first
    settings = Settings(_env_file=env_file)
    assert settings.secret_problems() == []


def test_the_rasa_token_is_not_on_any_command_line():
    settings = Settings(_env_file=None, rasa_token="t" * 40)
    for service in build_services(settings):
        assert settings.rasa_token not in " ".join(service.command), service.name
    assert rasa_arguments(["--port", "5005"], "t" * 40)[-2:] == ["--auth-token", "t" * 40]
