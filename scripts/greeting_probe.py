"""How much a greeting in front of a question costs: `.venv/bin/python scripts/greeting_probe.py`.

Many people open with a greeting ("salam, can I see a doctor?"); the training data has few such
questions. This trains config.yml's NLU on the 80% of `make nlu-report` (seed 13) and parses
its held-out 20% three times: as they are, with the greeting of their language and a comma in
front, and with the greeting alone in front. It prints answered right / asked back / answered
wrong for each (the fallback threshold applied, as in the report). With `skip_greeting` in
config.yml the tokenizer skips such openings (nlu/lexicon.py, greeting_end); at a commit before
it, the same script measures the model without it. About 10 minutes.
"""

from __future__ import annotations

import collections
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from nlu_report import SEED, read_by_intent, split, train_and_parse  # noqa: E402

# A common way to open a message in each language (as users write it, not the most formal).
GREETINGS = {
    "ar": "السلام عليكم",
    "ckb": "سڵاو",
    "en": "hello",
    "es": "hola buenas",
    "fa": "سلام",
    "fr": "bonjour",
    "nl": "hallo",
    "ps": "سلام",
    "ru": "здравствуйте",
    "so": "salaam",
    "ti": "ሰላም",
    "tr": "merhaba",
}
VARIANTS = {
    "as they are": lambda language, text: text,
    "greeting, question": lambda language, text: f"{GREETINGS[language]}, {text}",
    "greeting question": lambda language, text: f"{GREETINGS[language]} {text}",
}


def main() -> int:
    logging.disable(logging.WARNING)
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    train_rows, test_rows = split(read_by_intent(ROOT / "data" / "nlu"), SEED)
    texts = [make(language, text) for make in VARIANTS.values() for language, _, text in test_rows]
    parses, _ = train_and_parse(train_rows, texts)
    print("| held-out messages | answered right | asked back | answered wrong |\n|---|---:|---:|---:|")
    for number, name in enumerate(VARIANTS):
        counts: collections.Counter[str] = collections.Counter()
        part = parses[number * len(test_rows) : (number + 1) * len(test_rows)]
        for (_, gold, _), parse in zip(test_rows, part, strict=True):
            answered = parse["intent"]["name"]
            counts["right" if answered == gold else "asked" if answered == "nlu_fallback" else "wrong"] += 1
        shares = [f"{100 * counts[k] / len(test_rows):.1f}%" for k in ("right", "asked", "wrong")]
        print(f"| {name} | {' | '.join(shares)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
