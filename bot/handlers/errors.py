"""The one error handler: the user gets a localised apology, the log gets no personal data."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.handlers.common import gateway_of, send_replies, user_of

logger = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error's type and place (not the update: it holds text and names), then apologise."""
    error = context.error
    logger.error(
        "error while handling an update: %s",
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )
    if "gateway" in context.bot_data:
        gateway_of(context).metrics.error("handler")
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != update.effective_chat.PRIVATE:
        return
    try:
        replies = await gateway_of(context).error(user_of(update))
        await send_replies(update, context, replies)
    except TelegramError as exc:
        logger.error("could not send the error reply: %s", type(exc).__name__)
