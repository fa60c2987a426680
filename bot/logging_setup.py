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


def configure_logging(level: str, process: str) -> None:
    logging.basicConfig(
        level=level,
        format=f"%(asctime)s {process} %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    for name, minimum in NOISY.items():
        logging.getLogger(name).setLevel(max(minimum, logging.getLevelName(level)))
