"""Offline language detection (bot/i18n/detect.py), trained on data/nlu/ as the bot does."""

from __future__ import annotations

import pytest

from bot.i18n.detect import KEYBOARD_VARIANTS, LanguageDetector

SENTENCES = [
    ("en", "where can i sleep tonight, i have nowhere to go"),
    ("nl", "waar kan ik vannacht slapen, ik heb geen plek"),
    ("ar", "وين بقدر نام الليلة ما عندي مكان"),
    ("fa", "امشب کجا میتونم بخوابم جایی ندارم"),
    ("ckb", "ئەمشەو لە کوێ بخەوم، هیچ شوێنێکم نییە"),
    ("ti", "ሎሚ ለይቲ ኣበይ ክድቅስ እኽእል ቦታ የብለይን"),
    ("ru", "где мне спать сегодня ночью, мне некуда идти"),
]


@pytest.mark.parametrize(("language", "text"), SENTENCES, ids=[s[0] for s in SENTENCES])
def test_a_question_is_detected_in_its_language(detector: LanguageDetector, language: str, text: str) -> None:
    assert detector.detect(text).language == language


def test_short_messages_decide_nothing(detector: LanguageDetector) -> None:
    assert detector.detect("ok").language is None
    assert detector.detect("?").language is None


def test_sorani_typed_without_its_own_letters_is_still_sorani(detector: LanguageDetector) -> None:
    # On a Persian or Arabic keyboard, which lacks ە ێ ۆ ڕ ڵ: taken for Persian before (held-out
    # 20% of seed 13: 18% detected as Sorani; with examples written that way, 99%).
    for _, text in [s for s in SENTENCES if s[0] == "ckb"]:
        typed = text.translate(KEYBOARD_VARIANTS["ckb"])
        assert typed != text
        assert detector.detect(typed).language == "ckb", typed
    assert detector.detect("دەتوانم بەبێ پاسپۆرت کار بکەم".translate(KEYBOARD_VARIANTS["ckb"])).language == "ckb"
