"""Turning content keys (from Rasa or from the gateway itself) into replies in a language."""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from bot import callbacks
from bot.errors import ContentError
from bot.i18n.catalog import ContentCatalog
from bot.i18n.languages import SUPPORTED_LANGUAGES, is_rtl, native_name
from bot.i18n.source import MENU_GROUPS, SOURCE_PREFIX
from bot.replies import Button, Reply
from bot.topics import ALL_INTENTS

logger = logging.getLogger(__name__)

RLM = "\u200f"
# Replies that say the bot did not understand, or cannot read what was sent (a voice message),
# and the reply to "I need help" with no topic named. A person in danger whose message was not
# understood, or who only said they need help, must still see the emergency number at once,
# without a second try: these replies end with it.
EMERGENCY_LINE_KEYS = frozenset(
    {
        "clarify.prompt",
        "clarify.again",
        "clarify.rephrase",
        "clarify.offer_counsellor",
        "clarify.follow_up",
        "clarify.follow_up_no_more",
        "out_of_scope",
        "media.voice",
        "media.other",
        "conversation.need_help",
    }
)
_TAG = re.compile(r"<[^>]+>")


class ReplyRenderer:
    def __init__(self, catalog: ContentCatalog, *, retention_days: int) -> None:
        self.catalog = catalog
        self.retention_days = retention_days

    # -- pieces ------------------------------------------------------------------------------

    def t(self, key: str, language: str, /, **params: object) -> str:
        return self.catalog.render(key, language, **{**self.common, **params}).text

    @property
    def common(self) -> dict[str, object]:
        """Placeholders every text may use besides the facts (settings known at run time)."""
        return {"retention_days": self.retention_days}

    def button(self, key: str, language: str, data: str, /, **params: object) -> Button:
        # Button labels are plain text in Telegram, not HTML: no tags, no entities.
        return Button(_plain(self.t(key, language, **params)), data)

    def reply(self, text: str, language: str, buttons: Iterable[Iterable[Button]] = ()) -> Reply:
        rows = tuple(tuple(row) for row in buttons if row)
        return Reply(text=_directional(text, language), buttons=rows, language=language)

    def footer_rows(self, language: str) -> list[list[Button]]:
        return [
            [
                self.button("button.counsellor", language, callbacks.intent("counsellor_request")),
                self.button("button.menu", language, callbacks.menu()),
            ]
        ]

    # -- whole replies -----------------------------------------------------------------------

    def answer(self, topic_key: str, language: str) -> Reply:
        """A topic answer: title, first part, source and date, then follow-up buttons."""
        topic = self.catalog.topics.get(topic_key)
        if topic is None:
            raise ContentError(f"unknown topic {topic_key!r}")
        footer = self.t(
            "answer.footer",
            language,
            sources=self.catalog.format_list(
                [_escape(self.t(SOURCE_PREFIX + s, language)) for s in topic.sources], language
            ),
            date=self.catalog.format_date(topic.checked, language),
        )
        text = self._topic_text(topic_key, "answer", language) + "\n\n" + _directional(f"<i>{footer}</i>", language)
        rows: list[list[Button]] = []
        if topic.has_more:
            rows.append([self.button("button.more", language, callbacks.more(topic_key))])
        if topic_key == "privacy":
            rows.append([self.button("button.forget", language, callbacks.forget())])
        rows += self._related_rows(topic_key, language)
        return self._reply_rows(text, language, rows + self.footer_rows(language))

    def more(self, topic_key: str, language: str) -> Reply:
        topic = self.catalog.topics.get(topic_key)
        if topic is None or not topic.has_more:
            return self.menu(language)
        text = self._topic_text(topic_key, "more", language)
        return self._reply_rows(text, language, self._related_rows(topic_key, language) + self.footer_rows(language))

    def _topic_text(self, topic_key: str, part: str, language: str) -> str:
        """Title and body; if not translated yet, a notice in the user's language first."""
        body = self.catalog.render(f"{topic_key}.{part}", language, **self.common)
        title = self.catalog.render(f"{topic_key}.title", body.language).text
        text = _directional(f"<b>{title}</b>\n{body.text}", body.language)
        if body.language != language:
            notice = _directional(f"<i>{self.t('answer.not_translated', language)}</i>", language)
            text = f"{notice}\n\n{text}"
        return text

    def _related_rows(self, topic_key: str, language: str) -> list[list[Button]]:
        topic = self.catalog.topics[topic_key]
        return [
            [self.button(f"{related}.title", language, callbacks.intent(related))]
            for related in topic.related
            # The footer always offers a counsellor: an editor's "related: counsellor_request"
            # would show the same button twice.
            if related in self.catalog.topics and related != "counsellor_request"
        ]

    def _reply_rows(self, text: str, language: str, rows: list[list[Button]]) -> Reply:
        """A reply whose text already has its direction marks."""
        return Reply(text=text, buttons=tuple(tuple(r) for r in rows if r), language=language)

    def menu(self, language: str) -> Reply:
        rows = [[self.button(f"menu.group.{group}", language, callbacks.menu(group))] for group in MENU_GROUPS]
        rows.append([self.button("button.counsellor", language, callbacks.intent("counsellor_request"))])
        return self.reply(self.t("menu.title", language), language, rows)

    def group_menu(self, group: str, language: str) -> Reply:
        if group not in MENU_GROUPS:
            return self.menu(language)
        rows = [
            [self.button(f"{key}.title", language, callbacks.intent(key))]
            for key, topic in self.catalog.topics.items()
            if topic.group == group
        ]
        rows.append([self.button("button.back", language, callbacks.menu())])
        title = f"<b>{self.t(f'menu.group.{group}', language)}</b>\n{self.t('menu.group_title', language)}"
        return self.reply(title, language, rows)

    def language_picker(self, language: str, key: str = "language.prompt") -> Reply:
        names = [Button(native_name(code), callbacks.language(code)) for code in SUPPORTED_LANGUAGES]
        rows = [names[i : i + 2] for i in range(0, len(names), 2)]
        return self.reply(self.t(key, language), language, rows)

    def text(
        self,
        key: str,
        language: str,
        *,
        buttons: Iterable[Mapping[str, str]] = (),
        menu: bool = False,
        params: Mapping[str, Any] | None = None,
    ) -> Reply:
        rows = [[b] for b in (self._button_from_payload(spec, language) for spec in buttons) if b]
        if menu:
            rows.append([self.button("button.menu", language, callbacks.menu())])
        safe_params = {k: _escape(str(v)) for k, v in (params or {}).items()}
        return self.reply(
            self._with_emergency_line(key, self.t(key, language, **safe_params), language), language, rows
        )

    def clarify(self, topics: list[str], language: str, *, again: bool = False, follow_up: str | None = None) -> Reply:
        """The likeliest topics as buttons; asked again right after, the counsellor comes first.

        ``follow_up``: the topic just answered, offered first as "more on" it (its details, not
        the answer the user has just read); with no other topic, the question is whether the
        message is about it, and what the bot can help with. A topic without details has nothing
        more to show: the bot says so, and offers the counsellor first, who knows more.
        """
        known = [t for t in topics if t in self.catalog.topics]
        rows = [[self.button(f"{t}.title", language, callbacks.intent(t))] for t in known]
        on_top = 1 if known[:1] == ["emergency"] else 0  # a possible emergency always stays first
        follow = self.catalog.topics.get(follow_up) if follow_up else None
        title = _escape(_plain(self.t(f"{follow.key}.title", language))) if follow is not None else ""
        nothing_more = follow is not None and not follow.has_more
        if follow is not None and follow.has_more:
            rows.insert(on_top, [self.button("button.more_on", language, callbacks.more(follow.key), topic=title)])
        counsellor = [self.button("button.counsellor", language, callbacks.intent("counsellor_request"))]
        if again or nothing_more:
            rows.insert(on_top, counsellor)
        else:
            rows.append(counsellor)
        if known or follow is None:
            rows.append([self.button("clarify.none", language, callbacks.menu())])
            key = "clarify.again" if again else "clarify.prompt"
            text = self.t(key, language)
            if nothing_more:
                text += "\n\n" + self.t("clarify.nothing_more", language, topic=title)
        else:
            rows.append([self.button("button.menu", language, callbacks.menu())])
            key = "clarify.follow_up_no_more" if nothing_more else "clarify.follow_up"
            text = self.t(key, language, topic=title)
        return self.reply(self._with_emergency_line(key, text, language), language, rows)

    def _with_emergency_line(self, key: str, text: str, language: str) -> str:
        if key not in EMERGENCY_LINE_KEYS:
            return text
        return f"{text}\n\n{self.t('safety.emergency_line', language)}"

    def start(self, language: str) -> list[Reply]:
        return [
            self.reply(self.t("start.greeting", language), language),
            self.reply(self.t("start.privacy", language), language),
            self.language_picker(language, "start.choose_language"),
        ]

    # -- Rasa's output -----------------------------------------------------------------------

    def from_rasa(self, messages: list[dict[str, Any]], language: str) -> list[Reply]:
        replies: list[Reply] = []
        for message in messages:
            try:
                reply = self._one_from_rasa(message, language)
            except ContentError as exc:
                logger.error("cannot render a Rasa message: %s", exc)
                reply = self.text("error.generic", language)
            if reply is not None:
                replies.append(reply)
        return replies

    def _one_from_rasa(self, message: Mapping[str, Any], language: str) -> Reply | None:
        custom = message.get("custom")
        if not isinstance(custom, Mapping):
            # The domain emits only custom payloads; a bare text is a bug, never shown raw.
            logger.error("Rasa sent a message without a custom payload (keys: %s)", sorted(message))
            return self.text("error.generic", language)
        kind = custom.get("type")
        if kind == "answer":
            return self.answer(str(custom.get("topic")), language)
        if kind == "text":
            return self.text(
                str(custom.get("key")),
                language,
                buttons=custom.get("buttons") or (),
                menu=bool(custom.get("menu")),
                params=custom.get("params"),
            )
        if kind == "menu":
            return self.menu(language)
        if kind == "language_picker":
            return self.language_picker(language, str(custom.get("key") or "language.prompt"))
        if kind == "clarify":
            return self.clarify(
                [str(t) for t in custom.get("topics") or ()],
                language,
                again=bool(custom.get("again")),
                follow_up=str(custom["follow_up"]) if custom.get("follow_up") else None,
            )
        raise ContentError(f"unknown payload type {kind!r}")

    def _button_from_payload(self, spec: Mapping[str, str], language: str) -> Button | None:
        key = spec.get("key")
        if not key:
            return None
        if spec.get("intent") in ALL_INTENTS:
            return self.button(key, language, callbacks.intent(spec["intent"]))
        parsed = callbacks.parse(spec.get("callback"))
        if parsed is not None:
            return self.button(key, language, parsed.encode())
        logger.error("button %s has neither a known intent nor a valid callback", key)
        return None


def _plain(text: str) -> str:
    return html.unescape(_TAG.sub("", text)).strip()


def _escape(value: str) -> str:
    return html.escape(value, quote=False)


def _directional(text: str, language: str) -> str:
    """Make each line of a right-to-left text start right-to-left.

    Telegram picks a paragraph's direction from its first strong character, so an Arabic line
    that starts with "IOM" or a phone number would be laid out left-to-right.
    """
    if not is_rtl(language):
        return text
    return "\n".join(RLM + line if line and not _starts_rtl(line) else line for line in text.split("\n"))


def _starts_rtl(line: str) -> bool:
    depth = 0
    for char in line:
        if char == "<":
            depth += 1
            continue
        if char == ">":
            depth -= 1
            continue
        if depth:
            continue
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False
