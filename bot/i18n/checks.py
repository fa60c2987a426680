"""Checks on the content: what `content check` reports, and what hot reload refuses.

Errors make the content unusable or wrong for users (a broken placeholder, HTML Telegram would
reject, a text over Telegram's limits, a reference to a key that does not exist, facts not
checked for too long). Warnings are work to do (untranslated, outdated, machine-drafted).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog

from bot.errors import ContentError
from bot.i18n import build
from bot.i18n.facts import Facts
from bot.i18n.languages import SOURCE_LANGUAGE, SUPPORTED_LANGUAGES
from bot.i18n.source import SOURCE_PREFIX, ContentSource

TELEGRAM_MESSAGE_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
BUTTON_SOFT_LIMIT = 30  # longer labels are cut off on phones
BUTTON_HARD_LIMIT = 64
ANSWER_SOFT_LIMIT = 900
ANSWER_HARD_LIMIT = 1200
SOURCE_LIMIT = 80
# Texts shown as buttons (plain text in Telegram, so no HTML either).
BUTTON_KEYS = re.compile(
    r"^(desk\.claim|button\..*|menu\.group\.[a-z]+|language\.keep|handoff\.(share_yes|share_no|cancel|end|leave_button)"
    r"|clarify\.none|forget\.(yes|no))$"
)


def is_desk(key: str) -> bool:
    """Texts for the counsellors' group: in English by design, translation optional."""
    return key.startswith("desk.")


def is_button(key: str, topics: set[str]) -> bool:
    """Texts shown on buttons: plain text, short. Topic titles are buttons too."""
    return bool(BUTTON_KEYS.match(key)) or (key.endswith(".title") and key[: -len(".title")] in topics)


# Telegram's HTML parse mode: https://core.telegram.org/bots/api#html-style
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "tg-spoiler",
    "blockquote",
    "span",
}
BARE_AMPERSAND = re.compile(r"&(?!(amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)")
# Keys used in code and the domain: string literals that look like content keys.
KEY_LITERAL = re.compile(
    r"""["']((?:start|language|menu|button|answer|conversation|clarify|media|error|handoff|forget|about|desk|command)\.[a-z_.]+|out_of_scope)["']"""
)


@dataclass(frozen=True)
class Problem:
    level: str  # "error" or "warning"
    where: str  # language and key, or a file
    message: str

    def __str__(self) -> str:
        return f"{self.level.upper():7} {self.where}: {self.message}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)

    def error(self, where: str, message: str) -> None:
        self.problems.append(Problem("error", where, message))

    def warning(self, where: str, message: str) -> None:
        self.problems.append(Problem("warning", where, message))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]


class _TelegramHTML(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}> is not allowed in Telegram messages")
        elif tag == "a" and not any(k == "href" and v for k, v in attrs):
            self.problems.append("<a> needs an href")
        elif tag == "span" and ("class", "tg-spoiler") not in attrs:
            self.problems.append('<span> is only allowed as <span class="tg-spoiler">')
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> does not close the last opened tag")
            return
        self.stack.pop()


def html_problems(text: str) -> list[str]:
    """What Telegram's HTML parser would reject (or show wrongly) in this text."""
    problems = []
    if BARE_AMPERSAND.search(text):
        problems.append('a bare "&": write &amp;')
    for match in re.finditer(r"<(/?)([^\s>/]*)", text):
        if not match.group(2) or not re.match(r"^[a-zA-Z][\w-]*$", match.group(2)):
            problems.append('a bare "<": write &lt;')
            break
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    problems += parser.problems
    if parser.stack:
        problems.append(f"<{parser.stack[-1]}> is never closed")
    return problems


def plain_problems(text: str, what: str = "button labels") -> list[str]:
    return [f"{what} are plain text: no HTML tags"] if re.search(r"<[a-zA-Z/]", text) else []


