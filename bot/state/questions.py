"""The yes/no question the bot has just asked a user, so that a typed "yes" or "no" answers it.

People type "yes" instead of tapping the button. Without this, "yes" to "Do you want to delete
everything?" or to "May I share your questions with the counsellor?" went to Rasa as a new
message, got "OK, what do you want to know?", and nothing was deleted and nobody was called.
The question is remembered for a few minutes, and only until the user's next message or button.
"""

from __future__ import annotations

import logging

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from bot.state.keys import Keys

logger = logging.getLogger(__name__)

QUESTION_SECONDS = 600


class QuestionStore:
    def __init__(self, redis: aioredis.Redis, keys: Keys, ttl_seconds: int = QUESTION_SECONDS) -> None:
        self._redis = redis
        self._keys = keys
        self._ttl = ttl_seconds

    async def asked(self, pseudonym: str, question: str) -> None:
        try:
            await self._redis.set(self._keys.question(pseudonym), question, ex=self._ttl)
        except RedisError as exc:  # the buttons still work
            logger.warning("could not remember a yes/no question: %s", type(exc).__name__)

    async def take(self, pseudonym: str) -> str | None:
        """The question asked last, if any, and forget it: a question is answered at most once."""
        try:
            value = await self._redis.getdel(self._keys.question(pseudonym))
        except RedisError as exc:
            logger.warning("could not read a yes/no question: %s", type(exc).__name__)
            return None
        if value is None:
            return None
        return value.decode() if isinstance(value, bytes) else str(value)
