"""Test doubles for unit tests: a scripted Rasa behind httpx.MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

Answer = Callable[[dict[str, Any]], Any]


class ScriptedRasa:
    """Answers the REST webhook like Rasa would: '/intent' payloads and a tiny keyword NLU."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.down = False
        self.keywords = {
            "doctor": "healthcare_access",
            "دکتر": "healthcare_access",
            "iom": "return_options",
        }

    def intent_for(self, message: str) -> str:
        if message.startswith("/"):
            return message[1:]
        for word, intent in self.keywords.items():
            if word in message.lower():
                return intent
        return "nlu_fallback"

    def handler(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("refused", request=request)
        if request.url.path == "/status":
            return httpx.Response(200, json={"model_file": "x.tar.gz"})
        body = json.loads(request.content)
        if request.url.path == "/model/parse":
            short = {"yes": "affirm", "ja": "affirm", "نعم": "affirm", "no": "deny", "nee": "deny"}
            name = short.get(body["text"].strip().lower()) or self.intent_for(body["text"])
            return httpx.Response(200, json={"text": body["text"], "intent": {"name": name, "confidence": 0.97}})
        self.received.append(body)
        intent = self.intent_for(body["message"])
        sender = body["sender"]
        if intent == "nlu_fallback":
            custom = {"type": "clarify", "topics": ["healthcare_access", "return_options"]}
        elif intent == "counsellor_request":  # actions/handoff.py
            share = [
                {"key": "handoff.share_yes", "callback": "h:share"},
                {"key": "handoff.share_no", "callback": "h:noshare"},
            ]
            custom = {"type": "text", "key": "handoff.intro", "buttons": share}
        elif intent == "greet":
            custom = {"type": "text", "key": "conversation.greet", "menu": True}
        else:
            custom = {"type": "answer", "topic": intent}
        return httpx.Response(200, json=[{"recipient_id": sender, "custom": custom}])

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handler))
