"""The console front end: chat with the bot in a terminal, through the same Gateway as Telegram.

Buttons are shown as numbered choices: type the number to press one. Commands work as in
Telegram (/start, /menu, /language, /counsellor, /privacy, /about, /forget); /quit leaves.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable, Sequence

from bot.gateway import Gateway, User
from bot.replies import Button, Reply

COMMANDS = ("start", "menu", "help", "language", "counsellor", "privacy", "about", "forget")


class Console:
    def __init__(self, gateway: Gateway, user: User, write: Callable[[str], None] = print) -> None:
        self.gateway = gateway
        self.user = user
        self.write = write
        self.choices: list[Button] = []

    def show(self, replies: Sequence[Reply]) -> None:
        self.choices = []
        for reply in replies:
            self.write("")
            self.write(reply.plain_text())
            for row in reply.buttons:
                for button in row:
                    self.choices.append(button)
                    self.write(f"  [{len(self.choices)}] {button.label}")
        self.write("")

    async def handle(self, line: str) -> list[Reply]:
        """One line typed by the user -> the gateway's replies."""
        line = line.strip()
        try:
            if line.isdigit() and 1 <= int(line) <= len(self.choices):
                return await self.gateway.button(self.user, self.choices[int(line) - 1].data)
            if line.startswith("/") and line[1:].split(" ")[0] in COMMANDS:
                return await self.command(line[1:].split(" ")[0])
            button = await self.gateway.typed_answer(self.user, line)
            if button is not None:  # a typed "yes" / "no" to the question just asked
                return await self.gateway.button(self.user, button)
            return await self.gateway.text(self.user, line)
        except Exception:
            return await self.gateway.error(self.user)

    async def command(self, name: str) -> list[Reply]:
        gateway = self.gateway
        if name == "start":
            return await gateway.start(self.user)
        if name in ("menu", "help"):
            return await gateway.menu(self.user)
        if name == "language":
            return await gateway.language_picker(self.user)
        if name == "counsellor":
            return await gateway.request_counsellor(self.user)
        if name == "forget":
            return await gateway.forget(self.user)
        topic = {"privacy": "privacy", "about": "about_service"}[name]
        return await gateway.button(self.user, f"i:{topic}")

    async def run(self) -> None:
        self.write("Type your question. Numbers choose a button; /quit to leave.")
        self.show(await self.gateway.start(self.user))
        lines = _stdin_lines()
        while True:
            self.write_prompt()
            line = await lines.get()
            if line is None or line.strip() in ("/quit", "/exit"):
                return
            if line.strip():
                self.show(await self.handle(line))

    def write_prompt(self) -> None:
        sys.stdout.write("you> ")
        sys.stdout.flush()


def _stdin_lines() -> asyncio.Queue[str | None]:
    """Lines from stdin, read by a daemon thread: a pending read never blocks shutdown."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def read() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(queue.put_nowait, line)
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=read, name="console-input", daemon=True).start()
    return queue
