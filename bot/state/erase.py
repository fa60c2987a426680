"""Erasing everything stored about one user (/forget)."""

from __future__ import annotations

import redis.asyncio as aioredis

from bot.state.keys import Keys


class Eraser:
    def __init__(self, redis: aioredis.Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    async def erase(self, pseudonym: str) -> int:
        """Delete the user's known keys, then any other key that carries the pseudonym."""
        names = set(self._keys.user_keys(pseudonym))
        # A scan also finds keys added by features that forgot to register in Keys.user_keys.
        async for key in self._redis.scan_iter(match=self._keys.user_pattern(pseudonym), count=500):
            names.add(key)
        return int(await self._redis.delete(*names)) if names else 0
