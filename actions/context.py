"""Small, pure helpers that read the tracker."""

from __future__ import annotations

from rasa_sdk import Tracker

from bot.i18n.languages import resolve
from bot.topics import TOPIC_KEYS


def language_of(tracker: Tracker, default: str = "en") -> str:
    """The language the gateway sent with the latest message (metadata), or the default."""
    metadata = tracker.latest_message.get("metadata") or {}
    return resolve(metadata.get("language")) or default


def topics_asked(tracker: Tracker, limit: int = 5) -> list[str]:
    """Topic keys the user asked about in this session, most recent first, without repeats."""
    seen: list[str] = []
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent in TOPIC_KEYS and intent != "counsellor_request" and intent not in seen:
            seen.append(intent)
            if len(seen) == limit:
                break
    return seen


UNCLEAR_INTENTS = ("nlu_fallback", "out_of_scope")


def previous_topic(tracker: Tracker, *, skip_unclear: int = 2) -> str | None:
    """The topic answered before the latest message in this session, or None.

    A short question right after an answer ("and how much does it cost?", "what about my
    children?") names no topic of its own: it is most likely about the one just answered. Up to
    ``skip_unclear`` unclear messages in between are follow-ups too ("how much?", then "where?");
    anything else in between (a greeting, another question) and it is None.
    """
    seen_latest = False
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            return None
        if event.get("event") != "user":
            continue
        if not seen_latest:
            seen_latest = True
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent in UNCLEAR_INTENTS and skip_unclear > 0:
            skip_unclear -= 1
            continue
        return intent if intent in TOPIC_KEYS and intent != "counsellor_request" else None
    return None


def consecutive_fallbacks(tracker: Tracker) -> int:
    """How many of the latest user messages in a row the NLU was unsure about."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent != "nlu_fallback":
            break
        count += 1
    return count
