"""The NLU training examples in data/nlu/<lang>.yml, read the one way every tool needs them."""

from __future__ import annotations

from pathlib import Path

import yaml


def examples_in(text: str) -> dict[str, list[str]]:
    """Examples by intent from one Rasa NLU YAML file's text."""
    result: dict[str, list[str]] = {}
    for block in (yaml.safe_load(text) or {}).get("nlu") or []:
        lines = str(block.get("examples") or "").splitlines()
        texts = [line.strip()[2:].strip() for line in lines if line.strip().startswith("- ")]
        result.setdefault(block["intent"], []).extend(texts)
    return result


def read_examples(directory: Path) -> dict[str, dict[str, list[str]]]:
    """Examples by language (the file name) and intent."""
    return {path.stem: examples_in(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.yml"))}


def same_example(text: str) -> str:
    """What makes two examples the same: case, punctuation and spacing do not count."""
    return " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())
