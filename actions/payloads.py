"""The custom payloads actions send to the gateway (the same shapes as domain responses)."""

from __future__ import annotations

from typing import Any


def text(key: str, *, buttons: list[dict[str, str]] | None = None, menu: bool = False, **params: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"type": "text", "key": key}
    if buttons:
        payload["buttons"] = buttons
    if menu:
        payload["menu"] = True
    if params:
        payload["params"] = params
    return payload


def button(key: str, *, intent: str | None = None, callback: str | None = None) -> dict[str, str]:
    """A button: sends ``intent`` to Rasa, or a gateway ``callback`` (e.g. 'h:share')."""
    result = {"key": key}
    if intent:
        result["intent"] = intent
    if callback:
        result["callback"] = callback
    return result
