"""Handoff requests as recorded by the Rasa custom action and picked up by the gateway."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field

import redis.asyncio as aioredis

from bot.state.keys import Keys


@dataclass
class HandoffRequest:
    pseudonym: str
    language: str
    topics: list[str] = field(default_factory=list)  # topic keys the user asked about
    requested_at: float = field(default_factory=time.time)
    status: str = "awaiting_consent"  # -> queued / claimed / closed


class HandoffRequests:
    def __init__(self, redis: aioredis.Redis, keys: Keys, ttl_seconds: int) -> None:
        self._redis = redis
        self._keys = keys
        self._ttl = ttl_seconds

    async def open(self, request: HandoffRequest) -> None:
        await self._redis.set(self._keys.handoff_request(request.pseudonym), json.dumps(asdict(request)), ex=self._ttl)

    async def get(self, pseudonym: str) -> HandoffRequest | None:
        raw = await self._redis.get(self._keys.handoff_request(pseudonym))
        return HandoffRequest(**json.loads(raw)) if raw else None

    async def delete(self, pseudonym: str) -> None:
        await self._redis.delete(self._keys.handoff_request(pseudonym))
