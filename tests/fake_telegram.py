"""A fake Telegram Bot API server for end-to-end tests (and the benchmark).

It speaks enough of the Bot API for the gateway: getMe, getUpdates (long polling with offsets,
so an update stays until acknowledged), setWebhook/deleteWebhook, sendMessage and the other
calls the bot makes, which it records. Tests push updates in, wait for what the bot sends, and
can make the next calls fail with 429 (retry_after) to test flood handling. It runs its own
event loop in a thread, so tests of any kind can use it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.stack import free_port, wait_for

BOT = {"id": 999000, "is_bot": True, "first_name": "InfoBot", "username": "info_test_bot", "can_join_groups": True}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    result: Any = None

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))


class FakeTelegram:
    def __init__(self, token: str = "123456:TEST-TOKEN") -> None:
        self.token = token
        self.port = free_port()
        self.calls: list[Call] = []
        self._updates: list[dict[str, Any]] = []
        self._failures: list[tuple[str, int, int]] = []  # (method, status, retry_after)
        self._lock = threading.Lock()
        # Like Telegram's, update ids differ between runs (a test Redis may remember old ones).
        self._update_ids = itertools.count(int(time.time() * 1000) % 10**12)
        self._message_ids = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self.acked_up_to = 0
        self.polls = 0  # getUpdates calls (not recorded in calls: there are too many)
        self.open_polls = 0  # getUpdates calls being held open (long polling) right now
        self._stopping = False
        self.forum = False  # whether the counsellors' group has topics

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # -- the test's side ------------------------------------------------------------------------

    def start(self) -> FakeTelegram:
        ready = threading.Event()

        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            app = web.Application()
            app.router.add_route("*", "/bot{token}/{method}", self._handle)
            self._runner = web.AppRunner(app, access_log=None)
            self._loop.run_until_complete(self._runner.setup())
            self._loop.run_until_complete(web.TCPSite(self._runner, "127.0.0.1", self.port).start())
            ready.set()
            self._loop.run_forever()
            self._loop.close()

        self._thread = threading.Thread(target=serve, name="fake-telegram", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        # Long polls still held open return now: aiohttp would otherwise destroy their handlers
        # mid-wait ("Task was destroyed but it is pending").
        self._stopping = True
        with contextlib.suppress(RuntimeError):
            wait_for(lambda: self.open_polls == 0, 3, "open polls returned", interval=0.02)
        if self._loop is not None:
            if self._runner is not None:
                asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            if self._thread is not None:
                self._thread.join(10)

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates; returns its update_id."""
        with self._lock:
            update.setdefault("update_id", next(self._update_ids))
            self._updates.append(update)
            return int(update["update_id"])

    def fail_next(self, method: str, *, times: int = 1, status: int = 429, retry_after: int = 1) -> None:
        with self._lock:
            self._failures += [(method, status, retry_after)] * times

    def sent(self, chat_id: int | None = None, method: str = "sendMessage") -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method and (chat_id is None or c.chat_id == chat_id)]

    def wait_for(self, chat_id: int, count: int, *, timeout: float = 30.0, method: str = "sendMessage") -> list[Call]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            calls = self.sent(chat_id, method)
            if len(calls) >= count:
                return calls
            time.sleep(0.05)
        raise AssertionError(
            f"expected {count} {method} to {chat_id}, got {len(self.sent(chat_id, method))}: "
            f"{[c.text[:60] for c in self.sent(chat_id, method)]}; {self.polls} polls, "
            f"{self.pending_updates()} updates not acknowledged, calls: {[(c.method, c.chat_id) for c in self.calls][-10:]}"
        )

    def pending_updates(self) -> int:
        with self._lock:
            return len(self._updates)

    # -- the bot's side -----------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await _params(request)
        with self._lock:
            failure = next((f for f in self._failures if f[0] == method), None)
            if failure is not None:
                self._failures.remove(failure)
        if failure is not None:
            _, status, retry_after = failure
            self.calls.append(Call(f"{method}:failed", params))
            return web.json_response(
                {"ok": False, "error_code": status, "description": "Too Many Requests: retry later",
                 "parameters": {"retry_after": retry_after}},
                status=status,
            )  # fmt: skip
        if method == "getUpdates":
            self.polls += 1
            self.open_polls += 1
            try:
                return web.json_response({"ok": True, "result": await self._get_updates(params)})
            finally:
                self.open_polls -= 1
        result = self._result(method, params)
        with self._lock:
            self.calls.append(Call(method, params, result=result))
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 1.0)  # tests need no 25 s polls
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if offset:
                    # An offset acknowledges every update before it (Telegram forgets them).
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                    self.acked_up_to = max(self.acked_up_to, offset - 1)
                pending = [dict(u) for u in self._updates]
            if pending or time.monotonic() >= deadline or self._stopping:
                return pending[:100]
            await asyncio.sleep(0.02)

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT
        if method in ("sendMessage", "copyMessage", "sendVoice", "sendPhoto", "sendDocument", "editMessageText"):
            chat = {"id": int(params.get("chat_id", 0)), "type": "private"}
            return {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": chat,
                "text": params.get("text", ""),
            }
        if method == "getChat":
            return {
                "id": int(params.get("chat_id", 0)),
                "type": "supergroup",
                "title": "Counsellors",
                "is_forum": self.forum,
            }
        if method == "createForumTopic":
            return {"message_thread_id": next(self._message_ids), "name": params.get("name", ""), "icon_color": 0}
        return True


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        data = await request.json()
        return dict(data) if isinstance(data, dict) else {}
    form = await request.post() if request.can_read_body else {}
    params = dict(request.query)
    for key, value in form.items():
        params[key] = value if not isinstance(value, str) else _maybe_json(value)
    return params


def _maybe_json(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value
