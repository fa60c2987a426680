"""`content`: the command content editors use. See docs/editing-content.md.

content build                 update every language's catalog from the English, compile
content check [-v]            find problems (errors stop the bot from using the content)
content coverage              which topics are translated in which language
content preview KEY LANG      show a message as the user sees it
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

from bot.config import REPO_ROOT
from bot.errors import ContentError
from bot.i18n import build
from bot.i18n.catalog import ContentCatalog
from bot.i18n.checks import Report, run_checks
from bot.i18n.languages import SOURCE_LANGUAGE, SUPPORTED_LANGUAGES, resolve
from bot.render import ReplyRenderer
from bot.replies import Reply

CODE_DIRS = (REPO_ROOT / "bot", REPO_ROOT / "actions")


def _cmd_build(args: argparse.Namespace) -> int:
    locales = Path(args.locales)
    build.update(locales)
    for language, skipped in build.compile_all(locales).items():
        for item in skipped:
            print(f"{language}: left out of the compiled catalog: {item}", file=sys.stderr)
    return 0


def print_report(report: Report, verbose: bool) -> None:
    for problem in report.errors:
        print(problem)
    if verbose:
        for problem in report.warnings:
            print(problem)
    else:
        grouped = collections.Counter((p.where.split(" ")[0], p.message.split(":")[0]) for p in report.warnings)
        for (language, message), count in sorted(grouped.items()):
            print(f"WARNING {language}: {count} × {message}")
    print(f"\n{len(report.errors)} error(s), {len(report.warnings)} warning(s).", end=" ")
    print("Errors must be fixed; warnings are work to do." if report.errors else "No errors.")


def _cmd_check(args: argparse.Namespace) -> int:
    report = run_checks(Path(args.locales), max_age_days=args.max_age_days, code_dirs=CODE_DIRS)
    print_report(report, args.verbose)
    return 1 if report.errors else 0


STATUS_MARKS = {"done": "✔", "draft": "m", "outdated": "~", "missing": "·"}


def coverage(locales: Path) -> tuple[list[str], dict[str, dict[str, str]]]:
    """Status per topic and language: done (reviewed), draft (machine), outdated, missing."""
    source = build.ContentSource.load(locales)
    # Every template entry has its content key as context; the test only narrows the type.
    template = {m.context: m for m in build.build_template(source, locales) if m.id and m.context is not None}
    table: dict[str, dict[str, str]] = {}
    languages = [lang for lang in SUPPORTED_LANGUAGES if lang != SOURCE_LANGUAGE]
    rows = [*source.topics, "(other messages)"]
    for language in languages:
        path = build.po_path(locales, language)
        catalog = {m.context: m for m in build.read_catalog(path, language) if m.id} if path.exists() else {}
        for row in rows:
            keys = (
                [k for k in template if k.startswith(f"{row}.")]
                if row in source.topics
                else [k for k in template if k.split(".")[0] not in source.topics and not k.startswith("desk.")]
            )
            states = [_state(template[k], catalog.get(k)) for k in keys]
            worst = next((s for s in ("missing", "outdated", "draft") if s in states), "done")
            table.setdefault(row, {})[language] = worst
    return languages, table


def _state(entry: object, message: object) -> str:
    if message is None:
        return "missing"
    strings = message.string if isinstance(message.string, tuple) else (message.string,)  # type: ignore[attr-defined]
    if not any(strings):
        return "missing"
    if build.is_fuzzy(message) or message.id != entry.id:  # type: ignore[attr-defined,arg-type]
        return "outdated"
    if any(c.startswith("status: reviewed") for c in message.user_comments):  # type: ignore[attr-defined]
        return "done"
    return "draft"


def _cmd_coverage(args: argparse.Namespace) -> int:
    languages, table = coverage(Path(args.locales))
    width = max(len(row) for row in table)
    print(f"{'topic':<{width}}  " + "  ".join(f"{lang:>3}" for lang in languages))
    for row, cells in table.items():
        print(f"{row:<{width}}  " + "  ".join(f"{STATUS_MARKS[cells[lang]]:>3}" for lang in languages))
    totals = collections.Counter(state for cells in table.values() for state in cells.values())
    print(
        f"\n✔ reviewed by a native speaker: {totals['done']}   m machine-drafted: {totals['draft']}   "
        f"~ outdated (English changed): {totals['outdated']}   · missing: {totals['missing']}"
    )
    return 0


def render_preview(reply: Reply) -> str:
    lines = [reply.plain_text()]
    for row in reply.buttons:
        lines.append("  " + "  ".join(f"[ {b.label} ]" for b in row))
    return "\n".join(lines)


def _cmd_preview(args: argparse.Namespace) -> int:
    language = resolve(args.lang)
    if language is None:
        print(f"error: unknown language {args.lang!r}; use one of {', '.join(SUPPORTED_LANGUAGES)}", file=sys.stderr)
        return 2
    catalog = ContentCatalog.load(Path(args.locales))
    renderer = ReplyRenderer(catalog, retention_days=30)
    if args.key in catalog.topics:
        replies = [renderer.answer(args.key, language)]
        if catalog.topics[args.key].has_more:
            replies.append(renderer.more(args.key, language))
    elif catalog.has(args.key):
        params = _sample_params(catalog, args.key)
        if catalog.source.texts[args.key].plural is not None:
            text = catalog.render_plural(args.key, language, 3, **params).text
        else:
            text = renderer.t(args.key, language, **params)
        replies = [renderer.reply(text, language)]
    else:
        print(f"error: no content key {args.key!r}", file=sys.stderr)
        return 2
    for index, reply in enumerate(replies):
        if index:
            print("\n--- after a tap on the first button ---\n")
        print(render_preview(reply))
        print(f"\n({len(reply.text)} characters as sent, limit 4096)")
    return 0


def _sample_params(catalog: ContentCatalog, key: str) -> dict[str, object]:
    """Example values for placeholders the bot fills at run time (explained in the note)."""
    entry = catalog.source.texts[key]
    examples = {"position": 2, "when": "Monday 1 December, 09:00", "language": "العربية", "name": "Layla",
                "handle": "@example_bot", "sources": "iom-nederland.nl", "date": "28 November 2026"}  # fmt: skip
    names = (
        build.placeholders(entry.text + (entry.plural or ""))
        - {f.name for f in catalog.facts}
        - {"retention_days", "n"}
    )
    return {name: examples.get(name, name) for name in names}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="content", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--locales", default=str(REPO_ROOT / "locales"), help="the locales directory")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="update and compile every catalog").set_defaults(func=_cmd_build)
    check = sub.add_parser("check", help="find problems in the content")
    check.add_argument("-v", "--verbose", action="store_true", help="list every warning")
    check.add_argument("--max-age-days", type=int, default=365, help="'checked' dates older than this are errors")
    check.set_defaults(func=_cmd_check)
    sub.add_parser("coverage", help="translation status per topic and language").set_defaults(func=_cmd_coverage)
    preview = sub.add_parser("preview", help="show a message as the user sees it")
    preview.add_argument("key", help="a topic (e.g. healthcare_access) or message key (e.g. start.greeting)")
    preview.add_argument("lang", help="a language code, e.g. ar")
    preview.set_defaults(func=_cmd_preview)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except ContentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
