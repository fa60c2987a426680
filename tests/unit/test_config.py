from __future__ import annotations

import pytest

from bot.config import Settings
from bot.errors import ConfigError

SECRET = "s" * 40


def test_defaults_need_only_the_pseudonym_secret() -> None:
    settings = Settings.from_env({"PSEUDONYM_SECRET": SECRET})
    assert settings.redis_url == "redis://localhost:6379/0"
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.default_language == "en"
    assert settings.data_ttl_seconds == 30 * 86400
    assert not settings.telegram_enabled


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as info:
        Settings.from_env(
            {
                "TELEGRAM_BOT_TOKEN": "nonsense",
                "REDIS_URL": "http://x",
                "RASA_URL": "localhost:5005",
                "COUNSELLOR_CHAT_ID": "group",
                "DEFAULT_LANGUAGE": "de",
                "LOG_LEVEL": "chatty",
                "DATA_TTL_DAYS": "0",
                "REDIS_PREFIX": "mb:",
            }
        )
    problems = "\n".join(info.value.problems)
    for name in (
        "PSEUDONYM_SECRET",
        "TELEGRAM_BOT_TOKEN",
        "REDIS_URL",
        "RASA_URL",
        "COUNSELLOR_CHAT_ID",
        "DEFAULT_LANGUAGE",
        "LOG_LEVEL",
        "DATA_TTL_DAYS",
        "REDIS_PREFIX",
    ):
        assert name in problems


def test_secrets_are_not_in_repr() -> None:
    settings = Settings.from_env({"PSEUDONYM_SECRET": SECRET, "TELEGRAM_BOT_TOKEN": "123:ABCDEF"})
    assert SECRET not in repr(settings)
    assert "ABCDEF" not in repr(settings)


def test_values_are_parsed() -> None:
    settings = Settings.from_env(
        {
            "PSEUDONYM_SECRET": SECRET,
            "TELEGRAM_BOT_TOKEN": "123:ABC",
            "COUNSELLOR_CHAT_ID": "-1001234",
            "DEFAULT_LANGUAGE": "fa",
            "DATA_TTL_DAYS": "7",
            "RASA_URL": "http://127.0.0.1:6000/",
        }
    )
    assert settings.telegram_enabled
    assert settings.counsellor_chat_id == -1001234
    assert settings.default_language == "fa"
    assert settings.data_ttl_seconds == 7 * 86400
    assert settings.rasa_url == "http://127.0.0.1:6000"


def test_log_lines_never_show_the_bot_token(caplog) -> None:  # type: ignore[no-untyped-def]
    import logging

    from bot.logging_setup import Redact

    token = "123456:AAE-very-secret-token"
    record = logging.LogRecord(
        "httpx", logging.ERROR, __file__, 1, "POST %s failed", (f"https://x/bot{token}/send",), None
    )
    Redact([token]).filter(record)
    assert token not in record.getMessage() and "[redacted]" in record.getMessage()
