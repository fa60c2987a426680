"""The counsellors' group, and the user's side of a handoff (relaying, consent, cancel, rating).

Registered before the other handlers: while a counsellor has a chat, the user's messages are
relayed instead of reaching Rasa.
"""

from __future__ import annotations

import contextlib

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import callbacks
from bot.gateway import User
from bot.handlers.common import emit, gateway_of, send_replies, user_of
from bot.handoff.desk import CounsellorDesk
from bot.replies import Reply


def desk_of(context: ContextTypes.DEFAULT_TYPE) -> CounsellorDesk | None:
    return context.application.bot_data.get("desk")


async def relay_from_user(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """While a counsellor has the chat (or a message is being left), relay instead of answering.

    First, though: a typed "yes" / "no" to the question the bot just asked (the consent, or
    /forget's "delete everything?", which may come in the middle of a conversation with a
    counsellor) does what its button does, and is not relayed.
    """
    desk = desk_of(context)
    user = user_of(update)
    message = update.effective_message
    if desk is None or user is None or message is None or update.effective_chat is None:
        return
    if message.text is not None and (button := await gateway_of(context).typed_answer(user, message.text)):
        await send_replies(update, context, await as_button(update, context, user, button))
        raise ApplicationHandlerStop
    calls = await desk.user_message(user, update.effective_chat.id, message)
    if calls is None:
        return  # not in a handoff: the bot's own handlers answer
    await emit(context, calls)
    raise ApplicationHandlerStop


async def as_button(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, data: str) -> list[Reply]:
    """What pressing that button does: the desk's part (handoff_button, forget), then the gateway's."""
    desk = desk_of(context)
    chat = update.effective_chat
    if desk is not None and chat is not None and data in (callbacks.handoff("share"), callbacks.handoff("noshare")):
        await emit(context, await desk.consent(user, chat.id, share=data == callbacks.handoff("share")))
        return []
    if desk is not None and data == callbacks.forget("yes"):
        await emit(context, await desk.forget(user))  # out of the counsellors' group first
    return await gateway_of(context).button(user, data)


async def end(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/end: the user ends the conversation with the counsellor, or cancels the request."""
    desk = desk_of(context)
    user = user_of(update)
    if desk is None or user is None or update.effective_chat is None:
        return
    await emit(context, await desk.cancel(user, update.effective_chat.id))


async def handoff_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Consent, leave a message, another language, cancel, end, rating."""
    desk = desk_of(context)
    query = update.callback_query
    user = user_of(update)
    parsed = callbacks.parse(query.data if query else None)
    if desk is None or query is None or user is None or update.effective_chat is None or parsed is None:
        return
    with contextlib.suppress(TelegramError):
        await query.answer()
    chat_id = update.effective_chat.id
    action = parsed.value
    if action in ("share", "noshare"):
        calls = await desk.consent(user, chat_id, share=action == "share")
    elif action == "leave":
        calls = await desk.leave_message(user, chat_id)
    elif action.startswith("via_"):
        calls = await desk.via_language(user, chat_id, action[4:])
    elif action in ("cancel", "end"):
        calls = await desk.cancel(user, chat_id)
    elif action.startswith("rate_") and action[5:].isdigit():
        calls = await desk.rate(user, chat_id, max(1, min(5, int(action[5:]))))
    else:
        calls = []
    await emit(context, calls)
    raise ApplicationHandlerStop  # handled here, not by the bot's own button handler


async def claim_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A counsellor presses Claim on a card (only roster members can; the first claim wins)."""
    desk = desk_of(context)
    query = update.callback_query
    parsed = callbacks.parse(query.data if query else None)
    if desk is None or query is None or query.from_user is None or parsed is None:
        return
    if query.message is None or query.message.chat.id != desk.group_id:
        with contextlib.suppress(TelegramError):
            await query.answer()
        raise ApplicationHandlerStop  # a claim outside the counsellors' group is ignored
    feedback, calls = await desk.claim(query.from_user.id, parsed.value)
    with contextlib.suppress(TelegramError):
        await query.answer(feedback[:200], show_alert=not calls)
    await emit(context, calls)
    raise ApplicationHandlerStop


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Before the gateway erases the user's data: take their conversation out of the group."""
    desk = desk_of(context)
    user = user_of(update)
    if desk is None or user is None:
        return
    await emit(context, await desk.forget(user))
    # No ApplicationHandlerStop: the gateway's button handler now erases and confirms.


async def group_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Messages and commands in the counsellors' group."""
    desk = desk_of(context)
    message = update.effective_message
    if desk is None or message is None:
        return
    await emit(context, await desk.group_message(message))


def handlers(group_id: int | None) -> list:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    result = [
        MessageHandler(private & ~filters.COMMAND & ~filters.StatusUpdate.ALL, relay_from_user),
        CommandHandler("end", end, filters=private),
        CallbackQueryHandler(handoff_button, pattern=r"^h:"),
        CallbackQueryHandler(forget, pattern=r"^f:yes$"),
        CallbackQueryHandler(claim_button, pattern=r"^c:"),
    ]
    if group_id is not None:
        result.append(MessageHandler(filters.Chat(group_id) & ~filters.StatusUpdate.ALL, group_message))
    return result
