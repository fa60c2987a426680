"""The counsellors' desk: requests, the waiting line, claims and relaying, on Telegram.

User side: after the consent question (asked by Rasa's action_request_counsellor), the user is
queued if a counsellor for their language is on duty within office hours, and told their place
and the expected wait; otherwise they are told honestly when the office opens, and may leave a
message or choose another language they speak. While a counsellor has the conversation, Rasa is
not called: everything the user sends goes to the counsellor and back.

Group side: one card per request (a forum topic per conversation where the group has topics,
otherwise reply threads), a Claim button that only roster members can use (the first claim
wins), and the commands /on /off /done /note /send /transfer.

Every method returns the Bot API calls to make (``Outgoing``); they go through the outbox like
every other reply, so nothing is sent twice or out of order.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from babel import Locale
from babel.dates import format_datetime
from telegram import Bot, Message
from telegram.error import TelegramError

from bot import callbacks
from bot.delivery.api import call_api
from bot.delivery.outbox import Outgoing
from bot.errors import RasaError
from bot.gateway import Gateway, User
from bot.handlers.common import message_calls
from bot.handoff.queue import HandoffQueue
from bot.handoff.requests import (
    AWAITING_CONSENT,
    CLAIMED,
    CLOSED,
    LEAVING_MESSAGE,
    QUEUED,
    HandoffRequest,
    HandoffRequests,
)
from bot.handoff.roster import Counsellor, RosterWatcher
from bot.i18n.languages import SUPPORTED_LANGUAGES, formatting_locale, native_name
from bot.replies import Button, Reply
from bot.state.keys import Keys
from bot.topics import TOPIC_KEYS

logger = logging.getLogger(__name__)

DESK_LANGUAGE = "en"
TRANSCRIPT_TURNS = 12
MEDIA_KINDS = (
    "voice",
    "audio",
    "video",
    "video_note",
    "photo",
    "document",
    "sticker",
    "location",
    "contact",
    "animation",
)


@dataclass(frozen=True)
class DeskContext:
    """Where a group message belongs: the request of its thread or of the message it answers."""

    request: HandoffRequest | None
    counsellor: Counsellor | None


class CounsellorDesk:
    def __init__(
        self,
        *,
        gateway: Gateway,
        requests: HandoffRequests,
        queue: HandoffQueue,
        roster: RosterWatcher,
        redis: aioredis.Redis,
        keys: Keys,
        group_id: int,
        ttl_seconds: int,
        bot: Bot,
    ) -> None:
        self.gateway = gateway
        self.renderer = gateway.renderer
        self.requests = requests
        self.queue = queue
        self.roster_watcher = roster
        self.redis = redis
        self.keys = keys
        self.group_id = group_id
        self.ttl = ttl_seconds
        self.bot = bot
        self.forum = False

    @property
    def roster(self):  # type: ignore[no-untyped-def]
        return self.roster_watcher.roster

    async def start(self) -> None:
        """Learn whether the group has forum topics (then one topic per conversation)."""
        try:
            # Raw JSON: we need one field, and the full ChatFullInfo object changes with every API version.
            chat = await call_api(self.bot, "getChat", {"chat_id": self.group_id})
            self.forum = bool(isinstance(chat, dict) and chat.get("is_forum"))
        except TelegramError as exc:
            logger.error("cannot read the counsellors' group (%s): is the bot a member?", type(exc).__name__)

    # -- small helpers -------------------------------------------------------------------------

    def desk(self, key: str, /, **params: object) -> str:
        safe = {
            k: v if k in ("transcript", "mentions") else html.escape(str(v), quote=False) for k, v in params.items()
        }
        return self.renderer.t(key, DESK_LANGUAGE, **safe)

    def to_user(self, pseudonym: str, chat_id: int, replies: Sequence[Reply]) -> list[Outgoing]:
        return [Outgoing(pseudonym, chat_id, "sendMessage", params) for params in message_calls(replies)]

    def to_group(
        self,
        text: str,
        request: HandoffRequest | None = None,
        *,
        buttons: Sequence[Sequence[Button]] = (),
        track: bool = True,
    ) -> Outgoing:
        params: dict[str, Any] = {"text": text, "parse_mode": "HTML", "link_preview_options": {"is_disabled": True}}
        if request is not None and request.thread_id:
            params["message_thread_id"] = request.thread_id
        if buttons:
            params["reply_markup"] = {
                "inline_keyboard": [[{"text": b.label, "callback_data": b.data} for b in row] for row in buttons]
            }
        return Outgoing(
            f"g{self.group_id}",
            self.group_id,
            "sendMessage",
            params,
            group=True,
            track=request.id if request and track else None,
        )

    def copy_to_group(self, request: HandoffRequest, from_chat: int, message_id: int) -> Outgoing:
        params: dict[str, Any] = {"from_chat_id": from_chat, "message_id": message_id}
        if request.thread_id:
            params["message_thread_id"] = request.thread_id
        return Outgoing(f"g{self.group_id}", self.group_id, "copyMessage", params, group=True, track=request.id)

    @staticmethod
    def language_name(code: str, in_language: str = DESK_LANGUAGE) -> str:
        try:
            return Locale.parse(code).get_display_name(in_language) or code
        except (ValueError, TypeError):
            return code

    def when(self, moment: dt.datetime, language: str) -> str:
        return format_datetime(
            moment, "EEEE d MMMM, HH:mm", tzinfo=self.roster.timezone, locale=formatting_locale(language)
        )

    async def on_duty(self, language: str) -> list[Counsellor]:
        return [c for c in self.roster.speaking(language) if await self.queue.on_duty(c.id)]

    async def chat_of(self, pseudonym: str) -> int | None:
        value = await self.redis.get(self.keys.chat(pseudonym))
        return int(value) if value else None

    # -- the user's side -----------------------------------------------------------------------

    async def consent(self, user: User, chat_id: int, *, share: bool) -> list[Outgoing]:
        """After "who counsellors are": queue the user, or say honestly when someone is there."""
        pseudonym = self.gateway.pseudonym(user)
        language = await self.gateway.language_of(user)
        request = await self.requests.get(pseudonym)
        if request is None or request.status == CLOSED:
            # Rasa's action normally opens it; if Rasa was down, the gateway does.
            request = await self.requests.open(HandoffRequest(pseudonym, language))
        if request.status in (QUEUED, CLAIMED):
            return await self.status(request, chat_id)
        request.share_transcript = share
        request.language = language
        await self.redis.set(self.keys.chat(pseudonym), chat_id, ex=self.ttl)
        return await self._route(request, chat_id)

    async def _route(self, request: HandoffRequest, chat_id: int) -> list[Outgoing]:
        now = dt.datetime.now(dt.timezone.utc)
        if self.roster.is_open(now) and await self.on_duty(request.language):
            return await self._enqueue(request, chat_id)
        await self.requests.save(request)
        return await self._unavailable(request, chat_id, now)

    async def _enqueue(self, request: HandoffRequest, chat_id: int) -> list[Outgoing]:
        request.status = QUEUED
        request.requested_at = time.time()
        await self.queue.add(request.language, request.id, request.requested_at)
        await self._ensure_thread(request)
        await self.requests.save(request)
        self.gateway.metrics.handoff_requested(request.language, "queued")
        calls = [await self._card(request)]
        calls += await self._position_message(request, chat_id, first=True)
        return calls

    async def _position_message(self, request: HandoffRequest, chat_id: int, *, first: bool = False) -> list[Outgoing]:
        language = request.language
        position = await self.queue.position(language, request.id) or 1
        duty = len(await self.on_duty(language))
        minutes = await self.queue.expected_wait_minutes(language, position, duty)
        parts = []
        if first:
            parts.append(self.renderer.t("handoff.requested", language))
        parts.append(self.renderer.t("handoff.queue_position", language, position=position))
        if minutes is None:
            parts.append(self.renderer.t("handoff.wait_unknown", language))
        else:
            parts.append(self.renderer.catalog.render_plural("handoff.wait_minutes", language, minutes).text)
        reply = self.renderer.reply(
            "\n".join(parts),
            language,
            [[self.renderer.button("handoff.cancel", language, callbacks.handoff("cancel"))]],
        )
        return self.to_user(request.pseudonym, chat_id, [reply])

    async def _unavailable(self, request: HandoffRequest, chat_id: int, now: dt.datetime) -> list[Outgoing]:
        language = request.language
        self.gateway.metrics.handoff_requested(language, "unavailable")
        opening = self.roster.next_opening(now)
        if self.roster.is_open(now):
            # Open, but nobody for this language: the next opening after the current hours.
            later = now + dt.timedelta(hours=1)
            while opening is not None and self.roster.is_open(later) and later - now < dt.timedelta(days=2):
                later += dt.timedelta(hours=1)
            opening = self.roster.next_opening(later)
            when = self.when(opening, language) if opening else "—"
            text = self.renderer.t(
                "handoff.no_language", language, language=self.language_name(language, language), when=when
            )
        else:
            when = self.when(opening, language) if opening else "—"
            text = self.renderer.t("handoff.out_of_hours", language, when=when)
        rows: list[list[Button]] = [
            [self.renderer.button("handoff.leave_button", language, callbacks.handoff("leave"))]
        ]
        if self.roster.is_open(now):
            others = [code for code in SUPPORTED_LANGUAGES if code != language and await self.on_duty(code)]
            if others:
                text += "\n\n" + self.renderer.t("handoff.second_language", language)
                rows += [[Button(native_name(code), callbacks.handoff(f"via_{code}"))] for code in others]
        rows.append([self.renderer.button("handoff.cancel", language, callbacks.handoff("cancel"))])
        return self.to_user(request.pseudonym, chat_id, [self.renderer.reply(text, language, rows)])

    async def status(self, request: HandoffRequest, chat_id: int) -> list[Outgoing]:
        if request.status == CLAIMED:
            return self.to_user(request.pseudonym, chat_id, [self._claimed_reply(request)])
        return await self._position_message(request, chat_id)

    def _claimed_reply(self, request: HandoffRequest) -> Reply:
        language = request.language
        text = self.renderer.t(
            "handoff.claimed",
            language,
            name=request.counsellor_name or "",
            language=self.language_name(language, language),
        )
        return self.renderer.reply(
            text, language, [[self.renderer.button("handoff.end", language, callbacks.handoff("end"))]]
        )

    async def leave_message(self, user: User, chat_id: int) -> list[Outgoing]:
        request = await self.requests.get(self.gateway.pseudonym(user))
        if request is None or request.status not in (AWAITING_CONSENT, LEAVING_MESSAGE):
            return await self.consent(user, chat_id, share=False)
        request.status = LEAVING_MESSAGE
        await self.requests.save(request)
        reply = self.renderer.reply(
            self.renderer.t("handoff.leave_message", request.language),
            request.language,
            [[self.renderer.button("handoff.cancel", request.language, callbacks.handoff("cancel"))]],
        )
        return self.to_user(request.pseudonym, chat_id, [reply])

    async def via_language(self, user: User, chat_id: int, code: str) -> list[Outgoing]:
        """The user speaks another language for which a counsellor is there."""
        request = await self.requests.get(self.gateway.pseudonym(user))
        if request is None or code not in SUPPORTED_LANGUAGES:
            return await self.consent(user, chat_id, share=False)
        request.language = code
        await self.redis.set(self.keys.chat(request.pseudonym), chat_id, ex=self.ttl)
        return await self._route(request, chat_id)

    async def cancel(self, user: User, chat_id: int) -> list[Outgoing]:
        """The user cancels a request, or ends a conversation (/end)."""
        request = await self.requests.get(self.gateway.pseudonym(user))
        language = await self.gateway.language_of(user)
        if request is None or request.status in (CLOSED, AWAITING_CONSENT):
            if request is not None:
                await self._close(request)
            return self.to_user(
                self.gateway.pseudonym(user), chat_id, [self.renderer.text("handoff.cancelled", language, menu=True)]
            )
        if request.status == CLAIMED:
            calls = [self.to_group(self.desk("desk.ended", label=request.label, name=self.desk("desk.user")), request)]
            await self._close(request)
            return calls + self._ended_for_user(request, chat_id)
        await self._close(request)
        calls = [self.to_group(self.desk("desk.cancelled", label=request.label), request)]
        calls += self.to_user(
            request.pseudonym, chat_id, [self.renderer.text("handoff.cancelled", language, menu=True)]
        )
        return calls + await self._update_positions(request.language)

    def _ended_for_user(self, request: HandoffRequest, chat_id: int) -> list[Outgoing]:
        language = request.language
        stars = [Button(f"{'⭐' * n}", callbacks.handoff(f"rate_{n}")) for n in range(1, 6)]
        return self.to_user(
            request.pseudonym,
            chat_id,
            [
                self.renderer.text("handoff.ended", language, menu=True),
                self.renderer.reply(self.renderer.t("handoff.rate", language), language, [stars[:3], stars[3:]]),
            ],
        )

    async def rate(self, user: User, chat_id: int, score: int) -> list[Outgoing]:
        language = await self.gateway.language_of(user)
        logger.info("handoff rated %d", score)  # no identity: ratings are counted, not attributed
        self.gateway.metrics.handoff_rated(score)
        return self.to_user(
            self.gateway.pseudonym(user), chat_id, [self.renderer.text("handoff.rated", language, menu=True)]
        )

    async def _close(self, request: HandoffRequest) -> None:
        if request.status == CLAIMED and request.claimed_at is not None:
            self.gateway.metrics.handoff_ended(request.language, time.time() - request.claimed_at)
        await self.queue.remove(request.language, request.id)
        request.status = CLOSED
        await self.requests.save(request)

    async def user_message(self, user: User, chat_id: int, message: Message) -> list[Outgoing] | None:
        """Relay what the user sends while a counsellor has the chat; None if the bot answers."""
        pseudonym = self.gateway.pseudonym(user)
        request = await self.requests.get(pseudonym)
        if request is None or request.status not in (LEAVING_MESSAGE, CLAIMED):
            return None
        await self.redis.set(self.keys.chat(pseudonym), chat_id, ex=self.ttl)
        calls: list[Outgoing] = []
        if request.status == LEAVING_MESSAGE:
            # The message waits for the counsellors in the group, with the request, to be claimed.
            request.status = QUEUED
            await self.queue.add(request.language, request.id, request.requested_at)
            await self._ensure_thread(request)
            await self.requests.save(request)
            calls.append(await self._card(request))
            calls.append(
                self.to_group(
                    self.desk("desk.message_left", label=request.label, language=self._language_label(request)), request
                )
            )
            calls += self._relay_to_group(request, chat_id, message)
            calls += self.to_user(pseudonym, chat_id, [self.renderer.text("handoff.message_saved", request.language)])
            return calls
        return self._relay_to_group(request, chat_id, message)

    def _relay_to_group(self, request: HandoffRequest, chat_id: int, message: Message) -> list[Outgoing]:
        label = self.desk("desk.from_user", label=request.label)
        if message.text is not None:
            return [self.to_group(f"<b>{label}</b>\n{html.escape(message.text, quote=False)}", request)]
        return [self.to_group(f"<b>{label}</b>", request), self.copy_to_group(request, chat_id, message.message_id)]

    async def forget(self, user: User) -> list[Outgoing]:
        """/forget: remove the user's conversation from the counsellors' group and every handoff key.

        The keys named after the pseudonym are erased by the gateway's Eraser; this removes what
        is filed under the request's id, and deletes the messages the bot posted in the group.
        """
        request = await self.requests.get(self.gateway.pseudonym(user))
        if request is None:
            return []
        posted = [int(m) for m in await self.redis.lrange(self.keys.handoff_posted(request.id), 0, -1)]
        calls = [
            Outgoing(f"g{self.group_id}", self.group_id, "deleteMessage", {"message_id": m}, group=True) for m in posted
        ]
        if self.forum and request.thread_id:
            params = {"message_thread_id": request.thread_id}
            calls.append(Outgoing(f"g{self.group_id}", self.group_id, "deleteForumTopic", params, group=True))
        if posted:
            calls.append(self.to_group(self.desk("desk.forgotten", label=request.label), track=False))
        await self.queue.remove(request.language, request.id)
        keys = [
            self.keys.handoff_id(request.id),
            self.keys.handoff_claim(request.id),
            self.keys.handoff_posted(request.id),
        ]
        keys += [self.keys.handoff_message(m) for m in posted]
        if request.thread_id:
            keys.append(self.keys.handoff_thread(request.thread_id))
        await self.redis.delete(*keys)
        return calls

    # -- the counsellors' side -----------------------------------------------------------------

    def _language_label(self, request: HandoffRequest) -> str:
        return f"{native_name(request.language)} ({self.language_name(request.language)})"

    async def _ensure_thread(self, request: HandoffRequest) -> None:
        if not self.forum or request.thread_id:
            return
        try:
            topic = await self.bot.create_forum_topic(
                self.group_id, f"{request.label} · {self.language_name(request.language)}"
            )
            request.thread_id = topic.message_thread_id
            await self.redis.set(self.keys.handoff_thread(request.thread_id), request.id, ex=self.ttl)
        except TelegramError as exc:
            logger.error("could not create a forum topic (%s); using reply threads", type(exc).__name__)

    async def _card(self, request: HandoffRequest) -> Outgoing:
        topics = [self.renderer.t(f"{key}.title", DESK_LANGUAGE) for key in request.topics if key in TOPIC_KEYS]
        since = format_datetime(
            dt.datetime.fromtimestamp(request.requested_at, dt.timezone.utc),
            "d MMM HH:mm",
            tzinfo=self.roster.timezone,
            locale="en_GB",
        )
        duty = await self.on_duty(request.language) or self.roster.speaking(request.language)
        mentions = ", ".join(f'<a href="tg://user?id={c.id}">{html.escape(c.name)}</a>' for c in duty)
        text = self.desk(
            "desk.card",
            label=request.label,
            language=self._language_label(request),
            topics=", ".join(topics) or self.desk("desk.no_topics"),
            since=since,
            transcript=await self._transcript(request),
            mentions=mentions,
        )
        claim = Button(self.desk("desk.claim"), callbacks.claim(request.id))
        return self.to_group(text, request, buttons=[[claim]])

    async def _transcript(self, request: HandoffRequest) -> str:
        if not request.share_transcript:
            return html.escape(self.desk("desk.no_transcript"), quote=False)
        try:
            tracker = await self.gateway.rasa.tracker(request.pseudonym)
        except RasaError:
            return html.escape(self.desk("desk.no_transcript"), quote=False)
        lines = []
        for event in tracker.get("events") or []:
            if event.get("event") == "user" and event.get("text") and not str(event["text"]).startswith("/"):
                lines.append("👤 " + html.escape(str(event["text"])[:300], quote=False))
            elif event.get("event") == "user" and event.get("text"):
                intent = str(event["text"])[1:]
                if intent in TOPIC_KEYS:
                    lines.append(
                        "👤 [" + html.escape(self.renderer.t(f"{intent}.title", request.language), quote=False) + "]"
                    )
            elif event.get("event") == "bot":
                custom = (event.get("data") or {}).get("custom") or {}
                if custom.get("type") == "answer" and custom.get("topic") in TOPIC_KEYS:
                    lines.append(
                        "🤖 " + html.escape(self.renderer.t(f"{custom['topic']}.title", request.language), quote=False)
                    )
        shown = lines[-TRANSCRIPT_TURNS:]
        return html.escape(self.desk("desk.transcript_title"), quote=False) + "\n" + "\n".join(shown) if shown else ""

    async def context_of(self, message: Message) -> DeskContext:
        counsellor = self.roster.counsellor(message.from_user.id) if message.from_user else None
        request_id = None
        if self.forum and message.message_thread_id:
            request_id = await self.redis.get(self.keys.handoff_thread(message.message_thread_id))
        if request_id is None and message.reply_to_message is not None:
            request_id = await self.redis.get(self.keys.handoff_message(message.reply_to_message.message_id))
        request = await self.requests.by_id(request_id) if request_id else None
        return DeskContext(request, counsellor)

    async def claim(self, counsellor_id: int, request_id: str) -> tuple[str, list[Outgoing]]:
        """A Claim button press: (text for the presser, calls)."""
        counsellor = self.roster.counsellor(counsellor_id)
        if counsellor is None:
            return self.desk("desk.not_counsellor"), []
        request = await self.requests.by_id(request_id)
        if request is None or request.status != QUEUED:
            name = request.counsellor_name if request is not None and request.counsellor_name else "—"
            return self.desk("desk.claimed_already", name=name), []
        if not await self.queue.claim(request.id, counsellor.id):
            return self.desk("desk.claimed_already", name=request.counsellor_name or "—"), []
        request.status = CLAIMED
        request.counsellor_id = counsellor.id
        request.counsellor_name = counsellor.name
        request.claimed_at = time.time()
        await self.queue.remove(request.language, request.id)
        await self.queue.record_wait(request.language, request.claimed_at - request.requested_at)
        self.gateway.metrics.handoff_claimed(request.language, request.claimed_at - request.requested_at)
        await self.requests.save(request)
        chat_id = await self.chat_of(request.pseudonym)
        text = self.desk("desk.claimed", label=request.label, name=counsellor.name)
        calls = [self.to_group(text, request)]
        if chat_id is not None:
            calls += self.to_user(request.pseudonym, chat_id, [self._claimed_reply(request)])
        calls += await self._update_positions(request.language)
        return text, calls

    async def _update_positions(self, language: str, limit: int = 10) -> list[Outgoing]:
        """Tell the next people in line their new place."""
        calls: list[Outgoing] = []
        for request_id in await self.queue.waiting(language, limit):
            request = await self.requests.by_id(request_id)
            chat_id = await self.chat_of(request.pseudonym) if request else None
            if request is not None and chat_id is not None and request.status == QUEUED:
                calls += await self._position_message(request, chat_id)
        return calls

    async def group_message(self, message: Message) -> list[Outgoing]:
        """Anything in the counsellors' group: commands, and replies in a conversation."""
        if message.chat.id != self.group_id or message.from_user is None:
            return []
        context = await self.context_of(message)
        text = message.text or ""
        command, _, argument = text.partition(" ")
        command = command.split("@")[0].lower() if command.startswith("/") else ""
        if command in ("/on", "/off", "/help"):
            return await self._duty_command(context.counsellor, command)
        if context.counsellor is None:
            return []  # group members who are not counsellors are never relayed to users
        request = context.request
        if command:
            return await self._conversation_command(request, context.counsellor, command, argument.strip(), message)
        if request is None or request.status != CLAIMED:
            return []
        chat_id = await self.chat_of(request.pseudonym)
        if chat_id is None:
            return []
        label = self.renderer.t("handoff.from_counsellor", request.language, name=context.counsellor.name)
        if message.text is not None:
            return [
                Outgoing(
                    request.pseudonym,
                    chat_id,
                    "sendMessage",
                    {"text": f"<b>{label}</b>\n{html.escape(message.text, quote=False)}", "parse_mode": "HTML"},
                )
            ]
        return [
            Outgoing(request.pseudonym, chat_id, "sendMessage", {"text": f"<b>{label}</b>", "parse_mode": "HTML"}),
            Outgoing(
                request.pseudonym,
                chat_id,
                "copyMessage",
                {"from_chat_id": self.group_id, "message_id": message.message_id},
            ),
        ]

    async def _duty_command(self, counsellor: Counsellor | None, command: str) -> list[Outgoing]:
        if command == "/help" or counsellor is None:
            return [self.to_group(self.desk("desk.help" if counsellor else "desk.not_counsellor"))]
        await self.queue.set_duty(counsellor.id, command == "/on")
        if command == "/on":
            languages = ", ".join(self.language_name(code) for code in counsellor.languages)
            return [self.to_group(self.desk("desk.on_duty", name=counsellor.name, languages=languages))]
        return [self.to_group(self.desk("desk.off_duty", name=counsellor.name))]

    async def _conversation_command(
        self, request: HandoffRequest | None, counsellor: Counsellor, command: str, argument: str, message: Message
    ) -> list[Outgoing]:
        if command == "/note":
            return [self.to_group(self.desk("desk.note_kept"), request, track=False)]
        if request is None or request.status != CLAIMED:
            return [self.to_group(self.desk("desk.no_conversation"), request, track=False)]
        chat_id = await self.chat_of(request.pseudonym)
        if command == "/done":
            await self._close(request)
            calls = [
                self.to_group(self.desk("desk.ended", label=request.label, name=counsellor.name), request, track=False)
            ]
            return calls + (self._ended_for_user(request, chat_id) if chat_id else [])
        if command == "/send":
            topic = argument.split()[0] if argument else ""
            if topic not in TOPIC_KEYS:
                return [
                    self.to_group(self.desk("desk.unknown_topic", topics=", ".join(TOPIC_KEYS)), request, track=False)
                ]
            calls = [
                self.to_group(
                    self.desk("desk.sent", topic=topic, language=self.language_name(request.language)),
                    request,
                    track=False,
                )
            ]
            if chat_id is not None:
                calls += self.to_user(request.pseudonym, chat_id, [self.renderer.answer(topic, request.language)])
            return calls
        if command == "/transfer":
            code = argument.split()[0] if argument else request.language
            if code not in SUPPORTED_LANGUAGES:
                code = request.language
            await self.queue.release_claim(request.id)
            request.status = AWAITING_CONSENT
            request.language = code
            request.counsellor_id = request.counsellor_name = None
            calls = [
                self.to_group(
                    self.desk("desk.transferred", label=request.label, language=self.language_name(code)),
                    request,
                    track=False,
                )
            ]
            if chat_id is not None:
                calls += await self._route(request, chat_id)
            return calls
        return [self.to_group(self.desk("desk.help"), request, track=False)]

    async def reminders(self, older_than_seconds: float) -> list[Outgoing]:
        """Requests nobody claimed for a while, for a reminder in the group."""
        now = time.time()
        waiting = []
        for code in sorted(self.roster.languages):
            for request_id in await self.queue.waiting(code):
                request = await self.requests.by_id(request_id)
                if request is not None and request.status == QUEUED and now - request.requested_at > older_than_seconds:
                    minutes = int((now - request.requested_at) // 60)
                    waiting.append(f"{request.label} ({self.language_name(code)}, {minutes} min)")
        if not waiting:
            return []
        return [self.to_group(self.desk("desk.reminder", labels=", ".join(waiting)))]
