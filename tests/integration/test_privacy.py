"""Privacy end to end: /forget leaves nothing behind, and no log holds what users wrote or who
they are. The real gateway process, the fake Bot API, the real Rasa, action server and Redis."""

from __future__ import annotations

import time

import pytest
import redis

from bot.pseudonym import Pseudonymizer
from tests.fake_telegram import FakeTelegram
from tests.integration.conftest import (
    COUNSELLOR_GROUP,
    LAYLA,
    GatewayProcess,
    claim_data,
    group_calls,
    request_counsellor,
    wait_group,
)
from tests.integration.telegram_updates import callback, group_callback, group_message, message
from tests.stack import Stack


def _values(client: redis.Redis, key: bytes) -> list[bytes]:
    """Everything stored under a key, whatever its type."""
    kind = client.type(key)
    if kind == b"string":
        return [client.get(key) or b""]
    if kind == b"hash":
        return [b for pair in client.hgetall(key).items() for b in pair]
    if kind == b"list":
        return client.lrange(key, 0, -1)
    if kind == b"set":
        return list(client.smembers(key))
    if kind == b"zset":
        return client.zrange(key, 0, -1)
    if kind == b"stream":
        return [b for _, fields in client.xrange(key) for pair in fields.items() for b in pair]
    return []


def _traces(stack: Stack, needles: list[str]) -> list[str]:
    """Keys (with the stack's prefix) whose name or content contains any needle."""
    client = redis.Redis.from_url(stack.redis_url)
    found = []
    try:
        for key in client.scan_iter(match=f"{stack.env['REDIS_PREFIX']}*", count=1000):
            blobs = [key, *_values(client, key)]
            for needle in needles:
                if any(needle.encode() in blob for blob in blobs):
                    found.append(f"{key.decode(errors='replace')} holds {needle}")
    finally:
        client.close()
    return found


@pytest.mark.parametrize("answer", ["button", "typed"])
def test_forget_erases_everything_including_the_group_transcript(
    on_duty: None, telegram_gateway: GatewayProcess, fake_telegram: FakeTelegram, stack: Stack, answer: str
) -> None:
    fake = fake_telegram
    user = 918273645 if answer == "button" else 918273646
    fake.push(message(user, "can I see a doctor without papers?"))
    fake.wait_for(user, 1)
    _, card = request_counsellor(fake, user, "ar", "أريد التحدث مع مستشار")
    request_id = claim_data(card).split(":", 1)[1]
    if answer == "typed":  # in a conversation with a counsellor: a typed "yes" is not relayed
        mark = len(fake.calls)
        fake.push(group_callback(COUNSELLOR_GROUP, LAYLA, claim_data(card), card.result["message_id"]))
        wait_group(fake, mark, lambda c: "claimed by Layla" in c.text)
        fake.wait_for(user, 4)  # answer, counsellor intro, place in the queue, Layla is here
    pseudonym = Pseudonymizer(stack.env["PSEUDONYM_SECRET"].encode())("tg", user)
    assert _traces(stack, [pseudonym]), "the test must first see the user's state"

    before = len(fake.sent(user))
    fake.push(message(user, "/forget"))
    confirm = fake.wait_for(user, before + 1)[before]
    assert "f:yes" in str(confirm.params["reply_markup"])
    # People type "yes" as often as they tap the button.
    mark = len(fake.calls)
    fake.push(callback(user, "f:yes") if answer == "button" else message(user, "نعم"))
    fake.wait_for(user, before + 2)
    deleted = fake.wait_for(COUNSELLOR_GROUP, 1, method="deleteMessage")
    assert card.result["message_id"] in [int(c.params["message_id"]) for c in deleted]
    assert not any("نعم" in c.text for c in group_calls(fake, mark))  # not relayed to the counsellor

    # The confirmation itself passes through the outbox: give the sender a moment to finish.
    deadline = time.monotonic() + 10
    while (left := _traces(stack, [pseudonym, request_id, str(user)])) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert left == []


CANARIES = {
    "text": "zyxcanarytext",
    "first_name": "Zyxcanaryfirst",
    "username": "zyxcanary_username",
    "phone": "31612398765",
}


def test_no_log_holds_text_names_ids_phone_numbers_or_the_token(
    on_duty: None, telegram_gateway: GatewayProcess, fake_telegram: FakeTelegram, stack: Stack
) -> None:
    fake = fake_telegram
    user = 987650001
    person = {
        "id": user,
        "is_bot": False,
        "first_name": CANARIES["first_name"],
        "last_name": CANARIES["first_name"],
        "username": CANARIES["username"],
        "language_code": "en",
    }
    chat = {"id": user, "type": "private", "first_name": CANARIES["first_name"], "username": CANARIES["username"]}

    def say(text: str | None, **extra: object) -> None:
        before = len(fake.sent(user))
        fake.push(message(user, text, **{"from": person, "chat": chat, **extra}))
        fake.wait_for(user, before + 1)

    say(f"{CANARIES['text']} can I see a doctor without papers?")  # an answer
    say(f"{CANARIES['text']} qwxz vbnm")  # a clarifying question or out of scope
    say(None, contact={"phone_number": f"+{CANARIES['phone']}", "first_name": CANARIES["first_name"]})
    before = len(fake.sent(user))
    fake.push(callback(user, f"zz:{CANARIES['text']}"))  # forged callback data: the menu
    fake.wait_for(user, before + 1)
    # A handoff: the user's words are relayed to the group, a counsellor answers.
    mark = len(fake.calls)
    _, card = request_counsellor(fake, user, "ar", f"{CANARIES['text']} أريد التحدث مع مستشار")
    fake.push(group_callback(COUNSELLOR_GROUP, LAYLA, claim_data(card), card.result["message_id"]))
    wait_group(fake, mark, lambda c: "claimed by Layla" in c.text)
    before = len(fake.sent(user))
    fake.push(message(user, f"{CANARIES['text']} relayed", **{"from": person, "chat": chat}))
    relayed = wait_group(fake, mark, lambda c: f"{CANARIES['text']} relayed" in c.text)
    fake.push(
        group_message(COUNSELLOR_GROUP, LAYLA, f"{CANARIES['text']} reply", reply_to=relayed.result["message_id"])
    )
    fake.wait_for(user, before + 1)
    fake.push(group_message(COUNSELLOR_GROUP, LAYLA, "/done", reply_to=relayed.result["message_id"]))
    fake.wait_for(user, before + 3)
    time.sleep(1)  # let every process flush its log

    logs = sorted(stack.logs.glob("*.log"))
    assert any(p.name.startswith("gateway") for p in logs) and any(p.name.startswith("rasa") for p in logs)
    needles = [*CANARIES.values(), str(user), fake.token, fake.token.split(":", 1)[1]]
    leaks = [
        f"{path.name}: {needle}" for path in logs for needle in needles if needle in path.read_text(errors="replace")
    ]
    assert leaks == []
