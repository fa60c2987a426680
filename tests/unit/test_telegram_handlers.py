"""Telegram handlers offline: real Update objects through the real Application, no network."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
from telegram.ext import Application

from bot.app import build_gateway
from bot.telegram_app import build_application
from tests.conftest import make_settings
from tests.unit.fakes import ScriptedRasa
from tests.unit.telegram_offline import RecordingRequest, callback_update, message_update


@pytest.fixture
def request_() -> RecordingRequest:
    return RecordingRequest()


@pytest.fixture
async def app(request_, fake_redis, catalog, detector) -> AsyncIterator[Application]:
    rasa = ScriptedRasa()
    settings = make_settings(telegram_token="123:TEST")
    async with rasa.client() as http:
        gateway = build_gateway(settings, fake_redis, http, catalog=catalog, detector=detector)
        application = build_application(settings, gateway, request=request_)
        async with application:
            yield application


async def test_start_greets_shows_privacy_and_languages(app: Application, request_: RecordingRequest) -> None:
    await app.process_update(message_update(app.bot, "/start", language_code="en"))
    sent = request_.sent()
    assert len(sent) == 3
    assert "not</b> the IND" in sent[0]["text"]
    assert "30 days" in sent[1]["text"]
    assert all(m["parse_mode"] == "HTML" for m in sent)
    buttons = [b["text"] for row in sent[2]["reply_markup"]["inline_keyboard"] for b in row]
    assert "العربية" in buttons
    assert "Soomaali" in buttons


async def test_text_shows_typing_then_answers(app: Application, request_: RecordingRequest) -> None:
    await app.process_update(message_update(app.bot, "where is a doctor"))
    names = [name for name, _ in request_.calls if name != "getMe"]
    assert names[0] == "sendChatAction"
    assert "medically necessary care" in request_.sent()[0]["text"]


async def test_typing_is_renewed_while_an_answer_takes_long_and_stops_before_it(
    app: Application, request_: RecordingRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.handlers.common.TYPING_RENEW_SECONDS", 0.05)
    gateway = app.bot_data["gateway"]
    answer = gateway.text

    async def slow_answer(user, text):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0.3)  # Rasa under load
        return await answer(user, text)

    monkeypatch.setattr(gateway, "text", slow_answer)
    await app.process_update(message_update(app.bot, "where is a doctor"))
    names = [name for name, _ in request_.calls if name in ("sendChatAction", "sendMessage")]
    assert names.count("sendChatAction") >= 3
    assert names[-1] == "sendMessage" and names.count("sendMessage") == 1


async def test_button_press_is_acknowledged_and_answered(app: Application, request_: RecordingRequest) -> None:
    await app.process_update(callback_update(app.bot, "more:healthcare_access"))
    assert request_.sent("answerCallbackQuery")
    assert "CAK" in request_.sent()[0]["text"]


async def test_malformed_callback_data_gets_the_menu(app: Application, request_: RecordingRequest) -> None:
    await app.process_update(callback_update(app.bot, "i:restart;{}"))
    assert request_.sent()[0]["reply_markup"]["inline_keyboard"]


@pytest.mark.parametrize(
    "extra",
    [
        {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}},
        {
            "sticker": {
                "file_id": "s",
                "file_unique_id": "s",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            }
        },
        {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]},
        {"location": {"latitude": 52.0, "longitude": 4.0}},
    ],
)
async def test_non_text_gets_a_polite_answer(app: Application, request_: RecordingRequest, extra) -> None:
    await app.process_update(message_update(app.bot, None, extra=extra, language_code="en"))
    sent = request_.sent()
    assert len(sent) == 1
    assert "type your question" in sent[0]["text"]


async def test_group_messages_are_ignored(app: Application, request_: RecordingRequest) -> None:
    await app.process_update(message_update(app.bot, "doctor?", chat_type="supergroup"))
    assert request_.sent() == []


async def test_an_update_stuck_past_the_deadline_gets_an_apology_not_silence(
    app: Application, fake_redis, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.delivery.service import TelegramService

    service = TelegramService(app, fake_redis, make_settings(telegram_token="123:TEST"))
    service.update_deadline = 0.2
    gateway = app.bot_data["gateway"]

    async def stuck(user, text):  # type: ignore[no-untyped-def]
        await asyncio.sleep(3600)

    monkeypatch.setattr(gateway, "text", stuck)
    update = message_update(app.bot, "where is a doctor", user_id=77)
    with caplog.at_level(logging.ERROR, logger="bot.delivery.service"):
        calls = await service.process(update.to_dict())
    assert [(c.chat_id, c.method) for c in calls] == [(77, "sendMessage")]
    assert "something went wrong" in calls[0].params["text"]
    # The log says where the update waited (code, not the message).
    (record,) = [r for r in caplog.records if "not handled within" in r.getMessage()]
    assert "stuck" in record.getMessage() and "doctor" not in record.getMessage()
