"""How much typing on a phone costs: `make typo-probe` (about 8 minutes).

People type fast on small keyboards: letters dropped, doubled, swapped or replaced, no accents,
no punctuation. The training data has some of that, written by people imitating it. This trains
config.yml's NLU on the 80% of `make nlu-report` (seed 13) and parses its held-out 20% as they
are and changed in ways that work in every script (the change is the same on every run: each
message's random generator is seeded by its text):

- "no accents or punctuation": accents and Arabic vowel marks dropped, punctuation removed, lower case;
- "one typo": one letter of one word of four letters or more deleted, doubled, swapped with its
  neighbour, or replaced by another letter of the same message (so of the same script);
- "a typo in every other word": the same in half the words of four letters or more (at least one);
- "Sorani on a Persian keyboard": Sorani's own letters (ە ێ ۆ ڕ ڵ) typed as the letters a
  Persian or Arabic keyboard has (ه ی و ر ل); only Sorani messages change. Not run unless asked
  for (`--variants`): nlu/normalise.py reads them alike, so it measures nothing new.

It prints answered right / asked back / answered wrong (the fallback threshold applied, as in
the report) for each, per language and overall. A message with no word of four letters is
left as it is (it still counts).
"""

from __future__ import annotations

import argparse
import collections
import logging
import random
import re
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from nlu_report import SEED, read_by_intent, split, train_and_parse  # noqa: E402

from bot.i18n.detect import KEYBOARD_VARIANTS  # noqa: E402

_WORD = re.compile(r"[^\W\d_]{4,}")
_PUNCTUATION = re.compile(r"[^\w\s']")
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670]")  # Arabic vowel marks, as the phone leaves them out


def plain(text: str, rng: random.Random) -> str:
    """Lower case, no accents, no vowel marks, no punctuation."""
    # Accents of Latin and Cyrillic letters only: Sorani's and Persian's hamza letters (ئ, أ)
    # are keys of their own on a phone.
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(
        c for i, c in enumerate(decomposed) if not (unicodedata.combining(c) and i and decomposed[i - 1] < "\u0590")
    )
    stripped = _MARKS.sub("", unicodedata.normalize("NFC", stripped))
    return " ".join(_PUNCTUATION.sub(" ", stripped).split())


def script(char: str) -> str:
    return unicodedata.name(char, "").split(" ")[0]


def misspell(word: str, letters: str, rng: random.Random) -> str:
    """One edit inside the word (the first letter is kept: people rarely get that wrong)."""
    i = rng.randrange(1, len(word))
    edit = rng.choice(("delete", "double", "swap", "replace"))
    if edit == "delete":
        return word[:i] + word[i + 1 :]
    if edit == "double":
        return word[:i] + word[i] + word[i:]
    if edit == "swap" and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    others = [c for c in letters if c != word[i] and script(c) == script(word[i])]
    return word[:i] + rng.choice(others) + word[i + 1 :] if others else word[:i] + word[i + 1 :]


def typos(share: float | None) -> Callable[[str, random.Random], str]:
    """Misspell one word (share None) or that share of the words of four letters or more."""

    def change(text: str, rng: random.Random) -> str:
        words = list(_WORD.finditer(text))
        if not words:
            return text
        count = 1 if share is None else max(1, round(share * len(words)))
        chosen = sorted(rng.sample(words, count), key=lambda m: m.start())
        letters = "".join(sorted({c for c in text if c.isalpha()}))
        out, at = [], 0
        for match in chosen:
            out += [text[at : match.start()], misspell(match.group(), letters, rng)]
            at = match.end()
        return "".join(out) + text[at:]

    return change


VARIANTS: dict[str, Callable[[str, random.Random], str]] = {
    "as they are": lambda text, rng: text,
    "no accents or punctuation": plain,
    "one typo": typos(None),
    "a typo in every other word": typos(0.5),
    "Sorani on a Persian keyboard": lambda text, rng: text.translate(KEYBOARD_VARIANTS["ckb"]),
}
DEFAULT_VARIANTS = list(VARIANTS)[:4]


def outcome(gold: str, parse: dict) -> str:  # type: ignore[type-arg]
    answered = parse["intent"]["name"]
    return "right" if answered == gold else "asked" if answered == "nlu_fallback" else "wrong"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=DEFAULT_VARIANTS)
    variants = {name: VARIANTS[name] for name in parser.parse_args().variants}
    logging.disable(logging.WARNING)
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    train_rows, test_rows = split(read_by_intent(ROOT / "data" / "nlu"), SEED)
    texts = [
        change(text, random.Random(f"{name}/{text}")) for name, change in variants.items() for _, _, text in test_rows
    ]
    parses, _ = train_and_parse(train_rows, texts)
    n = len(test_rows)
    counts: dict[str, collections.Counter[tuple[str, str]]] = {}
    for number, name in enumerate(variants):
        counts[name] = collections.Counter()
        for (language, gold, _), parse in zip(test_rows, parses[number * n : (number + 1) * n], strict=True):
            counts[name][(language, outcome(gold, parse))] += 1
            counts[name][("all", outcome(gold, parse))] += 1
    languages = [*sorted({language for language, _, _ in test_rows}), "all"]
    sizes = collections.Counter(language for language, _, _ in test_rows)
    sizes["all"] = n
    print("Answered right / asked back / answered wrong (%), held-out 20% of seed", SEED, "\n")
    print("| language | " + " | ".join(variants) + " |")
    print("|---|" + "---:|" * len(variants))
    for language in languages:
        cells = []
        for name in variants:
            c, size = counts[name], sizes[language]
            cells.append(" / ".join(f"{100 * c[(language, k)] / size:.1f}" for k in ("right", "asked", "wrong")))
        label = f"**{language}**" if language == "all" else language
        print(f"| {label} | " + " | ".join(cells) + " |")
    print("\nExamples of the changes (first held-out message of each language):")
    for language in languages[:-1]:
        text = next(t for lang, _, t in test_rows if lang == language)
        for name, change in variants.items():
            print(f"  {language} {name}: {change(text, random.Random(f'{name}/{text}'))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
