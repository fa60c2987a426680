"""The gateway's stop signal, for loops that retry after errors."""

from __future__ import annotations

import asyncio


class Stopping:
    """Set by whoever stops the delivery parts, before it cancels them; checked by every loop
    that retries after an error, and before it waits.

    On Python 3.10 redis-py 4.x reads under async-timeout, which turns a cancellation that
    arrives as its read timeout fires into a TimeoutError (a RedisError). A loop that retries
    after RedisError takes that for Redis being away and runs on: a gateway ignored SIGTERM
    after Redis had hung (tests/integration/test_faults.py). Every command also polls its
    connection under a zero timeout (``can_read_destructive``): a cancellation that arrives then
    is lost without any error, so checking after errors alone is not enough. Loops that retry
    Telegram calls check it too: on 3.10 httpx's read timeout (anyio's fail_after) can lose a
    cancellation the same way, as TimedOut.
    """

    def __init__(self) -> None:
        self._set = False

    def set(self) -> None:
        self._set = True

    def is_set(self) -> bool:
        return self._set

    def check(self) -> None:
        """Raise CancelledError once stopping: the error just caught may be a lost cancellation."""
        if self._set:
            raise asyncio.CancelledError

    async def sleep(self, seconds: float) -> None:
        """``asyncio.sleep``, unless stopping: a cancellation lost on the way must not cost the wait."""
        self.check()
        await asyncio.sleep(seconds)
