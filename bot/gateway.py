"""The gateway's message pipeline, the same for Telegram and the console.

    incoming text/button/command -> pseudonym -> language -> Rasa (REST channel, metadata)
                                 -> content keys -> replies rendered in the user's language

Front ends (bot/telegram_app.py, bot/console.py) only translate their platform's updates into
calls on ``Gateway`` and send back the ``Reply`` objects it returns.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from bot import callbacks
from bot.errors import RasaError, RasaTimeout
from bot.handoff.requests import AWAITING_CONSENT, HandoffRequests
from bot.i18n.detect import OTHER, LanguageDetector
from bot.i18n.languages import SOURCE_LANGUAGE, resolve
from bot.metrics import Metrics
from bot.pseudonym import Pseudonymizer
from bot.rasa_client import RasaClient
from bot.render import ReplyRenderer
from bot.replies import Reply
from bot.state.erase import Eraser
from bot.state.language import Languages, LanguageStore
from bot.state.questions import QuestionStore
from bot.topics import ALL_INTENTS, TOPIC_KEYS

logger = logging.getLogger(__name__)

# NLU needs no more than this; longer messages are cut for Rasa only (nothing is lost to the
# user: during a handoff the full text is relayed).
MAX_NLU_CHARS = 2000


# Tracker writes for button turns running at once (see Gateway._answer_button).
RECORDING_CONCURRENCY = 4

# Without the dialogue (degraded mode) there is no clarifying question: answer only when sure.
DEGRADED_MIN_CONFIDENCE = 0.6

# Saying "I do not speak your language" to someone who does write one of ours is worse than
# answering a foreign message in the current language: ask for a clearer margin.
UNSUPPORTED_MARGIN = 0.5

# The yes/no questions a typed answer may answer (bot/state/questions.py): the callback data of
# their "yes" and "no" buttons. A reply carrying both buttons asks the question.
YES_NO_QUESTIONS: dict[str, tuple[str, str]] = {
    "forget": (callbacks.forget("yes"), callbacks.forget("no")),
    "consent": (callbacks.handoff("share"), callbacks.handoff("noshare")),
}
# A typed answer counts as yes or no only when the NLU is this sure (a lone "yes", "no", "ok").
TYPED_ANSWER_MIN_CONFIDENCE = 0.8


@dataclass(frozen=True)
class LanguageChoice:
    language: str
    offer_keep: bool = False  # answered in a detected language the user did not choose
    unsupported: bool = False  # the text is in a language we do not support


@dataclass(frozen=True)
class User:
    """Who sent an update: the platform ('tg', 'console'), its user id, the client's language."""

    platform: str
    id: int | str
    language_code: str | None = None