def run_checks(locales_dir: Path, *, max_age_days: int = 365, today: dt.date | None = None,
               code_dirs: tuple[Path, ...] = ()) -> Report:  # fmt: skip
    report = Report()
    today = today or dt.date.today()
    try:
        source = ContentSource.load(locales_dir)
        facts = Facts.load(locales_dir / "facts.yml")
    except ContentError as exc:
        report.error("source", str(exc))
        return report
    fact_names = {f.name for f in facts}
    runtime = {"retention_days", "n"}

    # -- the English source -----------------------------------------------------------------
    for key, entry in source.texts.items():
        where = f"en {key}"
        for text in (entry.text, entry.plural or ""):
            # A placeholder is a fact, a count (n), the retention period, or explained in the note.
            unknown = build.placeholders(text) - fact_names - runtime - build.placeholders(entry.note or "")
            if unknown:
                report.error(
                    where,
                    f"placeholder(s) {', '.join(sorted(unknown))} are neither facts in facts.yml nor explained in the note",
                )
            _check_text(report, where, key, text, set(source.topics))
        if key.endswith(".answer") and len(entry.text) > ANSWER_SOFT_LIMIT:
            report.warning(
                where,
                f"{len(entry.text)} characters; the first part should stay under {ANSWER_SOFT_LIMIT}",
            )
    for topic in source.topics.values():
        where = f"en {topic.key}"
        for related in topic.related:
            if related not in source.topics:
                report.error(where, f"related topic {related!r} does not exist")
        for data in (f"i:{topic.key}", f"more:{topic.key}"):
            if len(data.encode()) > CALLBACK_DATA_LIMIT:
                report.error(
                    where,
                    f"the key is too long for Telegram's {CALLBACK_DATA_LIMIT}-byte button data",
                )
        age = (today - topic.checked).days
        if age > max_age_days:
            report.error(
                where,
                f"last checked {topic.checked} ({age} days ago): check the facts and update 'checked'",
            )
    for fact in facts:
        if fact.checked and (today - fact.checked).days > max_age_days:
            report.error(f"fact {fact.name}", f"last checked {fact.checked}: check it and update 'checked'")

    # -- keys used by the dialogue and the code ---------------------------------------------
    for name, path, keys in _referenced_keys(locales_dir.parent, code_dirs):
        for key in keys:
            if key not in source.texts and key not in source.topics:
                report.error(f"{name} {path}", f"uses content key {key!r}, which does not exist")

    # -- translations -----------------------------------------------------------------------
    template = build.build_template(source, locales_dir)
    for language in SUPPORTED_LANGUAGES:
        if language == SOURCE_LANGUAGE:
            continue
        po = build.po_path(locales_dir, language)
        if not po.exists():
            report.warning(language, "no catalog yet (run `make catalogs`)")
            continue
        try:
            catalog = build.read_catalog(po, language)
        except Exception as exc:  # a broken .po file must be reported, not crash the check
            report.error(f"{language}", f"{po.name} cannot be read: {exc}")
            continue
        _check_translations(report, language, template, catalog, set(source.topics))
    return report


def _check_text(report: Report, where: str, key: str, text: str, topics: set[str]) -> None:
    if key.startswith(SOURCE_PREFIX):
        # Shown inside the answer's footer, escaped: plain text, so "DT&V" is right as it is.
        for problem in plain_problems(text, "sources"):
            report.error(where, problem)
        if len(text) > SOURCE_LIMIT:
            report.warning(where, f"{len(text)} characters: keep a source under {SOURCE_LIMIT}")
        return
    if is_button(key, topics):
        for problem in plain_problems(text):
            report.error(where, problem)
        if len(text) > BUTTON_HARD_LIMIT:
            report.error(where, f"button label of {len(text)} characters (limit {BUTTON_HARD_LIMIT})")
        elif len(text) > BUTTON_SOFT_LIMIT:
            report.warning(
                where,
                f"button label of {len(text)} characters is cut off on phones (keep under {BUTTON_SOFT_LIMIT})",
            )
        return
    for problem in html_problems(text):
        report.error(where, problem)
    if len(text) > TELEGRAM_MESSAGE_LIMIT:
        report.error(where, f"{len(text)} characters: over Telegram's {TELEGRAM_MESSAGE_LIMIT} per message")
    if key.endswith(".answer") and len(text) > ANSWER_HARD_LIMIT:
        report.error(where, f"{len(text)} characters: the first part must stay under {ANSWER_HARD_LIMIT}")


def _check_translations(report: Report, language: str, template: Catalog, catalog: Catalog, topics: set[str]) -> None:
    by_context = {m.context: m for m in catalog if m.id}
    for entry in template:
        if not entry.id or is_desk(str(entry.context)):
            continue
        key = str(entry.context)
        where = f"{language} {key}"
        message = by_context.get(key)
        if message is None:
            report.warning(where, "missing (run `make catalogs`)")
            continue
        strings = build.forms(message.string)
        if not any(strings):
            report.warning(where, "not translated yet")
            continue
        if build.is_fuzzy(message) or message.id != entry.id:
            report.warning(where, "outdated: the English changed since this was translated")
            continue
        if not any(c.startswith(build.STATUS_PREFIX) for c in message.user_comments):
            report.warning(where, "no '# status:' line (machine-draft or reviewed)")
        ids = build.forms(entry.id)
        expected = set().union(*(build.placeholders(i) for i in ids))
        for string in strings:
            found = build.placeholders(string)
            if found - expected:
                report.error(
                    where,
                    f"unknown placeholder(s) {', '.join(sorted(found - expected))}; the English has {', '.join(sorted(expected)) or 'none'}",
                )
            elif len(ids) == 1 and found != expected:
                report.error(where, f"placeholder(s) {', '.join(sorted(expected - found))} missing")
            _check_text(report, where, key, string, topics)


def _referenced_keys(root: Path, code_dirs: tuple[Path, ...]) -> list[tuple[str, str, set[str]]]:
    found: list[tuple[str, str, set[str]]] = []
    domain = root / "domain"
    for path in sorted(domain.glob("*.yml")) if domain.exists() else []:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        keys: set[str] = set()
        for variants in (data.get("responses") or {}).values():
            for variant in variants or []:
                custom = (variant or {}).get("custom") or {}
                if custom.get("key"):
                    keys.add(custom["key"])
                if custom.get("topic"):
                    keys.add(custom["topic"])
                keys.update(b["key"] for b in custom.get("buttons") or [] if b.get("key"))
        found.append(("domain", str(path.relative_to(root)), keys))
    for directory in code_dirs:
        for path in sorted(directory.rglob("*.py")):
            keys = set(KEY_LITERAL.findall(path.read_text(encoding="utf-8")))
            if keys:
                found.append(("code", str(path.relative_to(root)), keys))
    return found
