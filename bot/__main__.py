"""Run the gateway: Telegram (long polling) when TELEGRAM_BOT_TOKEN is set, else the console.

Usually started by ``make run`` (bot/supervisor.py), which also starts Rasa and the action
server and waits for them. Standalone: ``python -m bot``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys

import httpx

from bot.app import build_gateway
from bot.config import Settings
from bot.errors import BotError, ConfigError
from bot.gateway import User
from bot.logging_setup import configure_logging
from bot.state.redis import connect

logger = logging.getLogger("bot")

RASA_READY_TIMEOUT = float(os.environ.get("RASA_READY_TIMEOUT", "300"))


async def _console(settings: Settings) -> None:
    from bot.console import Console

    redis, _ = await connect(
        settings.redis_url, allow_memory_fallback=os.environ.get("ALLOW_MEMORY_STATE") == "1"
    )
    async with httpx.AsyncClient() as http:
        gateway = build_gateway(settings, redis, http)
        await gateway.rasa.wait_until_ready(RASA_READY_TIMEOUT)
        user = User(
            platform="console",
            id=os.environ.get("USER", "local"),
            language_code=os.environ.get("CONSOLE_LANGUAGE"),
        )
        await Console(gateway, user).run()
    await redis.close()


def _telegram(settings: Settings) -> None:
    from bot.telegram_app import build_application, run_polling

    clients: list = []

    async def make_gateway():  # type: ignore[no-untyped-def]
        redis, _ = await connect(
            settings.redis_url, allow_memory_fallback=os.environ.get("ALLOW_MEMORY_STATE") == "1"
        )
        http = httpx.AsyncClient()
        clients.extend([redis, http])
        gateway = build_gateway(settings, redis, http)
        await gateway.rasa.wait_until_ready(RASA_READY_TIMEOUT)
        return gateway

    async def close() -> None:
        redis, http = clients
        await redis.close()
        await http.aclose()

    run_polling(build_application(settings, make_gateway=make_gateway, on_stop=close))


def main() -> int:
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    configure_logging(settings.log_level, "gateway")
    try:
        if settings.telegram_enabled:
            _telegram(settings)
        else:
            asyncio.run(_console(settings))
    except BotError as exc:
        logger.error("%s", exc)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
