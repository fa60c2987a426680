"""Run the gateway: Telegram (long polling) when TELEGRAM_BOT_TOKEN is set, else the console.

Usually started by ``make run`` (bot/supervisor.py), which also starts Rasa and the action
server and waits for them. Standalone: ``python -m bot``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Coroutine
from typing import Any

from bot.app import running_gateway
from bot.config import Settings
from bot.diagnostics import awaiting
from bot.errors import BotError, ConfigError
from bot.gateway import User
from bot.logging_setup import configure_logging

logger = logging.getLogger("bot")
SLOW_STOP_SECONDS = 5.0


def allow_memory_state() -> bool:
    # Set by `make run` when no Redis answered; a deployment never falls back silently.
    return os.environ.get("ALLOW_MEMORY_STATE") == "1"


async def _console(settings: Settings) -> None:
    from bot.console import Console

    async with running_gateway(settings, allow_memory_state=allow_memory_state()) as runtime:
        user = User(
            platform="console",
            id=os.environ.get("USER", "local"),
            language_code=os.environ.get("CONSOLE_LANGUAGE"),
        )
        await Console(runtime.gateway, user).run()


async def _telegram(settings: Settings) -> None:
    from bot.app import build_desk
    from bot.delivery.service import TelegramService
    from bot.telegram_app import build_application, register_commands

    async with running_gateway(settings, allow_memory_state=allow_memory_state()) as runtime:
        application = build_application(settings, runtime.gateway)
        async with application:  # initialises the bot (getMe) and closes its connections after
            await register_commands(application.bot, runtime.gateway)
            desk = await build_desk(settings, runtime, application.bot) if settings.counsellor_chat_id else None
            application.bot_data["desk"] = desk
            logger.info(
                "serving Telegram (%s)%s", settings.telegram_mode, " with the counsellors' desk" if desk else ""
            )
            await TelegramService(application, runtime.redis, settings, desk=desk).run()


def _run(main_coroutine: Coroutine[Any, Any, None]) -> None:
    """Run until done, Ctrl-C or SIGTERM (from the supervisor), cleaning up either way."""

    async def runner() -> None:
        task = asyncio.ensure_future(main_coroutine)
        loop = asyncio.get_running_loop()

        def stop() -> None:
            task.cancel()
            loop.call_later(SLOW_STOP_SECONDS, report_slow_stop)

        def report_slow_stop() -> None:
            # Stopping should take a moment; a deploy or the supervisor waits for it. If it does
            # not, say what is still running and where it waits (code locations only).
            for pending in asyncio.all_tasks(loop):
                if not pending.done():
                    logger.warning("still stopping after %g s: %s", SLOW_STOP_SECONDS, awaiting(pending))

        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop)
        with contextlib.suppress(asyncio.CancelledError):
            await task

    asyncio.run(runner())


def main() -> int:
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    configure_logging(settings.log_level, "gateway", [settings.telegram_token or "", settings.webhook_secret or ""])
    try:
        _run(_telegram(settings) if settings.telegram_enabled else _console(settings))
    except BotError as exc:
        logger.error("%s", exc)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
