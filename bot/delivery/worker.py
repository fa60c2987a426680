"""Handling the updates of the inbox shards this replica holds, in order per chat."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from bot.delivery.inbox import SEEN_TTL_SECONDS, Inbox, chat_of
from bot.delivery.outbox import NOT_OURS, Outbox, Outgoing
from bot.delivery.shards import ShardLeases
from bot.delivery.stopping import Stopping
from bot.state.keys import Keys

logger = logging.getLogger(__name__)

Process = Callable[[dict[str, Any]], Awaitable[Sequence[Outgoing]]]
BATCH = 50
LEASE_REFRESH_SECONDS = 5.0
BLOCK_MS = 1000


class UpdateWorker:
    def __init__(
        self,
        redis: aioredis.Redis,
        keys: Keys,
        inbox: Inbox,
        outbox: Outbox,
        leases: ShardLeases,
        process: Process,
        *,
        stopping: Stopping,
    ) -> None:
        self.redis = redis
        self.keys = keys
        self.inbox = inbox
        self.outbox = outbox
        self.leases = leases
        self.process = process
        self.stopping = stopping
        self._tasks: dict[int, asyncio.Task[None]] = {}

    async def run(self) -> None:
        try:
            while not self.stopping.is_set():
                try:
                    owned = await self.leases.refresh()
                except RedisError as exc:
                    self.stopping.check()
                    logger.warning("cannot renew shard leases: %s", type(exc).__name__)
                    owned = set()
                for shard in owned:
                    if shard not in self._tasks or self._tasks[shard].done():
                        self._tasks[shard] = asyncio.create_task(self._drain(shard), name=f"shard-{shard}")
                await self.stopping.sleep(LEASE_REFRESH_SECONDS)
        finally:
            # Before the shards are cancelled (bot/delivery/stopping.py), also when the worker is
            # cancelled on its own rather than by TelegramService.run.
            self.stopping.set()
            for task in self._tasks.values():
                task.cancel()
            for task in self._tasks.values():
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            with contextlib.suppress(RedisError):
                await self.leases.release_all()

    async def _drain(self, shard: int) -> None:
        stream, cursor_key = self.keys.inbox(shard), self.keys.inbox_cursor(shard)
        while shard in self.leases.owned and not self.stopping.is_set():
            try:
                cursor = await self.redis.get(cursor_key) or "0-0"
                response = await self.redis.xread({stream: cursor}, count=BATCH, block=BLOCK_MS)
                if not response:
                    continue
                entries = response[0][1]
                if not await self._handle_batch(shard, entries):
                    # The lease moved on: the new holder starts from our cursor.
                    logger.info("inbox shard %d: lease lost during a batch, handing over", shard)
                    return
                last = entries[-1][0]
                async with self.redis.pipeline(transaction=True) as pipe:
                    pipe.set(cursor_key, last, ex=SEEN_TTL_SECONDS)
                    pipe.xdel(stream, *[entry_id for entry_id, _ in entries])
                    await pipe.execute()
            except asyncio.CancelledError:
                raise
            except RedisError as exc:
                self.stopping.check()
                logger.warning("inbox shard %d unavailable: %s", shard, type(exc).__name__)
                await asyncio.sleep(1.0)

    async def _handle_batch(self, shard: int, entries: list[tuple[str, dict[str, str]]]) -> bool:
        """Handle a batch; False if the shard's lease was lost on the way."""
        by_chat: dict[object, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        for entry_id, fields in entries:
            try:
                update = json.loads(fields["u"])
            except (KeyError, ValueError):
                logger.error("unreadable inbox entry skipped")
                continue
            by_chat[chat_of(update)].append((entry_id, update))
        # Different chats at the same time; one chat's updates one after another.
        results = await asyncio.gather(*(self._handle_chat(shard, items) for items in by_chat.values()))
        return all(results)

    async def _handle_chat(self, shard: int, items: list[tuple[str, dict[str, Any]]]) -> bool:
        for entry_id, update in items:
            done_key = self.keys.entry_done(shard, entry_id)
            if await self.redis.exists(done_key):
                continue  # committed before a restart; its replies are in the outbox already
            try:
                messages = await self.process(update)
            except Exception:
                # process() has its own error handler; this is the last line of defence.
                logger.exception("an update could not be handled")
                messages = []
            result = await self.outbox.commit(
                done_key, messages, lease_key=self.keys.shard_lease(shard), owner=self.leases.replica_id
            )
            if result == NOT_OURS:
                self.leases.owned.discard(shard)
                return False
        return True
