"""The English source of all content: ``locales/en/messages.yml``, ``topics.yml`` and ``sources.yml``.

English is the source language: editors write it in these YAML files, the build extracts it into
the gettext template ``locales/messages.pot`` (msgctxt = content key, msgid = English text), and
translators work in ``locales/<lang>/LC_MESSAGES/messages.po``. When an English text changes, the
msgid changes and gettext marks the old translation fuzzy: that is how "outdated" is detected.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ContentError

# Parts of a topic that are text (and so are translated), in the order they are shown.
TOPIC_TEXT_PARTS = ("title", "answer", "more")
# Groups of the main menu, in order; each topic names its group.
MENU_GROUPS = ("return", "staying", "help")
# Texts of sources.yml are catalog texts under this prefix: "source.iom".
SOURCE_PREFIX = "source."
SOURCE_NOTE = (
    'A source shown under answers ("Source: ..."). Keep names of organisations, laws and web '
    "addresses as written (a translation may follow in brackets); translate descriptions. Plain text."
)


@dataclass(frozen=True)
class SourceText:
    """One translatable unit: a context key and its English text (or singular/plural pair)."""

    key: str
    text: str
    plural: str | None = None  # English plural form; set for entries that take a count
    note: str | None = None  # shown to translators as an extracted comment
    line: int = 0
    file: str = ""

    @property
    def formatted(self) -> bool:
        """True if the English text has %(name)s placeholders (gettext's python-format)."""
        return "%(" in self.text or (self.plural is not None and "%(" in self.plural)


@dataclass(frozen=True)
class Topic:
    key: str
    group: str
    sources: tuple[str, ...]  # keys of sources.yml; their texts are catalog keys "source.<key>"
    checked: dt.date
    related: tuple[str, ...] = ()
    has_more: bool = False


@dataclass
class ContentSource:
    texts: dict[str, SourceText] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)

    @classmethod
    def load(cls, locales_dir: Path) -> ContentSource:
        source = cls()
        source._load_messages(locales_dir / "en" / "messages.yml")
        source._load_topics(locales_dir / "en" / "topics.yml")
        source._load_sources(locales_dir / "en" / "sources.yml")
        for topic in source.topics.values():
            unknown = [s for s in topic.sources if SOURCE_PREFIX + s not in source.texts]
            if unknown:
                raise ContentError(
                    f"topic {topic.key!r}: source(s) {', '.join(unknown)} are not in locales/en/sources.yml"
                )
        return source

    def _add(self, entry: SourceText) -> None:
        if entry.key in self.texts:
            raise ContentError(f"{entry.file}:{entry.line}: key {entry.key!r} is defined twice")
        self.texts[entry.key] = entry

    def _load_messages(self, path: Path) -> None:
        for key, value, line in _mapping_items(path):
            note = None
            plural = None
            if isinstance(value, dict):
                note = value.get("note")
                if "one" in value or "other" in value:
                    if not isinstance(value.get("one"), str) or not isinstance(value.get("other"), str):
                        raise ContentError(f"{path}:{line}: {key!r} needs both 'one' and 'other' texts")
                    text, plural = value["one"], value["other"]
                elif isinstance(value.get("text"), str):
                    text = value["text"]
                else:
                    raise ContentError(f"{path}:{line}: {key!r} needs a 'text' (or 'one'/'other')")
            elif isinstance(value, str):
                text = value
            else:
                raise ContentError(f"{path}:{line}: {key!r} must be a text")
            self._add(SourceText(key, _clean(text), _clean(plural) if plural else None, note, line, str(path)))

    def _load_sources(self, path: Path) -> None:
        for key, value, line in _mapping_items(path):
            if not isinstance(value, str) or not value.strip():
                raise ContentError(f"{path}:{line}: source {key!r} must be a text")
            self._add(SourceText(SOURCE_PREFIX + key, _clean(value), None, SOURCE_NOTE, line, str(path)))

    def _load_topics(self, path: Path) -> None:
        for key, value, line in _mapping_items(path):
            if not isinstance(value, dict):
                raise ContentError(f"{path}:{line}: topic {key!r} must be a mapping")
            missing = [f for f in ("title", "answer", "group", "sources", "checked") if f not in value]
            if missing:
                raise ContentError(f"{path}:{line}: topic {key!r} lacks {', '.join(missing)}")
            if value["group"] not in MENU_GROUPS:
                raise ContentError(
                    f"{path}:{line}: topic {key!r} has group {value['group']!r}; use one of {MENU_GROUPS}"
                )
            checked = value["checked"]
            if not isinstance(checked, dt.date):
                raise ContentError(f"{path}:{line}: topic {key!r}: 'checked' must be a date like 2026-11-28")
            for part in TOPIC_TEXT_PARTS:
                if part in value:
                    self._add(
                        SourceText(
                            f"{key}.{part}",
                            _clean(value[part]),
                            None,
                            _topic_note(key, part),
                            line,
                            str(path),
                        )
                    )
            self.topics[key] = Topic(
                key=key,
                group=value["group"],
                sources=tuple(str(s) for s in value["sources"]),
                checked=checked,
                related=tuple(value.get("related") or ()),
                has_more="more" in value,
            )


def _topic_note(key: str, part: str) -> str:
    notes = {
        "title": "Button label and heading; keep it short (at most 30 characters).",
        "answer": "First part of the answer; at most 900 characters.",
        "more": "Details shown when the user taps 'More details'.",
    }
    return f"Topic {key}: {notes[part]}"


def _clean(text: str) -> str:
    # YAML block scalars end with a newline; trailing whitespace would show in Telegram.
    return text.strip()


def _mapping_items(path: Path) -> list[tuple[str, Any, int]]:
    """Top-level key/value pairs of a YAML mapping with the line each key is on (for messages)."""
    try:
        raw = path.read_text(encoding="utf-8")
        node = yaml.compose(raw)
        data = yaml.safe_load(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"{path}: cannot read: {exc}") from exc
    if data is None:
        return []
    if not isinstance(data, dict) or node is None or not isinstance(node, yaml.MappingNode):
        raise ContentError(f"{path}: must be a mapping of keys to texts")
    lines = {k.value: k.start_mark.line + 1 for k, _ in node.value}
    return [(str(k), v, lines.get(str(k), 0)) for k, v in data.items()]


def texts_in_file(path: Path) -> list[SourceText]:
    """The translatable texts of one source file (used by the Babel extractor)."""
    source = ContentSource()
    if path.name == "topics.yml":
        source._load_topics(path)
    elif path.name == "sources.yml":
        source._load_sources(path)
    else:
        source._load_messages(path)
    return list(source.texts.values())
