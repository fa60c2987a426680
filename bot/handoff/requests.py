"""Handoff requests: opened by the Rasa custom action, then moved along by the gateway."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import asdict, dataclass, field

import redis.asyncio as aioredis

from bot.state.keys import Keys

AWAITING_CONSENT = "awaiting_consent"
QUEUED = "queued"
LEAVING_MESSAGE = "leaving_message"  # out of hours: the next text is a message for counsellors
CLAIMED = "claimed"
CLOSED = "closed"
ACTIVE = (QUEUED, LEAVING_MESSAGE, CLAIMED)


@dataclass
class HandoffRequest:
    pseudonym: str
    language: str
    topics: list[str] = field(default_factory=list)  # topic keys the user asked about
    requested_at: float = field(default_factory=time.time)
    status: str = AWAITING_CONSENT
    id: str = field(default_factory=lambda: secrets.token_hex(5))  # opaque, shown on the card
    share_transcript: bool = False
    counsellor_id: int | None = None
    counsellor_name: str | None = None
    claimed_at: float | None = None
    thread_id: int | None = None  # forum topic of this conversation in the counsellors' group
    card_message_id: int | None = None

    @property
    def label(self) -> str:
        """How counsellors see the user: a pseudonym, never a name or number."""
        return f"#{self.id}"


class HandoffRequests:
    def __init__(self, redis: aioredis.Redis, keys: Keys, ttl_seconds: int) -> None:
        self._redis = redis
        self._keys = keys
        self._ttl = ttl_seconds

    async def open(self, request: HandoffRequest) -> HandoffRequest:
        """Record a new request, or keep the user's active one (asking twice changes nothing)."""
        current = await self.get(request.pseudonym)
        if current is not None and current.status in ACTIVE:
            return current
        await self.save(request)
        return request

    async def save(self, request: HandoffRequest) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self._keys.handoff_request(request.pseudonym), json.dumps(asdict(request)), ex=self._ttl)
            pipe.set(self._keys.handoff_id(request.id), request.pseudonym, ex=self._ttl)
            await pipe.execute()

    async def get(self, pseudonym: str) -> HandoffRequest | None:
        raw = await self._redis.get(self._keys.handoff_request(pseudonym))
        return HandoffRequest(**json.loads(raw)) if raw else None

    async def by_id(self, request_id: str) -> HandoffRequest | None:
        pseudonym = await self._redis.get(self._keys.handoff_id(request_id))
        return await self.get(pseudonym) if pseudonym else None

    async def delete(self, pseudonym: str) -> None:
        request = await self.get(pseudonym)
        keys = [self._keys.handoff_request(pseudonym)]
        if request is not None:
            keys.append(self._keys.handoff_id(request.id))
        await self._redis.delete(*keys)
