"""End to end on Telegram's side: the real gateway process polls a fake Bot API owned by the
tests, with the real Rasa server, action server and Redis behind it."""

from __future__ import annotations

import html
import itertools
import re
import time
import unicodedata

import httpx

from bot.i18n.catalog import ContentCatalog
from bot.i18n.checks import html_problems
from bot.i18n.languages import SUPPORTED_LANGUAGES, is_rtl, native_name
from tests.fake_telegram import FakeTelegram
from tests.integration.conftest import GatewayProcess
from tests.integration.telegram_updates import STICKER, VOICE, callback, message

# "Can I see a doctor without papers?" as people write it, in every language (none of these is
# a training example).
QUESTIONS = {
    "en": "can I see a doctor without papers?",
    "nl": "kan ik zonder papieren naar de dokter?",
    "fr": "est-ce que je peux voir un médecin sans papiers ?",
    "es": "¿puedo ir al médico sin papeles?",
    "ar": "بدون اوراق هل اقدر اروح للدكتور",
    "fa": "آیا بدون مدارک میتونم پیش دکتر برم؟",
    "ps": "ایا زه بې اسنادو ډاکټر ته تللی شم؟",
    "ckb": "دەتوانم بەبێ بەڵگەنامە بچمە لای دکتۆر؟",
    "ti": "ብዘይ ወረቐት ናብ ሓኪም ክኸይድ ይኽእል ድየ?",
    "so": "miyaan u tagi karaa dhakhtar anigoo aan waraaqo haysan?",
    "tr": "kağıtsız doktora gidebilir miyim?",
    "ru": "могу ли я пойти к врачу без документов?",
}


def plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text)).replace("\u200f", "")


def first_direction(line: str) -> str | None:
    """The direction Telegram gives a line: that of its first strong character (RLM included)."""
    for char in re.sub(r"<[^>]+>", "", line):
        if unicodedata.bidirectional(char) in ("L", "R", "AL"):
            return unicodedata.bidirectional(char)
    return None


def buttons(call) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    markup = call.params.get("reply_markup") or {}
    return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]


def test_onboarding_greets_in_the_app_language_and_offers_every_language(
    telegram_gateway: GatewayProcess, fake_telegram: FakeTelegram, catalog: ContentCatalog
) -> None:
    user = 5001
    fake_telegram.push(message(user, "/start", language_code="ar"))
    greeting, privacy, picker = fake_telegram.wait_for(user, 3)
    assert plain(catalog.render("start.greeting", "ar").text)[:40] in plain(greeting.text)
    days = int(telegram_gateway.env["DATA_TTL_DAYS"])
    assert plain(privacy.text) == plain(catalog.render("start.privacy", "ar", retention_days=days).text)
    assert [label for label, _ in buttons(picker)] == [native_name(code) for code in SUPPORTED_LANGUAGES]
    assert all(call.params.get("parse_mode") == "HTML" for call in (greeting, privacy, picker))
    fake_telegram.push(callback(user, "l:fa", language_code="ar"))
    changed, menu = fake_telegram.wait_for(user, 5)[3:]
    assert plain(changed.text) == plain(catalog.render("language.changed", "fa").text)
    assert [data for _, data in buttons(menu)] == ["m:return", "m:staying", "m:help", "i:counsellor_request"]
    assert fake_telegram.sent(method="answerCallbackQuery")


def test_a_question_in_every_language_gets_a_sourced_dated_answer_in_that_language(
    telegram_gateway: GatewayProcess, fake_telegram: FakeTelegram, catalog: ContentCatalog
) -> None:
    assert sorted(QUESTIONS) == sorted(SUPPORTED_LANGUAGES)
    topic = catalog.topics["healthcare_access"]
    users = {language: 5100 + offset for offset, language in enumerate(QUESTIONS)}
    for language, question in QUESTIONS.items():  # new users; Telegram says nothing of their language
        fake_telegram.push(message(users[language], question, language_code=None))
    for language, user in users.items():
        (answer,) = fake_telegram.wait_for(user, 1)
        expected = catalog.render("healthcare_access.answer", language)
        assert expected.language == language, f"healthcare_access is not translated into {language}"
        assert plain(expected.text)[:50] in plain(answer.text), language
        # Its source and the date it was last checked, in the language's own date format.
        assert catalog.format_date(topic.checked, language) in answer.text, language
        # Its sources, as translated for the language (names stay as written).
        sources = [catalog.render(f"source.{key}", language).text for key in topic.sources]
        assert all(html.escape(source) in answer.text for source in sources), language
        # What Telegram's HTML parser accepts; right-to-left lines start right-to-left.
        assert answer.params["parse_mode"] == "HTML" and not html_problems(answer.text), language
        if is_rtl(language):
            assert all(first_direction(line) in ("R", "AL", None) for line in answer.text.split("\n")), language
        assert "i:mental_health" in [d for _, d in buttons(answer)], language
        assert fake_telegram.sent(user, "sendChatAction")


def test_buttons_go_straight_to_the_topic(
    telegram_gateway: GatewayProcess, fake_telegram: FakeTelegram, catalog: ContentCatalog
) -> None:
    user = 5200
    fake_telegram.push(callback(user, "m:staying"))
    (group,) = fake_telegram.wait_for(user, 1)
    assert "i:detention" in [d for _, d in buttons(group)]
    fake_telegram.push(callback(user, "i:detention"))
    answer = fake_telegram.wait_for(user, 2)[1]
    assert plain(catalog.render("detention.answer", "en").text)[:50] in plain(answer.text)
    fake_telegram.push(callback(user, "more:detention"))
    more = fake_telegram.wait_for(user, 3)[2]
    assert plain(catalog.render("detention.more", "en").text)[:40] in plain(more.text)


