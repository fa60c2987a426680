"""The action server as an app factory: our actions, built with their Redis client.

We do not use ``rasa_sdk``'s ``create_app``: it registers action classes by import (so their
clients would be import-time globals), binds 0.0.0.0, and echoes the request body (the whole
tracker, user text included) in error responses. This keeps rasa-sdk's executor and protocol.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis
from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Sanic, response
from sanic.request import Request

from actions.clarify import ActionClarify, ActionClarifyFollowUp, ActionOutOfScope
from actions.handoff import ActionRequestCounsellor
from bot.config import Settings
from bot.handoff.requests import HandoffRequests
from bot.state.keys import Keys

logger = logging.getLogger(__name__)


def build_actions(settings: Settings, redis: aioredis.Redis) -> list[Action]:
    """Every custom action, with the state classes it needs."""
    keys = Keys(settings.redis_prefix)
    return [
        ActionRequestCounsellor(HandoffRequests(redis, keys, settings.data_ttl_seconds)),
        ActionClarify(),
        ActionClarifyFollowUp(),
        ActionOutOfScope(),
    ]


def create_app(
    settings: Settings,
    connect_redis: Callable[[], Awaitable[aioredis.Redis]],
    name: str = "actions",
) -> Sanic:
    """The action server. Redis is connected in the server's own event loop, at start."""
    app = Sanic(name, configure_logging=False)
    token = settings.action_server_token
    executor = ActionExecutor()

    @app.before_server_start
    async def connect(app: Sanic, _: Any) -> None:
        app.ctx.redis = await connect_redis()
        for action in build_actions(settings, app.ctx.redis):
            executor.register_action(action)

    @app.after_server_stop
    async def close(app: Sanic, _: Any) -> None:
        await app.ctx.redis.close()

    def authorised(request: Request) -> bool:
        if not token:
            return True
        given = request.args.get("token") or ""
        return hmac.compare_digest(given.encode(), token.encode())

    @app.get("/health")
    async def health(_: Request) -> response.HTTPResponse:
        return response.json({"status": "ok"})

    @app.post("/webhook")
    async def webhook(request: Request) -> response.HTTPResponse:
        if not authorised(request):
            return response.json({"error": "unauthorised"}, status=401)
        action_call: Any = request.json
        if not isinstance(action_call, dict):
            return response.json({"error": "invalid body"}, status=400)
        name = action_call.get("next_action")
        try:
            result = await executor.run(action_call)
        except ActionNotFoundException:
            logger.error("unknown action %s", name)
            return response.json({"error": "unknown action", "action_name": name}, status=404)
        except ActionExecutionRejection as exc:
            return response.json({"error": exc.message, "action_name": name}, status=400)
        except Exception:
            # Log the type and where, never the tracker (it holds what the user wrote).
            logger.exception("action %s failed", name)
            return response.json({"error": "action failed", "action_name": name}, status=500)
        return response.json(result)

    @app.get("/actions")
    async def actions(request: Request) -> response.HTTPResponse:
        if not authorised(request):
            return response.json({"error": "unauthorised"}, status=401)
        return response.json([{"name": k} for k in executor.actions])

    return app
