"""Custom actions, tested the rasa-sdk way: CollectingDispatcher + Tracker.from_dict."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.clarify import ActionClarify, ActionClarifyFollowUp, ActionOutOfScope
from actions.context import language_of, topics_asked, turns
from actions.handoff import ActionRequestCounsellor
from bot.handoff.requests import HandoffRequests
from bot.state.keys import Keys
from dialogue import history
from dialogue.choices import likely_topics


def user_event(intent: str, text: str = "...") -> dict[str, Any]:
    return {
        "event": "user",
        "text": text,
        "parse_data": {"intent": {"name": intent, "confidence": 0.9}},
    }


def reply_to(intent: str) -> str:
    return {
        "nlu_fallback": "action_clarify",
        "out_of_scope": "action_out_of_scope",
        "counsellor_request": "action_request_counsellor",
    }.get(intent, f"utter_{intent}")


def conversation(*intents: str) -> list[dict[str, Any]]:
    """Rasa's events for these messages, each answered as its rule says, but the latest."""
    events: list[dict[str, Any]] = []
    for intent in intents[:-1]:
        events += [user_event(intent), {"event": "action", "name": reply_to(intent)}]
        events.append({"event": "action", "name": "action_listen"})
    return [*events, user_event(intents[-1])] if intents else events


def tracker(events: list[dict[str, Any]], *, latest: dict[str, Any] | None = None, sender: str = "p" * 32) -> Tracker:
    latest = latest or (events[-1].get("parse_data", {}) | {"metadata": {"language": "ar"}} if events else {})
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": {},
            "latest_message": latest,
            "events": events,
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


async def test_counsellor_request_is_recorded_with_language_and_topics(fake_redis) -> None:
    requests = HandoffRequests(fake_redis, Keys("mbtest"), 3600)
    dispatcher = CollectingDispatcher()
    events = conversation("healthcare_access", "return_options", "healthcare_access", "counsellor_request")
    result = await ActionRequestCounsellor(requests).run(dispatcher, tracker(events), {})
    assert result == []
    request = await requests.get("p" * 32)
    assert request is not None
    assert request.language == "ar"
    assert request.topics == ["healthcare_access", "return_options"]
    assert 0 < await fake_redis.ttl(Keys("mbtest").handoff_request("p" * 32)) <= 3600
    payload = dispatcher.messages[0]["custom"]
    assert payload["key"] == "handoff.intro"
    assert [b["callback"] for b in payload["buttons"]] == ["h:share", "h:noshare"]
    assert "text" not in dispatcher.messages[0] or not dispatcher.messages[0]["text"]


async def test_clarify_offers_the_likeliest_topics() -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "healthcare_access", "confidence": 0.4},
        {"name": "greet", "confidence": 0.3},
        {"name": "return_medical", "confidence": 0.2},
        {"name": "mental_health", "confidence": 0.1},
        {"name": "detention", "confidence": 0.01},
    ]
    latest = {"intent": {"name": "nlu_fallback"}, "intent_ranking": ranking}
    dispatcher = CollectingDispatcher()
    await ActionClarify().run(dispatcher, tracker(conversation("nlu_fallback"), latest=latest), {})
    assert dispatcher.messages[0]["custom"] == {
        "type": "clarify",
        "topics": ["healthcare_access", "return_medical", "mental_health"],
    }


def test_a_long_message_taken_for_a_greeting_offers_the_topics_of_its_question() -> None:
    # "salam, mn bdi rja3 3la blade ma3 iom, kif bqdm?" as the model of 2026-12-06 ranked it.
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "greet", "confidence": 0.93},
        {"name": "return_options", "confidence": 0.02},
        {"name": "return_apply", "confidence": 0.015},
        {"name": "out_of_scope", "confidence": 0.01},
        {"name": "detention", "confidence": 0.001},
    ]
    assert likely_topics(ranking) == ["return_options", "return_apply"]
    # Not when the best reading is a topic or out of scope: their small neighbours stay noise.
    ranking[1]["name"] = "out_of_scope"
    ranking[4]["name"] = "greet"
    assert likely_topics(ranking) == []


def test_a_possible_emergency_is_offered_first_even_when_it_ranks_lower() -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.6},
        {"name": "return_medical", "confidence": 0.5},
        {"name": "healthcare_access", "confidence": 0.2},
        {"name": "return_travel", "confidence": 0.12},
        {"name": "emergency", "confidence": 0.09},
    ]
    assert likely_topics(ranking) == ["emergency", "return_medical", "healthcare_access"]


