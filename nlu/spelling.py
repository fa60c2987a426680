"""Typing errors: a word the model never saw, one letter away from one it knows, is read as that one.

People type fast on a phone: "zoder papieren", "grautit", "docor". Such a word is unknown to the
model, so its words and most of its character n-grams say nothing, and the lexicon's concept
("⟨doctor⟩") is lost too. One typo in a held-out message cost 10 points of answered right
(`make typo-probe`). The corrector knows the words of the training examples and of the lexicon
(normalised, nlu/normalise.py) and reads an unknown word of four letters or more as the known
word one edit away (a letter dropped, added, replaced, or two neighbours swapped, not the first
letter), if there is exactly one such word seen at least twice, or several that are one concept
of the lexicon ("doktr": "dokter" or "doktor"), or of several one far more common than the
others ("hellp": "help", not "hello"). It leaves alone a word the lexicon already understands
(its forms match word starts, so "deportation" is known through "deport"), a word with no known
neighbour and one with several meanings none of which is far more common ("kills": "kill" or
"kilos"?).

Found with symmetric deletes (as SymSpell): each known word is indexed under itself and every
form with one letter deleted; an unknown word's candidates are the words indexed under it or
under one of its own one-letter deletions, then checked for being one edit away.
"""

from __future__ import annotations

import collections
import re
from collections.abc import Iterable

import regex

from nlu.lexicon import Lexicon
from nlu.normalise import normalise

MIN_LENGTH = 4  # shorter words have too many neighbours one letter away ("bed", "bad", "bid")
# A word seen once in training may be a typo itself, or a rare word a new word is not likely to be.
MIN_COUNT = 2
# Of several known words one error away, one seen this many times as often as any other is the
# one meant ("hellp": "help" 159 times, "hello" 6). Measured on the held-out 20% of seed 13
# (answered right, clean / one typo / a typo in every other word): without 85.8 / 80.8 / 77.2%,
# 5 times 85.8 / 81.2 / 78.1%, 3 times 85.7 / 81.3%, 10 times 85.8 / 81.0 / 77.7%.
DOMINANCE = 5
_WORD = re.compile(r"[^\W\d_]+")  # a word of normalised text
_RAW_WORD = regex.compile(r"\p{L}[\p{L}\p{M}\u200c\u200d]*")  # as typed: letters, their marks, joiners


def word_counts(texts: Iterable[str]) -> dict[str, int]:
    """The normalised words of the texts, as correct() finds them, and how often each occurs."""
    counts: collections.Counter[str] = collections.Counter()
    for text in texts:
        # A zero-width non-joiner stays inside a Persian word, as it does in the tokenizer's.
        counts.update(w for w in map(normalise, _RAW_WORD.findall(text)) if _WORD.fullmatch(w))
    return dict(counts)


def _lexicon_words(lexicon: Lexicon | None) -> set[str]:
    if lexicon is None:
        return set()
    words = (w for forms in lexicon.forms.values() for form in forms for w in _WORD.findall(form))
    return {w for w in words if len(w) >= MIN_LENGTH}


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def one_edit_apart(a: str, b: str) -> bool:
    """One letter dropped, added or replaced, or two neighbouring letters swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    return a[i + 1 :] == b[i + 1 :] or (
        i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    )


class SpellingCorrector:
    def __init__(self, counts: dict[str, int], lexicon: Lexicon | None = None) -> None:
        # The lexicon's words are known too, as if seen at least MIN_COUNT times: "زنهد" is
        # "زنده" (alive, of the lexicon's "زنده باشم"), though one training example has the word.
        # Held-out 20% of seed 13, answered right, clean / one typo / a typo in every other word:
        # 86.4 / 81.7 / 78.5% -> 86.3 / 82.8 / 80.0%; emergencies answered with the numbers at
        # once, of 215, 185 / 164 / 151 -> 185 / 176 / 160 (sixteenth session).
        self.counts = dict(counts)
        for word in _lexicon_words(lexicon):
            self.counts[word] = max(self.counts.get(word, 0), MIN_COUNT)
        self._lexicon = lexicon
        self._index: dict[str, list[str]] = collections.defaultdict(list)
        for word in sorted(self.counts):
            if len(word) >= MIN_LENGTH and self.counts[word] >= MIN_COUNT:
                for key in _deletes(word) | {word}:
                    self._index[key].append(word)

    @classmethod
    def learn(cls, texts: Iterable[str], lexicon: Lexicon | None = None) -> SpellingCorrector:
        return cls(word_counts(texts), lexicon)

    def word(self, word: str) -> str | None:
        """The known word an unknown (normalised) word stands for, or None."""
        if len(word) < MIN_LENGTH or word in self.counts or not _WORD.fullmatch(word):
            return None
        if self._lexicon is not None and self._lexicon.concepts_in(word):
            return None
        candidates = set(self._index.get(word, ()))
        for key in _deletes(word):
            candidates.update(self._index.get(key, ()))
        # People seldom mistype a word's first letter, and a known word that differs there is
        # more often another word ("leggen" / "zeggen", "dacht" / "nacht") than the one meant.
        near = sorted(
            (c for c in candidates if c[0] == word[0] and one_edit_apart(word, c)),
            key=lambda c: (self.counts[c], c),
            reverse=True,
        )
        if len(near) < 2:
            return near[0] if near else None
        # Of several, the most frequent, if they are spellings of one thing to the lexicon
        # ("doktr": "dokter" and "doktor" are both the concept doctor), or if it is far more
        # common than the next. Otherwise ("kills": "kill" or "kilos"?) a guess would as often
        # be wrong.
        if self._lexicon is not None:
            meanings = {tuple(self._lexicon.concepts_in(c)) for c in near}
            if len(meanings) == 1 and meanings != {()}:
                return near[0]
        return near[0] if self.counts[near[0]] >= DOMINANCE * self.counts[near[1]] else None

    def correct(self, text: str) -> str:
        """The text with each word that needs it corrected; everything else as it was.

        Only the corrected words change (normalised, as the tokenizer reads them): the rest
        stays as typed, so that a message without typos is read exactly as before.
        """
        return _RAW_WORD.sub(lambda m: self.word(normalise(m.group())) or m.group(), text)
