"""Metrics: closed label sets only, so nothing a user wrote or who they are can end up in them."""

from __future__ import annotations

from bot.metrics import Metrics


def test_rasa_payloads_are_counted_by_topic_and_language() -> None:
    metrics = Metrics()
    metrics.replies_from_rasa(
        [
            {"custom": {"type": "answer", "topic": "healthcare_access"}},
            {"custom": {"type": "clarify", "topics": ["work_income", "shelter"]}},
            {"custom": {"type": "text", "key": "out_of_scope"}},
            {"text": "a bare text is not counted"},
        ],
        "ar",
    )
    text = metrics.exposition().decode()
    assert 'bot_answers_total{language="ar",topic="healthcare_access"} 1.0' in text
    assert 'bot_clarifications_total{language="ar"} 1.0' in text
    assert 'bot_out_of_scope_total{language="ar"} 1.0' in text


def test_unknown_topics_and_languages_never_become_labels() -> None:
    metrics = Metrics()
    metrics.replies_from_rasa([{"custom": {"type": "answer", "topic": "call me on +31612345678"}}], "xx")
    metrics.message("text", "my name is Amal")
    text = metrics.exposition().decode()
    assert "+31612345678" not in text and "Amal" not in text
    assert 'bot_messages_total{kind="text",language="other"} 1.0' in text


def test_handoff_figures_by_language() -> None:
    metrics = Metrics()
    metrics.handoff_requested("fa", "queued")
    metrics.handoff_claimed("fa", 95.0)
    metrics.handoff_ended("fa", 600.0)
    metrics.handoff_rated(4)
    metrics.handoff_rated(9)  # out of range: ignored
    text = metrics.exposition().decode()
    assert 'bot_handoff_requests_total{language="fa",outcome="queued"} 1.0' in text
    assert 'bot_handoff_wait_seconds_bucket{language="fa",le="120.0"} 1.0' in text
    assert 'bot_handoff_duration_seconds_count{language="fa"} 1.0' in text
    assert 'bot_handoff_ratings_total{score="4"} 1.0' in text and 'score="9"' not in text


def test_two_gateways_in_one_process_keep_separate_registries() -> None:
    first, second = Metrics(), Metrics()
    first.error("handler")
    assert 'bot_errors_total{kind="handler"} 1.0' in first.exposition().decode()
    assert 'kind="handler"' not in second.exposition().decode()
