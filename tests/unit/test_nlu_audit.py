"""scripts/nlu_audit.py: the folds and what it lists for review."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def load_audit() -> ModuleType:
    sys.path.insert(0, str(SCRIPTS))
    spec = importlib.util.spec_from_file_location("nlu_audit", SCRIPTS / "nlu_audit.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXAMPLES = {
    "en": {"work_income": [f"work question {i}" for i in range(12)], "greet": ["hi", "hello", "hey"]},
    "nl": {"work_income": [f"werkvraag {i}" for i in range(7)]},
}


def test_every_example_is_in_exactly_one_fold_and_the_folds_are_fixed() -> None:
    audit = load_audit()
    parts = audit.folds(EXAMPLES)
    rows = [row for part in parts for row in part]
    expected = {(lang, intent, t) for lang, intents in EXAMPLES.items() for intent, ts in intents.items() for t in ts}
    assert len(parts) == 5 and len(rows) == len(expected) and set(rows) == expected
    # Each language and intent is spread evenly: 12 examples give folds of 3, 3, 2, 2, 2.
    sizes = sorted(sum(1 for lang, intent, _ in part if (lang, intent) == ("en", "work_income")) for part in parts)
    assert sizes == [2, 2, 2, 3, 3]
    assert audit.folds(EXAMPLES) == parts  # the same data gives the same folds
    # Adding Dutch examples does not move English ones to another fold.
    more = {**EXAMPLES, "nl": {"work_income": [*EXAMPLES["nl"]["work_income"], "nog een werkvraag"]}}
    english = [[row for row in part if row[0] == "en"] for part in parts]
    assert [[row for row in part if row[0] == "en"] for part in audit.folds(more)] == english


def test_only_confident_disagreements_are_listed() -> None:
    audit = load_audit()

    def parse(*ranking: tuple[str, float]) -> dict:  # type: ignore[type-arg]
        items = [{"name": n, "confidence": c} for n, c in ranking]
        return {"intent": items[0], "intent_ranking": items}

    rows = [("en", "work_income", "a"), ("en", "work_income", "b"), ("en", "work_income", "c"), ("en", "greet", "d")]
    parses = [
        parse(("work_income", 0.9)),  # right
        parse(("irregular_stay", 0.8), ("work_income", 0.1)),  # confidently another topic: listed
        parse(("irregular_stay", 0.3), ("work_income", 0.2)),  # unsure: not listed
        parse(("nlu_fallback", 0.9), ("thanks", 0.6), ("greet", 0.3)),  # the best intent ignores the fallback
    ]
    found = audit.disagreements(rows, parses, 0.5)
    assert [(row[2], guess, confidence) for row, guess, confidence in found] == [
        ("b", "irregular_stay", 0.8),
        ("d", "thanks", 0.6),
    ]
