"""The Telegram side of the gateway at run time: receiver, worker and sender together."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from typing import Any

import redis.asyncio as aioredis
from aiohttp import web
from redis.exceptions import RedisError
from telegram import Update
from telegram.error import NetworkError, TelegramError
from telegram.ext import Application

from bot.config import Settings
from bot.delivery import collect
from bot.delivery.api import call_api
from bot.delivery.inbox import Inbox, chat_of
from bot.delivery.outbox import Outbox, OutboxSender, Outgoing
from bot.delivery.ratelimit import RateLimits
from bot.delivery.shards import ShardLeases
from bot.delivery.stopping import Stopping
from bot.delivery.worker import UpdateWorker
from bot.diagnostics import awaiting
from bot.errors import StateError
from bot.gateway import User
from bot.handlers.common import message_calls
from bot.handoff.desk import CounsellorDesk
from bot.state.keys import Keys

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
POLL_TIMEOUT = 25


# The longest one update may take to handle: well above Rasa's timeout of 15 s per request.
UPDATE_DEADLINE_SECONDS = 60.0
REMIND_EVERY_SECONDS = 60.0


class TelegramService:
    def __init__(
        self, application: Application, redis: aioredis.Redis, settings: Settings, *, desk: CounsellorDesk | None = None
    ) -> None:
        self.application = application
        self.redis = redis
        self.desk = desk
        self.bot = application.bot
        self.settings = settings
        self.update_deadline = UPDATE_DEADLINE_SECONDS
        self.remind_every = REMIND_EVERY_SECONDS
        # Set in run() before its parts are cancelled; every loop that retries after errors checks it.
        self.stopping = Stopping()
        keys = Keys(settings.redis_prefix)
        self.inbox = Inbox(redis, keys)
        self.outbox = Outbox(redis, keys)
        self.sender = OutboxSender(
            self.outbox,
            self.bot,
            RateLimits(
                overall_per_second=settings.telegram_overall_per_second,
                private_per_second=settings.telegram_chat_per_second,
                group_per_minute=settings.telegram_group_per_minute,
            ),
            stopping=self.stopping,
        )
        self.worker = UpdateWorker(
            redis,
            keys,
            self.inbox,
            self.outbox,
            ShardLeases(redis, keys, self.inbox.shards),
            self.process,
            stopping=self.stopping,
        )

    async def process(self, update: dict[str, Any]) -> list[Outgoing]:
        """Handle one update with the application's handlers; return the calls it produced."""
        try:
            parsed = Update.de_json(update, self.bot)
        except (TypeError, ValueError, KeyError) as exc:
            # An update the library cannot read (a newer Bot API, a broken payload): the person
            # behind it still gets an answer.
            logger.error("unreadable update (%s)", type(exc).__name__)
            return await self._apology(update)
        with collect.collecting() as bucket:
            handling = asyncio.ensure_future(self.application.process_update(parsed))
            try:
                done, _ = await asyncio.wait({handling}, timeout=self.update_deadline)
            except asyncio.CancelledError:
                handling.cancel()  # shutting down: the handler must stop with us, not run on alone
                raise
            if not done:
                # Every wait on the way has its own timeout (Rasa 15 s, Redis 3 s), yet one update
                # in a scale-out test run was still being handled after two minutes, and a shard's
                # updates wait for each batch to finish: the deadline keeps one stuck update from
                # silencing its user and every chat of its shard. Where it waited is logged (code
                # locations only) to find the cause.
                logger.error(
                    "an update was not handled within %g s, waiting at %s; answered with an apology",
                    self.update_deadline,
                    awaiting(handling),
                )
                handling.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await handling
                return await self._apology(update)
            handling.result()  # an exception escapes as before (the application's own handler is first)
        return bucket

    async def _apology(self, update: dict[str, Any]) -> list[Outgoing]:
        chat_id = chat_of(update)
        if chat_id is None or chat_id < 0:
            return []
        gateway = self.application.bot_data["gateway"]
        language_code = next(
            (v.get("from", {}).get("language_code") for v in update.values() if isinstance(v, dict) and "from" in v),
            None,
        )
        replies = await gateway.error(User("tg", chat_id, language_code))
        return [
            Outgoing(gateway.pseudonym(User("tg", chat_id)), chat_id, "sendMessage", p) for p in message_calls(replies)
        ]

    async def receive(self, update: dict[str, Any]) -> None:
        """Store an update in the inbox; if Redis is down, handle it right away (degraded)."""
        try:
            if not await self.inbox.add(update):
                logger.info("duplicate update ignored")
        except StateError:
            # Unacknowledged, the update comes again; handling it now would delay the stop.
            self.stopping.check()
            logger.warning("Redis unavailable: handling an update directly (degraded mode)")
            for call in await self.process(update):
                await self.sender.send_now(call)

    # -- receivers ---------------------------------------------------------------------------

    async def poll(self) -> None:
        """Long polling. An update is acknowledged (the next offset) only once it is stored."""
        await call_api(self.bot, "deleteWebhook", {"drop_pending_updates": False})
        logger.info("long polling for updates")
        offset: int | None = None
        delay = 1.0
        while not self.stopping.is_set():
            try:
                params: dict[str, Any] = {"timeout": POLL_TIMEOUT, "allowed_updates": list(Update.ALL_TYPES)}
                if offset is not None:
                    params["offset"] = offset
                updates = await call_api(self.bot, "getUpdates", params)
                delay = 1.0
            except (NetworkError, TelegramError) as exc:
                self.stopping.check()
                logger.warning("getUpdates failed (%s); retrying in %.0f s", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            for update in updates or []:
                await self.receive(update)
                offset = int(update["update_id"]) + 1

    def webhook_app(self) -> web.Application:
        """The webhook endpoint (behind a TLS reverse proxy), plus /healthz."""
        secret = self.settings.webhook_secret or ""
        app = web.Application(client_max_size=2 * 1024 * 1024)

        async def telegram(request: web.Request) -> web.Response:
            given = request.headers.get(SECRET_HEADER, "")
            if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
                return web.Response(status=403)
            try:
                update = json.loads(await request.read())
                if not isinstance(update, dict) or "update_id" not in update:
                    raise ValueError
            except ValueError:
                return web.Response(status=400)
            await self.receive(update)
            return web.Response(status=200)

        async def healthz(_: web.Request) -> web.Response:
            return web.Response(text="ok")

        app.router.add_post(self.settings.webhook_path, telegram)
        app.router.add_get("/healthz", healthz)
        return app

    async def serve_webhook(self) -> None:
        runner = web.AppRunner(self.webhook_app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.settings.webhook_listen, self.settings.webhook_port)
        await site.start()
        if self.settings.webhook_url:
            await call_api(
                self.bot,
                "setWebhook",
                {
                    "url": self.settings.webhook_url,
                    "secret_token": self.settings.webhook_secret,
                    "allowed_updates": list(Update.ALL_TYPES),
                },
            )
        logger.info("webhook listening on %s:%s", self.settings.webhook_listen, self.settings.webhook_port)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    async def remind(self) -> None:
        """Once a minute (one replica: a lock), remind the group of requests nobody claimed."""
        assert self.desk is not None
        lock = f"{self.settings.redis_prefix}:handoff:reminder"
        while not self.stopping.is_set():
            await asyncio.sleep(self.remind_every)
            try:
                interval = self.settings.handoff_reminder_minutes * 60
                if await self.redis.set(lock, "1", nx=True, ex=max(60, int(interval))):
                    await self.outbox.enqueue(await self.desk.reminders(interval))
            except (StateError, RedisError) as exc:
                self.stopping.check()
                logger.warning("reminders skipped: %s", type(exc).__name__)

    async def run(self) -> None:
        """Receive, handle and send until cancelled."""
        receiver = self.serve_webhook() if self.settings.telegram_mode == "webhook" else self.poll()
        parts = [receiver, self.worker.run(), self.sender.run()]
        if self.desk is not None:
            parts += [self.desk.roster_watcher.run(), self.remind()]
        if self.settings.metrics_port:
            metrics = self.application.bot_data["gateway"].metrics
            parts.append(metrics.serve(self.settings.metrics_listen, self.settings.metrics_port))
        tasks = [asyncio.create_task(c) for c in parts]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            for task in done:
                task.result()  # a crashed part stops the gateway: the supervisor reports it
        finally:
            self.stopping.set()  # before the cancellations: bot/delivery/stopping.py
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
