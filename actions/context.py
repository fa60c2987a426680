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
    return history.session_turns(tracker.events)


def topics_asked(tracker: Tracker, limit: int = 5) -> list[str]:
    """Topic keys answered in this session, most recent first, without repeats."""
    return history.topics_answered(turns(tracker), limit)


def previous_topic(tracker: Tracker) -> str | None:
    """The topic answered before the latest message in this session, or None (dialogue/history.py)."""
    return history.previous_topic(turns(tracker))


def asked_back_before(tracker: Tracker) -> int:
    """How many messages in a row were asked back just before the latest one."""
    return history.asked_back_before(turns(tracker))


def offered_before(tracker: Tracker) -> list[str]:
    """The topics the questions back just before the latest message offered ([] if none)."""
    return history.offered_before(turns(tracker))
