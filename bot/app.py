"""App factory: build the gateway and its front ends from settings and injected clients."""

from __future__ import annotations

import httpx
import redis.asyncio as aioredis

from bot.config import Settings
from bot.gateway import Gateway
from bot.handoff.requests import HandoffRequests
from bot.i18n.catalog import ContentCatalog
from bot.i18n.detect import LanguageDetector
from bot.pseudonym import Pseudonymizer
from bot.rasa_client import RasaClient
from bot.render import ReplyRenderer
from bot.state.erase import Eraser
from bot.state.keys import Keys
from bot.state.language import LanguageStore


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
        rasa=RasaClient(
            http, settings.rasa_url, token=settings.rasa_token, timeout=settings.rasa_timeout
        ),
        renderer=ReplyRenderer(catalog, retention_days=ttl // 86400),
        languages=LanguageStore(redis, keys, ttl),
        handoff_requests=HandoffRequests(redis, keys, ttl),
        pseudonyms=Pseudonymizer(settings.pseudonym_secret),
        default_language=settings.default_language,
        counsellors_enabled=settings.counsellor_chat_id is not None,
        eraser=Eraser(redis, keys),
        detector=detector or LanguageDetector.from_nlu_dir(settings.nlu_dir),
    )
