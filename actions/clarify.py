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
action_clarify_follow_up is what dialogue/follow_up.py runs for a short message with no topic
word after an answer or a question back; after a question back it offers that question's
topics again, first.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import payloads
from actions.context import turns
from dialogue import history
from dialogue.choices import MAX_CHOICES, likely_topics


def clarify_payload(topics: list[str], follow_up: str | None, *, again: bool = False) -> dict[str, Any]:
    """The question back: likely topics, and the topic just answered when this may follow it up."""
    message: dict[str, Any] = {"type": "clarify", "topics": [t for t in topics if t != follow_up]}
    if follow_up:
        message["follow_up"] = follow_up
    if again:
        message["again"] = True
    return message


class ActionClarify(Action):
    follows_up = False

    def name(self) -> str:
        return "action_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        so_far = turns(tracker)
        again = history.asked_back_before(so_far) >= 1
        topics = likely_topics(tracker.latest_message.get("intent_ranking") or [])
        follow_up = history.previous_topic(so_far)
        if follow_up is None and self.follows_up:
            # After a question back: what it offered first, this message's own reading after.
            topics = [*dict.fromkeys([*history.offered_before(so_far), *topics])][:MAX_CHOICES]
        if topics or follow_up:
            dispatcher.utter_message(json_message=clarify_payload(topics, follow_up, again=again))
            return []
        counsellor = payloads.button("button.counsellor", intent="counsellor_request")
        key = "clarify.offer_counsellor" if again else "clarify.rephrase"
        dispatcher.utter_message(json_message=payloads.text(key, buttons=[counsellor], menu=True))
        return []


class ActionClarifyFollowUp(ActionClarify):
    """A short message that names no topic, right after an answer or a question back.

    dialogue/follow_up.py decides; this asks back about what came before: more on the topic
    just answered, or the topics the question back just before offered.
    """

    follows_up = True

    def name(self) -> str:
        return "action_clarify_follow_up"


class ActionOutOfScope(Action):
    """Out of scope: what the bot can help with; right after an answer or a question back, first
    a question back about it."""

    def name(self) -> str:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        so_far = turns(tracker)
        follow_up = history.previous_topic(so_far)
        offered = [] if follow_up else history.offered_before(so_far)
        if follow_up:
            dispatcher.utter_message(json_message=clarify_payload([], follow_up))
        elif offered:  # typed instead of pressing a button ("how long does it take?"): ask again
            dispatcher.utter_message(json_message=clarify_payload(offered, None, again=True))
        else:
            dispatcher.utter_message(response="utter_out_of_scope")
        return []
