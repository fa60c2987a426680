"""The Telegram front end: ``build_application`` wires the handlers around a ``Gateway``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder
from telegram.request import BaseRequest

from bot.config import Settings
from bot.gateway import Gateway
from bot.handlers import buttons, commands, errors, media, messages, start


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
        .rate_limiter(AIORateLimiter(max_retries=5))
    )
    if request is not None:  # tests: a request object that never touches the network
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    if gateway is not None:
        application.bot_data["gateway"] = gateway
    for module in (start, commands, messages, buttons, media):
        application.add_handlers(module.HANDLERS)
    application.add_error_handler(errors.on_error)
    return application


def run_polling(application: Application) -> None:
    application.run_polling(allowed_updates=Update.ALL_TYPES)
