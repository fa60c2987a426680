"""Talking to the Rasa server over its REST channel (and its HTTP API for parse/status)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from bot.errors import RasaError, RasaTimeout, RasaUnavailable


class RasaClient:
    """A thin client around an injected ``httpx.AsyncClient`` (MockTransport in unit tests)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        *,
        token: str | None = None,
        timeout: float = 15.0,
    ) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._token = token
        self._timeout = timeout

    def _params(self) -> dict[str, str]:
        return {"token": self._token} if self._token else {}

    async def send(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Send one user message; return Rasa's bot messages (dicts with text/custom/buttons)."""
        body = {"sender": sender, "message": text, "metadata": metadata or {}}
        data = await self._request("POST", "/webhooks/rest/webhook", json=body)
        if not isinstance(data, list):
            raise RasaError("unexpected answer from Rasa's REST channel")
        return [m for m in data if isinstance(m, dict)]

    async def parse(self, text: str) -> dict[str, Any]:
        """NLU only (Rasa's /model/parse): intent, ranking."""
        data = await self._request("POST", "/model/parse", json={"text": text}, params=self._params())
        if not isinstance(data, dict):
            raise RasaError("unexpected answer from Rasa's /model/parse")
        return data

    async def tracker(self, sender: str) -> dict[str, Any]:
        """The conversation as Rasa stored it (for the transcript a user agreed to share)."""
        data = await self._request("GET", f"/conversations/{sender}/tracker", params=self._params())
        return data if isinstance(data, dict) else {}

    async def status(self) -> dict[str, Any]:
        data = await self._request("GET", "/status", params=self._params())
        return data if isinstance(data, dict) else {}

    async def wait_until_ready(self, timeout: float, interval: float = 1.0) -> None:
        """Wait until Rasa has loaded a model; raise RasaUnavailable after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if (await self.status()).get("model_file"):
                    return
            except RasaError:
                pass
            if time.monotonic() > deadline:
                raise RasaUnavailable(f"Rasa at {self._base} was not ready after {timeout:.0f} s")
            await asyncio.sleep(interval)

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = await self._http.request(method, self._base + path, timeout=self._timeout, **kwargs)
        except httpx.TimeoutException as exc:
            raise RasaTimeout(f"Rasa did not answer within {self._timeout} s") from exc
        except httpx.TransportError as exc:
            raise RasaUnavailable(f"cannot reach Rasa: {type(exc).__name__}") from exc
        if response.status_code in (502, 503, 504):
            raise RasaUnavailable(f"Rasa answered {response.status_code}")
        if response.status_code >= 400:
            raise RasaError(f"Rasa answered {response.status_code} on {path}")
        try:
            return response.json()
        except ValueError as exc:
            raise RasaError("Rasa answered with something that is not JSON") from exc
