"""The counsellors and office hours, from the YAML file at COUNSELLORS_FILE.

    timezone: Europe/Amsterdam
    office_hours:              # "always", or per weekday a list of "HH:MM-HH:MM"; a missing day is closed
      mon: ["09:00-12:30", "13:30-17:00"]
      tue: ["09:00-17:00"]
    closed_dates: [2026-12-25] # optional
    counsellors:
      - id: 111111111          # Telegram user id
        name: Layla            # display name shown to users
        languages: [ar, fr]

The file is re-read when it changes (``RosterWatcher``); a broken file is refused with a clear
message and the roster in force stays.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from bot.errors import BotError
from bot.i18n.languages import SUPPORTED_LANGUAGES

logger = logging.getLogger(__name__)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


class RosterError(BotError):
    """The counsellors file is missing or invalid; the message says where and why."""


@dataclass(frozen=True)
class Counsellor:
    id: int
    name: str
    languages: tuple[str, ...]


@dataclass(frozen=True)
class Roster:
    timezone: ZoneInfo
    always_open: bool = False
    hours: dict[int, tuple[tuple[dt.time, dt.time], ...]] = field(default_factory=dict)  # weekday -> spans
    closed_dates: frozenset[dt.date] = frozenset()
    counsellors: tuple[Counsellor, ...] = ()

    @classmethod
    def empty(cls) -> Roster:
        return cls(timezone=ZoneInfo("Europe/Amsterdam"))

    # -- who -----------------------------------------------------------------------------

    def counsellor(self, user_id: int) -> Counsellor | None:
        return next((c for c in self.counsellors if c.id == user_id), None)

    def speaking(self, language: str) -> list[Counsellor]:
        return [c for c in self.counsellors if language in c.languages]

    @property
    def languages(self) -> set[str]:
        return {lang for c in self.counsellors for lang in c.languages}

    # -- when ----------------------------------------------------------------------------

    def is_open(self, now: dt.datetime) -> bool:
        local = now.astimezone(self.timezone)
        if local.date() in self.closed_dates:
            return False
        if self.always_open:
            return True
        return any(start <= local.time() < end for start, end in self.hours.get(local.weekday(), ()))

    def next_opening(self, now: dt.datetime) -> dt.datetime | None:
        """The next moment the office opens (now, if it is open); None if it never does."""
        if self.is_open(now):
            return now
        local = now.astimezone(self.timezone)
        for days in range(0, 400):
            day = local.date() + dt.timedelta(days=days)
            if day in self.closed_dates:
                continue
            if self.always_open:
                return dt.datetime.combine(day, dt.time(0, 0), self.timezone)
            for start, _ in sorted(self.hours.get(day.weekday(), ())):
                moment = dt.datetime.combine(day, start, self.timezone)
                if moment > local:
                    return moment
        return None


def load_roster(path: Path) -> Roster:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RosterError(f"{path}: the counsellors file does not exist") from exc
    except (OSError, yaml.YAMLError) as exc:
        raise RosterError(f"{path}: cannot read it as YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise RosterError(f"{path}: must be a mapping with timezone, office_hours and counsellors")
    problems: list[str] = []
    try:
        timezone = ZoneInfo(str(data.get("timezone") or "Europe/Amsterdam"))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"timezone {data.get('timezone')!r} is not a known time zone (like Europe/Amsterdam)")
        timezone = ZoneInfo("Europe/Amsterdam")

    hours: dict[int, tuple[tuple[dt.time, dt.time], ...]] = {}
    raw_hours = data.get("office_hours", "always")
    always = raw_hours == "always"
    if not always:
        if not isinstance(raw_hours, dict):
            problems.append(
                'office_hours must be "always" or a mapping of weekdays (mon..sun) to lists of "HH:MM-HH:MM"'
            )
        else:
            for day, spans in raw_hours.items():
                if day not in WEEKDAYS:
                    problems.append(f"office_hours: {day!r} is not a weekday (use {', '.join(WEEKDAYS)})")
                    continue
                parsed = []
                for span in spans or []:
                    match = _SPAN.match(str(span).replace(" ", ""))
                    if not match:
                        problems.append(f'office_hours.{day}: {span!r} is not like "09:00-17:00"')
                        continue
                    h1, m1, h2, m2 = (int(g) for g in match.groups())
                    try:
                        start, end = dt.time(h1, m1), dt.time(h2, m2) if (h2, m2) != (24, 0) else dt.time.max
                    except ValueError:
                        problems.append(f"office_hours.{day}: {span!r} has an impossible time")
                        continue
                    if end <= start:
                        problems.append(f"office_hours.{day}: {span!r} ends before it starts")
                        continue
                    parsed.append((start, end))
                hours[WEEKDAYS.index(day)] = tuple(parsed)

    closed: set[dt.date] = set()
    for value in data.get("closed_dates") or []:
        if isinstance(value, dt.date):
            closed.add(value)
        else:
            problems.append(f"closed_dates: {value!r} is not a date like 2026-12-25")

    counsellors: list[Counsellor] = []
    seen: set[int] = set()
    for index, entry in enumerate(data.get("counsellors") or []):
        where = f"counsellors[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must have id, name and languages")
            continue
        try:
            user_id = int(entry["id"])
        except (KeyError, TypeError, ValueError):
            problems.append(f"{where}: id must be a Telegram user id (a number)")
            continue
        if user_id in seen:
            problems.append(f"{where}: id {user_id} appears twice")
        seen.add(user_id)
        name = str(entry.get("name") or "").strip()
        if not name:
            problems.append(f"{where}: needs a name (shown to users)")
        languages = tuple(entry.get("languages") or ())
        unknown = [lang for lang in languages if lang not in SUPPORTED_LANGUAGES]
        if not languages or unknown:
            problems.append(
                f"{where}: languages must be a list of {', '.join(SUPPORTED_LANGUAGES)}; unknown: {unknown}"
            )
        counsellors.append(Counsellor(user_id, name, languages))
    if problems:
        raise RosterError(f"{path}: " + "; ".join(problems))
    return Roster(timezone, always, hours, frozenset(closed), tuple(counsellors))


class RosterWatcher:
    """Holds the roster in force and re-reads the file when it changes."""

    def __init__(self, path: Path, *, interval: float = 5.0) -> None:
        self.path = path
        self.interval = interval
        self._mtime: int | None = None
        self.error: str | None = None
        try:
            self.roster = load_roster(path)
            self._mtime = self._stat()
        except RosterError as exc:
            logger.error("no counsellors: %s", exc)
            self.error = str(exc)
            self.roster = Roster.empty()

    def _stat(self) -> int | None:
        try:
            return self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return None

    def check(self) -> bool:
        """Re-read the file if it changed; True if a new roster is in force."""
        mtime = self._stat()
        if mtime == self._mtime:
            return False
        self._mtime = mtime
        try:
            self.roster = load_roster(self.path)
        except RosterError as exc:
            self.error = str(exc)
            logger.error("counsellors file REFUSED, the previous roster stays in force: %s", exc)
            return False
        self.error = None
        logger.info("counsellors file reloaded: %d counsellor(s)", len(self.roster.counsellors))
        return True

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            self.check()
