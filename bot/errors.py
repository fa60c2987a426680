"""The gateway's exception tree.

    BotError
    ├── ConfigError          settings missing or invalid at start
    ├── ContentError         a content key or catalog problem (missing key, bad placeholder)
    ├── RasaError            talking to the Rasa server failed
    │   ├── RasaUnavailable  connection refused / server not ready
    │   └── RasaTimeout      Rasa did not answer in time
    └── StateError           the state store (Redis) failed

Third-party errors are re-raised as these types with ``raise ... from exc`` so handlers deal
with one tree. One error handler (``bot.handlers.errors``) turns any of them into a localised
reply for the user and a log line without personal data.
"""

from __future__ import annotations


class BotError(Exception):
    """Base of every error the gateway raises on purpose."""


class ConfigError(BotError):
    """Settings are missing or invalid; the message lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("Invalid configuration:\n" + "\n".join(f"  - {p}" for p in problems))


class ContentError(BotError):
    """A content key does not exist or a catalog entry cannot be rendered."""


class RasaError(BotError):
    """The Rasa server could not be reached or answered with an error."""


class RasaUnavailable(RasaError):
    """The Rasa server refused the connection or is not ready yet."""


class RasaTimeout(RasaError):
    """The Rasa server did not answer within the configured time."""


class StateError(BotError):
    """The state store failed (Redis down or returned something unexpected)."""
