"""Logging for every process of the stack: one format, no personal data.

Log lines name events, pseudonyms at most and error types, never message text, names,
usernames or phone numbers. httpx logs each request URL at INFO, and Telegram's URLs contain
the bot token, so httpx and httpcore are capped at WARNING.
"""

from __future__ import annotations

import logging

NOISY = {
    "httpx": logging.WARNING,  # request URLs contain the bot token
    "httpcore": logging.WARNING,
    "telegram": logging.INFO,
    "apscheduler": logging.WARNING,
    "sanic.access": logging.WARNING,
    "sanic.root": logging.WARNING,
    "asyncio": logging.WARNING,
}


class Redact(logging.Filter):
    """Replace secrets (the bot token) wherever they appear in a record: a second line of
    defence should a library log a URL or an exception that contains one."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if len(s) >= 8]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "[redacted]")
            record.msg, record.args = message, None
        return True


def configure_logging(level: str, process: str, secrets: list[str] | None = None) -> None:
    logging.basicConfig(
        level=level,
        format=f"%(asctime)s {process} %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    redact = Redact(secrets or [])
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
    for name, minimum in NOISY.items():
        logging.getLogger(name).setLevel(max(minimum, logging.getLevelName(level)))
