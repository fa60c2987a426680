"""Offline language detection for the 12 supported languages, learned from our own NLU data.

A character n-gram naive Bayes model (1- to 4-grams, add-k smoothing) trained on the examples in
``data/nlu/<lang>.yml``: no download, a few MB of memory, well under a millisecond per message.
Script decides first where it can (Ge'ez is Tigrinya here, Cyrillic is Russian); the model
separates languages that share a script (Arabic/Persian/Pashto/Sorani; the Latin-script ones,
including Arabic and Persian typed in Latin letters, which count as Arabic and Persian).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

NGRAM_SIZES = (1, 2, 3, 4)
SMOOTHING = 0.1
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Detection:
    language: str | None  # None when the text is too short or the model is unsure
    confidence: float  # posterior probability of ``language`` (0 if None)
    words: int


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    # Digits, punctuation and emoji say nothing about the language.
    return " ".join(_WORD.findall("".join(c if not c.isdigit() else " " for c in text)))


def _ngrams(text: str) -> Iterable[str]:
    padded = f" {text} "
    for n in NGRAM_SIZES:
        for i in range(len(padded) - n + 1):
            gram = padded[i : i + n]
            if gram.strip():
                yield gram


def script_of(text: str) -> str:
    """The dominant script: 'latin', 'arabic', 'cyrillic', 'ethiopic' or 'other'."""
    counts: Counter[str] = Counter()
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        for script in ("LATIN", "ARABIC", "CYRILLIC", "ETHIOPIC"):
            if name.startswith(script):
                counts[script.lower()] += 1
                break
        else:
            counts["other"] += 1
    return counts.most_common(1)[0][0] if counts else "other"


class LanguageDetector:
    def __init__(self, counts: Mapping[str, Counter[str]], scripts: Mapping[str, set[str]]) -> None:
        self._languages = sorted(counts)
        self._scripts = scripts
        self._log_prob: dict[str, dict[str, float]] = {}
        self._unseen: dict[str, float] = {}
        vocabulary = set().union(*counts.values()) if counts else set()
        for language, grams in counts.items():
            total = sum(grams.values()) + SMOOTHING * (len(vocabulary) + 1)
            self._log_prob[language] = {g: math.log((c + SMOOTHING) / total) for g, c in grams.items()}
            self._unseen[language] = math.log(SMOOTHING / total)

    @classmethod
    def train(cls, examples: Mapping[str, Iterable[str]]) -> LanguageDetector:
        counts: dict[str, Counter[str]] = {}
        scripts: dict[str, set[str]] = {}
        for language, texts in examples.items():
            grams: Counter[str] = Counter()
            for text in texts:
                normalised = _normalise(text)
                grams.update(_ngrams(normalised))
                scripts.setdefault(script_of(normalised), set()).add(language)
            counts[language] = grams
        return cls(counts, scripts)

    @classmethod
    def from_nlu_dir(cls, directory: Path) -> LanguageDetector:
        return cls.train(read_nlu_examples(directory))

    def scores(self, text: str) -> dict[str, float]:
        """Posterior probability per language (candidates limited by the text's script)."""
        normalised = _normalise(text)
        grams = list(_ngrams(normalised))
        candidates = sorted(self._scripts.get(script_of(normalised), set())) or self._languages
        if not grams:
            return {}
        log_scores = {}
        for language in candidates:
            table, unseen = self._log_prob[language], self._unseen[language]
            log_scores[language] = sum(table.get(g, unseen) for g in grams)
        top = max(log_scores.values())
        # Dividing by the n-gram count tempers naive Bayes' overconfidence on long texts.
        scale = max(1.0, len(grams) / 12)
        exp = {lang: math.exp((s - top) / scale) for lang, s in log_scores.items()}
        total = sum(exp.values())
        return {lang: v / total for lang, v in sorted(exp.items(), key=lambda kv: -kv[1])}

    def detect(self, text: str, *, min_words: int = 2, min_letters: int = 6, threshold: float = 0.8) -> Detection:
        normalised = _normalise(text)
        words = len(normalised.split())
        if words < min_words or sum(c.isalpha() for c in normalised) < min_letters:
            return Detection(None, 0.0, words)
        scores = self.scores(text)
        if not scores:
            return Detection(None, 0.0, words)
        language, confidence = next(iter(scores.items()))
        if confidence < threshold:
            return Detection(None, confidence, words)
        return Detection(language, confidence, words)


def read_nlu_examples(directory: Path) -> dict[str, list[str]]:
    """Examples per language from data/nlu/<lang>.yml (the file name is the language)."""
    examples: dict[str, list[str]] = {}
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        texts = examples.setdefault(path.stem, [])
        for block in data.get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    texts.append(line[2:].strip())
    return examples
