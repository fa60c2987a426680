"""Hot reload: edited catalogs take effect in the running bot, unless they fail the check.

The reloader polls the modification times of the content files. On a change it runs the same
checks as `content check`; with errors, the change is refused (logged clearly) and the bot keeps
serving the content it had; without, the catalogs are rebuilt and swapped in at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from pathlib import Path

from bot.i18n import build
from bot.i18n.catalog import ContentCatalog
from bot.i18n.checks import Report, run_checks
from bot.render import ReplyRenderer

logger = logging.getLogger(__name__)


class CatalogReloader:
    def __init__(
        self,
        locales_dir: Path,
        renderer: ReplyRenderer,
        *,
        interval: float = 5.0,
        code_dirs: Iterable[Path] = (),
    ) -> None:
        self.locales_dir = locales_dir
        self.renderer = renderer
        self.interval = interval
        self.code_dirs = tuple(code_dirs)
        self._seen = self._snapshot()
        self.last_report: Report | None = None

    def _files(self) -> list[Path]:
        root = self.locales_dir
        return [
            *sorted((root / "en").glob("*.yml")),
            root / "facts.yml",
            *sorted(root.glob(f"*/LC_MESSAGES/{build.DOMAIN}.po")),
        ]

    def _snapshot(self) -> dict[Path, int]:
        snapshot = {}
        for path in self._files():
            try:
                snapshot[path] = path.stat().st_mtime_ns
            except FileNotFoundError:
                continue
        return snapshot

    def changed(self) -> bool:
        return self._snapshot() != self._seen

    async def run(self) -> None:
        """Poll forever (cancel the task to stop)."""
        while True:
            await asyncio.sleep(self.interval)
            if self.changed():
                await self.reload()

    async def reload(self) -> bool:
        """Check, rebuild and swap in the content; False if the change was refused."""
        report = await asyncio.to_thread(run_checks, self.locales_dir, code_dirs=self.code_dirs)
        self.last_report = report
        if report.errors:
            self._seen = self._snapshot()  # do not retry until the files change again
            logger.error(
                "content change REFUSED (%d error(s)); the bot keeps serving the previous content. "
                "Run `make content-check` to see them. First: %s",
                len(report.errors),
                report.errors[0],
            )
            return False
        catalog = await asyncio.to_thread(self._rebuild)
        self.renderer.catalog = catalog
        self._seen = self._snapshot()
        logger.info("content reloaded (%d warning(s))", len(report.warnings))
        return True

    def _rebuild(self) -> ContentCatalog:
        build.update(self.locales_dir)
        build.compile_all(self.locales_dir)
        return ContentCatalog.load(self.locales_dir)
