"""Property-based: random, hostile or broken updates never crash the gateway, and a user who
writes always gets an answer."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update

from bot.app import build_gateway
from bot.telegram_app import build_application
from tests.conftest import make_settings
from tests.unit.fakes import ScriptedRasa
from tests.unit.telegram_offline import RecordingRequest

_ids = itertools.count(10_000)

HOSTILE = st.sampled_from(
    [
        "\u202e\u200f\u200b\u200d\ufeff",  # bidi overrides and zero-width characters
        "مرحبا \u202a hello \u202c شكرا",
        "\x00\x01\x07\x1b[31m",
        "😀" * 50,
        "/start@other_bot",
        '/restart{"x":1}',
        "<b>unclosed & <script>",
        "%(iom_phone)s %s %d {0}",
        "a" * 10_000,
        "ሰላም " * 300,
    ]
)
TEXT = st.one_of(HOSTILE, st.text(min_size=1, max_size=300))
CALLBACK = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["i:", "i:restart", "more:x", "l:de", "h:rate_9", "f:maybe", "c:", "m:../../"]),
)


def user(language_code: str | None) -> dict:  # type: ignore[type-arg]
    return {
        "id": 4242,
        "is_bot": False,
        "first_name": "X",
        **({"language_code": language_code} if language_code else {}),
    }


@pytest.fixture
async def app_and_request(fake_redis, catalog, detector):  # type: ignore[no-untyped-def]
    request = RecordingRequest()
    async with ScriptedRasa().client() as http:
        settings_ = make_settings(telegram_token="123:TEST")
        application = build_application(
            settings_, build_gateway(settings_, fake_redis, http, catalog=catalog, detector=detector), request=request
        )
        async with application:
            yield application, request


async def process(application, update: dict) -> None:  # type: ignore[no-untyped-def, type-arg]
    await application.process_update(Update.de_json(json.loads(json.dumps(update)), application.bot))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT, language_code=st.sampled_from([None, "en", "ar", "fa-AF", "xx", "zh-hans"]))
async def test_any_text_gets_an_answer(app_and_request, text: str, language_code: str | None) -> None:  # type: ignore[no-untyped-def]
    application, request = app_and_request
    before = len(request.sent())
    message = {
        "message_id": next(_ids),
        "date": 0,
        "chat": {"id": 4242, "type": "private"},
        "from": user(language_code),
        "text": text,
    }
    await process(application, {"update_id": next(_ids), "message": message})
    assert len(request.sent()) > before
    for sent in request.sent()[before:]:
        assert 0 < len(sent["text"]) <= 4096


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=CALLBACK)
async def test_any_button_data_gets_an_answer(app_and_request, data: str) -> None:  # type: ignore[no-untyped-def]
    application, request = app_and_request
    before = len(request.sent())
    query = {
        "id": str(next(_ids)),
        "from": user("en"),
        "chat_instance": "1",
        "data": data,
        "message": {"message_id": next(_ids), "date": 0, "chat": {"id": 4242, "type": "private"}, "text": "x"},
    }
    await process(application, {"update_id": next(_ids), "callback_query": query})
    assert len(request.sent()) > before


@pytest.mark.parametrize(
    "extra",
    [
        {"dice": {"emoji": "🎲", "value": 3}},
        {"venue": {"location": {"latitude": 1.0, "longitude": 2.0}, "title": "x", "address": "y"}},
        {"something_telegram_adds_next_year": {"a": 1}},
    ],
)
async def test_unknown_message_kinds_get_an_answer(app_and_request, extra: dict) -> None:  # type: ignore[no-untyped-def, type-arg]
    application, request = app_and_request
    message = {
        "message_id": next(_ids),
        "date": 0,
        "chat": {"id": 4242, "type": "private"},
        "from": user("en"),
        **extra,
    }
    await process(application, {"update_id": next(_ids), "message": message})
    assert request.sent()


async def test_update_types_without_a_user_are_ignored_quietly(app_and_request) -> None:  # type: ignore[no-untyped-def]
    application, request = app_and_request
    await process(application, {"update_id": next(_ids), "my_chat_member": {"chat": {"id": 1, "type": "private"}, "from": user(None), "date": 0,
        "old_chat_member": {"status": "member", "user": user(None)}, "new_chat_member": {"status": "kicked", "user": user(None), "until_date": 0}}})  # fmt: skip
    assert request.sent() == []
