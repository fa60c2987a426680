"""Build steps for the catalogs: extract the template, merge it into each language, compile.

    locales/en/*.yml  --extract-->  locales/messages.pot  --update-->  locales/<lang>/.../messages.po
                                                                  --compile-->  messages.mo

``update`` merges by content key (msgctxt), not by fuzzy text similarity: when the English text of
a key changes, that key's translation is kept, marked ``fuzzy`` (gettext's "needs review") and the
old English is recorded as ``#| msgid``, so the editor tools report it as outdated and show
what changed. Fuzzy entries are not compiled: users get the English until a translator confirms.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, unescape, write_po

from bot.i18n.languages import SOURCE_LANGUAGE, SUPPORTED_LANGUAGES
from bot.i18n.source import ContentSource

logger = logging.getLogger(__name__)

DOMAIN = "messages"
PROJECT = "migrant-info-bot"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
STATUS_PREFIX = "status:"
MACHINE_DRAFT = "status: machine-draft"


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def forms(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """A message's id or string as a tuple of its forms: one for a singular, one per plural form.

    Babel types both loosely: a str, or a tuple (from read_po) or list (from read_mo) of them for a
    plural; a string may also be None, which counts as one empty form.
    """
    if text is None:
        return ("",)
    return (text,) if isinstance(text, str) else tuple(text)


def po_path(locales_dir: Path, language: str) -> Path:
    return locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def template_path(locales_dir: Path) -> Path:
    return locales_dir / f"{DOMAIN}.pot"


def build_template(source: ContentSource, locales_dir: Path) -> Catalog:
    template = Catalog(project=PROJECT, domain=DOMAIN, charset="utf-8", fuzzy=False)
    template.header_comment = HEADER.format(
        title="# Template of every text of the migrant information bot (generated: do not edit)."
    )
    root = locales_dir.parent
    for entry in source.texts.values():
        comments = [entry.note] if entry.note else []
        names = sorted(placeholders(entry.text) | placeholders(entry.plural or ""))
        if names:
            comments.append("Keep these placeholders exactly: " + ", ".join(f"%({n})s" for n in names))
        try:
            location = str(Path(entry.file).resolve().relative_to(root.resolve()))
        except ValueError:
            location = entry.file
        msgid: str | tuple[str, str] = (entry.text, entry.plural) if entry.plural else entry.text
        template.add(msgid, context=entry.key, auto_comments=comments, locations=[(location, entry.line)])
    return template


HEADER = """\
{title}
#
# Each entry is one text of the bot: msgctxt is its key, msgid the English source, msgstr the
# translation. A translator comment above each entry records its status:
# "# status: machine-draft" (drafted by a machine, not yet reviewed) or
# "# status: reviewed by NAME on YYYY-MM-DD" (checked by a native speaker).
# "#, fuzzy" means the English changed since it was translated: review it, then delete that line.
# Keep %(name)s placeholders and HTML tags (<b>, <i>, <a>) exactly as in the English."""

_VOLATILE_HEADERS = (b'"POT-Creation-Date:', b'"PO-Revision-Date:')


