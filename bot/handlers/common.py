"""What every Telegram handler needs: the gateway, the user, and a way to send replies."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ChatAction, ParseMode
from telegram.ext import ContextTypes

from bot.gateway import Gateway, User
from bot.replies import Reply, split_text

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def gateway_of(context: ContextTypes.DEFAULT_TYPE) -> Gateway:
    return context.application.bot_data["gateway"]


def user_of(update: Update) -> User | None:
    tg_user = update.effective_user
    if tg_user is None:
        return None
    return User(platform="tg", id=tg_user.id, language_code=tg_user.language_code)


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == chat.PRIVATE


async def typing(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show 'typing…' while Rasa thinks (it lasts up to 5 s or until we send)."""
    if update.effective_chat is not None:
        await context.bot.send_chat_action(update.effective_chat.id, ChatAction.TYPING)


def markup(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in reply.buttons]
    )


async def send_replies(context: ContextTypes.DEFAULT_TYPE, chat_id: int, replies: Sequence[Reply]) -> None:
    """Send replies in order; long texts are split at paragraphs, buttons go on the last part."""
    for reply in replies:
        parts = split_text(reply.text)
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            await context.bot.send_message(
                chat_id,
                part,
                parse_mode=ParseMode.HTML,
                reply_markup=markup(reply) if last else None,
                link_preview_options=NO_PREVIEW,
            )
