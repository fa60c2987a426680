"""python-telegram-bot's offline test pattern: a request object that never touches the network
and records what the bot sends (one that also loses cancellations to timeouts), plus factories
for real ``Update`` objects."""

from __future__ import annotations

import itertools
import json
from typing import Any

from telegram import Bot, Update
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from tests.unit.fakes import LosesCancellation

BOT_USER = {"id": 999, "is_bot": True, "first_name": "InfoBot", "username": "info_bot"}
_ids = itertools.count(1)


class RecordingRequest(BaseRequest):
    """Answers the Bot API methods the bot uses; fails loudly on anything else."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **_: Any
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = json.loads(request_data.json_payload) if request_data and request_data.json_payload else {}
        if isinstance(params.get("reply_markup"), str):
            params["reply_markup"] = json.loads(params["reply_markup"])
        self.calls.append((name, params))
        if name == "getMe":
            result: Any = BOT_USER
        elif name == "sendMessage":
            result = {
                "message_id": next(_ids),
                "date": 0,
                "chat": {"id": params["chat_id"], "type": "private"},
                "text": params["text"],
            }
        elif name in ("sendChatAction", "answerCallbackQuery", "setMyCommands", "deleteWebhook"):
            result = True
        elif name == "getUpdates":
            result = []  # an idle long poll
        else:
            raise AssertionError(f"unexpected Bot API call {name}")
        return 200, json.dumps({"ok": True, "result": result}).encode()


class CancelBecomesTimedOut(RecordingRequest):
    """Bot API methods named in ``slow`` lose a cancellation to TimedOut, as an HTTP client's read
    timeout may (``silently``: to nothing; see LosesCancellation)."""

    def __init__(self, *slow: str, silently: bool = False) -> None:
        super().__init__()
        self.slow = set(slow)
        self.loses = LosesCancellation(None if silently else lambda: TimedOut())

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **kwargs: Any
    ) -> tuple[int, bytes]:
        answer = super().do_request
        if url.rsplit("/", 1)[-1] not in self.slow:
            return await answer(url, method, request_data, **kwargs)
        return await self.loses.call(lambda: answer(url, method, request_data, **kwargs))


def user(user_id: int = 42, language_code: str | None = "en") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Test", "language_code": language_code}


def message_update(
    bot: Bot,
    text: str | None = None,
    *,
    user_id: int = 42,
    language_code: str | None = "en",
    chat_type: str = "private",
    extra: dict[str, Any] | None = None,
) -> Update:
    chat = {"id": user_id if chat_type == "private" else -100123, "type": chat_type}
    message: dict[str, Any] = {
        "message_id": next(_ids),
        "date": 0,
        "chat": chat,
        "from": user(user_id, language_code),
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    message.update(extra or {})
    return Update.de_json({"update_id": next(_ids), "message": message}, bot)


def callback_update(bot: Bot, data: str, *, user_id: int = 42, language_code: str | None = "en") -> Update:
    chat = {"id": user_id, "type": "private"}
    query = {
        "id": str(next(_ids)),
        "from": user(user_id, language_code),
        "chat_instance": "1",
        "data": data,
        "message": {"message_id": next(_ids), "date": 0, "chat": chat, "text": "menu"},
    }
    return Update.de_json({"update_id": next(_ids), "callback_query": query}, bot)
