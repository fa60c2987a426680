"""/start: greeting, privacy notice and the language picker."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes, filters

from bot.handlers.common import gateway_of, send_replies, user_of


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet in the client's language, show the privacy notice, offer the language picker."""
    user = user_of(update)
    if user is None or update.effective_chat is None:
        return
    await send_replies(update, context, await gateway_of(context).start(user))


HANDLERS = [CommandHandler("start", start, filters=filters.ChatType.PRIVATE)]