async def test_clarify_twice_in_a_row_offers_a_counsellor() -> None:
    dispatcher = CollectingDispatcher()
    events = conversation("nlu_fallback", "nlu_fallback")
    await ActionClarify().run(dispatcher, tracker(events, latest={"intent_ranking": []}), {})
    custom = dispatcher.messages[0]["custom"]
    assert custom["key"] == "clarify.offer_counsellor"
    assert custom["buttons"][0]["intent"] == "counsellor_request"


async def test_clarify_twice_in_a_row_still_offers_the_topics_of_the_new_message() -> None:
    # The second unclear message is often a new question ("ok and what about the doctor"):
    # only "talk to a counsellor" would leave someone who does not want one with nothing.
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.6},
        {"name": "healthcare_access", "confidence": 0.45},
        {"name": "mental_health", "confidence": 0.3},
    ]
    dispatcher = CollectingDispatcher()
    events = conversation("nlu_fallback", "nlu_fallback")
    await ActionClarify().run(dispatcher, tracker(events, latest={"intent_ranking": ranking}), {})
    assert dispatcher.messages[0]["custom"] == {
        "type": "clarify",
        "topics": ["healthcare_access", "mental_health"],
        "again": True,
    }


async def test_unclear_right_after_an_answer_offers_more_on_that_topic_first() -> None:
    # "and how much does it cost?" after the healthcare answer names no topic of its own.
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.6},
        {"name": "about_service", "confidence": 0.5},
        {"name": "healthcare_access", "confidence": 0.2},
        {"name": "greet", "confidence": 0.1},
    ]
    events = conversation("healthcare_access", "nlu_fallback")
    dispatcher = CollectingDispatcher()
    await ActionClarify().run(dispatcher, tracker(events, latest={"intent_ranking": ranking}), {})
    assert dispatcher.messages[0]["custom"] == {
        "type": "clarify",
        "topics": ["about_service"],  # the answered topic is not offered twice
        "follow_up": "healthcare_access",
    }
    # No likely topic at all: still asked back about the answered topic, not "say it again".
    dispatcher = CollectingDispatcher()
    await ActionClarify().run(dispatcher, tracker(events, latest={"intent_ranking": ranking[:1]}), {})
    assert dispatcher.messages[0]["custom"] == {"type": "clarify", "topics": [], "follow_up": "healthcare_access"}


async def test_out_of_scope_right_after_an_answer_is_asked_back() -> None:
    dispatcher = CollectingDispatcher()
    events = conversation("return_options", "out_of_scope")
    await ActionOutOfScope().run(dispatcher, tracker(events), {})
    assert dispatcher.messages[0]["custom"] == {"type": "clarify", "topics": [], "follow_up": "return_options"}
    # Otherwise (first message, after a greeting, in a new session): what the bot can help with.
    for before in ([], conversation("greet"), [user_event("return_options"), {"event": "session_started"}]):
        dispatcher = CollectingDispatcher()
        await ActionOutOfScope().run(dispatcher, tracker([*before, user_event("out_of_scope")]), {})
        assert dispatcher.messages[0]["response"] == "utter_out_of_scope"


def previous_topic(t: Tracker) -> str | None:
    return history.previous_topic(turns(t))


def asked_back_before(t: Tracker) -> int:
    return history.asked_back_before(turns(t))


def offered_before(t: Tracker) -> list[str]:
    return history.offered_before(turns(t))


def ranked(intent: str, *ranking: tuple[str, float]) -> dict[str, Any]:
    """A user event with the NLU's ranking, as Rasa records it."""
    items = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    return {"event": "user", "text": "...", "parse_data": {"intent": {"name": intent}, "intent_ranking": items}}


