"""Run the action server: ``python -m actions`` (bound to 127.0.0.1 unless ACTIONS_HOST says so)."""

from __future__ import annotations

import logging
import os
import sys
from urllib.parse import urlparse

from actions.server import create_app
from bot.config import Settings
from bot.errors import ConfigError
from bot.logging_setup import configure_logging
from bot.state.redis import connect


def main() -> int:
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    configure_logging(settings.log_level, "actions")
    allow_memory = os.environ.get("ALLOW_MEMORY_STATE") == "1"

    async def connect_redis():  # type: ignore[no-untyped-def]
        client, _ = await connect(settings.redis_url, allow_memory_fallback=allow_memory)
        return client

    app = create_app(settings, connect_redis)
    port = urlparse(settings.action_server_url).port or 5055
    host = os.environ.get("ACTIONS_HOST", "127.0.0.1")
    logging.getLogger(__name__).info("action server on %s:%s", host, port)
    app.run(host=host, port=port, workers=1, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
