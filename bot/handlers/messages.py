"""Free text in a private chat: through Rasa, answered in the user's language."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.handlers.common import gateway_of, send_replies, typing, user_of
from bot.handlers.desk import as_button, desk_of


async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a typed question, or a typed "yes" / "no" to the question just asked (without a
    counsellors' desk; with one, bot/handlers/desk.py sees it first)."""
    user = user_of(update)
    message = update.effective_message
    if user is None or message is None or message.text is None:
        return
    gateway = gateway_of(context)
    async with typing(update, context):
        # With a desk, its handler has already looked for a typed answer (and taken the question).
        button = await gateway.typed_answer(user, message.text) if desk_of(context) is None else None
        if button is None:
            replies = await gateway.text(user, message.text)
        else:
            replies = await as_button(update, context, user, button)
    await send_replies(update, context, replies)


HANDLERS = [MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, text)]
