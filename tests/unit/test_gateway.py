"""The platform-neutral pipeline, with a scripted Rasa (MockTransport) and an in-memory Redis."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from bot.app import build_gateway
from bot.gateway import Gateway, User
from bot.handoff.requests import HandoffRequest
from bot.state.keys import Keys
from tests.conftest import make_settings
from tests.unit.fakes import ScriptedRasa


@pytest.fixture
def rasa() -> ScriptedRasa:
    return ScriptedRasa()


@pytest.fixture
async def gateway(rasa, fake_redis, catalog, detector) -> AsyncIterator[Gateway]:
    async with rasa.client() as http:
        yield build_gateway(make_settings(), fake_redis, http, catalog=catalog, detector=detector)


USER = User("tg", 42, "en")


async def test_a_question_gets_the_topic_answer_with_source_and_date(gateway: Gateway, rasa: ScriptedRasa) -> None:
    replies = await gateway.text(USER, "can I see a doctor without papers?")
    assert len(replies) == 1
    text = replies[0].text
    assert "medically necessary care" in text
    assert "Source:" in text
    assert "28 November 2026" in text
    labels = [b.label for row in replies[0].buttons for b in row]
    assert "More details" in labels
    assert rasa.received[0]["metadata"] == {"language": "en"}
    assert "42" not in rasa.received[0]["sender"]


async def test_every_button_fits_telegram(gateway: Gateway) -> None:
    for replies in (
        await gateway.text(USER, "doctor please now"),
        await gateway.start(USER),
        await gateway.menu(USER),
        await gateway.button(USER, "m:return"),
    ):
        for reply in replies:
            for row in reply.buttons:
                for button in row:
                    assert len(button.data.encode()) <= 64
                    assert button.label


async def test_a_persian_question_is_answered_in_persian(gateway: Gateway, rasa: ScriptedRasa) -> None:
    replies = await gateway.text(User("tg", 7, "en"), "آیا میتونم بدون مدارک برم دکتر؟")
    assert rasa.received[-1]["metadata"] == {"language": "fa"}
    assert replies[0].language == "fa"
    # Someone who never chose a language keeps the one they write in.
    assert await gateway.language_of(User("tg", 7, "en")) == "fa"


async def test_a_chosen_language_is_kept_but_a_switch_is_offered(gateway: Gateway, rasa: ScriptedRasa) -> None:
    user = User("tg", 8, "en")
    await gateway.button(user, "l:en")
    replies = await gateway.text(user, "آیا میتونم بدون مدارک برم دکتر؟")
    assert rasa.received[-1]["metadata"] == {"language": "fa"}
    keep = replies[-1].buttons[0][0]
    assert keep.data == "l:fa"
    assert (await gateway.languages.get(gateway.pseudonym(user))).chosen == "en"


async def test_the_conversation_goes_on_in_the_language_of_the_last_question(
    gateway: Gateway, rasa: ScriptedRasa, fake_redis
) -> None:  # type: ignore[no-untyped-def]
    user = User("tg", 10, "en")
    await gateway.button(user, "l:so")
    await gateway.text(user, "¿puedo ir al médico sin papeles?")
    # The buttons under that Spanish answer, and an "ok", answer in Spanish, not in Somali.
    assert (await gateway.button(user, "i:return_options"))[0].language == "es"
    await gateway.text(user, "ok")
    assert rasa.received[-1]["metadata"] == {"language": "es"}
    # A second Spanish question is not offered "keep Spanish" again.
    replies = await gateway.text(user, "¿y si no tengo pasaporte para volver?")
    assert not any(b.data.startswith("l:") for r in replies for row in r.buttons for b in row)
    # The conversation language lapses after an hour without messages; the choice stays.
    key = Keys("mbtest").conversation_language(gateway.pseudonym(user))
    assert 0 < await fake_redis.ttl(key) <= 3600
    await fake_redis.delete(key)
    assert await gateway.language_of(user) == "so"


async def test_short_messages_never_flip_the_language(gateway: Gateway, rasa: ScriptedRasa) -> None:
    user = User("tg", 9, "fa")
    for text in ("ok", "?", "IOM", "👍"):
        await gateway.text(user, text)
        assert rasa.received[-1]["metadata"] == {"language": "fa"}


async def test_one_word_in_a_script_only_one_language_uses_is_enough(gateway: Gateway, rasa: ScriptedRasa) -> None:
    # Cyrillic is Russian and Ge'ez is Tigrinya among our languages: a misspelt greeting is answered in it.
    for user_id, text, language in ((13, "здраствуйте", "ru"), (14, "ሰላም", "ti")):
        await gateway.text(User("tg", user_id, "en"), text)
        assert rasa.received[-1]["metadata"] == {"language": language}
    # Still never from a word too short to tell, nor from one Arabic-script or Latin word.
    for text in ("ок", "ок ок", "سلام", "hallo"):
        await gateway.text(User("tg", 15, "en"), text)
        assert rasa.received[-1]["metadata"] == {"language": "en"}


async def test_users_cannot_inject_intents(gateway: Gateway, rasa: ScriptedRasa) -> None:
    await gateway.text(USER, '/restart{"x": 1}')
    assert not rasa.received[-1]["message"].startswith("/")


async def test_a_topic_button_is_answered_at_once_and_recorded_in_the_tracker(
    gateway: Gateway, rasa: ScriptedRasa
) -> None:
    replies = await gateway.button(USER, "i:return_options")
    assert "IOM" in replies[0].text
    await gateway.drain()
    assert rasa.received[-1]["message"] == "/return_options"


async def test_other_intent_buttons_go_to_rasa_without_nlu(gateway: Gateway, rasa: ScriptedRasa) -> None:
    await gateway.button(USER, "i:greet")
    assert rasa.received[-1]["message"] == "/greet"


async def test_unknown_intent_in_a_button_goes_to_the_menu(gateway: Gateway, rasa: ScriptedRasa) -> None:
    replies = await gateway.button(USER, "i:restart")
    assert rasa.received == []
    assert replies[0].buttons


async def test_more_details_and_menus_need_no_rasa(gateway: Gateway, rasa: ScriptedRasa) -> None:
    more = await gateway.button(USER, "more:healthcare_access")
    assert "CAK" in more[0].text
    group = await gateway.button(USER, "m:staying")
    assert any(b.data == "i:healthcare_access" for row in group[0].buttons for b in row)
    assert rasa.received == []


async def test_choosing_a_language_confirms_in_that_language(gateway: Gateway) -> None:
    replies = await gateway.button(USER, "l:fa")
    assert replies[0].language == "fa"
    assert await gateway.language_of(USER) == "fa"


async def test_clarification_offers_topics_and_a_counsellor(gateway: Gateway) -> None:
    replies = await gateway.text(USER, "hmm what about that thing")
    data = [b.data for row in replies[0].buttons for b in row]
    assert data[:2] == ["i:healthcare_access", "i:return_options"]
    assert "i:counsellor_request" in data


async def test_replies_that_did_not_understand_end_with_the_emergency_number(gateway: Gateway, catalog) -> None:
    # Someone in danger whose message was not understood, or who sent a voice message, sees 112 at once.
    user = User("tg", 12, "fa")
    await gateway.button(user, "l:fa")
    line = catalog.render("safety.emergency_line", "fa").text
    assert "112" in line
    assert line != catalog.render("safety.emergency_line", "en").text
    unsure = await gateway.text(user, "یه سوال داشتم در مورد اون موضوع قبلی")
    voice = await gateway.unsupported_media(user, "voice")
    sticker = await gateway.unsupported_media(user, "sticker")
    for reply in (unsure[0], voice[0], sticker[0]):
        assert reply.text.rstrip().endswith(line)
    answer = await gateway.button(user, "i:healthcare_access")
    assert line not in answer[0].text


async def test_rasa_down_gives_a_localised_apology(gateway: Gateway, rasa: ScriptedRasa) -> None:
    rasa.down = True
    replies = await gateway.text(User("tg", 10, "fa"), "ok ok")
    assert replies[0].language == "fa"
    assert "112" in replies[0].text


async def test_answers_not_yet_translated_say_so(gateway: Gateway, catalog) -> None:
    user = User("tg", 11, "ti")
    replies = await gateway.button(user, "i:healthcare_access")
    if catalog.is_translated("healthcare_access.answer", "ti"):
        pytest.skip("Tigrinya is translated now")
    assert "medically necessary care" in replies[0].text
    assert replies[0].text.index("not yet available") < replies[0].text.index("medically")


async def test_rtl_lines_start_right_to_left(gateway: Gateway, catalog) -> None:
    replies = await gateway.button(User("tg", 12, "ar"), "i:return_options")
    if not catalog.is_translated("return_options.answer", "ar"):
        pytest.skip("Arabic not translated yet")
    for line in replies[0].text.split("\n"):
        line = re.sub(r"<[^>]+>", "", line)
        if line and line[0].isascii():
            pytest.fail(f"line starts left-to-right: {line[:30]!r}")


async def test_forget_asks_first_then_erases_everything(gateway: Gateway, fake_redis) -> None:
    user = User("tg", 13, "en")
    await gateway.button(user, "l:fa")
    pseudonym = gateway.pseudonym(user)
    await fake_redis.set(f"mbtest:tracker:{pseudonym}", "{}", ex=60)
    await fake_redis.set(f"mbtest:somefeature:{pseudonym}:x", "1", ex=60)
    await fake_redis.set("mbtest:lang:someoneelse", "ar", ex=60)
    request = await gateway.handoff_requests.open(HandoffRequest(pseudonym, "fa"))
    confirm = await gateway.forget(user)
    assert [b.data for row in confirm[0].buttons for b in row] == ["f:yes", "f:no"]
    assert await fake_redis.exists(f"mbtest:lang:{pseudonym}")
    done = await gateway.button(user, "f:yes")
    assert done[0].language == "fa"
    assert [k async for k in fake_redis.scan_iter(f"*{pseudonym}*")] == []
    assert not await fake_redis.exists(f"mbtest:handoff:id:{request.id}")  # holds the pseudonym as its value
    assert await fake_redis.exists("mbtest:lang:someoneelse")


async def test_a_typed_yes_answers_the_question_just_asked(gateway: Gateway, fake_redis) -> None:
    user = User("tg", 14, "en")
    pseudonym = gateway.pseudonym(user)
    await gateway.button(user, "l:ar")
    await gateway.forget(user)
    assert await fake_redis.ttl(f"mbtest:question:{pseudonym}") > 0  # it expires
    assert await gateway.typed_answer(user, "نعم") == "f:yes"
    # Asked once, answered once: the next "yes" is a message like any other.
    assert await gateway.typed_answer(user, "نعم") is None
    await gateway.forget(user)
    assert await gateway.typed_answer(user, "no") == "f:no"
    await gateway.forget(user)
    assert await gateway.typed_answer(user, "can I see a doctor?") is None  # a new question
    await gateway.forget(user)
    await gateway.button(user, "m")  # a button leaves the question behind
    assert await gateway.typed_answer(user, "yes") is None


async def test_a_typed_yes_gives_consent_while_the_request_awaits_it(gateway: Gateway) -> None:
    user = User("tg", 15, "en")
    replies = await gateway.request_counsellor(user)
    assert {b.data for row in replies[0].buttons for b in row} >= {"h:share", "h:noshare"}
    await gateway.handoff_requests.open(HandoffRequest(gateway.pseudonym(user), "en"))  # as Rasa's action does
    assert await gateway.typed_answer(user, "yes") == "h:share"
    await gateway.request_counsellor(user)
    assert await gateway.typed_answer(user, "nee") == "h:noshare"
    await gateway.request_counsellor(user)
    await gateway.handoff_requests.delete(gateway.pseudonym(user))  # cancelled meanwhile
    assert await gateway.typed_answer(user, "yes") is None


async def test_privacy_answer_offers_deletion(gateway: Gateway) -> None:
    replies = await gateway.button(USER, "i:privacy")
    assert any(b.data == "f" for row in replies[0].buttons for b in row)
