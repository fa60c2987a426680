"""Rendering content keys in the user's language.

``ContentCatalog`` joins the English source (``locales/en/*.yml``), the facts
(``locales/facts.yml``) and the compiled translations (``locales/<lang>/LC_MESSAGES/messages.mo``).
A lookup walks the language's fallback chain (``fa_AF`` -> ``fa`` -> ``en``); the result says
which language it is really in, so the caller can tell the user when an answer is not yet
translated. A translation that cannot be rendered (a broken placeholder) falls back to English
instead of failing: the user always gets an answer.
"""

from __future__ import annotations

import gettext
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.dates import format_date
from babel.messages.mofile import read_mo
from babel.numbers import format_decimal

from bot.errors import ContentError
from bot.i18n.facts import Facts
from bot.i18n.languages import (
    SOURCE_LANGUAGE,
    SUPPORTED_LANGUAGES,
    fallback_chain,
    formatting_locale,
    join_list,
)
from bot.i18n.source import ContentSource, Topic

logger = logging.getLogger(__name__)

DOMAIN = "messages"


@dataclass(frozen=True)
class Rendered:
    text: str
    language: str  # the language the text is really in (may be a fallback)


class CompiledTranslations:
    """One language's compiled catalog: (context, English msgid) -> translation(s)."""

    def __init__(self, language: str, entries: dict[tuple[str, str], str | tuple[str, ...]], plural_expr: str):
        self.language = language
        self._entries = entries
        self._plural = gettext.c2py(plural_expr)

    @classmethod
    def read(cls, language: str, path: Path) -> CompiledTranslations:
        with path.open("rb") as fh:
            catalog = read_mo(fh)
        entries: dict[tuple[str, str], str | tuple[str, ...]] = {}
        for message in catalog:
            if not message.id or not message.context:
                continue
            if isinstance(message.id, list | tuple):
                # A missing translation (None) is one empty form, like "": the entry is left out.
                strings = tuple(message.string) if isinstance(message.string, list | tuple) else (message.string or "",)
                if any(strings):
                    entries[(message.context, message.id[0])] = strings
            elif isinstance(message.string, str) and message.string:  # read_mo gives a singular a str
                entries[(message.context, message.id)] = message.string
        return cls(language, entries, catalog.plural_expr or "(n != 1)")

    def get(self, context: str, msgid: str) -> str | None:
        value = self._entries.get((context, msgid))
        return value if isinstance(value, str) else None

    def get_plural(self, context: str, msgid: str, n: int) -> str | None:
        value = self._entries.get((context, msgid))
        if not isinstance(value, tuple):
            return None
        index = self._plural(n)
        return value[index] if index < len(value) and value[index] else None

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self._entries


class ContentCatalog:
    def __init__(
        self,
        source: ContentSource,
        facts: Facts,
        translations: Mapping[str, CompiledTranslations],
    ) -> None:
        self.source = source
        self.facts = facts
        self.translations = dict(translations)
        self._fact_params: dict[str, dict[str, str]] = {}

    @classmethod
    def load(cls, locales_dir: Path) -> ContentCatalog:
        source = ContentSource.load(locales_dir)
        facts = Facts.load(locales_dir / "facts.yml")
        translations = {}
        for language in SUPPORTED_LANGUAGES:
            mo = locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
            if mo.exists():
                translations[language] = CompiledTranslations.read(language, mo)
            elif language != SOURCE_LANGUAGE and (mo.with_suffix(".po")).exists():
                logger.warning("catalog for %s is not compiled (run `make catalogs`); using English", language)
        return cls(source, facts, translations)

    # -- lookups -----------------------------------------------------------------------------

    def has(self, key: str) -> bool:
        return key in self.source.texts

    @property
    def topics(self) -> dict[str, Topic]:
        return self.source.topics

    def is_translated(self, key: str, language: str) -> bool:
        entry = self.source.texts.get(key)
        catalog = self.translations.get(language)
        if entry is None:
            return False
        if language == SOURCE_LANGUAGE:
            return True
        return catalog is not None and (key, entry.text) in catalog

    def render(self, key: str, language: str, /, **params: object) -> Rendered:
        """The text for ``key`` in ``language`` (or the nearest fallback), placeholders filled."""
        return self._render(key, language, None, params)

    def render_plural(self, key: str, language: str, n: int, /, **params: object) -> Rendered:
        """Like render, choosing the plural form for ``n`` (``%(n)s`` is available in the text)."""
        return self._render(key, language, n, params)

    def _render(self, key: str, language: str, n: int | None, params: Mapping[str, object]) -> Rendered:
        entry = self.source.texts.get(key)
        if entry is None:
            raise ContentError(f"unknown content key {key!r}")
        for candidate in fallback_chain(language):
            text = self._lookup(entry.key, entry.text, entry.plural, candidate, n)
            if text is None:
                continue
            try:
                if not entry.formatted:
                    # gettext convention: only python-format texts are %-formatted, so a bare
                    # "50%" in a text without placeholders stays as written.
                    return Rendered(text, candidate)
                return Rendered(self._fill(text, candidate, n, params), candidate)
            except (KeyError, ValueError, TypeError) as exc:
                # A translator broke a placeholder: serve the next language rather than nothing.
                logger.error("cannot render %s in %s: %s: %s", key, candidate, type(exc).__name__, exc)
        raise ContentError(f"content key {key!r} cannot be rendered in English either")

    def _lookup(self, key: str, text: str, plural: str | None, language: str, n: int | None) -> str | None:
        if language == SOURCE_LANGUAGE:
            if plural is not None and n is not None:
                return text if n == 1 else plural
            return text
        catalog = self.translations.get(language)
        if catalog is None:
            return None
        if plural is not None and n is not None:
            return catalog.get_plural(key, text, n)
        return catalog.get(key, text)

    def _fill(self, text: str, language: str, n: int | None, params: Mapping[str, object]) -> str:
        loc = formatting_locale(language)
        values: dict[str, object] = dict(self._facts_for(language))
        if n is not None:
            values["n"] = format_decimal(n, locale=loc)
        values.update(params)
        return text % values

    def _facts_for(self, language: str) -> dict[str, str]:
        if language not in self._fact_params:
            self._fact_params[language] = self.facts.params(formatting_locale(language))
        return self._fact_params[language]

    # -- formatting helpers shared by the renderers ------------------------------------------

    @staticmethod
    def format_date(value: object, language: str) -> str:
        return format_date(value, format="long", locale=formatting_locale(language))  # type: ignore[arg-type]

    @staticmethod
    def format_list(items: list[str], language: str) -> str:
        return join_list(items, language)
