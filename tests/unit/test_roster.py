"""Counsellors and office hours."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import REPO_ROOT
from bot.handoff.roster import RosterError, RosterWatcher, load_roster

AMS = ZoneInfo("Europe/Amsterdam")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=AMS)


def test_the_example_file_is_valid() -> None:
    roster = load_roster(REPO_ROOT / "counsellors.example.yml")
    assert roster.counsellor(111111111).name == "Layla"
    assert [c.name for c in roster.speaking("fa")] == ["Farid"]


def test_office_hours_and_next_opening() -> None:
    roster = load_roster(REPO_ROOT / "counsellors.example.yml")
    monday_morning = at(2026, 11, 30, 10, 0)  # a Monday
    assert roster.is_open(monday_morning)
    assert not roster.is_open(at(2026, 11, 30, 13, 0))  # lunch
    assert roster.next_opening(at(2026, 11, 30, 13, 0)) == at(2026, 11, 30, 13, 30)
    assert roster.next_opening(at(2026, 12, 4, 16, 0)) == at(2026, 12, 7, 9, 0)  # Friday after 15:00 -> Monday
    assert roster.next_opening(at(2026, 12, 24, 18, 0)) == at(2026, 12, 28, 9, 0)  # closed dates skipped


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("counsellors: [{id: abc, name: X, languages: [ar]}]", "Telegram user id"),
        ("counsellors: [{id: 1, name: X, languages: [de]}]", "unknown"),
        ("timezone: Mars/Olympus\ncounsellors: []", "time zone"),
        ("office_hours: {mon: ['9-17']}\ncounsellors: []", "is not like"),
        ("office_hours: {funday: ['09:00-17:00']}\ncounsellors: []", "weekday"),
        ("counsellors: [{id: 1, name: A, languages: [ar]}, {id: 1, name: B, languages: [ar]}]", "twice"),
        ("[not, a, mapping]", "mapping"),
    ],
)
def test_mistakes_are_reported_clearly(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "c.yml"
    path.write_text(content)
    with pytest.raises(RosterError, match=problem):
        load_roster(path)


def test_a_broken_file_keeps_the_previous_roster(tmp_path: Path) -> None:
    path = tmp_path / "c.yml"
    path.write_text("office_hours: always\ncounsellors: [{id: 1, name: A, languages: [ar]}]\n")
    watcher = RosterWatcher(path)
    path.write_text("counsellors: [{id: oops}]\n")
    assert watcher.check() is False
    assert watcher.error is not None
    assert watcher.roster.counsellor(1).name == "A"
    path.write_text("office_hours: always\ncounsellors: [{id: 2, name: B, languages: [fa]}]\n# changed\n")
    assert watcher.check() is True
    assert watcher.roster.counsellor(2).name == "B"
