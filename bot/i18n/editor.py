"""`content`: the command content editors use to build, check and preview the catalogs.

content build              extract the template, merge it into every language, compile
content check              (see docs/editing-content.md)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import REPO_ROOT
from bot.errors import ContentError
from bot.i18n import build


def _cmd_build(args: argparse.Namespace) -> int:
    locales = Path(args.locales)
    build.update(locales)
    report = build.compile_all(locales)
    for language, skipped in report.items():
        for item in skipped:
            print(f"{language}: left out of the compiled catalog: {item}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="content", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--locales", default=str(REPO_ROOT / "locales"), help="the locales directory"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="extract, update and compile every catalog").set_defaults(
        func=_cmd_build
    )
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except ContentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
