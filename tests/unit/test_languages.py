from __future__ import annotations

import pytest

from bot.i18n.languages import SUPPORTED_LANGUAGES, fallback_chain, is_rtl, join_list, native_name, resolve


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("fa-AF", "fa"),
        ("FA", "fa"),
        ("prs", "fa"),
        ("en-GB", "en"),
        ("ckb", "ckb"),
        ("de", None),
        (None, None),
        ("", None),
        ("x!", None),
    ],
)
def test_resolve(code: str | None, expected: str | None) -> None:
    assert resolve(code) == expected


def test_fallback_chain_goes_through_the_language_to_english() -> None:
    assert fallback_chain("fa-AF") == ["fa_AF", "fa", "en"]
    assert fallback_chain("en") == ["en"]
    assert fallback_chain("ar") == ["ar", "en"]


def test_every_language_has_a_name_in_its_own_script() -> None:
    names = {code: native_name(code) for code in SUPPORTED_LANGUAGES}
    assert names["ar"] == "العربية"
    assert names["ru"] == "Русский"
    assert "ትግርኛ" in names["ti"]
    assert len(set(names.values())) == len(SUPPORTED_LANGUAGES)


def test_direction() -> None:
    assert [c for c in SUPPORTED_LANGUAGES if is_rtl(c)] == ["ar", "fa", "ps", "ckb"]


def test_lists_are_joined_in_the_language_s_own_way() -> None:
    # CLDR has no list pattern for Sorani: not root's "A, B, C" but the Arabic comma and "and".
    assert join_list(["IOM", "DT&V", "IND"], "ckb") == "IOM، DT&V و IND"
    assert join_list(["IOM", "DT&V"], "ckb") == "IOM و DT&V"
    assert join_list(["IOM"], "ckb") == "IOM"
    assert join_list(["IOM", "DT&V", "IND", "CAK"], "ckb") == "IOM، DT&V، IND و CAK"
    # Elsewhere CLDR's own.
    assert join_list(["IOM", "DT&V", "IND"], "en") == "IOM, DT&V and IND"
    assert join_list(["IOM", "DT&V", "IND"], "ps") == "IOM، DT&V، او IND"
