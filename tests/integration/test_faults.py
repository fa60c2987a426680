"""Faults: the bot must keep answering, lose nothing and never answer twice."""

from __future__ import annotations

import os
import signal
import time
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
import redis

from bot.gateway import User
from bot.i18n.catalog import ContentCatalog
from tests.fake_telegram import FakeTelegram
from tests.integration.conftest import (
    COUNSELLOR_GROUP,
    LAYLA,
    GatewayProcess,
    claim_data,
    plain,
    request_counsellor,
    start_gateway,
    stop_gateway,
    wait_group,
)
from tests.integration.telegram_updates import callback, group_callback, group_message, message
from tests.stack import PYTHON, RedisServer, Stack, wait_for
from tests.tcp_proxy import TcpProxy

QUESTION = "can I see a doctor without papers?"


@pytest.fixture
def private_gateway(
    stack: Stack, fake_telegram: FakeTelegram, roster_file, telegram_gateway: GatewayProcess
) -> Iterator:  # type: ignore[no-untyped-def]
    """A second gateway with its own Redis (AOF on) and Rasa behind a proxy the test can cut.

    The session's gateway keeps polling the same fake Bot API; it is paused meanwhile so that
    only this one receives the updates.
    """
    server = RedisServer.start(appendonly=True)
    rasa = urlparse(stack.rasa_url)
    proxy = TcpProxy(rasa.hostname or "127.0.0.1", rasa.port or 5005)
    os.kill(telegram_gateway.process.pid, signal.SIGSTOP)
    # A poll the paused gateway had already sent would still be answered, with updates meant for
    # this test's gateway, which it would then handle against the session's Redis after SIGCONT.
    time.sleep(0.2)
    wait_for(lambda: fake_telegram.open_polls == 0, 15, "the paused gateway's last poll", interval=0.02)
    gateway = start_gateway(
        stack,
        fake_telegram,
        REDIS_URL=server.url,
        RASA_URL=f"http://127.0.0.1:{proxy.port}",
        COUNSELLOR_CHAT_ID=str(COUNSELLOR_GROUP),
        COUNSELLORS_FILE=str(roster_file),
    )
    try:
        yield gateway, server, proxy
    finally:
        try:
            # What this test pushed is acknowledged before the session's gateway polls again.
            wait_for(lambda: fake_telegram.pending_updates() == 0, 15, "acknowledging every update", interval=0.02)
        finally:
            stop_gateway(gateway)
            proxy.close()
            server.stop()
            os.kill(telegram_gateway.process.pid, signal.SIGCONT)


def test_rasa_down_gets_a_localised_answer_and_the_counsellor_option_still_works(
    private_gateway,
    fake_telegram: FakeTelegram,
    catalog: ContentCatalog,  # type: ignore[no-untyped-def]
) -> None:
    _, _, proxy = private_gateway
    fake = fake_telegram
    mark = len(fake.calls)
    fake.push(group_message(COUNSELLOR_GROUP, LAYLA, "/on"))
    wait_group(fake, mark, lambda c: "Layla is on duty" in c.text)
    proxy.up = False
    user = 7001
    fake.push(message(user, "ما هو الطقس اليوم في امستردام", language_code="ar"))
    (down,) = fake.wait_for(user, 1)
    assert plain(down.text) == plain(catalog.render("error.unavailable", "ar").text)
    assert [b["callback_data"] for row in down.params["reply_markup"]["inline_keyboard"] for b in row] == ["h:share"]
    fake.push(callback(user, "h:share", language_code="ar"))
    wait_group(fake, mark, lambda c: "Request" in c.text and "Arabic" in c.text)
    assert plain(catalog.render("handoff.requested", "ar").text) in plain(fake.wait_for(user, 2)[1].text)
    proxy.up = True