class Gateway:
    def __init__(
        self,
        *,
        rasa: RasaClient,
        renderer: ReplyRenderer,
        languages: LanguageStore,
        handoff_requests: HandoffRequests,
        pseudonyms: Pseudonymizer,
        default_language: str,
        counsellors_enabled: bool,
        eraser: Eraser,
        detector: LanguageDetector | None = None,
        metrics: Metrics | None = None,
        questions: QuestionStore | None = None,
    ) -> None:
        self.rasa = rasa
        self.renderer = renderer
        self.languages = languages
        self.handoff_requests = handoff_requests
        self.pseudonyms = pseudonyms
        self.default_language = default_language
        self.counsellors_enabled = counsellors_enabled
        self.detector = detector
        self.eraser = eraser
        self.metrics = metrics or Metrics()
        self.questions = questions
        self._recording: set[asyncio.Task[None]] = set()
        # Background tracker writes share Rasa with the messages people are waiting for: a few at
        # a time, so that a burst of button presses cannot flood Rasa with concurrent requests.
        self._recording_slots = asyncio.Semaphore(RECORDING_CONCURRENCY)

    def pseudonym(self, user: User) -> str:
        return self.pseudonyms(user.platform, user.id)

    async def language_of(self, user: User) -> str:
        """The language of the conversation (the last answer's), else the user's choice, else
        the client's language if we serve it, else the default."""
        return self._current(user, await self.languages.get(self.pseudonym(user)))

    def _current(self, user: User, languages: Languages) -> str:
        return languages.conversation or languages.chosen or resolve(user.language_code) or self.default_language

    # -- entry points ------------------------------------------------------------------------

    async def start(self, user: User) -> list[Reply]:
        return self.renderer.start(await self.language_of(user))

    async def typed_answer(self, user: User, text: str) -> str | None:
        """The button a typed "yes" or "no" stands for, if it answers the question just asked.

        Returns the button's callback data (the caller handles it as that button), or None: the
        text is a message like any other. Either way the question is then forgotten.
        """
        if self.questions is None:
            return None
        pseudonym = self.pseudonym(user)
        question = await self.questions.take(pseudonym)
        if question not in YES_NO_QUESTIONS:
            return None
        if question == "consent":
            request = await self.handoff_requests.get(pseudonym)
            if request is None or request.status != AWAITING_CONSENT:
                return None  # already answered with a button, or cancelled
        message = text.strip().lstrip("/").strip()[:MAX_NLU_CHARS]
        if not message:
            return None
        try:
            parsed = await self.rasa.parse(message)
        except RasaError:
            return None  # the message goes its usual way, which copes with Rasa being down
        intent = parsed.get("intent") or {}
        if float(intent.get("confidence") or 0.0) < TYPED_ANSWER_MIN_CONFIDENCE:
            return None
        yes, no = YES_NO_QUESTIONS[question]
        return {"affirm": yes, "deny": no}.get(str(intent.get("name")))

    async def _remember_question(self, user: User, replies: list[Reply]) -> None:
        if self.questions is None:
            return
        data = {button.data for reply in replies for row in reply.buttons for button in row}
        for question, (yes, no) in YES_NO_QUESTIONS.items():
            if yes in data and no in data:
                await self.questions.asked(self.pseudonym(user), question)
                return

    async def text(self, user: User, text: str) -> list[Reply]:
        choice = await self._language_for_text(user, text)
        language = choice.language
        self.metrics.message("text", "other" if choice.unsupported else language)
        if choice.unsupported:
            # We cannot read it, so we cannot answer it: say so in English, offer the picker.
            return [
                self.renderer.text("language.unsupported", SOURCE_LANGUAGE),
                self.renderer.language_picker(language),
            ]
        # A leading "/" would make Rasa read the text as an intent (with entities): users may
        # only reach intents through NLU or through buttons we made.
        message = text.strip().lstrip("/").strip()[:MAX_NLU_CHARS]
        if not message:
            return [self.renderer.text("clarify.rephrase", language, menu=True)]
        replies = await self._ask_rasa(user, message, language)
        if choice.offer_keep:
            replies.append(
                self.renderer.text(
                    "language.detected",
                    language,
                    buttons=[{"key": "language.keep", "callback": callbacks.language(language)}],
                )
            )
        return replies

    async def _language_for_text(self, user: User, text: str) -> LanguageChoice:
        """The language to answer this text in (the rule is in README "Languages").

        The conversation's language (see `language_of`), unless the text is a real sentence
        (2+ words) that the detector confidently puts in another supported language: then we
        answer in that language, and the conversation goes on in it. Someone who never chose a
        language adopts it silently; someone who chose another gets a one-tap "keep" button.
        Short or ambiguous texts ("ok", "?") never change it; one word in a script that only one
        of our languages uses (Cyrillic: Russian, Ge'ez: Tigrinya) is not ambiguous and does. Text
        confidently in a language we do not support gets English and the picker.
        """
        pseudonym = self.pseudonym(user)
        languages = await self.languages.get(pseudonym)
        current = self._current(user, languages)
        detection = self.detector.detect(text) if self.detector is not None else None
        if detection is not None and detection.language == OTHER:
            unsupported = detection.margin >= UNSUPPORTED_MARGIN
            return LanguageChoice(current, unsupported=unsupported)
        if detection is None or detection.language in (None, current):
            language, offer_keep = current, False
        elif languages.chosen is None:  # never chose: adopt the language they write in
            await self.languages.choose(pseudonym, detection.language)
            return LanguageChoice(detection.language)
        else:  # a switch: back to their choice needs no offer to keep it
            language, offer_keep = detection.language, detection.language != languages.chosen
        if language != languages.conversation:
            await self.languages.answered_in(pseudonym, language)
        return LanguageChoice(language, offer_keep=offer_keep)

    async def button(self, user: User, data: str | None) -> list[Reply]:
        if self.questions is not None:
            await self.questions.take(self.pseudonym(user))  # a button press answers or leaves it
        language = await self.language_of(user)
        self.metrics.message("button", language)
        callback = callbacks.parse(data)
        if callback is None:
            return [self.renderer.menu(language)]
        if callback.kind == "i" and callback.value in TOPIC_KEYS:
            return self._answer_button(user, callback.value, language)
        if callback.kind == "i" and callback.value in ALL_INTENTS:
            return await self._ask_rasa(user, f"/{callback.value}", language)
        if callback.kind == "more":
            return [self.renderer.more(callback.value, language)]
        if callback.kind == "m":
            if callback.value:
                return [self.renderer.group_menu(callback.value, language)]
            return [self.renderer.menu(language)]
        if callback.kind == "l":
            if resolve(callback.value):
                return await self.choose_language(user, callback.value)
            return [self.renderer.language_picker(language)]
        if callback.kind == "h":
            return await self.handoff_consent(user, language, share=callback.value == "share")
        if callback.kind == "f":
            if callback.value == "yes":
                return await self.erase(user, language)
            if callback.value == "no":
                return [self.renderer.text("forget.cancelled", language, menu=True)]
            return await self.forget(user)
        return [self.renderer.menu(language)]

    async def forget(self, user: User) -> list[Reply]:
        """Ask to confirm before erasing (a mistyped /forget must not wipe a handoff)."""
        language = await self.language_of(user)
        replies = [
            self.renderer.text(
                "forget.confirm",
                language,
                buttons=[
                    {"key": "forget.yes", "callback": callbacks.forget("yes")},
                    {"key": "forget.no", "callback": callbacks.forget("no")},
                ],
            )
        ]
        await self._remember_question(user, replies)
        return replies

    async def erase(self, user: User, language: str) -> list[Reply]:
        pseudonym = self.pseudonym(user)
        # The request's id key holds the pseudonym in its value, not its name: the Eraser's scan
        # cannot find it, and without a counsellors' desk (console, no group) nothing else would.
        await self.handoff_requests.delete(pseudonym)
        await self.eraser.erase(pseudonym)
        logger.info("erased a user's data on request")
        return [self.renderer.text("forget.done", language)]

    async def choose_language(self, user: User, code: str) -> list[Reply]:
        language = resolve(code) or self.default_language
        await self.languages.choose(self.pseudonym(user), language)
        return [self.renderer.text("language.changed", language), self.renderer.menu(language)]

    async def menu(self, user: User) -> list[Reply]:
        return [self.renderer.menu(await self.language_of(user))]

    async def language_picker(self, user: User) -> list[Reply]:
        return [self.renderer.language_picker(await self.language_of(user))]

    async def request_counsellor(self, user: User) -> list[Reply]:
        language = await self.language_of(user)
        return await self._ask_rasa(user, "/counsellor_request", language)

    async def unsupported_media(self, user: User, kind: str) -> list[Reply]:
        language = await self.language_of(user)
        self.metrics.message("media", language)
        key = "media.voice" if kind in ("voice", "audio", "video_note") else "media.other"
        return [
            self.renderer.text(
                key,
                language,
                buttons=[{"key": "button.counsellor", "intent": "counsellor_request"}],
                menu=True,
            )
        ]

    async def error(self, user: User | None) -> list[Reply]:
        """The one reply to an unexpected failure, in the user's language if we can tell."""
        language = self.default_language
        if user is not None:
            try:
                language = await self.language_of(user)
            except Exception:  # the state store may be the thing that failed
                language = resolve(user.language_code) or self.default_language
        return [self.renderer.text("error.generic", language, menu=True)]

    # -- handoff (the request is recorded by Rasa's action_request_counsellor) --------------------

    async def handoff_consent(self, user: User, language: str, *, share: bool) -> list[Reply]:
        """Consent without a counsellors' desk (the console, or no COUNSELLOR_CHAT_ID): say so.

        On Telegram with a counsellors' group, bot/handoff/desk.py handles these buttons.
        """
        return [self.renderer.text("handoff.unavailable", language, menu=True)]

    async def _degraded(self, message: str, language: str) -> list[Reply]:
        """Rasa's conversation side is down (often: its tracker store, Redis): answer anyway.

        Buttons name their topic; free text goes through Rasa's NLU alone (/model/parse needs
        no tracker). Only a confident topic is answered; otherwise "temporarily unavailable",
        with the counsellor option, which works without Rasa.
        """
        intent, confidence = (message[1:], 1.0) if message.startswith("/") else (None, 0.0)
        if intent is None:
            try:
                parsed = await self.rasa.parse(message)
                intent = (parsed.get("intent") or {}).get("name")
                confidence = float((parsed.get("intent") or {}).get("confidence") or 0.0)
            except RasaError:
                intent = None
        counsellor = [{"key": "button.counsellor", "callback": "h:share"}] if self.counsellors_enabled else []
        if intent == "counsellor_request" and self.counsellors_enabled:
            intro = [
                {"key": "handoff.share_yes", "callback": "h:share"},
                {"key": "handoff.share_no", "callback": "h:noshare"},
            ]
            return [self.renderer.text("handoff.intro", language, buttons=intro)]
        if intent in TOPIC_KEYS and confidence >= DEGRADED_MIN_CONFIDENCE:
            return [self.renderer.answer(intent, language)]
        return [self.renderer.text("error.unavailable", language, buttons=counsellor)]

    # -- Rasa --------------------------------------------------------------------------------

    def _answer_button(self, user: User, topic: str, language: str) -> list[Reply]:
        """A topic button: every topic has exactly one answer (data/rules/topics.yml), so the
        reply needs no dialogue prediction. The intent still goes to Rasa, in the background, so
        that the tracker, the transcript and the topics on a counsellor's card include it."""
        started = time.perf_counter()
        replies = [self.renderer.answer(topic, language)]
        self.metrics.replies_from_rasa([{"custom": {"type": "answer", "topic": topic}}], language)
        self.metrics.reply_seconds.labels("button").observe(time.perf_counter() - started)
        task = asyncio.create_task(self._record_turn(self.pseudonym(user), topic, language))
        self._recording.add(task)
        task.add_done_callback(self._recording.discard)
        return replies

    async def _record_turn(self, sender: str, topic: str, language: str) -> None:
        # The same "/intent" message as before, only nobody waits for it: Rasa runs its rule,
        # the tracker gets the turn exactly as if the user had waited, the reply is dropped.
        # (Rasa's /tracker/events API would skip the prediction but costs more: it validates
        # every request against a large JSON schema.)
        try:
            async with self._recording_slots:
                await self.rasa.send(sender, f"/{topic}", {"language": language})
        except RasaError as exc:
            # The user has the answer; only the conversation's record misses one turn.
            logger.warning("could not record a button turn in Rasa's tracker: %s", type(exc).__name__)

    async def drain(self) -> None:
        """Wait for background tracker writes (tests, shutdown)."""
        if self._recording:
            await asyncio.gather(*self._recording, return_exceptions=True)

    async def _ask_rasa(self, user: User, message: str, language: str) -> list[Reply]:
        started = time.perf_counter()
        kind = "button" if message.startswith("/") else "text"
        try:
            answer = await self.rasa.send(self.pseudonym(user), message, {"language": language})
        except RasaTimeout:
            logger.warning("rasa timed out")
            self.metrics.error("rasa_timeout")
            return [self.renderer.text("error.timeout", language)]
        except RasaError as exc:
            logger.error("rasa's dialogue unavailable (%s); answering in degraded mode", exc)
            self.metrics.error("rasa_unavailable")
            replies = await self._degraded(message, language)
            await self._remember_question(user, replies)
            return replies
        self.metrics.replies_from_rasa(answer, language)
        replies = self.renderer.from_rasa(answer, language)
        self.metrics.reply_seconds.labels(kind).observe(time.perf_counter() - started)
        if not replies:
            # Rasa may predict action_listen only; the user must never be left without an answer.
            replies = [self.renderer.text("clarify.rephrase", language, menu=True)]
        await self._remember_question(user, replies)
        return replies
