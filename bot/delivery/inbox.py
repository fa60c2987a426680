"""The inbox: updates from Telegram, stored durably before Telegram is told they arrived."""

from __future__ import annotations

import json
import zlib
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from bot.errors import StateError
from bot.state.keys import Keys

SHARDS = 16
# Telegram redelivers an unacknowledged update for up to 24 hours.
SEEN_TTL_SECONDS = 2 * 24 * 3600

# Atomically: remember the update_id, and only if it is new, append the update to its shard.
_ADD = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[2]) then
  redis.call('XADD', KEYS[2], '*', 'u', ARGV[1])
  redis.call('EXPIRE', KEYS[2], ARGV[2])
  return 1
end
return 0
"""


def chat_of(update: dict[str, Any]) -> int | None:
    """The chat an update belongs to (for ordering), or None for updates without one."""
    for key in ("message", "edited_message", "channel_post", "my_chat_member", "chat_member"):
        if isinstance(update.get(key), dict):
            chat = update[key].get("chat") or {}
            return chat.get("id")
    query = update.get("callback_query")
    if isinstance(query, dict):
        message = query.get("message") or {}
        return (message.get("chat") or {}).get("id") or (query.get("from") or {}).get("id")
    return None


def shard_of(update: dict[str, Any], shards: int = SHARDS) -> int:
    chat = chat_of(update)
    return zlib.crc32(str(chat).encode()) % shards


def sanitise(update: dict[str, Any]) -> dict[str, Any]:
    """Drop what we never need and should not keep even briefly: names and usernames."""

    def scrub(person: object) -> None:
        if isinstance(person, dict):
            for field in ("username", "last_name"):
                person.pop(field, None)
            if "first_name" in person:
                person["first_name"] = "-"

    for value in update.values():
        if isinstance(value, dict):
            scrub(value.get("from"))
            scrub(value.get("chat"))
            if isinstance(value.get("message"), dict):
                scrub(value["message"].get("from"))
                scrub(value["message"].get("chat"))
    return update


class Inbox:
    def __init__(self, redis: aioredis.Redis, keys: Keys, shards: int = SHARDS) -> None:
        self._redis = redis
        self._keys = keys
        self.shards = shards
        self._add = redis.register_script(_ADD)

    async def add(self, update: dict[str, Any]) -> bool:
        """Store an update durably; False if it was seen before (a duplicate)."""
        update_id = int(update["update_id"])
        shard = shard_of(update, self.shards)
        payload = json.dumps(sanitise(update), ensure_ascii=False)
        try:
            added = await self._add(
                keys=[self._keys.update_seen(update_id), self._keys.inbox(shard)],
                args=[payload, SEEN_TTL_SECONDS],
            )
        except RedisError as exc:
            raise StateError(f"cannot store an update: {type(exc).__name__}") from exc
        return bool(added)
