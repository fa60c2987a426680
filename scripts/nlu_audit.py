"""`make nlu-audit`: which training examples the model confidently disagrees with, for review.

Five-fold cross-validation of config.yml on data/nlu/ (folds per language and intent, fixed):
every example is parsed by a model trained on the other four fifths. Writes, per language,
results/nlu-audit/<lang>.tsv with the examples whose best intent is another topic with
confidence >= --min-confidence (label, the model's guess, its confidence, the text), and prints
the cross-validated accuracy. A native speaker checks each line against the rules in
docs/editing-content.md (section 10): most labels are right and the examples just hard (in the
seventh session of 2026-12-06, 16 of 1,491 needed a change); the rest are moved or reworded.
Takes about 20 minutes here (five trainings, one after the other).
"""

from __future__ import annotations

import argparse
import collections
import logging
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from nlu_report import best_intent, train_and_parse  # noqa: E402

from nlu.examples import read_examples  # noqa: E402

FOLDS = 5

Row = tuple[str, str, str]  # language, intent, text


def folds(examples: dict[str, dict[str, list[str]]], k: int = FOLDS) -> list[list[Row]]:
    """Each language's and intent's examples dealt round-robin into k folds after a fixed shuffle."""
    result: list[list[Row]] = [[] for _ in range(k)]
    for language, intents in sorted(examples.items()):
        for intent, texts in sorted(intents.items()):
            texts = sorted(texts)
            random.Random(f"cv/{language}/{intent}").shuffle(texts)
            for i, text in enumerate(texts):
                result[i % k].append((language, intent, text))
    return result


def disagreements(rows: list[Row], parses: list[dict], min_confidence: float) -> list[tuple[Row, str, float]]:  # type: ignore[type-arg]
    """The rows whose best intent is another one, with at least ``min_confidence``."""
    found = []
    for row, parse in zip(rows, parses, strict=True):
        guess = best_intent(parse)
        confidence = next((r["confidence"] for r in parse.get("intent_ranking") or [] if r["name"] == guess), 0.0)
        if guess != row[1] and confidence >= min_confidence:
            found.append((row, guess, float(confidence)))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "results" / "nlu-audit"))
    parser.add_argument("--min-confidence", type=float, default=0.5)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)

    parts = folds(read_examples(ROOT / "data" / "nlu"))
    right: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    found: list[tuple[Row, str, float]] = []
    for i, test_rows in enumerate(parts):
        train_rows = [row for j, part in enumerate(parts) if j != i for row in part]
        print(f"fold {i + 1} of {len(parts)}: training on {len(train_rows)} examples...", file=sys.stderr)
        parses, _ = train_and_parse(train_rows, [t for _, _, t in test_rows])
        for (language, intent, _), parse in zip(test_rows, parses, strict=True):
            total[language] += 1
            right[language] += best_intent(parse) == intent
        found += disagreements(test_rows, parses, args.min_confidence)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    by_language: dict[str, list[str]] = collections.defaultdict(list)
    for (language, intent, text), guess, confidence in found:
        by_language[language].append(f"{intent}\t{guess}\t{confidence:.2f}\t{text}")
    for language in sorted(total):
        lines = sorted(by_language[language])
        (out / f"{language}.tsv").write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        print(f"{language}: cross-validated accuracy {100 * right[language] / total[language]:.1f}%, "
              f"{len(lines)} examples to review")  # fmt: skip
    print(f"all: {100 * sum(right.values()) / sum(total.values()):.2f}% of {sum(total.values())}; "
          f"{len(found)} examples to review in {out}/<language>.tsv")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
