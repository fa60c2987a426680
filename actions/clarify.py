"""action_clarify: the two-stage fallback. Never answer a topic the NLU is unsure of.

First time: ask back with the two or three likeliest topics as buttons, plus a counsellor.
Again unsure right after: offer a counsellor first (a person understands what a model cannot),
and still the likeliest topics of this message: it is often a new question, sometimes in
another language, and a person who only gets "talk to a counsellor" may not want one.
With no likely topic at all: ask to rephrase the first time, offer a counsellor the next.

Right after an answer, an unclear message is often a follow-up that names no topic ("and how
much does it cost?"): the answered topic is offered first, as "more on" it (``follow_up``). A
message read as out of scope right after an answer is asked back the same way
(action_out_of_scope): such follow-ups look out of scope to a model that reads one message.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import payloads
from actions.context import asked_back_before, previous_topic
from bot.topics import MIN_CHOICE_CONFIDENCE, SHORT_REPLY_INTENTS, TOPIC_KEYS

MAX_CHOICES = 3


def likely_topics(ranking: list[dict[str, Any]]) -> list[str]:
    ranked = [item for item in ranking if item.get("name") != "nlu_fallback"]
    scale = 1.0
    if ranked and ranked[0].get("name") in SHORT_REPLY_INTENTS:
        # A long message taken for "hello" or "ok" (nlu/fallback.py asked back): the greeting
        # is real and the question is in the rest ("salam, I want to go home with IOM, how?").
        # Weigh the other readings among themselves, or the greeting's share hides them all.
        rest = sum(float(i.get("confidence") or 0) for i in ranked if i.get("name") not in SHORT_REPLY_INTENTS)
        scale = 1.0 / rest if rest > 0 else 1.0
    candidates = [
        item["name"]
        for item in ranked
        if item.get("name") in TOPIC_KEYS
        and item["name"] != "counsellor_request"
        and float(item.get("confidence") or 0) * scale >= MIN_CHOICE_CONFIDENCE
    ]
    if "emergency" in candidates:  # someone may be in danger: that choice first, never cut off
        candidates.remove("emergency")
        candidates.insert(0, "emergency")
    return candidates[:MAX_CHOICES]


def clarify_payload(topics: list[str], follow_up: str | None, *, again: bool = False) -> dict[str, Any]:
    """The question back: likely topics, and the topic just answered when this may follow it up."""
    message: dict[str, Any] = {"type": "clarify", "topics": [t for t in topics if t != follow_up]}
    if follow_up:
        message["follow_up"] = follow_up
    if again:
        message["again"] = True
    return message


class ActionClarify(Action):
    def name(self) -> str:
        return "action_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        again = asked_back_before(tracker) >= 1
        topics = likely_topics(tracker.latest_message.get("intent_ranking") or [])
        follow_up = previous_topic(tracker)
        if topics or follow_up:
            dispatcher.utter_message(json_message=clarify_payload(topics, follow_up, again=again))
            return []
        counsellor = payloads.button("button.counsellor", intent="counsellor_request")
        key = "clarify.offer_counsellor" if again else "clarify.rephrase"
        dispatcher.utter_message(json_message=payloads.text(key, buttons=[counsellor], menu=True))
        return []


class ActionOutOfScope(Action):
    """Out of scope: what the bot can help with; right after an answer, first a question back."""

    def name(self) -> str:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        follow_up = previous_topic(tracker)
        if follow_up:
            dispatcher.utter_message(json_message=clarify_payload([], follow_up))
        else:
            dispatcher.utter_message(response="utter_out_of_scope")
        return []
