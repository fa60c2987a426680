"""Small, pure helpers that read the tracker."""

from __future__ import annotations

from rasa_sdk import Tracker

from bot.i18n.languages import resolve
from dialogue import history


def language_of(tracker: Tracker, default: str = "en") -> str:
    """The language the gateway sent with the latest message (metadata), or the default."""
    metadata = tracker.latest_message.get("metadata") or {}
    return resolve(metadata.get("language")) or default


def turns(tracker: Tracker) -> list[history.Turn]:
    """The conversation so far (dialogue/history.py), read once per action."""
    return history.session_turns(tracker.events)


def topics_asked(tracker: Tracker, limit: int = 5) -> list[str]:
    """Topic keys answered in this session, most recent first, without repeats."""
    return history.topics_answered(turns(tracker), limit)
