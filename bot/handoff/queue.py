"""The waiting line per language, claims, counsellors' duty, and the expected wait."""

from __future__ import annotations

import statistics
import time

import redis.asyncio as aioredis

from bot.state.keys import Keys

RECENT_WAITS = 20  # the expected wait is estimated from this many recent claims
STATE_TTL = 30 * 24 * 3600


class HandoffQueue:
    def __init__(self, redis: aioredis.Redis, keys: Keys, ttl_seconds: int) -> None:
        self._redis = redis
        self._keys = keys
        self._ttl = ttl_seconds

    async def add(self, language: str, request_id: str, since: float) -> None:
        key = self._keys.handoff_queue(language)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zadd(key, {request_id: since}, nx=True)
            pipe.expire(key, self._ttl)
            await pipe.execute()

    async def remove(self, language: str, request_id: str) -> None:
        await self._redis.zrem(self._keys.handoff_queue(language), request_id)

    async def position(self, language: str, request_id: str) -> int | None:
        """1 for the next in line; None if not waiting."""
        rank = await self._redis.zrank(self._keys.handoff_queue(language), request_id)
        return None if rank is None else int(rank) + 1

    async def waiting(self, language: str, limit: int = 50) -> list[str]:
        return list(await self._redis.zrange(self._keys.handoff_queue(language), 0, limit - 1))

    async def claim(self, request_id: str, counsellor_id: int) -> bool:
        """The first claim wins, atomically, whichever replica or counsellor is faster."""
        return bool(
            await self._redis.set(self._keys.handoff_claim(request_id), str(counsellor_id), nx=True, ex=self._ttl)
        )

    async def release_claim(self, request_id: str) -> None:
        await self._redis.delete(self._keys.handoff_claim(request_id))

    async def record_wait(self, language: str, seconds: float) -> None:
        key = self._keys.handoff_waits(language)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.lpush(key, f"{seconds:.0f}")
            pipe.ltrim(key, 0, RECENT_WAITS - 1)
            pipe.expire(key, STATE_TTL)
            await pipe.execute()

    async def expected_wait_minutes(self, language: str, position: int, on_duty: int) -> int | None:
        """Position times the median recent time to claim, shared among counsellors on duty."""
        waits = [float(w) for w in await self._redis.lrange(self._keys.handoff_waits(language), 0, -1)]
        if len(waits) < 3 or on_duty < 1:
            return None
        per_person = statistics.median(waits)
        return max(1, round(position * per_person / on_duty / 60))

    # -- duty ----------------------------------------------------------------------------

    async def set_duty(self, counsellor_id: int, on: bool) -> None:
        await self._redis.set(self._keys.duty(counsellor_id), "on" if on else "off", ex=STATE_TTL)

    async def on_duty(self, counsellor_id: int) -> bool:
        """On duty after /on until /off; the state survives restarts (it lives in Redis)."""
        return await self._redis.get(self._keys.duty(counsellor_id)) == "on"

    @staticmethod
    def now() -> float:
        return time.time()
