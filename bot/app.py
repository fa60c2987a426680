"""App factory: build the gateway and its front ends from settings and injected clients."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import redis.asyncio as aioredis
from telegram import Bot

from bot.config import REPO_ROOT, Settings
from bot.gateway import Gateway
from bot.handoff.desk import CounsellorDesk
from bot.handoff.queue import HandoffQueue
from bot.handoff.requests import HandoffRequests
from bot.handoff.roster import RosterWatcher
from bot.i18n.catalog import ContentCatalog
from bot.i18n.detect import LanguageDetector
from bot.i18n.reload import CatalogReloader
from bot.pseudonym import Pseudonymizer
from bot.rasa_client import RasaClient
from bot.render import ReplyRenderer
from bot.state.erase import Eraser
from bot.state.keys import Keys
from bot.state.language import LanguageStore
from bot.state.questions import QuestionStore
from bot.state.redis import connect


def build_gateway(
    settings: Settings,
    redis: aioredis.Redis,
    http: httpx.AsyncClient,
    catalog: ContentCatalog | None = None,
    detector: LanguageDetector | None = None,
) -> Gateway:
    """The platform-neutral gateway; front ends (Telegram, console) wrap it."""
    catalog = catalog or ContentCatalog.load(settings.locales_dir)
    keys = Keys(settings.redis_prefix)
    ttl = settings.data_ttl_seconds
    return Gateway(
        rasa=RasaClient(http, settings.rasa_url, token=settings.rasa_token, timeout=settings.rasa_timeout),
        renderer=ReplyRenderer(catalog, retention_days=ttl // 86400),
        languages=LanguageStore(redis, keys, ttl),
        handoff_requests=HandoffRequests(redis, keys, ttl),
        pseudonyms=Pseudonymizer(settings.pseudonym_secret),
        default_language=settings.default_language,
        counsellors_enabled=settings.counsellor_chat_id is not None,
        eraser=Eraser(redis, keys),
        detector=detector or LanguageDetector.from_nlu_dir(settings.nlu_dir),
        questions=QuestionStore(redis, keys),
    )


@dataclass
class Runtime:
    gateway: Gateway
    redis: aioredis.Redis


@asynccontextmanager
async def running_gateway(settings: Settings, *, allow_memory_state: bool = False) -> AsyncIterator[Runtime]:
    """Everything a running gateway owns: clients, the wait for Rasa, content hot reload."""
    redis, _ = await connect(settings.redis_url, allow_memory_fallback=allow_memory_state)
    reload_task: asyncio.Task[None] | None = None
    try:
        async with httpx.AsyncClient() as http:
            gateway = build_gateway(settings, redis, http)
            await gateway.rasa.wait_until_ready(settings.rasa_ready_timeout)
            if settings.content_reload_seconds > 0:
                reloader = CatalogReloader(
                    settings.locales_dir,
                    gateway.renderer,
                    interval=settings.content_reload_seconds,
                    code_dirs=(REPO_ROOT / "bot", REPO_ROOT / "actions"),
                )
                reload_task = asyncio.create_task(reloader.run(), name="content-reload")
            yield Runtime(gateway, redis)
    finally:
        if reload_task is not None:
            reload_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reload_task
        await redis.close()


async def build_desk(settings: Settings, runtime: Runtime, bot: Bot) -> CounsellorDesk:
    """The counsellors' desk for the group at COUNSELLOR_CHAT_ID, with the roster file."""
    assert settings.counsellor_chat_id is not None
    keys = Keys(settings.redis_prefix)
    ttl = settings.data_ttl_seconds
    desk = CounsellorDesk(
        gateway=runtime.gateway,
        requests=HandoffRequests(runtime.redis, keys, ttl),
        queue=HandoffQueue(runtime.redis, keys, ttl),
        roster=RosterWatcher(settings.counsellors_file),
        redis=runtime.redis,
        keys=keys,
        group_id=settings.counsellor_chat_id,
        ttl_seconds=ttl,
        bot=bot,
    )
    await desk.start()
    return desk
