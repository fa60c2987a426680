"""Callback data of inline buttons: short, typed, validated (Telegram allows 64 bytes).

    i:<intent>     ask Rasa with this intent directly (no NLU)
    more:<topic>   the details part of a topic answer
    m / m:<group>  the main menu / one group of topics
    l / l:<code>   the language picker / choose a language
    h:<action>     handoff (consent, cancel, ...)
    f / f:yes|no   erase my data: ask to confirm / confirmed / cancelled
    c:<request>    a counsellor claims a request (in the counsellors' group; roster checked)

Callback data never carries a user or chat id: a button acts only on the chat it was pressed
in, so forged data cannot reach someone else's conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
_VALID = re.compile(r"^(i|more|m|l|h|f|c)(?::([a-z0-9_]{1,40}))?$")


@dataclass(frozen=True)
class Callback:
    kind: str
    value: str = ""

    def encode(self) -> str:
        data = f"{self.kind}:{self.value}" if self.value else self.kind
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data


def parse(data: str | None) -> Callback | None:
    """The callback, or None for anything malformed (never an exception)."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    match = _VALID.match(data)
    if not match:
        return None
    return Callback(match.group(1), match.group(2) or "")


def intent(name: str) -> str:
    return Callback("i", name).encode()


def more(topic: str) -> str:
    return Callback("more", topic).encode()


def menu(group: str = "") -> str:
    return Callback("m", group).encode()


def language(code: str = "") -> str:
    return Callback("l", code).encode()


def handoff(action: str) -> str:
    return Callback("h", action).encode()


def forget(answer: str = "") -> str:
    return Callback("f", answer).encode()


def claim(request_id: str) -> str:
    return Callback("c", request_id).encode()
