"""The concept lexicon's matching rules (nlu/lexicon.py), which its editors rely on."""

from __future__ import annotations

import pytest

from nlu.lexicon import Lexicon, default_lexicon, greeting_end, question_part, question_tokens, tokens_for
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
        ("والطبيب", ["doctor"]),  # a clitic of three letters (and the)
        ("طبيبي", ["doctor"]),  # and goes on
        ("xطبيب", []),  # not inside another word
        ("they said no-deportation", ["deport"]),  # after a hyphen: a word starts
        ("no id.", ["passport"]),  # a whole word may end at punctuation
        ("the id_card", []),  # "_" is a letter of a word
        ("deport and id", ["deport", "passport"]),  # in the concepts' order
    ],
)
def test_matching_rules(text: str, expected: list[str]) -> None:
    lexicon = _lexicon(deport=["deport", "déportation"], passport=["id"], yes=["dale$"], doctor=["طبيب"])
    assert lexicon.concepts_in(text) == expected


def test_longest_only_drops_a_match_inside_a_longer_one_of_another_concept() -> None:
    lexicon = _lexicon(how=["chi kar konam"], work=["kar konam", "kar"], rejected=["rad shod"])
    text = "asylumam rad shod, chi kar konam?"
    assert lexicon.concepts_in(text) == ["how", "rejected", "work"]
    assert lexicon.concepts_in(text, longest_only=True) == ["how", "rejected"]
    # Not inside the longer match: still counted.
    assert lexicon.concepts_in("chi kar konam, kar peyda nemikonam", longest_only=True) == ["how", "work"]
    # The same concept's shorter form inside its longer one changes nothing.
    assert lexicon.concepts_in("mitunam kar konam", longest_only=True) == ["work"]


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
    assert "money" not in lexicon.concepts_in("coa'dan mektup geldi")  # Turkish "came", not "geld"
    # Found by `make lexicon-audit` (each language's forms matched on the others' examples).
    assert "money" not in lexicon.concepts_in("د ستنېدو لپاره کومې مرستې شته")  # Pashto "for", not Sorani "money"
    assert "money" in lexicon.concepts_in("پارەکەم نییە")  # Sorani "money" itself
    assert "return_home" in lexicon.concepts_in("دەمەوێت بگەڕێمەوە")  # Sorani's own verb prefix "ب"
    assert "money" not in lexicon.concepts_in("لە ماڵی هاوڕێیەکم دەژیم")  # Sorani "house", not Persian "financial"
    assert "emergency" not in lexicon.concepts_in("وێنەی پرۆفایلەکەم هەڵدەگرن؟")  # Sorani "picture", not Pashto "blood"


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


def test_the_trie_reads_as_the_documented_rules_say_on_real_messages() -> None:
    # The rules of the module docstring written as one regular expression per concept (how the
    # lexicon matched until the trie replaced it, 40 times slower): both must agree.
    import random
    import re
    from pathlib import Path

    from nlu import lexicon as module
    from nlu.examples import read_examples

    def pattern(form: str) -> str:
        word = form.removesuffix("$").removeprefix("^")
        some = module.SORANI_CLITICS if form.startswith("^") else module._ARABIC_CLITICS
        clitics = "(?:" + "|".join(some) + ")?"
        start = r"(?<!\w)" + (clitics if re.search("[\u0600-\u06ff]", word) and len(word) > 3 else "")
        end = r"(?!\w)" if len(word) <= 3 or form.endswith("$") else ""
        return f"(?:{start}{re.escape(word)}{end})"

    lexicon = default_lexicon()
    regexes = {c: re.compile("|".join(pattern(f) for f in forms)) for c, forms in sorted(lexicon.forms.items())}
    data = read_examples(Path(module.__file__).resolve().parent.parent / "data" / "nlu")
    texts = [t for intents in data.values() for examples in intents.values() for t in examples]
    rng = random.Random(7)
    sample = rng.sample(texts, 60) + ["".join(rng.sample(texts, 2)) for _ in range(20)]
    for text in sample:
        expected = [c for c, regex in regexes.items() if regex.search(normalise(text))]
        assert lexicon.concepts_in(text) == expected, text


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("salam, can I see a doctor without papers?", " can I see a doctor without papers?"),
        ("سڵاو، پۆلیس منی گرت، چی بکەم؟", " پۆلیس منی گرت، چی بکەم؟"),
        ("hola buenas, me rechazaron el asilo", " me rechazaron el asilo"),
        ("salam, how are you?", "salam, how are you?"),  # small talk after it: all a greeting
        ("salam aleikum can I see a doctor", " can I see a doctor"),
        ("hola buenas me rechazaron el asilo", " me rechazaron el asilo"),
        # not a greeting opening a longer message: left as it is
        ("salam!", "salam!"),
        ("salam, doctor?", "salam, doctor?"),
        ("can I see a doctor, salam", "can I see a doctor, salam"),
        ("ok, thanks a lot", "ok, thanks a lot"),
        ("salam doctor, where can I go?", " doctor, where can I go?"),
        ("salam how are", "salam how are"),
        ("السلام عليكم ورحمة الله", "السلام عليكم ورحمة الله"),  # all of it a greeting
        ("hallo ik ben nieuw hier", "hallo ik ben nieuw hier"),  # nothing asked after it
        ("good morning i have a question", "good morning i have a question"),  # one greeting of two words
        ("2.000 euro, is it a lot?", "2.000 euro, is it a lot?"),
    ],
)
def test_a_greeting_that_opens_a_longer_message(text: str, rest: str) -> None:
    assert text[greeting_end(text, default_lexicon()) :] == rest


