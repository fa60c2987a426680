"""Settings, read once from the environment and checked at start.

Every variable is documented in README.md ("Configuration"). ``Settings.from_env`` collects all
problems before failing, so an operator fixes them in one go instead of one per restart.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from bot.errors import ConfigError
from bot.i18n.languages import SUPPORTED_LANGUAGES

REPO_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_TELEGRAM_API_BASE_URL = "https://api.telegram.org/bot"


@dataclass(frozen=True)
class Settings:
    """Everything the gateway, the action server and the supervisor need to know."""

    pseudonym_secret: bytes = field(repr=False)
    telegram_token: str | None = field(default=None, repr=False)
    telegram_api_base_url: str = DEFAULT_TELEGRAM_API_BASE_URL
    redis_url: str = "redis://localhost:6379/0"
    redis_prefix: str = "mb"
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str | None = field(default=None, repr=False)
    rasa_timeout: float = 15.0
    action_server_url: str = "http://127.0.0.1:5055/webhook"
    action_server_token: str | None = field(default=None, repr=False)
    counsellor_chat_id: int | None = None
    counsellors_file: Path = REPO_ROOT / "counsellors.yml"
    default_language: str = "en"
    log_level: str = "INFO"
    data_ttl_seconds: int = 30 * 24 * 3600
    locales_dir: Path = REPO_ROOT / "locales"
    nlu_dir: Path = REPO_ROOT / "data" / "nlu"  # the language detector learns from it
    content_reload_seconds: float = 5.0  # 0 turns hot reload of the catalogs off
    telegram_mode: str = "polling"  # or "webhook"
    webhook_url: str | None = None  # public https URL Telegram posts to (set at start)
    webhook_secret: str | None = field(default=None, repr=False)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_path: str = "/telegram"
    metrics_listen: str = "127.0.0.1"
    metrics_port: int = 0  # 0: no /metrics endpoint
    telegram_overall_per_second: float = 30.0
    telegram_chat_per_second: float = 1.0
    telegram_group_per_minute: float = 20.0
    official_handle: str | None = None  # e.g. @example_bot, shown by /about
    handoff_reminder_minutes: float = 10.0
    rasa_ready_timeout: float = 300.0

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_token)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from environment variables; raise ConfigError listing every problem."""
        env = os.environ if env is None else env
        problems: list[str] = []

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        secret = get("PSEUDONYM_SECRET")
        if secret is None:
            problems.append(
                "PSEUDONYM_SECRET is not set: it keys the hash that hides Telegram ids. "
                "`make run` creates one in var/secrets.env; in production set a random value of "
                "at least 32 characters and keep it (changing it orphans every conversation)."
            )
        elif len(secret) < 32:
            problems.append("PSEUDONYM_SECRET must be at least 32 characters long.")

        kwargs: dict[str, object] = {}
        token = get("TELEGRAM_BOT_TOKEN")
        if token is not None:
            if ":" not in token:
                problems.append("TELEGRAM_BOT_TOKEN does not look like a bot token ('123:ABC...').")
            kwargs["telegram_token"] = token

        for name, attr in (
            ("TELEGRAM_API_BASE_URL", "telegram_api_base_url"),
            ("RASA_URL", "rasa_url"),
            ("ACTION_SERVER_URL", "action_server_url"),
        ):
            value = get(name)
            if value is None:
                continue
            parsed = urlparse(value)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                problems.append(f"{name} must be an http(s) URL, got {value!r}.")
            kwargs[attr] = value.rstrip("/") if attr == "rasa_url" else value

        redis_url = get("REDIS_URL")
        if redis_url is not None:
            if urlparse(redis_url).scheme not in ("redis", "rediss", "unix"):
                problems.append(f"REDIS_URL must start with redis://, rediss:// or unix://, got {redis_url!r}.")
            kwargs["redis_url"] = redis_url

        prefix = get("REDIS_PREFIX")
        if prefix is not None:
            # Rasa's Redis tracker store silently ignores non-alphanumeric prefixes.
            if not prefix.isalnum():
                problems.append("REDIS_PREFIX must be letters and digits only (Rasa requires it).")
            kwargs["redis_prefix"] = prefix

        chat_id = get("COUNSELLOR_CHAT_ID")
        if chat_id is not None:
            try:
                kwargs["counsellor_chat_id"] = int(chat_id)
            except ValueError:
                problems.append(f"COUNSELLOR_CHAT_ID must be a number like -1001234567890, got {chat_id!r}.")

        counsellors_file = get("COUNSELLORS_FILE")
        if counsellors_file is not None:
            kwargs["counsellors_file"] = Path(counsellors_file)

        language = get("DEFAULT_LANGUAGE")
        if language is not None:
            if language not in SUPPORTED_LANGUAGES:
                problems.append(f"DEFAULT_LANGUAGE must be one of {', '.join(SUPPORTED_LANGUAGES)}, got {language!r}.")
            kwargs["default_language"] = language

        level = get("LOG_LEVEL")
        if level is not None:
            level = level.upper()
            if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
                problems.append(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {level!r}.")
            kwargs["log_level"] = level

        for name, attr, minimum in (
            ("RASA_TIMEOUT", "rasa_timeout", 1.0),
            ("CONTENT_RELOAD_SECONDS", "content_reload_seconds", 0.0),
            ("RASA_READY_TIMEOUT", "rasa_ready_timeout", 1.0),
            ("HANDOFF_REMINDER_MINUTES", "handoff_reminder_minutes", 1.0),
        ):
            value = get(name)
            if value is None:
                continue
            try:
                number = float(value)
                if number < minimum:
                    raise ValueError
                kwargs[attr] = number
            except ValueError:
                problems.append(f"{name} must be a number of seconds >= {minimum}, got {value!r}.")

        ttl_days = get("DATA_TTL_DAYS")
        if ttl_days is not None:
            try:
                days = int(ttl_days)
                if not 1 <= days <= 365:
                    raise ValueError
                kwargs["data_ttl_seconds"] = days * 24 * 3600
            except ValueError:
                problems.append(f"DATA_TTL_DAYS must be a whole number from 1 to 365, got {ttl_days!r}.")

        for name, attr in (
            ("RASA_TOKEN", "rasa_token"),
            ("ACTION_SERVER_TOKEN", "action_server_token"),
        ):
            value = get(name)
            if value is not None:
                kwargs[attr] = value

        mode = get("TELEGRAM_MODE")
        if mode is not None:
            if mode not in ("polling", "webhook"):
                problems.append(f"TELEGRAM_MODE must be polling or webhook, got {mode!r}.")
            kwargs["telegram_mode"] = mode
            if mode == "webhook":
                secret = get("WEBHOOK_SECRET")
                if not secret or not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", secret):
                    problems.append(
                        "WEBHOOK_SECRET must be set in webhook mode: 16-256 letters, digits, _ or - "
                        "(Telegram sends it back in X-Telegram-Bot-Api-Secret-Token)."
                    )
                kwargs["webhook_secret"] = secret
                url = get("WEBHOOK_URL")
                if url is not None and not url.startswith("https://"):
                    problems.append("WEBHOOK_URL must be an https:// URL (Telegram requires TLS).")
                kwargs["webhook_url"] = url
        for name, attr in (("WEBHOOK_LISTEN", "webhook_listen"), ("WEBHOOK_PATH", "webhook_path")):
            value = get(name)
            if value is not None:
                kwargs[attr] = value
        if (value := get("METRICS_LISTEN")) is not None:
            kwargs["metrics_listen"] = value
        for name, attr, lowest in (("WEBHOOK_PORT", "webhook_port", 1), ("METRICS_PORT", "metrics_port", 0)):
            port = get(name)
            if port is None:
                continue
            if not port.isdigit() or not lowest <= int(port) <= 65535:
                problems.append(f"{name} must be a port number, got {port!r}.")
            else:
                kwargs[attr] = int(port)
        for name, attr in (
            ("TELEGRAM_MAX_PER_SECOND", "telegram_overall_per_second"),
            ("TELEGRAM_CHAT_PER_SECOND", "telegram_chat_per_second"),
            ("TELEGRAM_GROUP_PER_MINUTE", "telegram_group_per_minute"),
        ):
            value = get(name)
            if value is not None:
                try:
                    kwargs[attr] = float(value)
                except ValueError:
                    problems.append(f"{name} must be a number (0 for no limit), got {value!r}.")
        handle = get("OFFICIAL_HANDLE")
        if handle is not None:
            if not re.fullmatch(r"@[A-Za-z0-9_]{5,32}", handle):
                problems.append(f"OFFICIAL_HANDLE must look like @example_bot, got {handle!r}.")
            kwargs["official_handle"] = handle

        locales = get("LOCALES_DIR")
        if locales is not None:
            kwargs["locales_dir"] = Path(locales)

        if problems:
            raise ConfigError(problems)
        assert secret is not None
        return cls(pseudonym_secret=secret.encode(), **kwargs)  # type: ignore[arg-type]
