"""The user's chosen language, per pseudonym."""

from __future__ import annotations

import logging

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from bot.state.keys import Keys

logger = logging.getLogger(__name__)


class LanguageStore:
    def __init__(self, redis: aioredis.Redis, keys: Keys, ttl_seconds: int) -> None:
        self._redis = redis
        self._keys = keys
        self._ttl = ttl_seconds

    async def get(self, pseudonym: str) -> str | None:
        """The stored choice; None if none (or if Redis is down: the client's language serves)."""
        key = self._keys.language(pseudonym)
        try:
            # Reading counts as activity: the retention period runs from the last message.
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.get(key)
                pipe.expire(key, self._ttl)
                value, _ = await pipe.execute()
        except (RedisError, OSError) as exc:
            logger.warning("language store unavailable (%s)", type(exc).__name__)
            return None
        return value

    async def set(self, pseudonym: str, language: str) -> None:
        try:
            await self._redis.set(self._keys.language(pseudonym), language, ex=self._ttl)
        except (RedisError, OSError) as exc:
            logger.warning("language not stored, Redis unavailable (%s)", type(exc).__name__)

    async def delete(self, pseudonym: str) -> None:
        await self._redis.delete(self._keys.language(pseudonym))
