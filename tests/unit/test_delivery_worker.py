"""bot/delivery/worker.py: stopping, even when the Redis client turns the cancellation into a timeout."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.delivery.inbox import Inbox
from bot.delivery.outbox import Outbox
from bot.delivery.shards import ShardLeases
from bot.delivery.worker import UpdateWorker
from bot.state.keys import Keys
from tests.unit.fakes import CancelBecomesTimeout


async def test_the_worker_stops_although_the_cancellation_became_a_timeout() -> None:
    redis = CancelBecomesTimeout(slow={"XREAD"}, decode_responses=True)
    keys = Keys("mbtest-worker")
    inbox = Inbox(redis, keys, shards=2)

    async def process(update: dict[str, Any]) -> list[Any]:
        return []

    worker = UpdateWorker(redis, keys, inbox, Outbox(redis, keys), ShardLeases(redis, keys, 2), process)
    running = asyncio.create_task(worker.run())
    await asyncio.sleep(0.5)  # the shards are leased and their reads under way
    assert worker.leases.owned
    running.cancel()
    # Before the stop flag, each shard's loop took the timeout for Redis being away and went on.
    done, _ = await asyncio.wait({running}, timeout=5)
    try:
        assert done, "the worker did not stop"
        assert running.cancelled()
        assert all(task.done() for task in worker._tasks.values())
    finally:
        worker.leases.owned.clear()  # ends the shards' loops if the worker did not
        await redis.flushall()
        await redis.close()
