"""The training data keeps the rules of issue #4: every intent in every language, enough examples,
no example written twice, none copied unchanged from one language into another."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from bot.i18n.languages import SUPPORTED_LANGUAGES
from nlu.examples import read_examples, same_example

NLU = Path(__file__).resolve().parents[2] / "data" / "nlu"
MIN_EXAMPLES = 15


ALL = read_examples(NLU)


def test_one_file_per_supported_language() -> None:
    assert sorted(ALL) == sorted(SUPPORTED_LANGUAGES)


@pytest.mark.parametrize("language", sorted(ALL))
def test_every_intent_has_enough_examples(language: str) -> None:
    intents = set().union(*(set(by_intent) for by_intent in ALL.values()))
    short = {i: len(ALL[language].get(i, [])) for i in intents if len(ALL[language].get(i, [])) < MIN_EXAMPLES}
    assert not short, f"{language}: fewer than {MIN_EXAMPLES} examples: {short}"


@pytest.mark.parametrize("language", sorted(ALL))
def test_no_example_is_written_twice(language: str) -> None:
    seen: dict[str, str] = {}
    twice = []
    for intent, texts in ALL[language].items():
        for text in texts:
            key = same_example(text)
            if key in seen:
                twice.append(f"{text!r} in {seen[key]} and {intent}")
            seen[key] = intent
    assert not twice, "\n".join(twice)


def test_no_example_is_copied_into_another_language() -> None:
    # Words that are the same everywhere (IOM, DT&V, "ok") are allowed; whole sentences are not.
    where: dict[str, set[str]] = collections.defaultdict(set)
    for language, by_intent in ALL.items():
        for texts in by_intent.values():
            for text in texts:
                if len(same_example(text).split()) >= 3:
                    where[same_example(text)].add(language)
    copied = {text: sorted(langs) for text, langs in where.items() if len(langs) > 1}
    assert not copied, copied


def test_the_new_user_probes_stay_apart_from_the_training_data() -> None:
    # tests/probes/ measures how new users' messages are understood (`make new-user-probe`):
    # copied into the training data, a probe would only measure the model's memory.
    probes = Path(__file__).resolve().parents[1] / "probes"
    intents = set().union(*(set(by_intent) for by_intent in ALL.values()))
    trained = {same_example(t) for by_intent in ALL.values() for texts in by_intent.values() for t in texts}
    rows = [
        line.split("\t", 1) for path in sorted(probes.glob("*/*.tsv")) for line in path.read_text("utf-8").splitlines()
    ]
    assert len(rows) > 1000
    assert {intent for intent, _ in rows} <= intents
    assert [text for _, text in rows if same_example(text) in trained] == []
    assert {path.stem for path in probes.glob("*/*.tsv")} == set(SUPPORTED_LANGUAGES)
