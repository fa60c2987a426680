"""Where a stuck task waits, for log lines that must say it without any user data."""

from __future__ import annotations

import asyncio
from typing import Any


def awaiting(task: asyncio.Task[Any]) -> str:
    """Where a pending task waits: its chain of awaited coroutines, innermost last (file:line)."""
    places: list[str] = []
    coroutine: Any = task.get_coro()
    while coroutine is not None and len(places) < 40:
        frame = getattr(coroutine, "cr_frame", None) or getattr(coroutine, "gi_frame", None)
        if frame is not None:
            places.append(f"{frame.f_code.co_filename.rsplit('/', 1)[-1]}:{frame.f_lineno} {frame.f_code.co_name}")
        coroutine = getattr(coroutine, "cr_await", None) or getattr(coroutine, "gi_yieldfrom", None)
    return " > ".join(places) or "unknown"
