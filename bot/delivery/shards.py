"""Leases on inbox shards: each shard is handled by one gateway replica at a time.

Every replica heartbeats a key; the number of live replicas gives each one a fair share of the
shards. A replica takes free shards up to its share, renews the leases it holds, and lets go
of shards beyond its share when more replicas appear. A replica that dies stops renewing, its
leases expire, and the others take over its shards (with the updates still waiting in them).
"""

from __future__ import annotations

import logging
import math
import uuid

import redis.asyncio as aioredis

from bot.state.keys import Keys

logger = logging.getLogger(__name__)

LEASE_SECONDS = 15
HEARTBEAT_SECONDS = 15

# Renew only if we still hold it; release only if we hold it.
_RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end return 0"
_RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


class ShardLeases:
    def __init__(self, redis: aioredis.Redis, keys: Keys, shards: int, replica_id: str | None = None) -> None:
        self._redis = redis
        self._keys = keys
        self.shards = shards
        self.replica_id = replica_id or uuid.uuid4().hex[:12]
        self.owned: set[int] = set()
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)

    async def refresh(self) -> set[int]:
        """Heartbeat, renew what we hold, take or give back shards to reach our fair share."""
        before = set(self.owned)
        await self._redis.set(self._keys.replica(self.replica_id), "1", ex=HEARTBEAT_SECONDS)
        replicas = [k async for k in self._redis.scan_iter(match=self._keys.replicas_pattern(), count=100)]
        share = math.ceil(self.shards / max(1, len(replicas)))
        for shard in sorted(self.owned):
            if not await self._renew(keys=[self._keys.shard_lease(shard)], args=[self.replica_id, LEASE_SECONDS]):
                self.owned.discard(shard)
        for shard in sorted(self.owned, reverse=True)[: max(0, len(self.owned) - share)]:
            await self.release(shard)
        # Start at a replica-specific offset so that replicas starting together spread out.
        start = int(self.replica_id, 16) % self.shards
        for step in range(self.shards):
            if len(self.owned) >= share:
                break
            shard = (start + step) % self.shards
            if shard in self.owned:
                continue
            if await self._redis.set(self._keys.shard_lease(shard), self.replica_id, nx=True, ex=LEASE_SECONDS):
                self.owned.add(shard)
        if self.owned != before:  # hand-overs, for whoever reads the logs after a lost update
            logger.info(
                "inbox shards: %d replicas, holding %s (took %s, gave up %s)",
                len(replicas), sorted(self.owned), sorted(self.owned - before), sorted(before - self.owned),
            )  # fmt: skip
        return set(self.owned)

    async def release(self, shard: int) -> None:
        await self._release(keys=[self._keys.shard_lease(shard)], args=[self.replica_id])
        self.owned.discard(shard)

    async def release_all(self) -> None:
        for shard in list(self.owned):
            await self.release(shard)
        await self._redis.delete(self._keys.replica(self.replica_id))
