"""The user's chosen language, per pseudonym."""

from __future__ import annotations

import redis.asyncio as aioredis

from bot.state.keys import Keys


class LanguageStore:
    def __init__(self, redis: aioredis.Redis, keys: Keys, ttl_seconds: int) -> None:
        self._redis = redis
        self._keys = keys
        self._ttl = ttl_seconds

    async def get(self, pseudonym: str) -> str | None:
        key = self._keys.language(pseudonym)
        # Reading counts as activity: the retention period runs from the last message.
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.get(key)
            pipe.expire(key, self._ttl)
            value, _ = await pipe.execute()
        return value

    async def set(self, pseudonym: str, language: str) -> None:
        await self._redis.set(self._keys.language(pseudonym), language, ex=self._ttl)

    async def delete(self, pseudonym: str) -> None:
        await self._redis.delete(self._keys.language(pseudonym))
