"""What Rasa's training cache must know of our components to retrain them when they change.

Rasa's training cache (.rasa/cache) keys a component's output by the component's name, config
and inputs, not by its code or the files it reads. Without an addon, a changed lexicon or a
changed classifier would get the old tokens, features or model back from the cache. Every
custom component of config.yml takes its addon from here.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent


@cache
def package_fingerprint(package: Path = PACKAGE) -> str:
    """A hash of the code, the lexicon and the concepts of nlu/."""
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.suffix in (".py", ".yml")):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


class PackageFingerprint:
    """Mixin for a Rasa component of nlu/: retrained whenever nlu/ changes."""

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        return package_fingerprint()
