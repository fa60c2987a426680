"""bot/delivery/outbox.py: the sender stops, even when a client turns the cancellation into a timeout."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot

from bot.delivery.outbox import Outbox, OutboxSender, Outgoing
from bot.delivery.ratelimit import RateLimits
from bot.delivery.stopping import Stopping
from bot.state.keys import Keys
from tests.unit.fakes import CancelBecomesTimeout
from tests.unit.telegram_offline import CancelBecomesTimedOut


def make_sender(redis: CancelBecomesTimeout, bot: Bot) -> OutboxSender:
    return OutboxSender(Outbox(redis, Keys("mbtest-outbox")), bot, RateLimits(), stopping=Stopping())


async def stop(sender: OutboxSender, running: asyncio.Task[None]) -> bool:
    """Stop as TelegramService.run does; True if the task ended cancelled within a short time."""
    sender.stopping.set()
    running.cancel()
    done, _ = await asyncio.wait({running}, timeout=0.5)
    return bool(done) and running.cancelled()


@pytest.mark.parametrize("silently", [False, True], ids=["timeout", "silently"])
async def test_the_sender_stops_although_the_cancellation_was_lost(
    silently: bool, caplog: pytest.LogCaptureFixture
) -> None:
    redis = CancelBecomesTimeout(slow={"ZRANGE"}, silently=silently, decode_responses=True)
    sender = make_sender(redis, Bot("123:TEST", request=CancelBecomesTimedOut()))
    running = asyncio.create_task(sender.run())
    try:
        await redis.loses.started.wait()
        # Without the checks the loop took the timeout for Redis being away (or saw nothing at
        # all) and went on.
        assert await stop(sender, running), "the sender did not stop"
        assert "outbox unavailable" not in caplog.text  # a stop is not a Redis failure
    finally:
        running.cancel()
        await asyncio.wait({running}, timeout=1)
        await redis.close()


async def test_a_send_stops_although_the_cancellation_became_a_timeout() -> None:
    redis = CancelBecomesTimeout(slow=(), decode_responses=True)
    request = CancelBecomesTimedOut("sendMessage")
    sender = make_sender(redis, Bot("123:TEST", request=request))
    sending = asyncio.create_task(sender.send_now(Outgoing("p1", 42, "sendMessage", {"text": "hello"})))
    try:
        await request.loses.started.wait()
        # Without the check the call was retried as if the network had failed; it must not return
        # either: the outbox would drop the call as sent.
        assert await stop(sender, sending), "the send did not stop"
    finally:
        sending.cancel()
        await asyncio.wait({sending}, timeout=1)
        await redis.close()


async def test_the_drains_stop_with_the_sender() -> None:
    redis = CancelBecomesTimeout(slow=(), decode_responses=True)
    sender = make_sender(redis, Bot("123:TEST", request=CancelBecomesTimedOut()))
    started = asyncio.Event()
    drains: list[asyncio.Task[None]] = []

    async def drain_forever(recipient: str) -> None:  # a drain stuck in a slow send
        drains.append(asyncio.current_task())  # type: ignore[arg-type]
        started.set()
        await asyncio.Event().wait()

    sender._drain = drain_forever  # type: ignore[method-assign]
    await redis.zadd(sender.keys.outbox_recipients(), {"p1": 1})
    running = asyncio.create_task(sender.run())
    try:
        await asyncio.wait_for(started.wait(), 1)
        assert await stop(sender, running), "the sender did not stop"
        # Before, they ran on until the interpreter's teardown, after Redis had been closed.
        assert drains and all(task.cancelled() for task in drains)
    finally:
        running.cancel()
        await asyncio.wait({running}, timeout=1)
        await redis.close()
