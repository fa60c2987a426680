"""Babel extraction method for the English content files (see [[tool.babel.mappings]]).

With it, ``pybabel extract -F pyproject.toml -o locales/messages.pot .`` works like for any
gettext project; ``content extract`` (bot.i18n.build) does the same through Babel's API.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from bot.i18n.source import texts_in_file


def extract_content(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, tuple[str, ...], list[str]]]:
    """Yield (line, function, (context, msgid[, plural]), comments) for each text."""
    for entry in texts_in_file(Path(fileobj.name)):  # type: ignore[attr-defined]
        comments = [entry.note] if entry.note else []
        if entry.plural is not None:
            yield entry.line, "npgettext", (entry.key, entry.text, entry.plural), comments
        else:
            yield entry.line, "pgettext", (entry.key, entry.text), comments
