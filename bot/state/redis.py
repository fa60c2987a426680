"""Connecting to Redis, with an in-memory stand-in for newcomers who have none."""

from __future__ import annotations

import logging

import redis.asyncio as aioredis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def from_url(url: str) -> aioredis.Redis:
    """An asyncio client whose close() also closes its connections.

    redis-py 4.x's ``Redis.from_url`` leaves the pool open on close(); fixed only in 5.x.
    """
    # A Redis that hangs must fail fast (then the bot answers in degraded mode), but a blocking
    # XREAD of one second must fit: three seconds.
    client: aioredis.Redis = aioredis.Redis.from_url(
        url, decode_responses=True, socket_connect_timeout=2, socket_timeout=3
    )
    client.auto_close_connection_pool = True
    return client


async def connect(url: str, *, allow_memory_fallback: bool = False) -> tuple[aioredis.Redis, bool]:
    """Return (client, is_in_memory). Falls back to fakeredis only if allowed and Redis is down."""
    client = from_url(url)
    try:
        await client.ping()
        return client, False
    except (RedisError, OSError) as exc:
        await client.close()
        if not allow_memory_fallback:
            raise
        logger.warning(
            "No Redis answers at the configured REDIS_URL (%s). Using IN-MEMORY state: everything "
            "is lost on restart and nothing is shared between processes. Fine for trying the bot; "
            "start redis-server for real use.",
            type(exc).__name__,
        )
    import fakeredis  # only needed for the fallback

    return fakeredis.FakeAsyncRedis(decode_responses=True), True
