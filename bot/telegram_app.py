"""The Telegram front end: ``build_application`` wires the handlers around a ``Gateway``."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Awaitable, Callable

from telegram import Bot, BotCommand
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder
from telegram.request import BaseRequest

from bot.config import Settings
from bot.gateway import Gateway
from bot.handlers import buttons, commands, desk, errors, media, messages, start
from bot.i18n.languages import SOURCE_LANGUAGE, SUPPORTED_LANGUAGES

logger = logging.getLogger(__name__)


def build_application(
    settings: Settings,
    gateway: Gateway | None = None,
    *,
    make_gateway: Callable[[], Awaitable[Gateway]] | None = None,
    on_stop: Callable[[], Awaitable[None]] | None = None,
    request: BaseRequest | None = None,
) -> Application:
    """A python-telegram-bot Application; nothing is contacted until it is initialised.

    Pass a ready ``gateway`` (tests), or ``make_gateway`` to build it inside the application's
    own event loop at start-up (its Redis and HTTP clients must live in that loop).
    """
    assert settings.telegram_token, "build_application needs TELEGRAM_BOT_TOKEN"

    async def post_init(application: Application) -> None:
        if make_gateway is not None:
            application.bot_data["gateway"] = await make_gateway()

    async def post_shutdown(application: Application) -> None:
        if on_stop is not None:
            await on_stop()

    builder = (
        ApplicationBuilder()
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .token(settings.telegram_token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_base_url.replace("/bot", "/file/bot"))
    )
    if request is not None:  # tests: a request object that never touches the network
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    if gateway is not None:
        application.bot_data["gateway"] = gateway
    application.bot_data["official_handle"] = settings.official_handle
    # The desk comes first: during a handoff it relays instead of letting the bot answer.
    application.add_handlers(desk.handlers(settings.counsellor_chat_id), group=-1)
    for module in (start, commands, messages, buttons, media):
        application.add_handlers(module.HANDLERS)
    application.add_error_handler(errors.on_error)
    return application


COMMANDS = ("start", "menu", "language", "counsellor", "end", "privacy", "forget", "about", "help")


async def register_commands(bot: Bot, gateway: Gateway) -> None:
    """Register the commands with Telegram, described in each language Telegram can show.

    Telegram accepts two-letter language codes only, so Sorani (ckb) users see the default
    (English) descriptions.
    """
    renderer = gateway.renderer
    for language in SUPPORTED_LANGUAGES:
        if language != SOURCE_LANGUAGE and len(language) != 2:
            continue
        commands = [BotCommand(name, _plain(renderer.t(f"command.{name}", language))) for name in COMMANDS]
        try:
            if language == SOURCE_LANGUAGE:
                await bot.set_my_commands(commands)
            else:
                await bot.set_my_commands(commands, language_code=language)
        except TelegramError as exc:
            logger.warning("could not register commands for %s: %s", language, type(exc).__name__)


def _plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))[:256]
