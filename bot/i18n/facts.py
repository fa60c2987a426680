"""Facts that change (amounts, phone numbers, programme names), defined once in locales/facts.yml.

Every text may use a fact as a named placeholder, ``%(iom_phone)s``; an editor who changes a
fact changes it in every language at once. Amounts and dates are formatted for the reader's
locale with Babel, so "EUR 615" reads "€615" in English and "615 €" in French.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path

import yaml
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from bot.errors import ContentError


@dataclass(frozen=True)
class Fact:
    name: str
    value: str | None = None
    amount: float | None = None
    currency: str | None = None
    date: dt.date | None = None
    source: str = ""
    checked: dt.date | None = None

    def format(self, locale: Locale) -> str:
        """The fact as text for this locale, HTML-escaped (texts are Telegram HTML)."""
        if self.amount is not None and self.currency:
            return html.escape(format_money(self.amount, self.currency, locale))
        if self.amount is not None:
            return html.escape(format_decimal(self.amount, locale=locale))
        if self.date is not None:
            return html.escape(format_date(self.date, format="long", locale=locale))
        return html.escape(self.value or "")


def format_money(amount: float, currency: str, locale: Locale) -> str:
    """Currency in the locale's pattern, without '.00' for whole amounts."""
    pattern = locale.currency_formats["standard"].pattern
    if float(amount).is_integer():
        pattern = pattern.replace(".00", "")
        return format_currency(int(amount), currency, format=pattern, locale=locale, currency_digits=False)
    return format_currency(amount, currency, locale=locale)


class Facts:
    def __init__(self, facts: dict[str, Fact]) -> None:
        self._facts = facts

    def __contains__(self, name: str) -> bool:
        return name in self._facts

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._facts.values())

    def params(self, locale: Locale) -> dict[str, str]:
        return {name: fact.format(locale) for name, fact in self._facts.items()}

    @classmethod
    def load(cls, path: Path) -> Facts:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ContentError(f"{path}: cannot read: {exc}") from exc
        facts: dict[str, Fact] = {}
        for name, entry in data.items():
            if not isinstance(entry, dict):
                raise ContentError(f"{path}: fact {name!r} must be a mapping with value/amount, source, checked")
            kinds = [k for k in ("value", "amount", "date") if k in entry]
            if len(kinds) != 1:
                raise ContentError(f"{path}: fact {name!r} needs exactly one of value, amount or date")
            if not entry.get("source"):
                raise ContentError(f"{path}: fact {name!r} needs a source")
            checked = entry.get("checked")
            if not isinstance(checked, dt.date):
                raise ContentError(f"{path}: fact {name!r}: 'checked' must be a date like 2026-11-28")
            amount = entry.get("amount")
            if amount is not None and not isinstance(amount, int | float):
                raise ContentError(f"{path}: fact {name!r}: amount must be a number")
            facts[str(name)] = Fact(
                name=str(name),
                value=str(entry["value"]) if "value" in entry else None,
                amount=amount,
                currency=entry.get("currency"),
                date=entry.get("date"),
                source=str(entry["source"]),
                checked=checked,
            )
        return cls(facts)
