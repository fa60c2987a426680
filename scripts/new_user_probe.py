"""`make new-user-probe`: messages written as new users would, through the served model.

`make nlu-report` tests on held-out training examples, written by the same hands as the rest of
the training data. These messages were written apart from it (seventeenth session, 2026-12-08;
by writers who did not see data/nlu/, not by native speakers), in tests/probes/:

- first/<lang>.tsv: a first message for each topic and a few more, informal, some with typos,
  stories, fragments, Dutch words mixed in (about 60 a language);
- hard/<lang>.tsv: 24 a language, four of each: a long story with the question at its end,
  heavy typing errors, the topic never named ("the small book with my photo"), mixed languages,
  a question after "ok" / "yes" without a question mark, one to three words.

Each line is `<intent>\\t<message>`. None is a training example, and none may become one
(tests/unit/test_training_data.py): mend what they find with other examples or the lexicon.
Each message is parsed by the model of config.yml trained on all data (as served; the fallback
rules applied) and counted as answered right, asked back offering the right topic, asked back
without it, or answered wrong; the ones not answered right are listed. A question back is what
the bot does with the parse; which topics it offers is `dialogue/choices.py`'s choice.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from model import ensure_model  # noqa: E402
from nlu_report import parse_all  # noqa: E402

from dialogue.choices import likely_topics  # noqa: E402

PROBES = ROOT / "tests" / "probes"
KINDS = ("right", "asked, offered", "asked, not offered", "wrong")


def read_probes(directory: Path = PROBES) -> dict[str, list[tuple[str, str, str]]]:
    """(language, intent, text) by set name ("first", "hard")."""
    sets: dict[str, list[tuple[str, str, str]]] = {}
    for folder in sorted(p for p in directory.iterdir() if p.is_dir()):
        rows = sets.setdefault(folder.name, [])
        for path in sorted(folder.glob("*.tsv")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    intent, text = line.split("\t", 1)
                    rows.append((path.stem, intent, text))
    return sets


def outcome(intent: str, parse: dict) -> str:  # type: ignore[type-arg]
    answered = parse["intent"]["name"]
    if answered == intent:
        return "right"
    if answered == "nlu_fallback":
        return "asked, offered" if intent in likely_topics(parse.get("intent_ranking") or []) else "asked, not offered"
    return "wrong"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", dest="only", help="only this set (first, hard)")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    sets = read_probes()
    if args.only:
        sets = {args.only: sets[args.only]}
    rows = [(name, *row) for name, set_rows in sets.items() for row in set_rows]
    parses = asyncio.run(parse_all(ensure_model(quiet=True), [text for *_, text in rows]))

    counts: dict[tuple[str, str], collections.Counter[str]] = collections.defaultdict(collections.Counter)
    misses = []
    for (name, language, intent, text), parse in zip(rows, parses, strict=True):
        kind = outcome(intent, parse)
        counts[(name, language)][kind] += 1
        counts[(name, "all")][kind] += 1
        if kind != "right":
            ranking = ", ".join(f"{i['name']} {i['confidence']:.2f}" for i in (parse.get("intent_ranking") or [])[:3])
            misses.append(f"{name}\t{language}\t{kind}\t{intent}\t{ranking}\t{text}")
    for name in sets:
        print(f"\n{name}: answered right / asked back offering the topic / asked back without it / answered wrong\n")
        print("| language | messages | " + " | ".join(KINDS) + " |")
        print("|---|---:|" + "---:|" * len(KINDS))
        languages = [*sorted({lang for set_name, lang in counts if set_name == name and lang != "all"}), "all"]
        for language in languages:
            c = counts[(name, language)]
            n = sum(c.values())
            cells = " | ".join(f"{100 * c[k] / n:.1f}%" for k in KINDS)
            print(f"| {'**all**' if language == 'all' else language} | {n} | {cells} |")
    print("\nNot answered right (set, language, outcome, intent, the model's top three, message):\n")
    print("\n".join(misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
