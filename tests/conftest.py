"""Shared fixtures: settings, an in-memory Redis for unit tests, the real content catalog."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import fakeredis
import pytest

from bot.config import REPO_ROOT, Settings
from bot.i18n.catalog import ContentCatalog
from bot.i18n.detect import LanguageDetector

SECRET = "test-secret-" + "x" * 40


def make_settings(**overrides: object) -> Settings:
    base: dict[str, object] = {"pseudonym_secret": SECRET.encode(), "redis_prefix": "mbtest"}
    base.update(overrides)
    return Settings(**base)  # type: ignore[arg-type]


@pytest.fixture
def settings() -> Settings:
    return make_settings()


@pytest.fixture
async def fake_redis() -> AsyncIterator[fakeredis.FakeAsyncRedis]:
    client = fakeredis.FakeAsyncRedis(decode_responses=True)
    yield client
    await client.flushall()
    await client.close()


@pytest.fixture(scope="session")
def catalog() -> ContentCatalog:
    """The project's real catalog (compiled by `make catalogs` before the tests run)."""
    return ContentCatalog.load(REPO_ROOT / "locales")


@pytest.fixture(scope="session")
def detector() -> LanguageDetector:
    return LanguageDetector.from_nlu_dir(REPO_ROOT / "data" / "nlu")


def repo_path(*parts: str) -> Path:
    return REPO_ROOT.joinpath(*parts)
