"""action_request_counsellor: record the request, explain who counsellors are, ask consent."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import payloads
from actions.context import language_of, topics_asked
from bot.handoff.requests import HandoffRequest, HandoffRequests


class ActionRequestCounsellor(Action):
    def __init__(self, requests: HandoffRequests) -> None:
        self._requests = requests

    def name(self) -> str:
        return "action_request_counsellor"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        await self._requests.open(
            HandoffRequest(
                pseudonym=tracker.sender_id,
                language=language_of(tracker),
                topics=topics_asked(tracker),
            )
        )
        dispatcher.utter_message(
            json_message=payloads.text(
                "handoff.intro",
                buttons=[
                    payloads.button("handoff.share_yes", callback="h:share"),
                    payloads.button("handoff.share_no", callback="h:noshare"),
                ],
            )
        )
        return []
