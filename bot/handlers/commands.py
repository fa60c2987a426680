"""The other commands: /menu /help /language /counsellor /privacy /about /forget."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes, filters

from bot.handlers.common import gateway_of, send_replies, typing, user_of


async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the main menu (also /help)."""
    user = user_of(update)
    if user is None or update.effective_chat is None:
        return
    await send_replies(update, context, await gateway_of(context).menu(user))


async def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the language picker."""
    user = user_of(update)
    if user is None or update.effective_chat is None:
        return
    await send_replies(update, context, await gateway_of(context).language_picker(user))


async def counsellor(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask for a counsellor (through Rasa's action, like the intent and the button)."""
    user = user_of(update)
    if user is None or update.effective_chat is None:
        return
    async with typing(update, context):
        replies = await gateway_of(context).request_counsellor(user)
    await send_replies(update, context, replies)


async def topic_command(update: Update, context: ContextTypes.DEFAULT_TYPE, topic: str) -> None:
    user = user_of(update)
    if user is None or update.effective_chat is None:
        return
    await send_replies(update, context, await gateway_of(context).button(user, f"i:{topic}"))


async def privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What is stored, for how long, and how to delete it."""
    await topic_command(update, context, "privacy")


async def about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Who runs the bot, and its official handle, so users can check they talk to the real one."""
    user = user_of(update)
    if user is None or update.effective_chat is None:
        return
    gateway = gateway_of(context)
    handle = context.application.bot_data.get("official_handle") or f"@{context.bot.username}"
    replies = await gateway.button(user, "i:about_service")
    language = await gateway.language_of(user)
    replies.append(gateway.renderer.text("about.official", language, params={"handle": handle}))
    await send_replies(update, context, replies)


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer to erase everything stored about the user (asks to confirm)."""
    user = user_of(update)
    if user is None or update.effective_chat is None:
        return
    await send_replies(update, context, await gateway_of(context).forget(user))


PRIVATE = filters.ChatType.PRIVATE
HANDLERS = [
    CommandHandler(["menu", "help"], menu, filters=PRIVATE),
    CommandHandler("language", language, filters=PRIVATE),
    CommandHandler("counsellor", counsellor, filters=PRIVATE),
    CommandHandler("privacy", privacy, filters=PRIVATE),
    CommandHandler("about", about, filters=PRIVATE),
    CommandHandler("forget", forget, filters=PRIVATE),
]
