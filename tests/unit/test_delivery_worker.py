"""bot/delivery/worker.py: stopping, even when the Redis client turns the cancellation into a timeout."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.delivery.inbox import Inbox
from bot.delivery.outbox import Outbox
from bot.delivery.shards import ShardLeases
from bot.delivery.stopping import Stopping
from bot.delivery.worker import UpdateWorker
from bot.state.keys import Keys
from tests.unit.fakes import CancelBecomesTimeout


def make_worker(redis: CancelBecomesTimeout) -> UpdateWorker:
    keys = Keys("mbtest-worker")

    async def process(update: dict[str, Any]) -> list[Any]:
        return []

    inbox = Inbox(redis, keys, shards=2)
    return UpdateWorker(
        redis, keys, inbox, Outbox(redis, keys), ShardLeases(redis, keys, 2), process, stopping=Stopping()
    )


async def test_the_worker_stops_although_the_cancellation_became_a_timeout() -> None:
    redis = CancelBecomesTimeout(slow={"XREAD"}, decode_responses=True)
    worker = make_worker(redis)
    running = asyncio.create_task(worker.run())
    await asyncio.sleep(0.5)  # the shards are leased and their reads under way
    assert worker.leases.owned
    running.cancel()
    # Before the stop signal, each shard's loop took the timeout for Redis being away and went on;
    # without the check after the error, it slept a second before seeing the signal.
    done, _ = await asyncio.wait({running}, timeout=0.5)
    try:
        assert done, "the worker did not stop"
        assert running.cancelled()
        assert all(task.done() for task in worker._tasks.values())
    finally:
        worker.leases.owned.clear()  # ends the shards' loops if the worker did not
        await redis.flushall()
        await redis.close()


@pytest.mark.parametrize("silently", [False, True], ids=["timeout", "silently"])
async def test_the_lease_loop_stops_although_the_cancellation_was_lost(
    silently: bool, caplog: pytest.LogCaptureFixture
) -> None:
    # The first refresh lists the replicas (SCAN).
    redis = CancelBecomesTimeout(slow={"SCAN"}, silently=silently, decode_responses=True)
    worker = make_worker(redis)
    running = asyncio.create_task(worker.run())
    await redis.loses.started.wait()
    worker.stopping.set()  # as TelegramService.run does before it cancels its parts
    running.cancel()
    # Without the checks the loop took the timeout for Redis being away (or saw nothing at all) and
    # slept until the next refresh.
    done, _ = await asyncio.wait({running}, timeout=0.5)
    try:
        assert done, "the lease loop did not stop"
        assert running.cancelled()
        assert "cannot renew" not in caplog.text  # a stop is not a Redis failure
    finally:
        running.cancel()
        await asyncio.wait({running}, timeout=6)
        await redis.flushall()
        await redis.close()