def test_a_very_long_message_gets_an_answer(telegram_gateway: GatewayProcess, fake_telegram: FakeTelegram) -> None:
    user = 5300
    fake_telegram.push(message(user, "I need a doctor please. " * 420))  # over 10,000 characters
    (answer,) = fake_telegram.wait_for(user, 1)
    assert answer.text


def test_voice_notes_and_stickers_get_a_polite_answer(
    telegram_gateway: GatewayProcess, fake_telegram: FakeTelegram, catalog: ContentCatalog
) -> None:
    user = 5400
    fake_telegram.push(message(user, None, language_code="fa", **VOICE))
    (voice,) = fake_telegram.wait_for(user, 1)
    # A voice note may be a cry for help the bot cannot hear: the reply ends with the emergency number.
    emergency = plain(catalog.render("safety.emergency_line", "fa").text)
    assert plain(voice.text).startswith(plain(catalog.render("media.voice", "fa").text))
    assert plain(voice.text).endswith(emergency)
    fake_telegram.push(message(user, None, language_code="fa", **STICKER))
    sticker = fake_telegram.wait_for(user, 2)[1]
    assert plain(sticker.text).startswith(plain(catalog.render("media.other", "fa").text))
    assert plain(sticker.text).endswith(emergency)


def test_a_duplicate_update_is_answered_once(telegram_gateway: GatewayProcess, fake_telegram: FakeTelegram) -> None:
    user = 5500
    update = message(user, "can I see a doctor without papers?")
    update_id = fake_telegram.push(update)
    fake_telegram.wait_for(user, 1)
    fake_telegram.push({**update, "update_id": update_id})  # Telegram delivering it again
    time.sleep(2.5)
    assert len(fake_telegram.sent(user)) == 1


def test_flood_control_429_is_waited_out_and_nothing_is_lost_or_reordered(
    telegram_gateway: GatewayProcess, fake_telegram: FakeTelegram
) -> None:
    user = 5600
    fake_telegram.fail_next("sendMessage", times=2, retry_after=1)
    started = time.monotonic()
    fake_telegram.push(message(user, "/start"))
    calls = fake_telegram.wait_for(user, 3, timeout=40)
    assert time.monotonic() - started >= 2.0  # two refusals of one second each were respected
    assert "not</b> the IND" in calls[0].text
    assert "🔒" in calls[1].text
    assert buttons(calls[2])


def test_replies_keep_the_order_of_the_questions_and_the_chat_limit(
    telegram_gateway: GatewayProcess, fake_telegram: FakeTelegram
) -> None:
    user = 5700
    for data in ("i:detention", "i:police_check", "i:legal_aid"):
        fake_telegram.push(callback(user, data))
    calls = fake_telegram.wait_for(user, 3)
    assert [c.text.split("\n")[0] for c in calls] == [
        "<b>Can I be locked up?</b>",
        "<b>If the police stop me</b>",
        "<b>Free legal help</b>",
    ]
    gaps = [b.at - a.at for a, b in itertools.pairwise(calls)]
    assert min(gaps) >= 0.9  # at most one message a second in a private chat


def test_messages_in_groups_are_ignored(telegram_gateway: GatewayProcess, fake_telegram: FakeTelegram) -> None:
    update = message(5800, "doctor?")
    update["message"]["chat"] = {"id": -100777, "type": "supergroup", "title": "somewhere"}
    fake_telegram.push(update)
    fake_telegram.push(message(5801, "/start"))  # a marker: once this is answered, the group one was handled
    fake_telegram.wait_for(5801, 3)
    assert fake_telegram.sent(-100777) == []


def test_metrics_count_by_language_and_topic_without_personal_data(
    telegram_gateway: GatewayProcess, fake_telegram: FakeTelegram
) -> None:
    user = 5900
    question = "آیا بدون مدارک میتونم پیش دکتر برم؟"
    fake_telegram.push(message(user, question, language_code="fa"))
    fake_telegram.wait_for(user, 1)
    port = telegram_gateway.env["METRICS_PORT"]
    pattern = r'bot_answers_total\{language="fa",topic="healthcare_access"\} (\d+)'
    deadline = time.monotonic() + 10
    while not re.search(pattern, exposition := httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text):
        assert time.monotonic() < deadline, exposition
        time.sleep(0.2)
    assert 'bot_messages_total{kind="text",language="fa"}' in exposition
    assert "bot_reply_seconds_bucket" in exposition and "bot_handoff_requests_total" in exposition
    # Label values are closed sets (numbers elsewhere are sums and counts, which may hold any digits).
    labels = set(re.findall(r'="([^"]*)"', exposition))
    assert str(user) not in labels and "دکتر" not in exposition


def test_an_edited_question_is_answered_as_corrected(
    telegram_gateway: GatewayProcess, fake_telegram: FakeTelegram, catalog: ContentCatalog
) -> None:
    user = 5950
    first = message(user, "qwzx")
    fake_telegram.push(first)
    fake_telegram.wait_for(user, 1)
    edited = {**first["message"], "text": "can I see a doctor without papers?", "edit_date": int(time.time())}
    fake_telegram.push({"edited_message": edited})
    answer = fake_telegram.wait_for(user, 2)[1]
    assert plain(catalog.render("healthcare_access.answer", "en").text)[:50] in plain(answer.text)
