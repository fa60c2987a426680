"""What the gateway sends: platform-neutral replies (Telegram HTML text plus button rows)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

TELEGRAM_MESSAGE_LIMIT = 4096


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # callback data, at most 64 bytes (Telegram's limit)


@dataclass(frozen=True)
class Reply:
    text: str  # Telegram HTML
    buttons: tuple[tuple[Button, ...], ...] = field(default=())
    language: str = "en"

    def plain_text(self) -> str:
        """The text without HTML, for the console."""
        return html.unescape(re.sub(r"<[^>]+>", "", self.text)).replace("\u200f", "")


def split_text(text: str, limit: int = TELEGRAM_MESSAGE_LIMIT) -> list[str]:
    """Split at paragraph boundaries (then lines, sentences, spaces) into parts <= ``limit``."""
    parts: list[str] = []
    current = ""
    for paragraph in text.split("\n\n"):
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        while len(paragraph) > limit:
            cut = _cut_point(paragraph, limit)
            parts.append(paragraph[:cut].rstrip())
            paragraph = paragraph[cut:].lstrip()
        current = paragraph
    if current or not parts:
        parts.append(current)
    return parts


def _cut_point(text: str, limit: int) -> int:
    for separator in ("\n", ". ", " "):
        index = text.rfind(separator, 0, limit)
        if index > limit // 2:
            return index + len(separator)
    return limit
