"""Raw Telegram updates as the Bot API sends them (JSON), for the end-to-end tests."""

from __future__ import annotations

import itertools
import time
from typing import Any

_message_ids = itertools.count(1)


def _user(user_id: int, language_code: str | None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Amal", "username": "amal_test"}
    if language_code:
        user["language_code"] = language_code
    return user


def message(user_id: int, text: str | None = None, *, language_code: str | None = "en", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private", "first_name": "Amal"},
        "from": _user(user_id, language_code),
    }
    if text is not None:
        body["text"] = text
        if text.startswith("/"):
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    body.update(extra)
    return {"message": body}


def callback(user_id: int, data: str, *, language_code: str | None = "en") -> dict[str, Any]:
    return {
        "callback_query": {
            "id": str(next(_message_ids)),
            "from": _user(user_id, language_code),
            "chat_instance": "1",
            "data": data,
            "message": {
                "message_id": next(_message_ids),
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private"},
                "text": "…",
            },
        }
    }


VOICE = {"voice": {"file_id": "voice-1", "file_unique_id": "v1", "duration": 4, "mime_type": "audio/ogg"}}
STICKER = {
    "sticker": {
        "file_id": "st-1",
        "file_unique_id": "s1",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
}


def group_message(
    group_id: int, user_id: int, text: str | None = None, *, reply_to: int | None = None, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": {"id": group_id, "type": "supergroup", "title": "Counsellors"},
        "from": _user(user_id, "en"),
    }
    if text is not None:
        body["text"] = text
        if text.startswith("/"):
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    if reply_to is not None:
        body["reply_to_message"] = {"message_id": reply_to, "date": int(time.time()), "chat": body["chat"], "text": "…"}
    body.update(extra)
    return {"message": body}


def group_callback(group_id: int, user_id: int, data: str, message_id: int) -> dict[str, Any]:
    return {
        "callback_query": {
            "id": str(next(_message_ids)),
            "from": _user(user_id, "en"),
            "chat_instance": "2",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": group_id, "type": "supergroup", "title": "Counsellors"},
                "text": "card",
            },
        }
    }
