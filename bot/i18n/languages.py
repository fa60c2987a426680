"""The supported languages, their names in their own script, direction and fallback chain."""

from __future__ import annotations

from functools import cache

from babel import Locale, UnknownLocaleError
from babel.lists import format_list

SOURCE_LANGUAGE = "en"

# Order is the order of the language picker.
SUPPORTED_LANGUAGES: tuple[str, ...] = (
    "en",
    "nl",
    "fr",
    "es",
    "ar",
    "fa",
    "ps",
    "ckb",
    "ti",
    "so",
    "tr",
    "ru",
)

# Codes that clients send for a language we serve under another code.
_ALIASES = {
    "prs": "fa",  # Dari is served by the Persian catalog (written the same way)
    "pes": "fa",
    "pbu": "ps",
    "pbt": "ps",
    "arb": "ar",
}

# Babel names Persian "فارسی"; Afghan users call the same written language Dari.
_NAME_OVERRIDES = {"fa": "فارسی / دری"}


def normalise(code: str | None) -> str | None:
    """Turn 'fa-AF', 'FA_af' or 'fa' into Babel's form 'fa_AF' / 'fa'; None for junk."""
    if not code:
        return None
    parts = code.replace("-", "_").split("_")
    language = parts[0].lower()
    if not language.isalpha() or not 2 <= len(language) <= 3:
        return None
    region = "_".join(p.upper() if len(p) == 2 else p.title() for p in parts[1:] if p.isalnum())
    return f"{language}_{region}" if region else language


def resolve(code: str | None) -> str | None:
    """The supported language a client code maps to ('fa-AF' -> 'fa'), or None if unsupported."""
    normalised = normalise(code)
    if normalised is None:
        return None
    base = normalised.split("_")[0]
    base = _ALIASES.get(base, base)
    return base if base in SUPPORTED_LANGUAGES else None


def fallback_chain(code: str) -> list[str]:
    """Locales to try in order: 'fa_AF' -> ['fa_AF', 'fa', 'en']."""
    normalised = normalise(code) or SOURCE_LANGUAGE
    chain = [normalised]
    base = _ALIASES.get(normalised.split("_")[0], normalised.split("_")[0])
    if base not in chain:
        chain.append(base)
    if SOURCE_LANGUAGE not in chain:
        chain.append(SOURCE_LANGUAGE)
    return chain


@cache
def locale(code: str) -> Locale:
    """Babel locale for a supported language (falls back to English data if Babel lacks it)."""
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(SOURCE_LANGUAGE)


# Dates and numbers for English readers in the Netherlands: "28 November 2026", not US style.
_FORMAT_LOCALES = {"en": "en_GB"}

# How to join "A, B and C" where CLDR has no pattern of its own. CLDR has none for Central
# Kurdish, so Babel gives root's "A, B, C": Latin commas and no "and". Sorani writes the Arabic
# comma and "و" (and), as Persian and Pashto do.
_LIST_PATTERNS = {"ckb": {"2": "{0} و {1}", "start": "{0}، {1}", "middle": "{0}، {1}", "end": "{0} و {1}"}}


@cache
def formatting_locale(code: str) -> Locale:
    """The locale used to format dates, numbers and amounts for a language."""
    return locale(_FORMAT_LOCALES.get(code, code))


def join_list(items: list[str], code: str) -> str:
    """Join items as "A, B and C" in the language's own way (CLDR's, or ours where it has none)."""
    patterns = _LIST_PATTERNS.get(code)
    if patterns is None or len(items) < 2:
        return format_list(items, locale=formatting_locale(code))
    if len(items) == 2:
        return patterns["2"].format(*items)
    # Babel's order: start joins the first two, middle adds each next one, end the last.
    joined = patterns["start"].format(items[0], items[1])
    for item in items[2:-1]:
        joined = patterns["middle"].format(joined, item)
    return patterns["end"].format(joined, items[-1])


def native_name(code: str) -> str:
    """The language's name in its own script, for the language picker."""
    if code in _NAME_OVERRIDES:
        return _NAME_OVERRIDES[code]
    name = locale(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def is_rtl(code: str) -> bool:
    return locale(code).character_order == "right-to-left"
