"""The training data keeps the rules of issue #4: every intent in every language, enough examples,
no example written twice, none copied unchanged from one language into another."""

from __future__ import annotations

import collections
import re
from pathlib import Path

import pytest
import yaml

from bot.i18n.languages import SUPPORTED_LANGUAGES

NLU = Path(__file__).resolve().parents[2] / "data" / "nlu"
MIN_EXAMPLES = 15


def _examples(path: Path) -> dict[str, list[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    result: dict[str, list[str]] = collections.defaultdict(list)
    for block in data.get("nlu") or []:
        for line in str(block.get("examples") or "").splitlines():
            if line.strip().startswith("- "):
                result[block["intent"]].append(line.strip()[2:].strip())
    return result


def _key(text: str) -> str:
    # Case, punctuation and spacing do not make two examples different.
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


ALL = {path.stem: _examples(path) for path in sorted(NLU.glob("*.yml"))}


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
            key = _key(text)
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
                if len(_key(text).split()) >= 3:
                    where[_key(text)].add(language)
    copied = {text: sorted(langs) for text, langs in where.items() if len(langs) > 1}
    assert not copied, copied
