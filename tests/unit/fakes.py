"""Test doubles for unit tests: a scripted Rasa behind httpx.MockTransport; clients that lose a
cancellation to a timeout."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

import fakeredis
import httpx
from redis.exceptions import TimeoutError as RedisTimeout

Answer = Callable[[dict[str, Any]], Any]
T = TypeVar("T")


class ScriptedRasa:
    """Answers the REST webhook like Rasa would: '/intent' payloads and a tiny keyword NLU."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.down = False
        self.keywords = {
            "doctor": "healthcare_access",
            "دکتر": "healthcare_access",
            "iom": "return_options",
        }

    def intent_for(self, message: str) -> str:
        if message.startswith("/"):
            return message[1:]
        for word, intent in self.keywords.items():
            if word in message.lower():
                return intent
        return "nlu_fallback"

    def handler(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("refused", request=request)
        if request.url.path == "/status":
            return httpx.Response(200, json={"model_file": "x.tar.gz"})
        body = json.loads(request.content)
        if request.url.path == "/model/parse":
            short = {"yes": "affirm", "ja": "affirm", "نعم": "affirm", "no": "deny", "nee": "deny"}
            name = short.get(body["text"].strip().lower()) or self.intent_for(body["text"])
            return httpx.Response(200, json={"text": body["text"], "intent": {"name": name, "confidence": 0.97}})
        self.received.append(body)
        intent = self.intent_for(body["message"])
        sender = body["sender"]
        if intent == "nlu_fallback":
            custom = {"type": "clarify", "topics": ["healthcare_access", "return_options"]}
        elif intent == "counsellor_request":  # actions/handoff.py
            share = [
                {"key": "handoff.share_yes", "callback": "h:share"},
                {"key": "handoff.share_no", "callback": "h:noshare"},
            ]
            custom = {"type": "text", "key": "handoff.intro", "buttons": share}
        elif intent == "greet":
            custom = {"type": "text", "key": "conversation.greet", "menu": True}
        else:
            custom = {"type": "answer", "topic": intent}
        return httpx.Response(200, json=[{"recipient_id": sender, "custom": custom}])

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handler))


class LosesCancellation:
    """What redis-py 4.x does on Python 3.10 when a cancellation arrives just as a timeout of its
    fires: the cancellation is lost. With ``timeout``, a cancellation anywhere in a call becomes
    that error (the read timeout); with ``timeout=None``, one in the first ``seconds`` is dropped
    and the call goes on (the zero-second poll of the connection before each command). Calls
    take ``seconds`` longer (a read in progress); ``started`` is set once one has begun. Only the
    first cancellation is lost (a coincidence), so that a test of a broken loop can still end it."""

    def __init__(self, timeout: Callable[[], Exception] | None, seconds: float = 0.2) -> None:
        self.timeout = timeout
        self.seconds = seconds
        self.started = asyncio.Event()
        self.lost = False

    async def call(self, make: Callable[[], Awaitable[T]]) -> T:
        self.started.set()
        if self.lost:
            await asyncio.sleep(self.seconds)
            return await make()
        if self.timeout is None:
            try:
                await asyncio.sleep(self.seconds)
            except asyncio.CancelledError:
                self.lost = True
            return await make()
        try:
            await asyncio.sleep(self.seconds)
            return await make()
        except asyncio.CancelledError:
            self.lost = True
            raise self.timeout() from None


class CancelBecomesTimeout(fakeredis.FakeAsyncRedis):
    """fakeredis whose commands named in ``slow`` lose a cancellation to redis's TimeoutError
    (``silently``: to nothing)."""

    def __init__(self, *, slow: Iterable[str] = ("XREAD",), silently: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.slow = {name.upper() for name in slow}
        self.loses = LosesCancellation(None if silently else lambda: RedisTimeout("Timeout reading from redis"))

    async def execute_command(self, *args: Any, **options: Any) -> Any:
        command = super().execute_command
        if str(args[0]).upper() not in self.slow:
            return await command(*args, **options)
        return await self.loses.call(lambda: command(*args, **options))
