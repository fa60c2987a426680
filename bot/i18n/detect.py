"""Offline language detection for the 12 supported languages, learned from our own NLU data.

A linear SVM on character (1-3) and word n-grams, trained on the examples in
``data/nlu/<lang>.yml`` (plus ``nlu/langid/other.txt``, text in languages we do not support,
so those can be recognised as such): no download, about a second to train, a fraction of a
millisecond per message. The script decides the candidates: Ge'ez means Tigrinya, Cyrillic
means Russian, Arabic script means Arabic, Persian, Pashto or Sorani; Latin script may be any
(Arabic and Persian typed in Latin letters count as Arabic and Persian).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, make_union
from sklearn.svm import LinearSVC

from nlu.examples import read_examples
from nlu.normalise import SORANI_ON_PERSIAN_KEYBOARD

OTHER = "other"  # a language we do not support
_WORD = re.compile(r"\w+", re.UNICODE)
SCRIPTS = ("latin", "arabic", "cyrillic", "ethiopic")
MIN_LETTERS_OWN_SCRIPT = 3  # a short message in a script of one language needs a word this long


@dataclass(frozen=True)
class Detection:
    language: str | None  # None when the text is too short or the model is unsure; "other" if unsupported
    margin: float  # how far the best language is ahead of the next one (0 if None)
    words: int


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    # Digits, punctuation and emoji say nothing about the language.
    return " ".join(_WORD.findall("".join(c if not c.isdigit() else " " for c in text)))


def scripts_in(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            counts[next((s for s in SCRIPTS if name.startswith(s.upper())), "other")] += 1
    return counts


class LanguageDetector:
    def __init__(
        self, model: tuple[FeatureUnion, LinearSVC], languages: list[str], by_script: Mapping[str, set[str]]
    ) -> None:
        self._model = model
        self._languages = languages
        self._by_script = by_script

    @classmethod
    def train(cls, examples: Mapping[str, Iterable[str]]) -> LanguageDetector:
        texts: list[str] = []
        labels: list[str] = []
        by_script: dict[str, set[str]] = {}
        for language, items in sorted(examples.items()):
            for text in _with_keyboard_variants(language, items):
                normalised = _normalise(text)
                if not normalised:
                    continue
                texts.append(normalised)
                labels.append(language)
                # A language belongs to a non-Latin script if its examples use that script.
                for script in scripts_in(normalised):
                    if script != "latin":
                        by_script.setdefault(script, set()).add(language)
        features = make_union(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True),
            TfidfVectorizer(analyzer="word", sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"),
        )
        classifier = LinearSVC(C=1.0, random_state=0)
        classifier.fit(features.fit_transform(texts), labels)
        return cls((features, classifier), list(classifier.classes_), by_script)

    @classmethod
    def from_nlu_dir(cls, directory: Path, other: Path | None = None) -> LanguageDetector:
        examples = read_nlu_examples(directory)
        other = other or directory.parent.parent / "nlu" / "langid" / "other.txt"
        if other.exists():
            examples[OTHER] = [
                line.strip()
                for line in other.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")
            ]
        return cls.train(examples)

    def scores(self, text: str) -> dict[str, float]:
        """Decision score per candidate language (only languages written in the text's script)."""
        normalised = _normalise(text)
        if not normalised:
            return {}
        features, classifier = self._model
        values = classifier.decision_function(features.transform([normalised]))[0]
        candidates = self._candidates(normalised)
        scored = {
            lang: float(v) for lang, v in zip(self._languages, np.atleast_1d(values), strict=True) if lang in candidates
        }
        return dict(sorted(scored.items(), key=lambda kv: -kv[1]))

    def _candidates(self, normalised: str) -> set[str]:
        # Any letter of a non-Latin script decides: "عنوان IOM Den Haag" is Arabic-script text.
        scripts = {s for s in scripts_in(normalised) if s != "latin"}
        candidates: set[str] = set()
        for script in scripts:
            candidates |= self._by_script.get(script, {OTHER})
        return candidates | ({OTHER} if scripts - set(self._by_script) else set()) or set(self._languages)

    def detect(self, text: str, *, min_words: int = 2, min_letters: int = 6, min_margin: float = 0.25) -> Detection:
        normalised = _normalise(text)
        words = len(normalised.split())
        short = words < min_words or sum(c.isalpha() for c in normalised) < min_letters
        # A short text may still be unmistakable: one word in Cyrillic or Ge'ez ("здраствуйте",
        # "ሰላም") can only be Russian or Tigrinya among our languages. It decides if the model
        # agrees (and does not take it for Ukrainian or Amharic); Latin or Arabic script does not.
        only = self._only_language_of_script(normalised) if short else None
        if short and (only is None or _longest_word(normalised) < MIN_LETTERS_OWN_SCRIPT):
            return Detection(None, 0.0, words)
        ranked = list(self.scores(text).items())
        if not ranked:
            return Detection(None, 0.0, words)
        margin = ranked[0][1] - (ranked[1][1] if len(ranked) > 1 else -1.0)
        if margin < min_margin or (only is not None and ranked[0][0] != only):
            return Detection(None, margin, words)
        return Detection(ranked[0][0], margin, words)

    def _only_language_of_script(self, normalised: str) -> str | None:
        """The supported language, if the text's letters are all in a script only it uses."""
        scripts = set(scripts_in(normalised))
        if len(scripts) != 1:
            return None
        supported = self._by_script.get(scripts.pop(), set()) - {OTHER}
        return next(iter(supported)) if len(supported) == 1 else None


# Letters of a language that many of its speakers' phones lack, and what they type instead.
# Sorani typed on a Persian or Arabic keyboard has no ە ێ ۆ ڕ ڵ; without its own examples
# written that way, such a message was taken for Persian more often than for Sorani.
KEYBOARD_VARIANTS = {"ckb": str.maketrans(SORANI_ON_PERSIAN_KEYBOARD)}


def _with_keyboard_variants(language: str, texts: Iterable[str]) -> Iterable[str]:
    """The texts, and each as typed without the language's own letters, where that differs."""
    table = KEYBOARD_VARIANTS.get(language)
    for text in texts:
        yield text
        if table is not None and text.translate(table) != text:
            yield text.translate(table)


def _longest_word(text: str) -> int:
    return max((sum(c.isalpha() for c in word) for word in text.split()), default=0)


def read_nlu_examples(directory: Path) -> dict[str, list[str]]:
    """Examples per language from data/nlu/<lang>.yml (the file name is the language)."""
    return {
        lang: [t for texts in by_intent.values() for t in texts] for lang, by_intent in read_examples(directory).items()
    }
