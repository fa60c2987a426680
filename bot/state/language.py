"""Per pseudonym: the user's chosen language, and the language of the conversation now.

The choice is what the user picked (or the first language they wrote in). The conversation
language is the one the bot last answered in: after a question in another language, the
buttons under that answer and a following "ok" stay in that language instead of jumping back
to the choice. It lapses after an hour without messages; the choice stays for the retention
period.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from bot.state.keys import Keys

logger = logging.getLogger(__name__)

CONVERSATION_SECONDS = 3600


@dataclass(frozen=True)
class Languages:
    chosen: str | None = None
    conversation: str | None = None


class LanguageStore:
    def __init__(self, redis: aioredis.Redis, keys: Keys, ttl_seconds: int) -> None:
        self._redis = redis
        self._keys = keys
        self._ttl = ttl_seconds

    async def get(self, pseudonym: str) -> Languages:
        """Both, in one round trip; empty if Redis is down (the client's language serves)."""
        chosen, conversation = self._keys.language(pseudonym), self._keys.conversation_language(pseudonym)
        try:
            # Reading counts as activity: the retention period runs from the last message.
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.get(chosen)
                pipe.expire(chosen, self._ttl)
                pipe.get(conversation)
                pipe.expire(conversation, CONVERSATION_SECONDS)
                values = await pipe.execute()
        except (RedisError, OSError) as exc:
            logger.warning("language store unavailable (%s)", type(exc).__name__)
            return Languages()
        return Languages(values[0], values[2])

    async def choose(self, pseudonym: str, language: str) -> None:
        """The user's choice; the conversation goes on in it."""
        await self._write(pseudonym, language, chosen=True)

    async def answered_in(self, pseudonym: str, language: str) -> None:
        await self._write(pseudonym, language, chosen=False)

    async def _write(self, pseudonym: str, language: str, *, chosen: bool) -> None:
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                if chosen:
                    pipe.set(self._keys.language(pseudonym), language, ex=self._ttl)
                pipe.set(self._keys.conversation_language(pseudonym), language, ex=CONVERSATION_SECONDS)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            logger.warning("language not stored, Redis unavailable (%s)", type(exc).__name__)
