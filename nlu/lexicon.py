"""The concept lexicon: each language's words for the shared concepts (nlu/concepts.yml).

    nlu/lexicon/<lang>.yml:   doctor: [doctor, docter, gp, huisarts]

A form matches at the start of a word and may go on (so "deport" matches "deported"); forms of
three letters or fewer must be whole words ("id" does not match "idea"), and so must a form
written with a final "$" ("dale$" matches "dale" but not the Sorani "dalen"). In Arabic-script
languages a form also matches after a one- or two-letter clitic (و ب ل ال ...), as in "بالطبيب".
All languages' forms are merged: a message need not be in a known language to match.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from functools import cache
from itertools import combinations
from pathlib import Path

import yaml

from nlu.normalise import normalise

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
CONCEPTS_FILE = Path(__file__).resolve().parent / "concepts.yml"
WHOLE_WORD = "$"  # a form ending in it matches only as a whole word
_ARABIC_CLITICS = "(?:و|ف|ب|ل|ک|ال|وال|بال|فال|لل|کال|ول|وب|می|نمی|به|بی|د|پ|ت)?"


class Lexicon:
    def __init__(self, forms: dict[str, set[str]]) -> None:
        self.forms = forms
        # One alternation per concept, longest forms first.
        self._patterns = {
            concept: re.compile("|".join(_pattern(w) for w in sorted(words, key=len, reverse=True)))
            for concept, words in sorted(forms.items())
            if words
        }
        # A match needs the form itself in the text: a substring test (fast, in C) rules most
        # concepts out before their regex runs. Training tokenizes every example: 3 min -> seconds.
        self._literals = {
            concept: tuple(w.removesuffix(WHOLE_WORD) for w in forms[concept]) for concept in self._patterns
        }

    @classmethod
    def load(cls, directory: Path = LEXICON_DIR) -> Lexicon:
        known = {_name(k) for k in (yaml.safe_load(CONCEPTS_FILE.read_text(encoding="utf-8")) or {})}
        forms: dict[str, set[str]] = {}
        for path in sorted(directory.glob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for key, words in data.items():
                concept = _name(key)
                if concept not in known:
                    raise ValueError(f"{path.name}: unknown concept {concept!r} (see nlu/concepts.yml)")
                for word in words or []:
                    normalised = normalise(str(word)).strip()
                    if normalised:
                        forms.setdefault(concept, set()).add(normalised)
        return cls(forms)

    def concepts_in(self, text: str) -> list[str]:
        """The concepts mentioned in ``text``, each once, in a stable order."""
        normalised = normalise(text)
        return [
            concept
            for concept, pattern in self._patterns.items()
            if any(form in normalised for form in self._literals[concept]) and pattern.search(normalised)
        ]


def _name(key: object) -> str:
    # YAML 1.1 reads the keys `yes` and `no` as booleans.
    return {True: "yes", False: "no"}.get(key, str(key)) if isinstance(key, bool) else str(key)


def _pattern(form: str) -> str:
    word = form.removesuffix(WHOLE_WORD)
    arabic = bool(re.search("[\u0600-\u06ff]", word))
    start = r"(?<!\w)" + (_ARABIC_CLITICS if arabic and len(word) > 3 else "")
    end = r"(?!\w)" if len(word) <= 3 or form.endswith(WHOLE_WORD) else ""
    return f"(?:{start}{re.escape(word)}{end})"


def lexicon_fingerprint(directory: Path = LEXICON_DIR) -> str:
    digest = hashlib.sha256(CONCEPTS_FILE.read_bytes())
    for path in sorted(directory.glob("*.yml")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


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


def question_tokens(question: str, concepts: Iterable[str]) -> list[str]:
    """Tokens for the question part: its concepts and its words, marked as the question's.

    "⟨q_doctor⟩" and "⟨qw_see⟩" beside the message's "⟨doctor⟩" and "see": the classifier can
    then give the words of the question more weight than those of the story before it. Written
    as concept tokens so that the character n-grams skip them (nlu/featurizer.py).
    """
    words = sorted(set(re.findall(r"\w\w+", normalise(question))))
    return [concept_token(f"q_{c}") for c in sorted(set(concepts))] + [concept_token(f"qw_{w}") for w in words]
