"""The concept lexicon: each language's words for the shared concepts (nlu/concepts.yml).

    nlu/lexicon/<lang>.yml:   doctor: [doctor, docter, gp, huisarts]

A form matches at the start of a word and may go on (so "deport" matches "deported"); forms of
three letters or fewer must be whole words ("id" does not match "idea"), and so must a form
written with a final "$" ("dale$" matches "dale" but not the Sorani "dalen"). In Arabic-script
languages a form also matches after a one- or two-letter clitic (و ب ل ال ...), as in "بالطبيب"
(a Sorani form only after the clitics Sorani writes onto words, SORANI_CLITICS).
All languages' forms are merged: a message need not be in a known language to match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import Any

import yaml

from nlu.normalise import normalise

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
CONCEPTS_FILE = Path(__file__).resolve().parent / "concepts.yml"
WHOLE_WORD = "$"  # a form ending in it matches only as a whole word
FEW_CLITICS = "^"  # a form starting with it takes only SORANI_CLITICS (Lexicon.load marks them)
# Sorani writes its prepositions apart ("بۆ پارە", for money); what it writes onto a word is the
# verb prefix "ب" ("بگەڕێمەوە", that I go back) and at times "و" (and). With every Arabic clitic,
# "پارە" (money) matched the Pashto "لپاره" (for), in 164 Pashto examples of every topic.
SORANI_CLITICS = ("ب", "و")
_FEW_CLITICS_LANGUAGES = frozenset({"ckb"})
# Clitics of one to three letters written onto a word in Arabic script ("and", "with", "to",
# "the", Persian verb prefixes...): a form of four letters or more in that script also matches
# after one.
_ARABIC_CLITICS = ("و", "ف", "ب", "ل", "ک", "ال", "وال", "بال", "فال", "لل", "کال", "ول", "وب", "می", "نمی", "به", "بی", "د", "پ", "ت")  # fmt: skip
_WORD_CHAR = re.compile(r"\w")
_END = ""  # key of a trie node's list of the forms that end there


class Lexicon:
    def __init__(self, forms: dict[str, set[str]]) -> None:
        self.forms = forms
        self._order = sorted(concept for concept, words in forms.items() if words)
        # All forms of all concepts in one character trie: a message is read once, from each
        # place a word may start, instead of testing 17,000 forms one by one (4 ms a message;
        # tokenizing the training data took two minutes of the model's training).
        self._trie: dict[str, Any] = {}
        for concept in self._order:
            for form in forms[concept]:
                word = form.removesuffix(WHOLE_WORD).removeprefix(FEW_CLITICS)
                node = self._trie
                for char in word:
                    node = node.setdefault(char, {})
                node.setdefault(_END, []).append(
                    _Form(
                        concept,
                        whole_word=len(word) <= SHORT_FORM or form.endswith(WHOLE_WORD),
                        after_clitic=len(word) > 3 and bool(re.search("[\u0600-\u06ff]", word)),
                        few_clitics=form.startswith(FEW_CLITICS),
                    )
                )

    @classmethod
    def load(cls, directory: Path = LEXICON_DIR) -> Lexicon:
        forms: dict[str, set[str]] = {}
        for path in sorted(directory.glob("*.yml")):
            for concept, variants in load_language(path.stem, directory).items():
                forms.setdefault(concept, set()).update(variants)
        return cls(forms)

    def concepts_in(self, text: str, *, longest_only: bool = False) -> list[str]:
        """The concepts mentioned in ``text``, each once, in a stable order.

        ``longest_only``: a match inside a longer match of another concept does not count. In
        "chi kar konam" (what shall I do: "how"), "kar konam" (I work) is then not work.
        """
        normalised = normalise(text)
        spans: list[tuple[int, int, str]] = []
        for start in range(len(normalised)):
            if start and _WORD_CHAR.match(normalised, start - 1):
                continue  # a form starts a word, or follows a clitic at the start of one
            self._read(normalised, start, start, spans, clitic=None)
            for clitic in _ARABIC_CLITICS:
                if normalised.startswith(clitic, start):
                    self._read(normalised, start, start + len(clitic), spans, clitic=clitic)
        if longest_only:
            spans = [
                (start, end, concept)
                for start, end, concept in spans
                if not any(c != concept and s <= start and end <= e and e - s > end - start for s, e, c in spans)
            ]
        found = {concept for _, _, concept in spans}
        return [concept for concept in self._order if concept in found]

    def _read(
        self, text: str, word_start: int, start: int, spans: list[tuple[int, int, str]], *, clitic: str | None
    ) -> None:
        """Every form that starts at ``start`` (after a clitic from ``word_start``), as a span."""
        node = self._trie
        for end in range(start, len(text)):
            node = node.get(text[end], {})
            if not node:
                return
            for form in node.get(_END, ()):
                if clitic is not None and not (
                    form.after_clitic and (not form.few_clitics or clitic in SORANI_CLITICS)
                ):
                    continue
                if form.whole_word and end + 1 < len(text) and _WORD_CHAR.match(text, end + 1):
                    continue
                spans.append((word_start, end + 1, form.concept))


def load_language(language: str, directory: Path = LEXICON_DIR) -> dict[str, set[str]]:
    """One language's forms by concept, normalised, with the spellings the rules below add."""
    known = {_name(k) for k in (yaml.safe_load(CONCEPTS_FILE.read_text(encoding="utf-8")) or {})}
    path = directory / f"{language}.yml"
    forms: dict[str, set[str]] = {}
    for key, words in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
        concept = _name(key)
        if concept not in known:
            raise ValueError(f"{path.name}: unknown concept {concept!r} (see nlu/concepts.yml)")
        for word in words or []:
            normalised = normalise(str(word)).strip()
            if not normalised:
                continue
            variants = _elided(language, normalised)
            if concept not in _SMALL_TALK:  # "ok" with an ending is no "yes"
                variants |= _suffixed(language, normalised)
            if language in _FEW_CLITICS_LANGUAGES:
                variants = {FEW_CLITICS + v for v in variants}
            forms.setdefault(concept, set()).update(variants)
    return forms


