"""`make lexicon-audit`: forms of one language's lexicon that match words of another language.

All languages' forms are merged (nlu/lexicon.py): a Dutch word in an Arabic message is found.
The price is false friends: the Sorani "پارە" (money), written the Persian-keyboard way, is the
Pashto "لپاره" (for) after a clitic, and gave the money concept to 164 Pashto examples of every
topic; the English form "geld" (Dutch money) found the Turkish "geldi" (came). The model then
learns that the concept means little, in every language.

For each language, this reads its training examples (data/nlu/) with the whole lexicon and with
that language's lexicon alone, and counts each concept that only other languages' forms give,
with the forms that gave it and examples. Many are right (Dutch "huisarts" in Arabic, "IOM"
anywhere); a lexicon editor who knows both languages decides for the others: make the form a
whole word ("form$"), longer, or drop it. The first lines are the commonest. Takes a minute.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlu.examples import read_examples  # noqa: E402
from nlu.lexicon import LEXICON_DIR, Lexicon, load_language  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--top", type=int, default=40, help="how many (language, concept, source) lines")
    args = parser.parse_args()

    languages = sorted(path.stem for path in LEXICON_DIR.glob("*.yml"))
    own = {language: Lexicon(load_language(language)) for language in languages}
    merged = Lexicon.load()
    examples = read_examples(ROOT / "data" / "nlu")
    counts: collections.Counter[tuple[str, str, str]] = collections.Counter()
    forms: dict[tuple[str, str, str], collections.Counter[str]] = collections.defaultdict(collections.Counter)
    samples: dict[tuple[str, str, str], list[str]] = collections.defaultdict(list)
    for language, by_intent in sorted(examples.items()):
        for intent, texts in sorted(by_intent.items()):
            for text in texts:
                borrowed = set(merged.concepts_in(text)) - set(own[language].concepts_in(text))
                for concept in sorted(borrowed):
                    for source in languages:
                        if source == language or concept not in own[source].concepts_in(text):
                            continue
                        key = (language, concept, source)
                        counts[key] += 1
                        for form in own[source].forms[concept]:
                            if Lexicon({concept: {form}}).concepts_in(text):
                                forms[key][form] += 1
                        if len(samples[key]) < 2:
                            samples[key].append(f"{intent}: {text[:80]}")
    print("examples | language | concept | from the lexicon of | forms (examples) | e.g.")
    for key, n in counts.most_common(args.top):
        language, concept, source = key
        found = ", ".join(f"{f} ({k})" for f, k in forms[key].most_common(3))
        print(f"{n} | {language} | {concept} | {source} | {found} | {' / '.join(samples[key])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
