"""Operational metrics in Prometheus format, without personal data.

Labels are closed sets only: a supported language code (or "other"), a topic key, a fixed kind.
Never a pseudonym, a chat id, a counsellor or any text: a metric must not tell who asked what.
Each gateway replica counts its own; Prometheus adds them up (scrape every replica).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

from bot.i18n.languages import SUPPORTED_LANGUAGES
from bot.topics import TOPIC_KEYS

logger = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0, 15.0)
WAIT_BUCKETS = (30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 86400)
DURATION_BUCKETS = (60, 300, 600, 1200, 1800, 3600, 7200, 14400)


def _language(code: str | None) -> str:
    return code if code in SUPPORTED_LANGUAGES else "other"


class Metrics:
    """The counters and histograms of one gateway process, in their own registry."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.messages = Counter(
            "bot_messages", "Messages from users, by kind (text, button, media) and language", ["kind", "language"],
            registry=r,
        )  # fmt: skip
        self.answers = Counter(
            "bot_answers", "Topic answers given, by topic and language", ["topic", "language"], registry=r
        )
        self.clarifications = Counter(
            "bot_clarifications", "Clarifying questions asked (low confidence)", ["language"], registry=r
        )
        self.out_of_scope = Counter(
            "bot_out_of_scope", "Messages answered with what the bot can help with", ["language"], registry=r
        )
        self.errors = Counter(
            "bot_errors", "Failures, by kind (rasa_timeout, rasa_unavailable, handler)", ["kind"], registry=r
        )
        self.reply_seconds = Histogram(
            "bot_reply_seconds", "Time from a message to its rendered reply, by kind", ["kind"],
            buckets=LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.handoff_requests = Counter(
            "bot_handoff_requests", "Counsellor requests, by language and outcome (queued, unavailable)",
            ["language", "outcome"], registry=r,
        )  # fmt: skip
        self.handoff_claims = Counter(
            "bot_handoff_claims", "Requests claimed by a counsellor", ["language"], registry=r
        )
        self.handoff_wait_seconds = Histogram(
            "bot_handoff_wait_seconds", "Time from request to claim", ["language"], buckets=WAIT_BUCKETS, registry=r
        )
        self.handoff_duration_seconds = Histogram(
            "bot_handoff_duration_seconds", "Time from claim to end of a conversation with a counsellor", ["language"],
            buckets=DURATION_BUCKETS, registry=r,
        )  # fmt: skip
        self.handoff_ratings = Counter(
            "bot_handoff_ratings", "Ratings after a handoff, by score", ["score"], registry=r
        )

    # -- recording ---------------------------------------------------------------------------

    def message(self, kind: str, language: str | None) -> None:
        self.messages.labels(kind, _language(language)).inc()

    def replies_from_rasa(self, messages: Iterable[Mapping[str, Any]], language: str) -> None:
        """Count what Rasa chose (answer, clarification, out of scope) from its payloads."""
        code = _language(language)
        for message in messages:
            custom = message.get("custom")
            if not isinstance(custom, Mapping):
                continue
            kind = custom.get("type")
            if kind == "answer" and custom.get("topic") in TOPIC_KEYS:
                self.answers.labels(str(custom["topic"]), code).inc()
            elif kind == "clarify":
                self.clarifications.labels(code).inc()
            elif kind == "text" and custom.get("key") == "out_of_scope":
                self.out_of_scope.labels(code).inc()

    def error(self, kind: str) -> None:
        self.errors.labels(kind).inc()

    def handoff_requested(self, language: str, outcome: str) -> None:
        self.handoff_requests.labels(_language(language), outcome).inc()

    def handoff_claimed(self, language: str, waited_seconds: float) -> None:
        self.handoff_claims.labels(_language(language)).inc()
        self.handoff_wait_seconds.labels(_language(language)).observe(max(0.0, waited_seconds))

    def handoff_ended(self, language: str, seconds: float) -> None:
        self.handoff_duration_seconds.labels(_language(language)).observe(max(0.0, seconds))

    def handoff_rated(self, score: int) -> None:
        if 1 <= score <= 5:
            self.handoff_ratings.labels(str(score)).inc()

    # -- exposing ----------------------------------------------------------------------------

    def exposition(self) -> bytes:
        return generate_latest(self.registry)

    def app(self) -> web.Application:
        app = web.Application()

        async def metrics(_: web.Request) -> web.Response:
            response = web.Response(body=self.exposition())
            response.headers["Content-Type"] = CONTENT_TYPE_LATEST
            return response

        app.router.add_get("/metrics", metrics)
        return app

    async def serve(self, host: str, port: int) -> None:
        """Serve /metrics until cancelled (bound to the metrics interface only, 127.0.0.1 by default)."""
        runner = web.AppRunner(self.app(), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        logger.info("metrics on http://%s:%s/metrics", host, port)
        try:
            await asyncio.Event().wait()
        finally:
            with contextlib.suppress(Exception):
                await runner.cleanup()
