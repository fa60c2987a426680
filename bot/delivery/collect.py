"""Collecting the Bot API calls a handled update produces, instead of making them at once.

The worker handles an update inside ``collecting()``; handlers append their replies; the worker
then commits them to the outbox together with marking the update done. Outside a worker (tests,
degraded mode) there is no collector and handlers send directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from bot.delivery.outbox import Outgoing

_outgoing: ContextVar[list[Outgoing] | None] = ContextVar("outgoing", default=None)


@contextmanager
def collecting() -> Iterator[list[Outgoing]]:
    bucket: list[Outgoing] = []
    token = _outgoing.set(bucket)
    try:
        yield bucket
    finally:
        _outgoing.reset(token)


def current() -> list[Outgoing] | None:
    return _outgoing.get()
