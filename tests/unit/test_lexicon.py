"""The concept lexicon's matching rules (nlu/lexicon.py), which its editors rely on."""

from __future__ import annotations

import pytest

from nlu.lexicon import Lexicon, default_lexicon, question_part, question_tokens, tokens_for
from nlu.normalise import normalise


def _lexicon(**forms: list[str]) -> Lexicon:
    return Lexicon({concept: {normalise(w) for w in words} for concept, words in forms.items()})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("they will deport me", ["deport"]),
        ("I was deported last year", ["deport"]),  # a form may go on
        ("my ID is lost", ["passport"]),
        ("a good idea", []),  # three letters or fewer: whole words only
        ("dale pues", ["yes"]),
        ("xalk dalen la rojhalat", []),  # "dale$": whole word only
        ("بالطبيب", ["doctor"]),  # after an Arabic clitic
        ("Déportation", ["deport"]),  # case and accents do not matter
    ],
)
def test_matching_rules(text: str, expected: list[str]) -> None:
    lexicon = _lexicon(deport=["deport", "déportation"], passport=["id"], yes=["dale$"], doctor=["طبيب"])
    assert lexicon.concepts_in(text) == expected


def test_the_shipped_lexicon_loads_and_avoids_known_false_friends() -> None:
    lexicon = default_lexicon()
    assert "doctor" in lexicon.concepts_in("can I see a doctor without papers")
    # Forms that used to match words of other languages (found while writing training data).
    assert "menu" not in lexicon.concepts_in("این جوابها رو آدم مینویسه؟")  # Persian "writes", not Pashto "menu"
    assert "yes" not in lexicon.concepts_in("xalk dalen la rojhalat")  # Sorani "they say"
    assert "detention" not in lexicon.concepts_in("التذكرة محجوزة")  # "the ticket is booked"
    assert "coa_azc" not in lexicon.concepts_in("wie wordt kampioen")
    assert "hello" in lexicon.concepts_in("hola")
    assert "hello" not in lexicon.concepts_in("vivo en holanda")  # "hola$": whole word only


def test_an_unknown_concept_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "xx.yml").write_text("not_a_concept: [foo]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown concept"):
        Lexicon.load(tmp_path)


def test_concept_tokens_and_pairs_are_in_a_stable_order() -> None:
    assert tokens_for(["withdraw", "apply", "apply"]) == ["⟨apply⟩", "⟨withdraw⟩"]
    assert tokens_for(["withdraw", "flight", "apply"], pairs=True) == [
        "⟨apply⟩",
        "⟨flight⟩",
        "⟨withdraw⟩",
        "⟨apply_x_flight⟩",
        "⟨apply_x_withdraw⟩",
        "⟨flight_x_withdraw⟩",
    ]


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("my wife is sick and we have no papers, can she see a doctor?", "can she see a doctor?"),
        ("Can I see a doctor? My wife is sick.", "Can I see a doctor?"),  # the clause with "?"
        ("زوجتي مريضة، هل يمكنها رؤية طبيب؟", "هل يمكنها رؤية طبيب؟"),  # Arabic comma and "؟"
        ("ሰበይተይ ሓሚማ። ሓኪም ክትርኢ ትኽእል ድያ፧", "ሓኪም ክትርኢ ትኽእል ድያ፧"),  # Ethiopic full stop, "፧"
        ("I signed. now i want to stay", "now i want to stay"),  # no question mark: the last clause
        ("doctor?", None),  # one clause: no question part of its own
        ("can i see a doctor without papers", None),
        ("...?!", None),
        # Inside a number, an address or a time, a full stop, comma or colon ends no clause.
        ("how much is 2.000 euro for the ticket", None),
        ("I wrote to iomthehague@iom.int, will they answer?", "will they answer?"),
        ("they said come at 10:30. where is the office?", "where is the office?"),
    ],
)
def test_the_question_part_of_a_message(text: str, question: str | None) -> None:
    assert question_part(text) == question


def test_question_tokens_mark_the_question_concepts_and_words() -> None:
    assert question_tokens("Can she see a Doctor?", ["doctor", "can_i"]) == [
        "⟨q_can_i⟩",
        "⟨q_doctor⟩",
        "⟨qw_can⟩",
        "⟨qw_doctor⟩",
        "⟨qw_see⟩",
        "⟨qw_she⟩",
    ]
