"""bot/delivery/service.py: the service and its loops stop, even when a client turns the
cancellation into a timeout."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any
from unittest.mock import AsyncMock, MagicMock

import pytest
from telegram.ext import Application

from bot.delivery.service import TelegramService
from tests.conftest import make_settings
from tests.unit.fakes import CancelBecomesTimeout
from tests.unit.telegram_offline import CancelBecomesTimedOut


@pytest.fixture
async def redis() -> AsyncIterator[CancelBecomesTimeout]:
    client = CancelBecomesTimeout(slow=(), decode_responses=True)
    yield client
    await client.flushall()
    await client.close()


def make_service(redis: CancelBecomesTimeout, request: CancelBecomesTimedOut, **kwargs: Any) -> TelegramService:
    application = Application.builder().token("123:TEST").request(request).get_updates_request(request).build()
    return TelegramService(application, redis, make_settings(telegram_token="123:TEST"), **kwargs)


async def stopped(task: asyncio.Task[Any], *, or_returned: bool = False) -> bool:
    """True if the task ended cancelled (or, if allowed, returned) within a short time; cancels
    it again if not."""
    done, _ = await asyncio.wait({task}, timeout=0.5)
    if not done:
        task.cancel()
        await asyncio.wait({task}, timeout=2)
        return False
    return task.cancelled() or (or_returned and task.exception() is None)


async def test_the_service_stops_although_its_parts_lose_the_cancellation(redis: CancelBecomesTimeout) -> None:
    redis.slow = {"ZRANGE"}  # the sender's
    request = CancelBecomesTimedOut("getUpdates")  # the receiver's
    service = make_service(redis, request)
    running = asyncio.create_task(service.run())
    await redis.loses.started.wait()
    await request.loses.started.wait()
    running.cancel()
    # Without the stop signal set before the cancellations, the receiver went on polling.
    assert await stopped(running), "the service did not stop"


@pytest.mark.parametrize("silently", [False, True], ids=["timeout", "silently"])
async def test_polling_stops_although_the_cancellation_was_lost(redis: CancelBecomesTimeout, silently: bool) -> None:
    request = CancelBecomesTimedOut("getUpdates", silently=silently)
    service = make_service(redis, request)
    polling = asyncio.create_task(service.poll())
    await request.loses.started.wait()
    service.stopping.set()
    polling.cancel()
    # Without the checks the loop took the timeout for a network error (or saw nothing at all)
    # and polled again.
    assert await stopped(polling, or_returned=silently), "polling did not stop"


async def test_an_update_is_not_handled_in_degraded_mode_when_stopping(redis: CancelBecomesTimeout) -> None:
    redis.slow = {"EVALSHA"}  # Inbox.add
    service = make_service(redis, CancelBecomesTimedOut())
    handle = AsyncMock(return_value=[])
    service.process = handle  # type: ignore[method-assign]
    receiving = asyncio.create_task(service.receive({"update_id": 1, "message": {"chat": {"id": 42}}}))
    await redis.loses.started.wait()
    service.stopping.set()
    receiving.cancel()
    # Without the check the timeout read as Redis being down: the update was handled right away.
    assert await stopped(receiving), "receiving did not stop"
    handle.assert_not_awaited()  # unacknowledged, Telegram sends it again


@pytest.mark.parametrize("silently", [False, True], ids=["timeout", "silently"])
async def test_reminders_stop_although_the_cancellation_was_lost(silently: bool) -> None:
    redis = CancelBecomesTimeout(slow=(), silently=silently, decode_responses=True)
    await redis.set("mbtest:handoff:reminder", "1")  # another replica's turn: no reminders to send
    redis.slow = {"SET"}  # the reminder lock
    desk = MagicMock(reminders=AsyncMock(return_value=[]))
    service = make_service(redis, CancelBecomesTimedOut(), desk=desk)
    service.remind_every = 0
    reminding = asyncio.create_task(service.remind())
    try:
        await redis.loses.started.wait()
        service.stopping.set()
        reminding.cancel()
        # Without the checks the loop took the timeout for Redis being away (or saw nothing at
        # all) and went on.
        assert await stopped(reminding, or_returned=silently), "the reminders did not stop"
    finally:
        await redis.flushall()
        await redis.close()
