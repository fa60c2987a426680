"""Free text in a private chat: through Rasa, answered in the user's language."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from bot import callbacks
from bot.gateway import User
from bot.handlers.common import emit, gateway_of, send_replies, typing, user_of
from bot.replies import Reply


async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a typed question, or a typed "yes" / "no" to the question just asked."""
    user = user_of(update)
    message = update.effective_message
    if user is None or message is None or message.text is None:
        return
    gateway = gateway_of(context)
    async with typing(update, context):
        button = await gateway.typed_answer(user, message.text)
        if button is None:
            replies = await gateway.text(user, message.text)
        else:
            replies = await _as_button(update, context, user, button)
    await send_replies(update, context, replies)


async def _as_button(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, data: str) -> list[Reply]:
    """What pressing that button does (bot/handlers/desk.py and buttons.py, in that order)."""
    desk = context.application.bot_data.get("desk")
    chat = update.effective_chat
    if desk is not None and chat is not None and data in (callbacks.handoff("share"), callbacks.handoff("noshare")):
        await emit(context, await desk.consent(user, chat.id, share=data == callbacks.handoff("share")))
        return []
    if desk is not None and data == callbacks.forget("yes"):
        await emit(context, await desk.forget(user))  # out of the counsellors' group first
    return await gateway_of(context).button(user, data)


HANDLERS = [MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, text)]
