"""Inline button presses: the callback data goes to the gateway (topics go to Rasa without NLU)."""

from __future__ import annotations

import contextlib

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.handlers.common import gateway_of, send_replies, user_of


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the press (stops the client's spinner), then send what the button asks for."""
    query = update.callback_query
    user = user_of(update)
    if query is None or user is None or update.effective_chat is None:
        return
    with contextlib.suppress(TelegramError):  # an expired query must not stop the real answer
        await query.answer()
    await send_replies(update, context, await gateway_of(context).button(user, query.data))


HANDLERS = [CallbackQueryHandler(button)]
