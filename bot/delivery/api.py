"""Making a Bot API call from its method name and JSON parameters (as stored in the outbox)."""

from __future__ import annotations

import warnings
from typing import Any

from telegram import Bot
from telegram.warnings import PTBUserWarning


async def call_api(bot: Bot, method: str, params: dict[str, Any]) -> Any:
    """``bot.do_api_request`` without its advice to use the typed method: our calls come
    from the outbox as plain JSON, which is exactly what do_api_request is for."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PTBUserWarning)
        return await bot.do_api_request(method, api_kwargs=params)
