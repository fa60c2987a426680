"""The editors' tools: check, coverage, preview, and hot reload."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.config import REPO_ROOT
from bot.i18n import build, editor
from bot.i18n.catalog import ContentCatalog
from bot.i18n.checks import html_problems, run_checks
from bot.i18n.reload import CatalogReloader
from bot.render import ReplyRenderer


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    """A copy of the project's real locales, to break on purpose."""
    target = tmp_path / "locales"
    shutil.copytree(REPO_ROOT / "locales", target, ignore=shutil.ignore_patterns("*.mo"))
    shutil.copytree(REPO_ROOT / "domain", tmp_path / "domain")
    build.compile_all(target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_project_content_has_no_errors() -> None:
    report = run_checks(REPO_ROOT / "locales", code_dirs=(REPO_ROOT / "bot", REPO_ROOT / "actions"))
    assert report.errors == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Tom & Jerry", "bare"),
        ("a <b>bold", "never closed"),
        ("<b>x</i>", "does not close"),
        ("<script>x</script>", "not allowed"),
        ("1 < 2", "bare"),
        ("<a>link</a>", "href"),
    ],
)
def test_telegram_html_problems(text: str, problem: str) -> None:
    assert any(problem in p for p in html_problems(text))


def test_valid_telegram_html_passes() -> None:
    assert html_problems('<b>x</b> &amp; <i>y</i> <a href="https://x.nl">z</a>') == []


def test_check_finds_the_errors_editors_make(locales: Path) -> None:
    messages = locales / "en" / "messages.yml"
    edit(messages, 'menu.title: "What would you like', 'menu.title: "What & would you like')
    edit(messages, 'error.generic: "Sorry,', 'error.generic: "%(telefoon)s Sorry,')
    topics = locales / "en" / "topics.yml"
    edit(
        topics,
        "related: [return_eligibility, return_apply, reintegration_support]",
        "related: [return_eligibility, nonexistent]",
    )
    edit(topics, "checked: 2026-11-28", "checked: 2020-01-01")
    report = run_checks(locales, today=dt.date(2026, 11, 28))
    messages_ = [str(p) for p in report.errors]
    assert any("menu.title" in m and "&" in m for m in messages_)
    assert any("error.generic" in m and "telefoon" in m for m in messages_)
    assert any("nonexistent" in m for m in messages_)
    assert any("2020-01-01" in m for m in messages_)


def test_check_finds_broken_translations(locales: Path) -> None:
    path = build.po_path(locales, "fa")
    catalog = build.read_catalog(path, "fa")
    for message in catalog:
        if message.context == "return_options.answer":
            message.string = message.string.replace("%(iom_phone)s", "%(iom_fone)s")
        if message.context == "button.menu":
            message.string = "<b>منو</b>"
    build.write_catalog(catalog, path)
    errors = [str(p) for p in run_checks(locales).errors]
    assert any("fa return_options.answer" in e and "iom_fone" in e for e in errors)
    assert any("fa button.menu" in e and "plain text" in e for e in errors)


def test_changed_english_is_reported_as_outdated(locales: Path) -> None:
    edit(locales / "en" / "topics.yml", "Yes. Without papers you still have", "Yes. Even without papers you still have")
    build.update(locales)
    report = run_checks(locales)
    assert any(p.where == "fa healthcare_access.answer" and "outdated" in p.message for p in report.warnings)
    _, table = editor.coverage(locales)
    assert table["healthcare_access"]["fa"] == "outdated"
    assert table["return_options"]["fa"] in ("draft", "done")


def test_preview_shows_text_and_buttons(capsys: pytest.CaptureFixture[str]) -> None:
    assert editor.main(["preview", "healthcare_access", "fa"]) == 0
    out = capsys.readouterr().out
    assert "[ " in out
    assert "112" in out
    assert editor.main(["preview", "nope", "fa"]) == 2


async def test_hot_reload_applies_good_edits_and_refuses_bad_ones(locales: Path) -> None:
    renderer = ReplyRenderer(ContentCatalog.load(locales), retention_days=30)
    reloader = CatalogReloader(locales, renderer, interval=0.01)
    task = asyncio.create_task(reloader.run())
    try:
        edit(
            locales / "en" / "messages.yml",
            'conversation.goodbye: "Take care.',
            'conversation.goodbye: "Goodbye, take care.',
        )
        await _until(lambda: renderer.t("conversation.goodbye", "en").startswith("Goodbye"))
        # A broken edit is refused; the previous text keeps being served.
        edit(locales / "en" / "messages.yml", 'conversation.goodbye: "Goodbye', 'conversation.goodbye: "<b>Goodbye')
        await _until(lambda: reloader.last_report is not None and reloader.last_report.errors != [])
        assert renderer.t("conversation.goodbye", "en").startswith("Goodbye, take care")
    finally:
        task.cancel()


async def _until(condition, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached"
        await asyncio.sleep(0.05)


def test_sources_are_named_once_and_shown_in_the_users_language(locales: Path) -> None:
    path = build.po_path(locales, "nl")
    catalog = build.read_catalog(path, "nl")
    for message in catalog:
        if message.context == "source.this_service":
            message.string = "Deze dienst (test)"
            message.user_comments = ["status: machine-draft"]
    build.write_catalog(catalog, path)
    build.compile_all(locales)
    renderer = ReplyRenderer(ContentCatalog.load(locales), retention_days=30)
    privacy = renderer.answer("privacy", "nl").text
    assert "Deze dienst (test)" in privacy and "This service" not in privacy
    # Plain text in sources.yml, escaped for Telegram's HTML.
    assert "DT&amp;V" in renderer.answer("return_options", "en").text
    # A topic naming a source sources.yml does not have, or a source with HTML, is an error.
    edit(locales / "en" / "topics.yml", "sources: [this_service, iom]", "sources: [this_service, nowhere]")
    assert any("nowhere" in str(p) for p in run_checks(locales).errors)
    edit(locales / "en" / "topics.yml", "sources: [this_service, nowhere]", "sources: [this_service, iom]")
    edit(locales / "en" / "sources.yml", 'dji: "DJI', 'dji: "<b>DJI</b>')
    assert any("source.dji" in str(p) and "plain text" in str(p) for p in run_checks(locales).errors)