def test_redis_down_answers_keep_coming_and_state_resumes(
    private_gateway,
    fake_telegram: FakeTelegram,
    catalog: ContentCatalog,  # type: ignore[no-untyped-def]
) -> None:
    _, server, _ = private_gateway
    fake = fake_telegram
    user = 7002
    fake.push(callback(user, "l:fa"))
    fake.wait_for(user, 2)
    server.process.send_signal(signal.SIGSTOP)  # Redis hangs: worse than refusing
    try:
        fake.push(callback(user, "i:healthcare_access", language_code="en"))
        answer = fake.wait_for(user, 3, timeout=40)[2]
        expected = catalog.render("healthcare_access.answer", "en").text  # no stored choice: the app's language
        assert plain(expected)[:40] in plain(answer.text)
    finally:
        server.process.send_signal(signal.SIGCONT)
    fake.push(callback(user, "i:healthcare_access", language_code="en"))
    again = fake.wait_for(user, 4, timeout=40)[3]
    assert plain(catalog.render("healthcare_access.answer", "fa").text)[:40] in plain(again.text)  # the choice is back


def test_redis_restarted_with_aof_loses_no_handoff(
    private_gateway,
    fake_telegram: FakeTelegram,  # type: ignore[no-untyped-def]
) -> None:
    _, server, _ = private_gateway
    fake = fake_telegram
    mark = len(fake.calls)
    fake.push(group_message(COUNSELLOR_GROUP, LAYLA, "/on"))
    wait_group(fake, mark, lambda c: "Layla is on duty" in c.text)
    _, card = request_counsellor(fake, 7003, "ar", "أريد التحدث مع مستشار")
    with redis.Redis.from_url(server.url) as client:
        client.bgrewriteaof()
        time.sleep(1)
    port = urlparse(server.url).port
    server.process.terminate()
    server.process.wait(10)
    restarted = RedisServer.start(appendonly=True, port=port, directory=server.directory)
    server.process = restarted.process
    mark = len(fake.calls)
    fake.push(group_callback(COUNSELLOR_GROUP, LAYLA, claim_data(card), card.result["message_id"]))
    wait_group(fake, mark, lambda c: "claimed by Layla" in c.text, timeout=60)


def test_a_gateway_killed_mid_update_answers_it_exactly_once_after_restart(
    private_gateway,
    fake_telegram: FakeTelegram,  # type: ignore[no-untyped-def]
) -> None:
    gateway, _, _ = private_gateway
    fake = fake_telegram
    user = 7004
    fake.push(message(user, QUESTION))
    deadline = time.monotonic() + 30
    while not fake.sent(user, "sendChatAction"):  # handling has started (typing...)
        assert time.monotonic() < deadline
        time.sleep(0.005)
    gateway.process.kill()  # kill -9, before the reply could be committed
    gateway.process.wait(10)
    gateway.restart()
    fake.wait_for(user, 1, timeout=60)
    time.sleep(3)
    assert len(fake.sent(user)) == 1


async def test_action_server_down_gets_a_graceful_answer(gateway, stack: Stack, catalog: ContentCatalog) -> None:  # type: ignore[no-untyped-def]
    """Rasa answers topics by itself; what needs the action server (asking back, the counsellor
    request) must still get a sensible reply while it is down, and work again once it is back."""
    actions = stack.processes["actions"]
    actions.terminate()
    actions.wait(15)
    user = User("tg", "fault-actions", "en")
    try:
        answer = await gateway.text(user, "can I see a doctor without papers?")
        assert plain(catalog.render("healthcare_access.answer", "en").text)[:40] in plain(answer[0].text)
        for text in ("qwzx vbnm plk", "I want to talk to a counsellor"):
            replies = await gateway.text(user, text)
            assert replies and all(r.text.strip() for r in replies), text
    finally:
        stack.spawn("actions", [PYTHON, "-m", "actions"])
        health = stack.action_url.replace("/webhook", "/health")
        wait_for(lambda: urllib.request.urlopen(health, timeout=2).status == 200, 60, "action server")
    replies = await gateway.text(user, "I want to talk to a counsellor")
    assert [b.data for row in replies[0].buttons for b in row] == ["h:share", "h:noshare"]
