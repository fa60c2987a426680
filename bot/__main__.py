"""Run the gateway: Telegram (long polling) when TELEGRAM_BOT_TOKEN is set, else the console.

Usually started by ``make run`` (bot/supervisor.py), which also starts Rasa and the action
server and waits for them. Standalone: ``python -m bot``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys

from bot.app import running_gateway
from bot.config import Settings
from bot.errors import BotError, ConfigError
from bot.gateway import Gateway, User
from bot.logging_setup import configure_logging

logger = logging.getLogger("bot")


def allow_memory_state() -> bool:
    # Set by `make run` when no Redis answered; a deployment never falls back silently.
    return os.environ.get("ALLOW_MEMORY_STATE") == "1"


async def _console(settings: Settings) -> None:
    from bot.console import Console

    async with running_gateway(settings, allow_memory_state=allow_memory_state()) as gateway:
        user = User(
            platform="console",
            id=os.environ.get("USER", "local"),
            language_code=os.environ.get("CONSOLE_LANGUAGE"),
        )
        await Console(gateway, user).run()


def _telegram(settings: Settings) -> None:
    from bot.telegram_app import build_application, run_polling

    stack = contextlib.AsyncExitStack()

    async def make_gateway() -> Gateway:
        return await stack.enter_async_context(running_gateway(settings, allow_memory_state=allow_memory_state()))

    run_polling(build_application(settings, make_gateway=make_gateway, on_stop=stack.aclose))


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
