"""Handoff end to end: a migrant reaches a counsellor who speaks their language, through the
real gateway process, the fake Bot API, the real Rasa (its action records the request) and Redis."""

from __future__ import annotations

import html
import re
import time
from pathlib import Path

from bot.i18n.catalog import ContentCatalog
from tests.fake_telegram import FakeTelegram
from tests.integration.conftest import (
    COUNSELLOR_GROUP,
    LAYLA,
    OMAR,
    REFUSED,
    ROSTER,
    GatewayProcess,
    claim_data,
    group_calls,
    request_counsellor,
    wait_group,
    write_roster,
)
from tests.integration.telegram_updates import VOICE, callback, group_callback, group_message, message

GROUP = COUNSELLOR_GROUP
STRANGER = 999


def plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text)).replace("\u200f", "")


def test_the_full_cycle_in_arabic(on_duty: None, fake_telegram: FakeTelegram, catalog: ContentCatalog) -> None:
    fake = fake_telegram
    user = 6001
    fake.push(message(user, "بدون اوراق هل اقدر اروح للدكتور", language_code="ar"))  # a question first
    fake.wait_for(user, 1)
    (intro, queued), card = request_counsellor(fake, user, "ar", "أريد التحدث مع مستشار")
    assert plain(catalog.render("handoff.intro", "ar").text)[:40] in plain(intro.text)
    assert plain(catalog.render("handoff.queue_position", "ar", position=1).text) in plain(queued.text)
    # The card: a pseudonym, never the user's name or id; language; topics; the shared transcript.
    assert "Amal" not in card.text and "amal_test" not in card.text and str(user) not in card.text
    assert "Arabic" in card.text and "Doctor and healthcare" in card.text
    assert "بدون اوراق" in card.text  # the transcript, in the language it was written
    assert f"tg://user?id={LAYLA}" in card.text  # counsellors who speak Arabic are mentioned
    data = claim_data(card)
    card_id = card.result["message_id"]

    mark = len(fake.calls)
    fake.push(group_callback(GROUP, STRANGER, data, card_id))
    time.sleep(1.5)
    refused = [c for c in fake.calls[mark:] if c.method == "answerCallbackQuery"]
    assert refused and "Only counsellors" in str(refused[0].params.get("text"))
    assert len(fake.sent(user)) == 3

    fake.push(group_callback(GROUP, LAYLA, data, card_id))
    wait_group(fake, mark, lambda c: "claimed by Layla" in c.text)
    claimed = fake.wait_for(user, 4)[3]
    assert "Layla" in claimed.text

    # The user's text and voice note go to the counsellor, not to Rasa.
    mark = len(fake.calls)
    fake.push(message(user, "عندي سؤال عن المدرسة", language_code="ar"))
    relayed = wait_group(fake, mark, lambda c: "عندي سؤال عن المدرسة" in c.text)
    fake.push(message(user, None, language_code="ar", **VOICE))
    copied = wait_group(fake, mark, lambda c: c.method == "copyMessage")
    assert int(copied.params["from_chat_id"]) == user
    assert len(fake.sent(user)) == 4  # the bot stayed quiet

    # The counsellor's text and voice note go to the user, under her name.
    fake.push(group_message(GROUP, LAYLA, "أهلا، كيف أستطيع مساعدتك؟", reply_to=relayed.result["message_id"]))
    answer = fake.wait_for(user, 5)[4]
    assert "Layla" in answer.text and "كيف أستطيع مساعدتك" in answer.text
    fake.push(group_message(GROUP, LAYLA, None, reply_to=relayed.result["message_id"], **VOICE))
    copy_to_user = fake.wait_for(user, 1, method="copyMessage")[0]
    assert int(copy_to_user.params["from_chat_id"]) == GROUP

    # A note stays in the group; /send delivers the bot's answer in the user's language.
    before = len(fake.sent(user))
    fake.push(group_message(GROUP, LAYLA, "/note seems worried about school", reply_to=relayed.result["message_id"]))
    wait_group(fake, mark, lambda c: "Note kept" in c.text)
    fake.push(group_message(GROUP, LAYLA, "/send healthcare_access", reply_to=relayed.result["message_id"]))
    sent = fake.wait_for(user, before + 1)[before]
    assert plain(catalog.render("healthcare_access.answer", "ar").text)[:40] in plain(sent.text)
    assert not any("worried" in c.text for c in fake.sent(user))

    # /done: the user is told, can rate, and the bot answers questions again.
    fake.push(group_message(GROUP, LAYLA, "/done", reply_to=relayed.result["message_id"]))
    ended = fake.wait_for(user, before + 3)[before + 1]
    assert plain(catalog.render("handoff.ended", "ar").text) in plain(ended.text)
    fake.push(message(user, "بدون اوراق هل اقدر اروح للدكتور", language_code="ar"))
    again = fake.wait_for(user, before + 4)[before + 3]
    assert plain(catalog.render("healthcare_access.answer", "ar").text)[:40] in plain(again.text)


