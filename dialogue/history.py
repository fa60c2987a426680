"""What happened so far in a conversation, read from Rasa's events.

Shared by the dialogue policy (dialogue/follow_up.py, in the Rasa server, where events are
objects: pass ``event.as_dict()``) and the custom actions (actions/, where they are dicts).

A turn is one user message and the bot's actions after it. What the bot *did* tells more than
what the NLU read: a message read as "return_apply" but asked back about (action_clarify) was not
answered, and a topic button pressed after a question back ("/return_apply") was.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.topics import TOPIC_KEYS
from dialogue.choices import MAX_CHOICES, likely_topics

ASKED_BACK_ACTIONS = ("action_clarify", "action_clarify_follow_up", "action_out_of_scope")
ANSWER_PREFIX = "utter_"


@dataclass(frozen=True)
class Turn:
    intent: str | None
    actions: tuple[str, ...]  # what the bot ran after the message, action_listen left out
    likely: tuple[str, ...] = ()  # the topics a question back on this message offers (dialogue/choices.py)

    @property
    def answered(self) -> str | None:
        """The topic this message was answered with, if any.

        A counsellor request is not: it is answered with action_request_counsellor.
        """
        for action in self.actions:
            topic = action.removeprefix(ANSWER_PREFIX)
            if action.startswith(ANSWER_PREFIX) and topic in TOPIC_KEYS:
                return topic
        return None

    @property
    def asked_back(self) -> bool:
        """The bot asked back instead of answering (or is about to: nlu_fallback's rule)."""
        return self.intent == "nlu_fallback" or any(a in ASKED_BACK_ACTIONS for a in self.actions)


def session_turns(events: Iterable[Mapping[str, Any]]) -> list[Turn]:
    """The user turns of the latest session, oldest first; the last may have no actions yet."""
    turns: list[tuple[Mapping[str, Any], list[str]]] = []
    for event in events:
        kind = event.get("event")
        if kind == "session_started":
            turns = []
        elif kind == "user":
            turns.append((event.get("parse_data") or {}, []))
        elif kind == "action" and turns and event.get("name") != "action_listen":
            turns[-1][1].append(str(event.get("name")))
    return [
        Turn(
            (parse.get("intent") or {}).get("name"),
            tuple(actions),
            tuple(likely_topics(parse.get("intent_ranking") or [])),
        )
        for parse, actions in turns
    ]


def previous_topic(turns: list[Turn], *, skip_asked_back: int = 2) -> str | None:
    """The topic answered just before the latest turn, or None.

    A short question right after an answer ("and how much does it cost?", "what about my
    children?") names no topic of its own: it is most likely about the one just answered. Up to
    ``skip_asked_back`` turns asked back in between are follow-ups too ("how much?", then
    "where?"); anything else in between (a greeting, a counsellor request) and it is None.
    """
    for turn in reversed(turns[:-1]):
        topic = turn.answered
        if topic is not None:
            return topic
        if not turn.asked_back or skip_asked_back == 0:
            return None
        skip_asked_back -= 1
    return None


def offered_before(turns: list[Turn], *, skip_asked_back: int = 2) -> list[str]:
    """The topics offered by the questions back just before the latest turn, oldest first.

    After a question back nothing was answered, so a short follow-up ("and for how many
    days?", typed instead of pressing a button) is about what that question back offered.
    Up to ``skip_asked_back`` + 1 turns asked back in a row count, each adding its likely
    topics (the follow-up's own reading comes after the question it follows); [] when the
    turn before the latest was not asked back. A message read as out of scope adds no topics
    of its own (action_out_of_scope offers only what came before it, if anything).
    """
    runs: list[Turn] = []
    for turn in reversed(turns[:-1]):
        if not turn.asked_back or len(runs) > skip_asked_back:
            break
        runs.append(turn)
    offered: list[str] = []
    for turn in reversed(runs):
        if turn.intent != "out_of_scope":
            offered.extend(t for t in turn.likely if t not in offered)
    return offered[:MAX_CHOICES]


def topics_answered(turns: list[Turn], limit: int = 5) -> list[str]:
    """Topics answered in this session, most recent first, without repeats."""
    seen: list[str] = []
    for turn in reversed(turns):
        topic = turn.answered
        if topic is not None and topic not in seen:
            seen.append(topic)
            if len(seen) == limit:
                break
    return seen


def asked_back_before(turns: list[Turn]) -> int:
    """How many turns in a row were asked back just before the latest one."""
    count = 0
    for turn in reversed(turns[:-1]):
        if not turn.asked_back:
            break
        count += 1
    return count
