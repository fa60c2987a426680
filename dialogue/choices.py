"""Which topics a question back offers as buttons, read from the NLU's intent ranking.

Shared by the clarify actions (actions/clarify.py), which show the choices, and by the dialogue
history (dialogue/history.py), which needs to know later what an earlier question back offered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bot.topics import MIN_CHOICE_CONFIDENCE, SHORT_REPLY_INTENTS, TOPIC_KEYS

MAX_CHOICES = 3


def likely_topics(ranking: Iterable[Mapping[str, Any]]) -> list[str]:
    """Up to MAX_CHOICES topics worth offering, likeliest first; a possible emergency always first."""
    ranked = [item for item in ranking if item.get("name") != "nlu_fallback"]
    scale = 1.0
    if ranked and ranked[0].get("name") in SHORT_REPLY_INTENTS:
        # A long message taken for "hello" or "ok" (nlu/fallback.py asked back): the greeting
        # is real and the question is in the rest ("salam, I want to go home with IOM, how?").
        # Weigh the other readings among themselves, or the greeting's share hides them all.
        rest = sum(float(i.get("confidence") or 0) for i in ranked if i.get("name") not in SHORT_REPLY_INTENTS)
        scale = 1.0 / rest if rest > 0 else 1.0
    candidates = [
        str(item["name"])
        for item in ranked
        if item.get("name") in TOPIC_KEYS
        and item["name"] != "counsellor_request"
        and float(item.get("confidence") or 0) * scale >= MIN_CHOICE_CONFIDENCE
    ]
    if "emergency" in candidates:  # someone may be in danger: that choice first, never cut off
        candidates.remove("emergency")
        candidates.insert(0, "emergency")
    return candidates[:MAX_CHOICES]


def top_reading(parse_data: Mapping[str, Any]) -> str | None:
    """The NLU's likeliest intent, looking past nlu_fallback (which only says it was unsure)."""
    intent = (parse_data.get("intent") or {}).get("name")
    if intent != "nlu_fallback":
        return intent
    for item in parse_data.get("intent_ranking") or []:
        if item.get("name") != "nlu_fallback":
            return item.get("name")
    return None
