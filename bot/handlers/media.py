"""Voice notes, photos, stickers and other non-text messages: a polite answer in the user's language."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.handlers.common import gateway_of, send_replies, user_of


def kind_of(update: Update) -> str:
    message = update.effective_message
    if message is None:
        return "other"
    for kind in (
        "voice",
        "audio",
        "video_note",
        "video",
        "photo",
        "sticker",
        "document",
        "location",
        "contact",
    ):
        if getattr(message, kind, None):
            return kind
    return "other"


async def media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain that the bot reads text only, and offer a counsellor."""
    user = user_of(update)
    if user is None or update.effective_chat is None:
        return
    replies = await gateway_of(context).unsupported_media(user, kind_of(update))
    await send_replies(update, context, replies)


HANDLERS = [
    MessageHandler(
        filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL,
        media,
    )
]
