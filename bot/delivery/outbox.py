"""The outbox: Bot API calls waiting to be made, in order, per recipient.

A recipient is a user (by pseudonym) or a group; each has a Redis list of pending calls. The
worker appends a handled update's calls in the same transaction that marks the update done,
so a crash either loses nothing (the update is handled again) or has already queued the
replies (they are sent once). A call leaves the list only after Telegram accepted it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.delivery.api import call_api
from bot.delivery.ratelimit import RateLimits
from bot.delivery.stopping import Stopping
from bot.state.keys import Keys

logger = logging.getLogger(__name__)

OUTBOX_TTL_SECONDS = 24 * 3600  # a reply nobody could deliver for a day is dropped
DONE_TTL_SECONDS = 2 * 24 * 3600
LOCK_MS = 30_000
IDLE_WAIT_SECONDS = 0.5
NOT_OURS, COMMITTED, ALREADY_DONE = 0, 1, 2


@dataclass(frozen=True)
class Outgoing:
    """One Bot API call: a method, its parameters, and whom it goes to (for order and limits)."""

    recipient: str  # pseudonym of a user, or "g<chat id>" for a group
    chat_id: int
    method: str
    params: dict[str, Any] = field(default_factory=dict)
    group: bool = False
    # After Telegram accepts the call, remember "message id -> this value" (a handoff request
    # id), so that a counsellor's reply to the sent message finds its conversation.
    track: str | None = None

    def to_json(self) -> str:
        call: dict[str, Any] = {
            "id": uuid.uuid4().hex,
            "chat_id": self.chat_id,
            "method": self.method,
            "params": self.params,
        }
        call["group"] = self.group
        if self.track:
            call["track"] = self.track
        return json.dumps(call, ensure_ascii=False)


# KEYS: lease, done, recipients zset, outbox list per message...; ARGV: replica, done ttl,
# outbox ttl, now, then recipient name and payload per message.
_COMMIT = """
if KEYS[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 2 end
redis.call('SET', KEYS[2], '1', 'EX', ARGV[2])
for i = 4, #KEYS do
  local n = (i - 4) * 2 + 5
  redis.call('RPUSH', KEYS[i], ARGV[n + 1])
  redis.call('EXPIRE', KEYS[i], ARGV[3])
  redis.call('ZADD', KEYS[3], 'NX', ARGV[4], ARGV[n])
end
redis.call('EXPIRE', KEYS[3], ARGV[3])
return 1
"""
# Pop the head only if it is the call we just made (another replica cannot have sent it:
# the lock; but a restart with a stale view must not pop the wrong one).
_POP = "if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then redis.call('LPOP', KEYS[1]) return 1 end return 0"
_FINISH = """
if redis.call('LLEN', KEYS[1]) == 0 then redis.call('ZREM', KEYS[2], ARGV[1]) end
if redis.call('GET', KEYS[3]) == ARGV[2] then redis.call('DEL', KEYS[3]) end
return 1
"""
_RENEW_LOCK = (
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"
)


class Outbox:
    def __init__(self, redis: aioredis.Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys
        self._commit = redis.register_script(_COMMIT)
        self.wakeup = asyncio.Event()

    async def commit(self, done_key: str, messages: Sequence[Outgoing], *, lease_key: str = "", owner: str = "") -> int:
        """Queue ``messages`` and mark ``done_key``, atomically.

        Returns ``COMMITTED``, ``NOT_OURS`` (the lease is another replica's: nothing done) or
        ``ALREADY_DONE`` (``done_key`` was marked before: nothing queued).
        """
        keys = [lease_key, done_key, self.keys.outbox_recipients()] + [self.keys.outbox(m.recipient) for m in messages]
        args: list[Any] = [owner, DONE_TTL_SECONDS, OUTBOX_TTL_SECONDS, time.time()]
        for message in messages:
            args += [message.recipient, message.to_json()]
        result = int(await self._commit(keys=keys, args=args))
        if messages and result == COMMITTED:
            self.wakeup.set()
        return result

    async def enqueue(self, messages: Sequence[Outgoing]) -> None:
        """Queue messages that belong to no update (reminders, relays from counsellors)."""
        await self.commit(self.keys.entry_done(-1, uuid.uuid4().hex), messages)


class OutboxSender:
    """Drains recipients' outboxes: one replica per recipient at a time, within the limits."""

    def __init__(
        self,
        outbox: Outbox,
        bot: Bot,
        limits: RateLimits,
        *,
        stopping: Stopping,
        on_blocked: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self.outbox = outbox
        self.redis = outbox.redis
        self.keys = outbox.keys
        self.bot = bot
        self.limits = limits
        self.stopping = stopping
        self.on_blocked = on_blocked
        self.owner = uuid.uuid4().hex
        self._draining: dict[str, asyncio.Task[None]] = {}
        self._pop = self.redis.register_script(_POP)
        self._finish = self.redis.register_script(_FINISH)
        self._renew = self.redis.register_script(_RENEW_LOCK)

    async def run(self) -> None:
        try:
            while not self.stopping.is_set():
                try:
                    recipients = await self.redis.zrange(self.keys.outbox_recipients(), 0, 199)
                    for recipient in recipients:
                        if recipient in self._draining:
                            continue
                        if await self.redis.set(self.keys.outbox_lock(recipient), self.owner, nx=True, px=LOCK_MS):
                            self._draining[recipient] = asyncio.create_task(self._drain(recipient))
                except RedisError as exc:
                    self.stopping.check()
                    logger.warning("outbox unavailable: %s", type(exc).__name__)
                self.stopping.check()  # the commands above may have lost the cancellation without an error
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self.outbox.wakeup.wait(), IDLE_WAIT_SECONDS)
                self.outbox.wakeup.clear()
        finally:
            # The drains stop with the sender, while Redis is still open: each releases its
            # recipient's lock (_drain's finally), so another replica can take over at once. A
            # call cut off mid-send stays at the head of its outbox and is sent again.
            draining = list(self._draining.values())
            for task in draining:
                task.cancel()
            await asyncio.gather(*draining, return_exceptions=True)

    async def _drain(self, recipient: str) -> None:
        key = self.keys.outbox(recipient)
        try:
            while True:
                head = await self.redis.lindex(key, 0)
                if head is None:
                    break
                await self._send(recipient, json.loads(head))
                await self._pop(keys=[key], args=[head])
                await self._renew(keys=[self.keys.outbox_lock(recipient)], args=[self.owner, LOCK_MS])
        except RedisError as exc:
            logger.warning("outbox drain interrupted: %s", type(exc).__name__)
        finally:
            with contextlib.suppress(RedisError):
                await self._finish(
                    keys=[key, self.keys.outbox_recipients(), self.keys.outbox_lock(recipient)],
                    args=[recipient, self.owner],
                )
            self._draining.pop(recipient, None)

    async def _remember(self, request_id: str, message_id: int) -> None:
        """Map a message in the group to its conversation, and list it for erasure on /forget."""
        ttl = OUTBOX_TTL_SECONDS * 30
        with contextlib.suppress(RedisError):
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.set(self.keys.handoff_message(message_id), request_id, ex=ttl)
                pipe.rpush(self.keys.handoff_posted(request_id), message_id)
                pipe.expire(self.keys.handoff_posted(request_id), ttl)
                await pipe.execute()

    async def send_now(self, message: Outgoing) -> None:
        """Send without the outbox (degraded mode, Redis down): in order, within the limits."""
        await self._send(message.recipient, json.loads(message.to_json()))

    async def _send(self, recipient: str, call: dict[str, Any]) -> None:
        """Make one call; retry until Telegram accepts it or refuses it for good."""
        delay = 1.0
        params = dict(call["params"])
        while True:
            await self.limits.wait(call["chat_id"], group=bool(call.get("group")))
            try:
                result = await call_api(self.bot, call["method"], {"chat_id": call["chat_id"], **params})
                if call.get("track") and isinstance(result, dict) and result.get("message_id"):
                    await self._remember(call["track"], int(result["message_id"]))
                return
            except RetryAfter as exc:
                wait = exc.retry_after
                seconds = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
                logger.warning("Telegram asked to wait %.0f s (429)", seconds)
                self.limits.pause(call["chat_id"], seconds)
            except Forbidden:
                # The user blocked the bot (or left the group): nothing will ever arrive.
                logger.info("recipient unreachable (blocked or left); dropping its outbox")
                with contextlib.suppress(RedisError):
                    await self.redis.delete(self.keys.outbox(recipient))
                if self.on_blocked is not None and not call.get("group"):
                    await self.on_blocked(recipient)
                return
            except BadRequest as exc:
                if "parse" in str(exc).lower() and params.get("parse_mode"):
                    # Formatting Telegram rejects must not cost the user the message.
                    logger.error("Telegram could not parse a message's HTML; sending it as plain text")
                    params.pop("parse_mode")
                    params["text"] = _strip_tags(params.get("text", ""))
                    continue
                logger.error("Telegram refused a %s: %s", call["method"], type(exc).__name__)
                return
            except (NetworkError, TelegramError) as exc:
                # Raises rather than returns: a return would count the call as sent and pop it.
                self.stopping.check()
                logger.warning("sending failed (%s); retrying in %.0f s", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)


def _strip_tags(text: str) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", text))
