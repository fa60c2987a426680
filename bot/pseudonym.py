"""Pseudonyms: a keyed hash of the Telegram id, used as Rasa's sender id and in Redis keys.

Without the secret, a pseudonym cannot be linked back to a Telegram account, so a copy of the
Redis data or of Rasa's trackers does not reveal who asked what.
"""

from __future__ import annotations

import hashlib
import hmac


class Pseudonymizer:
    def __init__(self, secret: bytes) -> None:
        if len(secret) < 32:
            raise ValueError("the pseudonym secret must be at least 32 bytes")
        self._secret = secret

    def __call__(self, platform: str, user_id: int | str) -> str:
        digest = hmac.new(self._secret, f"{platform}:{user_id}".encode(), hashlib.sha256).hexdigest()
        # 128 bits: no collisions in practice, short enough for keys and logs.
        return digest[:32]
