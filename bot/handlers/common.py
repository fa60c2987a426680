"""What every Telegram handler needs: the gateway, the user, and a way to send replies."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.delivery import collect
from bot.delivery.api import call_api
from bot.delivery.outbox import Outgoing
from bot.gateway import Gateway, User
from bot.replies import Reply, split_text


def gateway_of(context: ContextTypes.DEFAULT_TYPE) -> Gateway:
    return context.application.bot_data["gateway"]


def user_of(update: Update) -> User | None:
    tg_user = update.effective_user
    if tg_user is None:
        return None
    return User(platform="tg", id=tg_user.id, language_code=tg_user.language_code)


# Telegram shows a chat action for 5 s (or until a message arrives): renew it before then.
TYPING_RENEW_SECONDS = 4.0


@contextlib.asynccontextmanager
async def typing(update: Update, context: ContextTypes.DEFAULT_TYPE) -> AsyncIterator[None]:
    """Show 'typing…' for as long as the block runs, e.g. while Rasa thinks (best effort: it
    only decorates the wait, so a failed chat action is ignored)."""
    chat = update.effective_chat

    async def keep_typing(chat_id: int) -> None:
        while True:
            with contextlib.suppress(TelegramError):
                await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
            await asyncio.sleep(TYPING_RENEW_SECONDS)

    task = asyncio.create_task(keep_typing(chat.id)) if chat is not None else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def markup(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in reply.buttons]
    )


def message_calls(replies: Sequence[Reply]) -> list[dict[str, Any]]:
    """sendMessage parameters for replies: long texts split at paragraphs, buttons on the last part."""
    calls = []
    for reply in replies:
        parts = split_text(reply.text)
        keyboard = markup(reply)
        for index, part in enumerate(parts):
            params: dict[str, Any] = {
                "text": part,
                "parse_mode": ParseMode.HTML,
                "link_preview_options": {"is_disabled": True},
            }
            if keyboard is not None and index == len(parts) - 1:
                params["reply_markup"] = keyboard.to_dict()
            calls.append(params)
    return calls


async def send_replies(update: Update, context: ContextTypes.DEFAULT_TYPE, replies: Sequence[Reply]) -> None:
    """Queue the replies for this chat (in the worker), or send them now (no worker)."""
    chat = update.effective_chat
    user = user_of(update)
    if chat is None:
        return
    recipient = gateway_of(context).pseudonym(user) if user is not None and chat.type == chat.PRIVATE else f"g{chat.id}"
    calls = message_calls(replies)
    bucket = collect.current()
    if bucket is not None:
        bucket.extend(
            Outgoing(recipient, chat.id, "sendMessage", params, group=chat.type != chat.PRIVATE) for params in calls
        )
        return
    for params in calls:
        await call_api(context.bot, "sendMessage", {"chat_id": chat.id, **params})


async def emit(context: ContextTypes.DEFAULT_TYPE, calls: Sequence[Outgoing]) -> None:
    """Queue prepared Bot API calls (in the worker), or make them now (no worker)."""
    bucket = collect.current()
    if bucket is not None:
        bucket.extend(calls)
        return
    for call in calls:
        await call_api(context.bot, call.method, {"chat_id": call.chat_id, **call.params})