@dataclass(frozen=True)
class _Form:
    concept: str
    whole_word: bool  # must not go on into more letters
    after_clitic: bool  # may follow an Arabic-script clitic
    few_clitics: bool = False  # ... but only one of SORANI_CLITICS


# French drops the vowel of "le", "la" and "de" before a vowel or an h ("l'hôpital", "d'urgence"),
# and on a phone the apostrophe often goes too: "lhopital", "demande dasile", "lavocat". With
# the apostrophe the form matches as it is (a form starts a word, and "'" ends one); without
# it, these spellings are forms of their own.
_ELIDING = {"fr": ("l", "d")}
_ELIDED_START = frozenset("aeiouh")
ELIDED_MIN_LENGTH = 4


def _elided(language: str, form: str) -> set[str]:
    """The form, and in a language that elides, the form with each elided article written onto it."""
    if form[:1] not in _ELIDED_START or len(form.removesuffix(WHOLE_WORD)) < ELIDED_MIN_LENGTH:
        return {form}
    return {form} | {article + form for article in _ELIDING.get(language, ())}


# Turkish writes its case endings onto a word, onto an abbreviation too: "AZC'den" (from the AZC),
# "IND'ye" (to the IND), "hapları" (the pills). With the apostrophe the form matches as it is;
# without it ("AZCden çıkarıyorlar", they are putting me out of the AZC: out of scope, 0.70) a
# short form, which must be a whole word, did not match. Short forms also count with an ending
# (case endings and the plural, in their spellings without ı ö ü), as whole words.
_SUFFIXING = {
    "tr": ("de", "da", "te", "ta", "den", "dan", "ten", "tan", "e", "a", "ye", "ya", "i", "yi", "u", "yu",
           "in", "un", "nin", "nun", "le", "la", "yle", "yla", "ler", "lar", "deki", "daki", "ne", "na"),
}  # fmt: skip
SHORT_FORM = 3  # forms of up to three letters match only whole words (Lexicon)


def _suffixed(language: str, form: str) -> set[str]:
    """The form, and in a language that writes endings onto words, a short form with each ending."""
    word = form.removesuffix(WHOLE_WORD)
    if len(word) > SHORT_FORM or not word.isalnum():
        return {form}
    return {form} | {word + ending + WHOLE_WORD for ending in _SUFFIXING.get(language, ())}


def _name(key: object) -> str:
    # YAML 1.1 reads the keys `yes` and `no` as booleans.
    return {True: "yes", False: "no"}.get(key, str(key)) if isinstance(key, bool) else str(key)


@cache
def default_lexicon() -> Lexicon:
    return Lexicon.load()


def concept_token(concept: str) -> str:
    return f"⟨{concept}⟩"


def is_concept_token(token: str) -> bool:
    return token.startswith("⟨") and token.endswith("⟩")


