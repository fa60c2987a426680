"""Integration fixtures: one real stack (Redis, action server, Rasa with the trained model) per
session, and a gateway wired to it exactly as `make run` wires it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import redis.asyncio as aioredis

from bot.app import build_gateway
from bot.config import Settings
from bot.gateway import Gateway
from bot.state.redis import from_url
from tests.stack import RedisServer, Stack


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/integration/" in str(item.path):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer.ensure()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def stack(redis_server: RedisServer) -> Iterator[Stack]:
    stack = Stack.start(redis_server.url)
    yield stack
    stack.stop()
    stack.delete_keys()


@pytest.fixture(scope="session")
def stack_settings(stack: Stack) -> Settings:
    return Settings.from_env(stack.env)


@pytest.fixture
async def redis_client(stack: Stack) -> AsyncIterator[aioredis.Redis]:
    client = from_url(stack.redis_url)
    yield client
    await client.close()


@pytest.fixture
async def gateway(stack_settings: Settings, redis_client, catalog) -> AsyncIterator[Gateway]:
    async with httpx.AsyncClient() as http:
        yield build_gateway(stack_settings, redis_client, http, catalog=catalog)
