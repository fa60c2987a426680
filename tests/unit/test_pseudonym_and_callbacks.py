from __future__ import annotations

import pytest

from bot import callbacks
from bot.pseudonym import Pseudonymizer


def test_pseudonyms_are_stable_keyed_and_opaque() -> None:
    a = Pseudonymizer(b"k" * 32)
    b = Pseudonymizer(b"j" * 32)
    assert a("tg", 12345) == a("tg", 12345)
    assert a("tg", 12345) != a("tg", 12346)
    assert a("tg", 12345) != b("tg", 12345)
    assert a("tg", 12345) != a("console", 12345)
    assert "12345" not in a("tg", 12345)
    assert len(a("tg", 12345)) == 32


def test_short_secrets_are_refused() -> None:
    with pytest.raises(ValueError, match="32"):
        Pseudonymizer(b"short")


@pytest.mark.parametrize("data", ["i:healthcare_access", "more:return_options", "m", "m:return", "l:fa", "h:share"])
def test_valid_callbacks_round_trip(data: str) -> None:
    parsed = callbacks.parse(data)
    assert parsed is not None
    assert parsed.encode() == data


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "x",
        "i:",
        "i:Robert'); DROP",
        "i:" + "a" * 70,
        "l:fa:1",
        "m:../../etc",
        'i:greet{"a":1}',
        "\u202ei:x",
    ],
)
def test_malformed_callbacks_are_none(data: str | None) -> None:
    assert callbacks.parse(data) is None