def write_catalog(catalog: Catalog, path: Path) -> None:
    buffer = BytesIO()
    write_po(buffer, catalog, width=100, sort_output=False, include_previous=True, omit_header=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = buffer.getvalue()
    # Rewrite only on a real change (dates in the header aside), so builds leave git clean.
    if not path.exists() or _stable(path.read_bytes()) != _stable(data):
        path.write_bytes(data)


def _stable(data: bytes) -> list[bytes]:
    return [line for line in data.splitlines() if not line.startswith(_VOLATILE_HEADERS)]


def read_catalog(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=language, domain=DOMAIN, abort_invalid=True)
    # Babel writes "#| msgid" (the English a fuzzy translation was made from) but does not read
    # it back; keep it, so editors keep seeing what changed.
    previous = _previous_ids(path.read_text(encoding="utf-8"))
    for message in catalog:
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
        if message.context in previous:
            message.previous_id = [previous[message.context]]
    return catalog


def _previous_ids(text: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for block in text.split("\n\n"):
        lines = block.splitlines()
        previous = [line[3:] for line in lines if line.startswith("#| ")]
        context = [line for line in lines if line.startswith("msgctxt ")]
        if not previous or not context or not previous[0].startswith("msgid "):
            continue
        parts = [previous[0][len("msgid ") :]]
        parts += [p for p in previous[1:] if p.startswith('"')]
        result[unescape(context[0][len("msgctxt ") :])] = "".join(unescape(p) for p in parts)
    return result


def new_catalog(language: str) -> Catalog:
    loc = Locale.parse(language)
    catalog = Catalog(locale=loc, project=PROJECT, domain=DOMAIN, charset="utf-8", fuzzy=False)
    catalog.header_comment = HEADER.format(
        title=f"# {loc.english_name} ({language}) texts of the migrant information bot."
    )
    return catalog


def merge(template: Catalog, old: Catalog) -> Catalog:
    """A catalog with the template's entries and ``old``'s translations, matched by context."""
    by_context = {m.context: m for m in old if m.id and m.context}
    merged = new_catalog(str(old.locale))
    merged.header_comment = old.header_comment
    merged.mime_headers = old.mime_headers
    used: set[str] = set()
    for message in template:
        if not message.id:
            continue
        previous = by_context.get(message.context) if message.context else None  # it has only messages with one
        new = Message(
            message.id,
            string=("",) * merged.num_plurals if isinstance(message.id, tuple) else "",
            locations=message.locations,
            flags=set(message.flags) - {"fuzzy"},
            auto_comments=message.auto_comments,
            context=message.context,
        )
        if previous is not None:
            used.add(str(message.context))
            new.user_comments = list(previous.user_comments)
            new.string = _reshape(previous.string, message.id, merged.num_plurals)
            changed = previous.id != message.id
            if "fuzzy" in previous.flags or (changed and _has_text(previous.string)):
                new.flags.add("fuzzy")
                old_id = previous.previous_id if not changed and previous.previous_id else previous.id
                new.previous_id = list(old_id) if isinstance(old_id, list | tuple) else [old_id]
        merged[new.id] = new
    for message in old:
        if message.id and message.context not in used:
            merged.obsolete[(message.id, message.context)] = message  # type: ignore[index]
    return merged


def _has_text(string: object) -> bool:
    return any(string) if isinstance(string, list | tuple) else bool(string)


def _reshape(
    string: str | Sequence[str] | None, msgid: str | Sequence[str], num_plurals: int
) -> str | tuple[str, ...] | None:
    if isinstance(msgid, tuple):
        strings = list(forms(string))
        strings += [""] * (num_plurals - len(strings))
        return tuple(strings[:num_plurals])
    if string is None or isinstance(string, str):
        return string
    return string[0] if string else ""


def is_fuzzy(message: Message) -> bool:
    return "fuzzy" in message.flags


def compile_catalog(po: Path, mo: Path, language: str) -> list[str]:
    """Compile non-fuzzy, placeholder-safe entries; return the entries left out and why."""
    catalog = read_catalog(po, language)
    skipped: list[str] = []
    for message in list(catalog):
        if not message.id or is_fuzzy(message) or not _has_text(message.string):
            continue
        ids = forms(message.id)
        strings = forms(message.string)
        expected = set().union(*(placeholders(i) for i in ids))
        for string in strings:
            if string and not placeholders(string) <= expected:
                skipped.append(f"{message.context}: unknown placeholder in translation")
                message.string = ("",) * len(strings) if isinstance(message.id, tuple) else ""
                break
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    mo.parent.mkdir(parents=True, exist_ok=True)
    mo.write_bytes(buffer.getvalue())
    return skipped


def extract(locales_dir: Path) -> Catalog:
    source = ContentSource.load(locales_dir)
    template = build_template(source, locales_dir)
    write_catalog(template, template_path(locales_dir))
    return template


def update(locales_dir: Path, languages: list[str] | None = None) -> None:
    template = extract(locales_dir)
    for language in languages or [lang for lang in SUPPORTED_LANGUAGES if lang != SOURCE_LANGUAGE]:
        path = po_path(locales_dir, language)
        old = read_catalog(path, language) if path.exists() else new_catalog(language)
        merged = merge(template, old)
        merged.revision_date = dt.datetime.now(dt.timezone.utc)
        if path.exists() and _same_entries(old, merged):
            continue
        write_catalog(merged, path)


def _same_entries(a: Catalog, b: Catalog) -> bool:
    def entries(c: Catalog) -> list[tuple[object, ...]]:
        return [
            (
                m.context,
                m.id,
                m.string,
                sorted(m.flags),
                m.user_comments,
                m.auto_comments,
                m.previous_id,
            )
            for m in c
            if m.id
        ]

    return entries(a) == entries(b) and set(a.obsolete) == set(b.obsolete)


def compile_all(locales_dir: Path) -> dict[str, list[str]]:
    """Compile every language's catalog; return skipped entries per language."""
    report: dict[str, list[str]] = {}
    for language in SUPPORTED_LANGUAGES:
        po = po_path(locales_dir, language)
        if language == SOURCE_LANGUAGE or not po.exists():
            continue
        report[language] = compile_catalog(po, po.with_suffix(".mo"), language)
    return report