def test_the_tokenizer_reads_the_message_after_its_greeting_but_trains_on_it_whole() -> None:
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from nlu.tokenizer import ConceptTokenizer

    tokenizer = ConceptTokenizer({**ConceptTokenizer.get_default_config(), "skip_greeting": True})
    (message,) = tokenizer.process([Message(data={TEXT: "Salam, can I see a doctor?"})])
    tokens = [t.text for t in message.get("text_tokens")]
    assert tokens[:5] == ["can", "i", "see", "a", "doctor"]
    assert "⟨hello⟩" not in tokens and "⟨doctor⟩" in tokens
    example = Message(data={TEXT: "Salam, can I see a doctor?", "intent": "healthcare_access"})
    tokenizer.process_training_data(TrainingData([example]))
    tokens = [t.text for t in example.get("text_tokens")]
    assert tokens[0] == "salam" and "⟨hello⟩" in tokens


@pytest.mark.parametrize(
    "text",
    [
        "my situation is difficult",
        "mijn situatie is moeilijk",
        "ma situation est difficile",
        "xaaladdaydu way adag tahay",
        "وضعیت من سخته",
        "durumum cok zor",
    ],
)
def test_my_situation_is_trouble_not_the_situation_in_a_country(text: str) -> None:
    # "my situation is difficult" had been read as news from the country of origin (news_info's
    # "situation"): the longer "my situation" form of `trouble` now wins.
    assert default_lexicon().concepts_in(text, longest_only=True) == ["trouble"]


def test_the_situation_in_a_country_is_still_news() -> None:
    lexicon = default_lexicon()
    assert "news_info" in lexicon.concepts_in("how is the situation in somalia now", longest_only=True)
    assert "news_info" in lexicon.concepts_in("xaaladda soomaaliya sidee tahay", longest_only=True)
    assert "trouble" not in lexicon.concepts_in("how is the situation in somalia now", longest_only=True)


def test_sorani_reads_the_same_typed_on_a_persian_keyboard() -> None:
    # Persian and Arabic keyboards have no ە ێ ۆ ڕ ڵ; people type ه ی و ر ل instead.
    assert normalise("دەتوانم بەبێ پاسپۆرت کار بکەم") == normalise("دهتوانم بهبی پاسپورت کار بکهم")
    assert normalise("هاوڕێکەم") == normalise("هاوریکهم")
    assert normalise("پۆلیس") == normalise("پولیس")


def test_french_elisions_typed_without_the_apostrophe() -> None:
    # "l'hôpital", "d'urgence", typed on a phone as "lhopital", "durgence".
    lexicon = default_lexicon()
    assert "hospital" in lexicon.concepts_in("je peux aller a lhopital sans papiers")
    assert "hospital" in lexicon.concepts_in("je peux aller a l'hôpital sans papiers")
    assert "lawyer" in lexicon.concepts_in("je veux parler a lavocat")
    assert "emergency" in lexicon.concepts_in("cest durgence")
    # Only French forms, and only before a vowel or an h.
    assert "hospital" not in lexicon.concepts_in("dhospital")


def test_turkish_endings_written_onto_abbreviations() -> None:
    # "AZC'den" with the apostrophe, "AZCden" without: both from the AZC.
    lexicon = default_lexicon()
    assert "coa_azc" in lexicon.concepts_in("AZCden çıkarıyorlar cuma günü nerede yatıcam")
    assert "coa_azc" in lexicon.concepts_in("AZC'den çıkarıyorlar")
    assert "ind" in lexicon.concepts_in("INDye başvurdum")
    # Only whole words of the short form and an ending; not in other words, not for small talk.
    assert "ind" not in lexicon.concepts_in("indirim var mi")
    assert "yes" not in lexicon.concepts_in("oka")


def test_someone_else_in_danger() -> None:
    # "My friend wants to kill himself": the lexicons had the first person only.
    lexicon = default_lexicon()
    for text in [
        "my friend says he wants to kill himself what do i do",
        "mi amigo dice que se quiere matar que hago",
        "ma soeur dit quelle veut mourir",
        "برادرم میخواد خودشو بکشه",
        "صاحبي بيقول بدو ينتحر هلأ شو لازم اعمل",
        "сестра говорит что хочет умереть",
    ]:
        assert "suicide" in lexicon.concepts_in(text), text