def tokens_for(concepts: Iterable[str], pairs: bool = False) -> list[str]:
    """A token per concept and, with ``pairs``, one per two concepts met together.

    A linear classifier only adds up evidence: "withdraw" and "apply" each point to several
    topics, while together they mean return_change_mind. A pair token lets the model learn such
    combinations (about 0.7 points of held-out accuracy on three splits, measured with
    `make nlu-report`). Messages mention about two concepts, so the pairs stay few.
    """
    ordered = sorted(set(concepts))
    tokens = [concept_token(c) for c in ordered]
    if pairs:
        # "_x_" and not "+": the word featurizer's token pattern would split "a+b" back into a and b.
        tokens += [concept_token(f"{a}_x_{b}") for a, b in combinations(ordered, 2)]
    return tokens


# What ends a clause: sentence and clause punctuation of the 12 languages' scripts (Arabic
# comma, semicolon and question mark; Ethiopic full stop, comma, semicolon, question mark).
# A Latin full stop, comma, colon or semicolon directly followed by a letter or digit is inside
# a word ("2.000 euro", "iom.int", "10:30"), not at the end of a clause.
_INSIDE_WORDS = ".,;:"
_ALWAYS_ENDS = "!?؟،؛\n።፣፤፧"
_CLAUSE_PUNCTUATION = _INSIDE_WORDS + _ALWAYS_ENDS
_CLAUSE_END = re.compile(f"(?<=[{re.escape(_ALWAYS_ENDS)}])|(?<=[{re.escape(_INSIDE_WORDS)}])(?!\\w)")
QUESTION_MARKS = ("?", "؟", "፧")


def question_part(text: str) -> str | None:
    """The clause a message of several clauses asks its question in; None for one clause.

    People tell their story first and ask last ("my wife is sick and we have no papers, can she
    see a doctor?"); the story's words belong to other topics. The question is the last clause
    ending in a question mark, else the last clause.
    """
    clauses = [c.strip() for c in _CLAUSE_END.split(text) if c.strip(" " + _CLAUSE_PUNCTUATION)]
    if len(clauses) < 2:
        return None
    asked = [c for c in clauses if c.endswith(QUESTION_MARKS)]
    return (asked or clauses)[-1]


GREETING_MAX_WORDS = 3
_SMALL_TALK = frozenset({"hello", "yes", "no", "thanks", "bye"})


def greeting_end(text: str, lexicon: Lexicon) -> int:
    """Where a greeting that opens a longer message ends ("salam, can I see a doctor?"), or 0.

    Many people open with a greeting; the question after it is what the message is about. An
    opening clause of at most three words that mentions only "hello" (nlu/concepts.yml) counts
    when at least two words follow it ("salam!" on its own stays a greeting); without
    punctuation, up to three opening words that are each a greeting ("salam aleikum can I ...")
    count when at least three words follow. And what follows must mention something beyond small
    talk (a concept other than hello, yes, no, thanks, bye): "salam, how are you?" stays a
    greeting.
    """
    end = _CLAUSE_END.search(text)
    position = 0
    if end is not None and end.start() > 0:
        opening, rest = text[: end.start()], text[end.start() :]
        words = len(opening.strip(" " + _CLAUSE_PUNCTUATION).split())
        if 1 <= words <= GREETING_MAX_WORDS and len(rest.split()) >= 2 and lexicon.concepts_in(opening) == ["hello"]:
            position = end.start()
    if not position:
        for count, word in enumerate(re.finditer(r"\S+", text)):
            if count == GREETING_MAX_WORDS or lexicon.concepts_in(word.group()) != ["hello"]:
                break
            position = word.end()
        if not position or len(text[position:].split()) < 3:
            return 0
    # What follows must ask or tell something ("can I", "doctor", "how"): "salam, are you well?"
    # and "hello, I am new here" stay greetings.
    return position if set(lexicon.concepts_in(text[position:])) - _SMALL_TALK else 0


def question_tokens(question: str, concepts: Iterable[str]) -> list[str]:
    """Tokens for the question part: its concepts and its words, marked as the question's.

    "⟨q_doctor⟩" and "⟨qw_see⟩" beside the message's "⟨doctor⟩" and "see": the classifier can
    then give the words of the question more weight than those of the story before it. Written
    as concept tokens so that the character n-grams skip them (nlu/featurizer.py).
    """
    words = sorted(set(re.findall(r"\w\w+", normalise(question))))
    return [concept_token(f"q_{c}") for c in sorted(set(concepts))] + [concept_token(f"qw_{w}") for w in words]
