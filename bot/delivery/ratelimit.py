"""Telegram's sending limits: about 30 messages/s overall, 1 message/s in a private chat,
20 messages/minute in a group. python-telegram-bot's AIORateLimiter leaves private chats
unlimited, so we keep our own: a token bucket overall and one per chat."""

from __future__ import annotations

import asyncio
import time

from aiolimiter import AsyncLimiter


class RateLimits:
    def __init__(
        self, *, overall_per_second: float = 30, private_per_second: float = 1, group_per_minute: float = 20
    ) -> None:
        self._overall = AsyncLimiter(overall_per_second, 1) if overall_per_second > 0 else None
        self._private_rate = private_per_second
        self._group_rate = group_per_minute
        self._chats: dict[int, AsyncLimiter] = {}
        self._paused_until: dict[int, float] = {}

    def _limiter(self, chat_id: int, group: bool) -> AsyncLimiter | None:
        if (group and self._group_rate <= 0) or (not group and self._private_rate <= 0):
            return None
        if chat_id not in self._chats:
            if len(self._chats) > 10_000:  # forget idle chats
                self._chats.clear()
            self._chats[chat_id] = (
                AsyncLimiter(self._group_rate, 60) if group else AsyncLimiter(1, 1 / self._private_rate)
            )
        return self._chats[chat_id]

    def pause(self, chat_id: int, seconds: float) -> None:
        """Telegram said 429 with retry_after: nothing to this chat before then."""
        self._paused_until[chat_id] = max(self._paused_until.get(chat_id, 0.0), time.monotonic() + seconds)

    async def wait(self, chat_id: int, *, group: bool = False) -> None:
        paused = self._paused_until.get(chat_id, 0.0) - time.monotonic()
        if paused > 0:
            await asyncio.sleep(paused)
        limiter = self._limiter(chat_id, group)
        if limiter is not None:
            await limiter.acquire()
        if self._overall is not None:
            await self._overall.acquire()