async def test_a_follow_up_of_a_question_back_is_offered_that_question_again() -> None:
    # "what if the police stop me?" asked back (police or detention?), then "and for how many
    # days?" typed instead of pressing a button, read alone as the DT&V's role.
    asked_back = ranked("nlu_fallback", ("nlu_fallback", 0.6), ("police_check", 0.4), ("detention", 0.3))
    follow_up = ranked("dtv_role", ("dtv_role", 0.8), ("detention", 0.1))
    events = [asked_back, {"event": "action", "name": "action_clarify"}, {"event": "action", "name": "action_listen"}]
    t = tracker([*events, follow_up])
    assert offered_before(t) == ["police_check", "detention"]
    dispatcher = CollectingDispatcher()
    await ActionClarifyFollowUp().run(dispatcher, t, {})
    assert dispatcher.messages[0]["custom"] == {
        "type": "clarify",
        "topics": ["police_check", "detention", "dtv_role"],
        "again": True,
    }
    # action_clarify (the rule, for a message the NLU is unsure of) offers the message's own reading.
    dispatcher = CollectingDispatcher()
    await ActionClarify().run(dispatcher, t, {})
    assert dispatcher.messages[0]["custom"]["topics"] == ["dtv_role", "detention"]
    # After an answer, the follow-up action asks about the answer, as action_clarify does.
    answered = [*conversation("residence_chances", "x")[:-1], follow_up]
    dispatcher = CollectingDispatcher()
    await ActionClarifyFollowUp().run(dispatcher, tracker(answered), {})
    assert dispatcher.messages[0]["custom"] == {
        "type": "clarify",
        "topics": ["dtv_role", "detention"],
        "follow_up": "residence_chances",
    }
    # Read as out of scope ("how long does it take?"): asked again all the same.
    dispatcher = CollectingDispatcher()
    await ActionOutOfScope().run(dispatcher, tracker([*events, ranked("out_of_scope", ("out_of_scope", 0.9))]), {})
    assert dispatcher.messages[0]["custom"] == {
        "type": "clarify",
        "topics": ["police_check", "detention"],
        "again": True,
    }
    # Read as out of scope in between, asked again: the chain goes on, with no topics of its own.
    off_topic = ranked("out_of_scope", ("out_of_scope", 0.7), ("work_income", 0.2))
    chain = [*events, off_topic, {"event": "action", "name": "action_out_of_scope"}]
    chain += [{"event": "action", "name": "action_listen"}, follow_up]
    assert offered_before(tracker(chain)) == ["police_check", "detention"]
    # A chain: the second follow-up still sees the first question's topics first.
    chain = [*events, follow_up, {"event": "action", "name": "action_clarify_follow_up"}]
    chain += [{"event": "action", "name": "action_listen"}, ranked("work_income", ("work_income", 0.9))]
    assert offered_before(tracker(chain)) == ["police_check", "detention", "dtv_role"]


async def test_clarify_without_candidates_asks_to_rephrase() -> None:
    dispatcher = CollectingDispatcher()
    latest = {
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.9},
            {"name": "greet", "confidence": 0.1},
        ]
    }
    await ActionClarify().run(dispatcher, tracker(conversation("nlu_fallback"), latest=latest), {})
    assert dispatcher.messages[0]["custom"]["key"] == "clarify.rephrase"


def test_context_helpers() -> None:
    t = tracker(conversation("nlu_fallback", "greet", "nlu_fallback", "nlu_fallback"))
    assert asked_back_before(t) == 1
    assert topics_asked(t) == []
    assert previous_topic(t) is None
    assert previous_topic(tracker(conversation("work_income", "nlu_fallback"))) == "work_income"
    assert previous_topic(tracker(conversation("work_income", "greet", "nlu_fallback"))) is None
    assert previous_topic(tracker(conversation("counsellor_request", "out_of_scope"))) is None
    # A chain of follow-ups ("how much?", then "where?") still follows the answer before them.
    assert previous_topic(tracker(conversation("work_income", "out_of_scope", "nlu_fallback", "nlu_fallback"))) == (
        "work_income"
    )
    chain = conversation("work_income", "out_of_scope", "nlu_fallback", "nlu_fallback", "nlu_fallback")
    assert previous_topic(tracker(chain)) is None
    # What the bot did counts, not what the NLU read: a topic asked back about (the dialogue
    # policy, dialogue/follow_up.py) was not answered; a topic button after it was.
    asked_back = [user_event("return_apply"), {"event": "action", "name": "action_clarify"}]
    events = [*conversation("residence_chances", "x")[:-1], *asked_back, user_event("where")]
    assert previous_topic(tracker(events)) == "residence_chances"
    assert topics_asked(tracker(events)) == ["residence_chances"]
    assert asked_back_before(tracker(events)) == 1
    events = [*events[:-1], {"event": "action", "name": "action_listen"}, *conversation("return_apply", "x")]
    assert previous_topic(tracker(events)) == "return_apply"
    assert topics_asked(tracker(events)) == ["return_apply", "residence_chances"]
    assert language_of(tracker([], latest={"metadata": {"language": "fa-AF"}})) == "fa"
    assert language_of(tracker([], latest={"metadata": {"language": "xx"}})) == "en"
    assert likely_topics([]) == []
