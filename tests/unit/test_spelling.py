"""nlu/spelling.py: a word typed with one error is read as the known word it stands for."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.lexicon import Lexicon
from nlu.spelling import SpellingCorrector, one_edit_apart
from nlu.tokenizer import SPELLED, ConceptTokenizer

TRAINING = [
    "kan ik naar de dokter zonder papieren?",
    "is de dokter gratis?",
    "ce bot est gratuit",
    "آیا می‌توانم بدون مدارک به دکتر بروم؟",
    "вы сотрудничаете с полицией?",
    "ሓኪም ክረክብ ይኽእል ድየ",
]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("zoder", "zonder", True),  # a letter dropped
        ("zonnder", "zonder", True),  # doubled
        ("grautit", "gratuit", True),  # neighbours swapped
        ("doktet", "dokter", True),  # replaced
        ("dokter", "dokter", False),  # the same word is no error
        ("dktre", "dokter", False),  # two errors
        ("gtaruit", "gratuit", False),  # not neighbours
    ],
)
def test_one_edit_apart(a: str, b: str, expected: bool) -> None:
    assert one_edit_apart(a, b) is expected
    assert one_edit_apart(b, a) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kan ik naar de dokter zoder papieren?", "Kan ik naar de dokter zonder papieren?"),
        ("is het grautit", "is het gratuit"),
        (
            "آیا می‌توانم بدون مدارک به دکتر بروم؟",
            "آیا می‌توانم بدون مدارک به دکتر بروم؟",
        ),  # nothing to correct: as it was
        ("بدون مدارگ", "بدون مدارک"),
        # A corrected word is normalised, as the tokenizer reads it; the rest stays as typed.
        ("Вы сотрудничаетее с полицией?", "Вы сотрудничаете с полицией?"),
        ("آیا می‌توانم بدون مدارگ", "آیا می‌توانم بدون مدارک"),  # the zero-width non-joiner stays
        ("ሓኪም ክረክክብ", "ሓኪም ክረክብ"),
        ("Kandahar", "Kandahar"),  # unknown, with no known word one error away: as it was
        ("dktr", "dktr"),  # two errors: left alone
    ],
)
def test_correct(text: str, expected: str) -> None:
    assert SpellingCorrector.learn(TRAINING * 2).correct(text) == expected


def test_short_words_and_words_the_lexicon_knows_are_left_alone() -> None:
    lexicon = Lexicon({"deport": {"deport"}})
    corrector = SpellingCorrector.learn(["they will deport me", "the bed is free"] * 2, lexicon)
    assert corrector.word("bad") is None  # three letters: too many neighbours
    assert corrector.word("deported") is None  # the lexicon reads it already
    assert corrector.word("deportt") is None
    assert corrector.word("wiil") == "will"


def test_with_two_known_words_one_error_away_it_does_not_guess() -> None:
    corrector = SpellingCorrector.learn(["kill", "kill", "kilos", "kilos", "papers", "papers"])
    assert corrector.word("kills") is None  # "kill" or "kilos"?
    assert corrector.word("papes") == "papers"


def test_several_known_words_that_are_one_concept_give_the_most_frequent() -> None:
    lexicon = Lexicon({"doctor": {"dokter", "doktor"}, "money": {"kilo"}})
    corrector = SpellingCorrector.learn(["dokter"] * 2 + ["doktor"] * 3 + ["kill", "kill", "kilos", "kilos"], lexicon)
    assert corrector.word("doktr") == "doktor"
    assert corrector.word("kills") is None  # "kill" is no concept, "kilos" money


def test_of_several_known_words_one_far_more_common_is_the_one_meant() -> None:
    corrector = SpellingCorrector.learn(["help"] * 10 + ["hello"] * 2 + ["kill"] * 8 + ["kilos"] * 2)
    assert corrector.word("hellp") == "help"  # seen 5 times as often as "hello"
    assert corrector.word("kills") is None  # 4 times as often: no guess


def test_a_word_of_a_phrase_of_the_lexicon_is_left_alone() -> None:
    # "no kiero vivir" (I don't want to live) is a form of suicide: "kiero" is no typo of the
    # Somali "kiro" (rent).
    lexicon = Lexicon({"suicide": {"no kiero vivir"}})
    corrector = SpellingCorrector.learn(["kiro", "kiro"], lexicon)
    assert corrector.correct("ya no kiero vivir") == "ya no kiero vivir"
    assert SpellingCorrector.learn(["kiro", "kiro"]).correct("ya no kiero vivir") == "ya no kiro vivir"


def test_the_lexicons_words_are_known_too() -> None:
    lexicon = Lexicon({"suicide": {"zende basham"}, "doctor": {"doctor"}})
    corrector = SpellingCorrector.learn(["my papers", "my papers"], lexicon)
    assert corrector.correct("dige nemikham zendee basham") == "dige nemikham zende basham"
    assert corrector.word("doctor") is None  # known, though no training example has it


def test_a_word_seen_once_is_no_correction() -> None:
    # It may be a typo itself, or a rare word.
    assert SpellingCorrector.learn(["the letter", "my papers", "my papers"]).word("lettter") is None
    assert SpellingCorrector.learn(["the letter", "my papers", "my papers"]).word("paperss") == "papers"


def test_the_first_letter_is_not_corrected() -> None:
    corrector = SpellingCorrector.learn(["zeggen", "zeggen"])
    assert corrector.word("leggen") is None


def test_the_tokenizer_reads_the_corrected_word_but_the_message_keeps_the_users_text(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    config = {**ConceptTokenizer.get_default_config(), "spelling": True}
    context = ExecutionContext(GraphSchema({}), node_name="tokenizer")
    trainer = ConceptTokenizer.create(config, storage, Resource("tokenizer"), context)
    resource = trainer.train(
        TrainingData([Message(data={TEXT: f"{t} {n}", "intent": "a"}) for t in TRAINING for n in (1, 2)])
    )
    tokenizer = ConceptTokenizer.load(config, storage, resource, context)
    (message,) = tokenizer.process([Message(data={TEXT: "Kan ik naar de doktre zoder papieren?"})])
    tokens = [t.text for t in message.get("text_tokens")]
    assert tokens[:7] == ["kan", "ik", "naar", "de", "dokter", "zonder", "papieren"]
    assert "⟨doctor⟩" in tokens
    assert message.get(TEXT) == "Kan ik naar de doktre zoder papieren?"
    # What the model read is in the parse result, for the dialogue (dialogue/follow_up.py).
    assert message.as_dict(only_output_properties=True)[SPELLED] == "Kan ik naar de dokter zonder papieren?"
    # Without the setting nothing is learned or corrected.
    plain = {**ConceptTokenizer.get_default_config()}
    resource = ConceptTokenizer.create(plain, storage, Resource("plain"), context).train(TrainingData([]))
    tokenizer = ConceptTokenizer.load(plain, storage, resource, context)
    (message,) = tokenizer.process([Message(data={TEXT: "zoder papieren"})])
    assert next(t.text for t in message.get("text_tokens")) == "zoder"
