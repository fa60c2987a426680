"""Integration fixtures: one real stack (Redis, action server, Rasa with the trained model) per
session, and a gateway wired to it exactly as `make run` wires it."""

from __future__ import annotations

import html
import re
import subprocess
import sys
import time
import warnings
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis.asyncio as aioredis

from bot.app import build_gateway
from bot.config import REPO_ROOT, Settings
from bot.gateway import Gateway
from bot.state.redis import from_url
from bot.supervisor import die_with_parent
from tests.fake_telegram import Call, FakeTelegram
from tests.integration.telegram_updates import callback, group_message, message
from tests.stack import DiagnosticWarning, RedisServer, Stack, free_port, wait_for


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


@pytest.fixture(scope="session")
def fake_telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram().start()
    yield fake
    fake.stop()


@dataclass
class GatewayProcess:
    process: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str]
    stack: Stack
    fake: FakeTelegram

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def restart(self) -> None:
        """Stop (SIGTERM) and start again with the same settings: a deploy in the middle of things."""
        stop_gateway(self)
        fresh = start_gateway(self.stack, self.fake, **self.env)
        self.process, self.log = fresh.process, fresh.log


def start_gateway(stack: Stack, fake: FakeTelegram, **env: str) -> GatewayProcess:
    """The real gateway process (python -m bot) against the fake Bot API and the real stack."""
    full_env = {
        **stack.env,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "LOG_LEVEL": "INFO",
        **env,
    }
    log = stack.logs / f"gateway-{len(list(stack.logs.glob('gateway-*.log')))}.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=REPO_ROOT,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,
        )
    deadline = time.monotonic() + 60
    polls = fake.polls
    webhook = full_env.get("TELEGRAM_MODE") == "webhook"

    def ready() -> bool:
        if webhook:  # listening for Telegram's posts
            try:
                return httpx.get(f"http://127.0.0.1:{full_env['WEBHOOK_PORT']}/healthz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False
        # This process's own log line, not just any poll: another gateway sharing the fake Bot
        # API (paused or not) must not make this one look ready.
        return "long polling for updates" in log.read_text(errors="replace") and fake.polls > polls

    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the gateway did not start:\n" + log.read_text(errors="replace")[-3000:])
        time.sleep(0.1)
    return GatewayProcess(process, log, full_env, stack, fake)


def stop_gateway(gateway: GatewayProcess) -> None:
    gateway.process.terminate()
    try:
        gateway.process.wait(15)
    except subprocess.TimeoutExpired:
        gateway.process.kill()
        gateway.process.wait(10)
        # A gateway should stop within seconds of SIGTERM (a deploy waits for it): say so when one did not.
        tail = " | ".join(gateway.log_text().splitlines()[-8:])
        message = f"the gateway did not stop within 15 s of SIGTERM and was killed; its log ends: {tail}"
        warnings.warn(message, DiagnosticWarning, stacklevel=2)


COUNSELLOR_GROUP = -100500
ROSTER = """\
timezone: Europe/Amsterdam
office_hours: always
counsellors:
  - {id: 111, name: Layla, languages: [ar, fr]}
  - {id: 222, name: Omar, languages: [ar]}
  - {id: 333, name: Marie, languages: [fr, nl]}
"""


@pytest.fixture(scope="session")
def roster_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("roster") / "counsellors.yml"
    path.write_text(ROSTER)
    return path


RELOADED, REFUSED = "counsellors file reloaded", "counsellors file REFUSED"


def write_roster(gateway: GatewayProcess, path: Path, text: str, *, outcome: str = RELOADED) -> None:
    """Write the counsellors file and wait until the gateway has read it (it looks every 5 s)."""
    before = gateway.log_text().count(outcome)
    path.write_text(text)
    wait_for(lambda: gateway.log_text().count(outcome) > before, 30, f"the gateway logging {outcome!r}", interval=0.1)


@pytest.fixture(scope="session")
def telegram_gateway(stack: Stack, fake_telegram: FakeTelegram, roster_file: Path) -> Iterator[GatewayProcess]:
    gateway = start_gateway(
        stack,
        fake_telegram,
        COUNSELLOR_CHAT_ID=str(COUNSELLOR_GROUP),
        COUNSELLORS_FILE=str(roster_file),
        METRICS_PORT=str(free_port()),
    )
    yield gateway
    stop_gateway(gateway)


# -- helpers for handoff tests -------------------------------------------------------------------


def plain(text: str) -> str:
    """A Telegram HTML text as the user reads it."""
    return html.unescape(re.sub(r"<[^>]+>", "", text)).replace("\u200f", "")


LAYLA, OMAR = 111, 222


def group_calls(fake: FakeTelegram, since: int = 0) -> list[Call]:
    return [
        c for c in fake.calls[since:] if c.chat_id == COUNSELLOR_GROUP and c.method in ("sendMessage", "copyMessage")
    ]


def wait_group(fake: FakeTelegram, since: int, predicate, timeout: float = 30.0) -> Call:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for call in group_calls(fake, since):
            if predicate(call):
                return call
        time.sleep(0.05)
    raise AssertionError(f"no such message in the group; got {[plain(c.text)[:60] for c in group_calls(fake, since)]}")


def claim_data(card: Call) -> str:
    return card.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]


@pytest.fixture
def on_duty(telegram_gateway: GatewayProcess, fake_telegram: FakeTelegram) -> None:
    mark = len(fake_telegram.calls)
    for counsellor in (LAYLA, OMAR):
        fake_telegram.push(group_message(COUNSELLOR_GROUP, counsellor, "/on"))
    wait_group(fake_telegram, mark, lambda c: "Omar is on duty" in c.text)


def request_counsellor(
    fake: FakeTelegram, user: int, language: str, text: str, *, share: bool = True, typed: str | None = None
) -> tuple[list[Call], Call]:
    """The user asks for a counsellor and answers the consent question (with its button, or by
    typing ``typed``); returns (user msgs, card)."""
    mark = len(fake.calls)
    before = len(fake.sent(user))
    fake.push(message(user, text, language_code=language))
    intro = fake.wait_for(user, before + 1)[before]
    assert [b["callback_data"] for row in intro.params["reply_markup"]["inline_keyboard"] for b in row] == [
        "h:share",
        "h:noshare",
    ]
    if typed is not None:
        fake.push(message(user, typed, language_code=language))
    else:
        fake.push(callback(user, "h:share" if share else "h:noshare", language_code=language))
    queued = fake.wait_for(user, before + 2)[before + 1]
    card = wait_group(fake, mark, lambda c: "reply_markup" in c.params and "Request" in c.text)
    return [intro, queued], card