def test_a_typed_yes_to_the_consent_question_shares_like_the_button(
    on_duty: None, fake_telegram: FakeTelegram, catalog: ContentCatalog
) -> None:
    user = 6010
    (_, queued), card = request_counsellor(fake_telegram, user, "ar", "أريد التحدث مع مستشار", typed="نعم")
    assert plain(catalog.render("handoff.queue_position", "ar", position=1).text) in plain(queued.text)
    assert "Arabic" in card.text and "the user agreed to share it" in card.text


def test_two_counsellors_claiming_at_once(on_duty: None, fake_telegram: FakeTelegram) -> None:
    fake = fake_telegram
    _, card = request_counsellor(fake, 6002, "ar", "أريد التحدث مع مستشار")
    mark = len(fake.calls)
    data, card_id = claim_data(card), card.result["message_id"]
    fake.push(group_callback(GROUP, LAYLA, data, card_id))
    fake.push(group_callback(GROUP, OMAR, data, card_id))
    wait_group(fake, mark, lambda c: "claimed by" in c.text)
    time.sleep(2)
    assert len([c for c in group_calls(fake, mark) if "claimed by" in c.text]) == 1
    answers = [str(c.params.get("text")) for c in fake.calls[mark:] if c.method == "answerCallbackQuery"]
    assert any("Already claimed" in a for a in answers)


def test_a_gateway_restart_in_the_middle_of_a_handoff_loses_nothing(
    on_duty: None, telegram_gateway: GatewayProcess, fake_telegram: FakeTelegram
) -> None:
    fake = fake_telegram
    user = 6003
    _, card = request_counsellor(fake, user, "ar", "أريد التحدث مع مستشار")
    mark = len(fake.calls)
    fake.push(group_callback(GROUP, OMAR, claim_data(card), card.result["message_id"]))
    wait_group(fake, mark, lambda c: "claimed by Omar" in c.text)
    telegram_gateway.restart()
    fake.push(message(user, "هل ما زلت هنا؟", language_code="ar"))
    relayed = wait_group(fake, mark, lambda c: "هل ما زلت هنا" in c.text)
    fake.push(group_message(GROUP, OMAR, "نعم، أنا هنا", reply_to=relayed.result["message_id"]))
    deadline = time.monotonic() + 30
    while not any("نعم، أنا هنا" in c.text for c in fake.sent(user)):
        assert time.monotonic() < deadline, "the counsellor's answer did not arrive after the restart"
        time.sleep(0.1)


def test_out_of_hours_the_user_can_leave_a_message(
    telegram_gateway: GatewayProcess, fake_telegram: FakeTelegram, roster_file: Path, catalog: ContentCatalog
) -> None:
    fake = fake_telegram
    user = 6004
    write_roster(
        telegram_gateway, roster_file, ROSTER.replace("office_hours: always", 'office_hours:\n  sun: ["03:00-03:01"]')
    )
    try:
        fake.push(message(user, "أريد التحدث مع مستشار", language_code="ar"))
        fake.wait_for(user, 1)
        mark = len(fake.calls)
        fake.push(callback(user, "h:share", language_code="ar"))
        closed = fake.wait_for(user, 2)[1]
        assert "03:00" in closed.text  # the next opening time, in the user's language
        datas = [b["callback_data"] for row in closed.params["reply_markup"]["inline_keyboard"] for b in row]
        assert "h:leave" in datas
        assert not group_calls(fake, mark)
        fake.push(callback(user, "h:leave", language_code="ar"))
        fake.wait_for(user, 3)
        fake.push(message(user, "أحتاج مساعدة بخصوص العودة إلى السودان", language_code="ar"))
        saved = fake.wait_for(user, 4)[3]
        assert plain(catalog.render("handoff.message_saved", "ar").text) in plain(saved.text)
        wait_group(fake, mark, lambda c: "Message left out of hours" in c.text)
        wait_group(fake, mark, lambda c: "أحتاج مساعدة بخصوص العودة" in c.text)
    finally:
        write_roster(telegram_gateway, roster_file, ROSTER)


def test_a_broken_roster_file_is_refused_and_the_old_one_stays(
    on_duty: None, telegram_gateway: GatewayProcess, fake_telegram: FakeTelegram, roster_file: Path
) -> None:
    write_roster(telegram_gateway, roster_file, "counsellors: [{id: abc}]\n", outcome=REFUSED)
    try:
        _, card = request_counsellor(fake_telegram, 6005, "ar", "أريد التحدث مع مستشار")
        assert f"tg://user?id={LAYLA}" in card.text
        assert "REFUSED" in telegram_gateway.log_text()
    finally:
        write_roster(telegram_gateway, roster_file, ROSTER)
