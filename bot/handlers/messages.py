"""Free text in a private chat: through Rasa, answered in the user's language."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.handlers.common import gateway_of, send_replies, typing, user_of


async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a typed question."""
    user = user_of(update)
    message = update.effective_message
    if user is None or message is None or message.text is None:
        return
    async with typing(update, context):
        replies = await gateway_of(context).text(user, message.text)
    await send_replies(update, context, replies)


HANDLERS = [MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, text)]
