"""The real path: text -> gateway -> Rasa REST channel (metadata) -> NLU and rules -> custom
action -> content keys -> rendered from locales/ in the user's language."""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

import httpx
import pytest

from bot import callbacks
from bot.gateway import Gateway, User
from bot.i18n.catalog import ContentCatalog
from bot.state.keys import Keys
from bot.topics import TOPIC_KEYS
from nlu.examples import read_examples, same_example
from tests.stack import Stack

TRAINING_DATA = Path(__file__).resolve().parents[2] / "data" / "nlu"

QUESTIONS = {
    "en": {
        "return_options": "what help is there to go back to my country?",
        "healthcare_access": "can I see a doctor without papers?",
        "counsellor_request": "I want to talk to a counsellor",
    },
    "ar": {
        "return_options": "ما هي المساعدة المتوفرة للعودة إلى بلدي؟",
        "healthcare_access": "هل يمكنني الذهاب إلى الطبيب بدون أوراق؟",
        "counsellor_request": "أريد التحدث مع مستشار",
    },
    "fa": {
        "return_options": "چه کمکی برای برگشت به کشورم وجود دارد؟",
        "healthcare_access": "آیا بدون مدارک میتونم پیش دکتر برم؟",
        "counsellor_request": "میخوام با یک مشاور صحبت کنم",
    },
}


def plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text)).replace("\u200f", "")


@pytest.mark.parametrize("language", sorted(QUESTIONS))
@pytest.mark.parametrize("topic", ["return_options", "healthcare_access"])
async def test_a_question_gets_the_answer_in_the_language_it_was_asked_in(
    gateway: Gateway, catalog: ContentCatalog, language: str, topic: str
) -> None:
    # A new user whose Telegram client says nothing about the language.
    user = User("tg", f"e2e-{language}-{topic}", None)
    replies = await gateway.text(user, QUESTIONS[language][topic])
    expected = catalog.render(f"{topic}.answer", language)
    assert expected.language == language, f"{topic} is not translated into {language}"
    assert plain(expected.text)[:60] in plain(replies[0].text)
    assert replies[0].language == language
    footer = catalog.render("answer.footer", language, sources="", date="").text.split("%")[0][:6]
    assert plain(footer) in plain(replies[0].text)


@pytest.mark.parametrize("language", sorted(QUESTIONS))
async def test_asking_for_a_counsellor_runs_the_action_and_records_the_request(
    gateway: Gateway, catalog: ContentCatalog, redis_client, stack: Stack, language: str
) -> None:
    user = User("tg", f"e2e-counsellor-{language}", None)
    await gateway.text(user, QUESTIONS[language]["healthcare_access"])
    replies = await gateway.text(user, QUESTIONS[language]["counsellor_request"])
    intro = catalog.render("handoff.intro", language).text
    assert plain(intro)[:40] in plain(replies[0].text)
    assert [b.data for row in replies[0].buttons for b in row] == ["h:share", "h:noshare"]
    request = await gateway.handoff_requests.get(gateway.pseudonym(user))
    assert request is not None
    assert request.language == language
    assert request.topics == ["healthcare_access"]


async def test_a_topic_button_is_recorded_so_the_counsellor_sees_it(gateway: Gateway, catalog: ContentCatalog) -> None:
    user = User("tg", "e2e-button-record", "fa")
    replies = await gateway.button(user, "i:detention")
    assert plain(catalog.render("detention.answer", "fa").text)[:40] in plain(replies[0].text)
    await gateway.drain()
    replies = await gateway.text(user, "آیا بدون مدارک میتونم پیش دکتر برم؟")
    tracker = await gateway.rasa.tracker(gateway.pseudonym(user))
    intents = [e["parse_data"]["intent"]["name"] for e in tracker["events"] if e["event"] == "user"]
    assert intents == ["detention", "healthcare_access"]
    replies = await gateway.request_counsellor(user)
    request = await gateway.handoff_requests.get(gateway.pseudonym(user))
    assert request is not None and sorted(request.topics) == ["detention", "healthcare_access"]


async def test_every_key_the_stack_writes_expires(gateway: Gateway, redis_client, stack: Stack) -> None:
    user = User("tg", "e2e-ttl", "en")
    await gateway.button(user, "l:en")
    await gateway.text(user, QUESTIONS["en"]["healthcare_access"])
    await gateway.text(user, QUESTIONS["en"]["counsellor_request"])
    pseudonym = gateway.pseudonym(user)
    keys = Keys(stack.prefix)
    for key in (keys.tracker(pseudonym), keys.language(pseudonym), keys.handoff_request(pseudonym)):
        assert await redis_client.exists(key), key
    async for key in redis_client.scan_iter(f"{stack.prefix}:*"):
        assert await redis_client.ttl(key) > 0, f"{key} never expires"
    # No raw id anywhere in the keys.
    async for key in redis_client.scan_iter(f"{stack.prefix}:*"):
        assert "e2e-ttl" not in key


async def test_model_parse_returns_topic_keys(stack: Stack) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(
            f"{stack.rasa_url}/model/parse",
            params={"token": stack.rasa_token},
            json={"text": "can I see a doctor?"},
        )
        response.raise_for_status()
        assert response.json()["intent"]["name"] == "healthcare_access"
        assert {i["name"] for i in response.json()["intent_ranking"]} <= set(TOPIC_KEYS) | {
            "greet", "goodbye", "thanks", "affirm", "deny", "change_language", "menu", "need_help", "bot_challenge",
            "out_of_scope", "nlu_fallback",
        }  # fmt: skip


async def test_rasa_api_needs_the_token(stack: Stack) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(f"{stack.rasa_url}/model/parse", json={"text": "hi"})
    assert response.status_code == 401


async def test_action_server_needs_the_token(stack: Stack) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(stack.action_url, json={"next_action": "action_clarify", "tracker": {}})
    assert response.status_code == 401


# As people type on a phone: typos, no diacritics, Latin-script Persian and Russian, fragments.
# None of these is a training example. (language, text, the topic it asks about)
MISSPELT = [
    ("en", "were can i sleep tonite i have no place", "housing_shelter"),
    ("nl", "mag ik werke zonder verblijfsvergunning", "work_income"),
    ("fr", "je veux rentrer chez moi est ce que l oim peut m aider", "return_options"),
    ("es", "que pasa si la policia me para en la calle sin documentos", "police_check"),
    ("ar", "ولادي بيقدرو يروحو عالمدرسه بدون اقامه", "children_school"),
    ("fa", "mitoonam bedune madarek too holand kar konam", "work_income"),
    ("ps", "زه غواړم بیرته خپل وطن ته لاړ شم مرسته شته", "return_options"),
    ("ckb", "پۆلیس دەتوانێت بمگرێت ئەگەر کاغەزم نەبێت", "police_check"),
    ("ti", "ቆልዑተይ ቤት ትምህርቲ ክኸዱ ይኽእሉ ድዮም", "children_school"),
    ("so", "waxaan rabaa inaan dalkeyga ku laabto ma i caawin kartaan", "return_options"),
    ("tr", "kagitsiz calisabilir miyim hollandada", "work_income"),
    ("ru", "где мне ночевать сегодня негде жить", "housing_shelter"),
]


def training_examples() -> set[str]:
    """The training examples, as same_example() compares them."""
    return {
        same_example(t)
        for by_intent in read_examples(TRAINING_DATA).values()
        for texts in by_intent.values()
        for t in texts
    }


def test_the_misspelt_questions_are_not_training_examples() -> None:
    # Otherwise the test below would only show that the model remembers its training data.
    trained = training_examples()
    assert [text for _, text, _ in MISSPELT if same_example(text) in trained] == []


@pytest.mark.parametrize(("language", "text", "topic"), MISSPELT, ids=[m[0] for m in MISSPELT])
async def test_a_misspelt_question_gets_the_answer_or_a_question_back_in_its_language(
    gateway: Gateway, catalog: ContentCatalog, language: str, text: str, topic: str
) -> None:
    replies = await gateway.text(User("tg", f"e2e-misspelt-{language}", None), text)
    assert replies[0].language == language
    answered = plain(catalog.render(f"{topic}.answer", language).text)[:40] in plain(replies[0].text)
    offered = f"i:{topic}" in [b.data for row in replies[0].buttons for b in row]
    asked_back = plain(catalog.render("clarify.prompt", language).text) in plain(replies[0].text)
    # The right answer, or a question back that offers the right topic: never another answer.
    assert answered or (asked_back and offered), plain(replies[0].text)[:200]


# Someone who says they do not want to live, in words of their own: "I don't want" is also how
# people say "no" ("لا اريد ان اعيش بعد الان" was read as "no", 0.96, and answered "OK" before
# the sixteenth session). Not training examples (checked below).
DANGER = [
    ("ar", "لا اريد ان اعيش بعد الان"),
    ("so", "ma rabo inaan noolaado"),
    ("ckb", "ئیتر نامەوێت بژیم"),
    ("es", "ya no kiero vivir"),
    ("fa", "دیگه دلم نمیخواد زنده باشم"),
    ("nl", "ik wil echt niet meer leven"),
    ("tr", "hic yasamak istemiyorum artik"),
    ("ru", "я не хочу больше жить"),
    ("en", "i dont wnat to live anymore"),
    # Someone else: the lexicons had only "myself" (seventeenth session).
    ("en", "my friend says he wants to kill himself what do i do"),
    ("ar", "صاحبي بيقول بدو ينتحر هلأ شو لازم اعمل بسرعة"),
    ("es", "mi amigo dice que se quiere matar que hago"),
]


def test_the_danger_messages_are_not_training_examples() -> None:
    trained = training_examples()
    assert [text for _, text in DANGER if same_example(text) in trained] == []


@pytest.mark.parametrize(("language", "text"), DANGER, ids=[f"{d[0]}-{n}" for n, d in enumerate(DANGER)])
async def test_someone_who_does_not_want_to_live_gets_the_emergency_numbers(
    gateway: Gateway, catalog: ContentCatalog, language: str, text: str
) -> None:
    # A user of their own per message: each is a first message.
    replies = await gateway.text(User("tg", f"e2e-danger-{hashlib.sha1(text.encode()).hexdigest()[:10]}", None), text)
    answer = plain(replies[0].text)
    emergency = plain(catalog.render("emergency.answer", language).text)[:40] in answer
    line = plain(catalog.render("safety.emergency_line", language).text) in answer
    # The emergency answer, or a question back that ends with the emergency number: never "OK".
    assert emergency or line, answer[:200]
    assert replies[0].language == language


async def test_a_follow_up_read_as_another_topic_is_asked_back_about_the_answer(
    gateway: Gateway, catalog: ContentCatalog
) -> None:
    # The model reads "y cuanto tarda?" (and how long does it take?) alone as a question about
    # applying for return; after the answer on refused asylum, the policy of dialogue/follow_up.py
    # asks back instead, the model's reading among the choices. The bot has no more details on
    # refused asylum than its answer: it says so, and offers a counsellor first.
    user = User("tg", "e2e-follow-up", None)
    replies = await gateway.text(user, "me rechazaron el asilo, puedo volver a pedirlo?")
    assert plain(catalog.render("residence_chances.answer", "es").text)[:40] in plain(replies[0].text)
    replies = await gateway.text(user, "y cuanto tarda?")
    assert replies[0].language == "es"
    data = [b.data for row in replies[0].buttons for b in row]
    assert data[0] == "i:counsellor_request", data
    assert "i:return_apply" in data, data
    title = plain(catalog.render("residence_chances.title", "es").text)
    assert title in plain(replies[0].text)
    # A follow-up that names a topic of its own is answered.
    replies = await gateway.text(user, "y donde puedo dormir esta noche?")
    assert plain(catalog.render("housing_shelter.answer", "es").text)[:40] in plain(replies[0].text)
    # Also when its topic word is misspelt: the policy reads the message as the model did, with
    # "medco" corrected to "medico" (nlu/spelling.py); as typed it would name no topic.
    replies = await gateway.text(user, "y puedo ir al medco?")
    assert plain(catalog.render("healthcare_access.answer", "es").text)[:40] in plain(replies[0].text)


@pytest.mark.parametrize(
    ("language", "question", "topic", "follow_up"),
    [
        # "so do I have to pay" with the Turkish question particle written onto the verb.
        ("tr", "kagitsiz doktora gidebilir miyim?", "healthcare_access", "peki para odemem gerekiyormu"),
        (
            "fr",
            "je n'ai pas de papiers, je peux voir un medecin ?",
            "healthcare_access",
            "d'accord et combien ca coute",
        ),
    ],
)
async def test_a_follow_up_typed_as_yes_without_a_question_mark_is_asked_back_about_the_answer(
    gateway: Gateway, catalog: ContentCatalog, language: str, question: str, topic: str, follow_up: str
) -> None:
    # Read as "yes" (0.87 and 0.94 before nlu/fallback.py asked back such a "yes") and answered
    # "OK, what would you like to know?": now a question back about the topic just answered.
    user = User("tg", f"e2e-yes-follow-up-{language}", None)
    replies = await gateway.text(user, question)
    assert plain(catalog.render(f"{topic}.answer", language).text)[:40] in plain(replies[0].text)
    replies = await gateway.text(user, follow_up)
    assert replies[0].language == language
    # More on the topic just answered, first (bot/render.py, clarify), and a counsellor.
    data = [b.data for row in replies[0].buttons for b in row]
    assert data[0] == callbacks.more(topic), data
    assert "i:counsellor_request" in data, data


async def test_a_follow_up_of_a_question_back_is_asked_back_with_that_questions_topics(gateway: Gateway) -> None:
    # A vague first message is asked back; "how much money?", typed instead of pressing a
    # button, is read alone as reintegration support. It is asked back (dialogue/follow_up.py,
    # action_clarify_follow_up): a counsellor first (unsure a second time), then the first
    # question's topics. Which vague message the model is unsure of changes with the data: the
    # first of these that is asked back is used. (`rasa test --e2e` cannot test this: it records
    # the story's intent without the NLU's ranking.)
    vague = ["what about my case?", "a question about my papers", "about my documents", "I got a letter"]
    for n, text in enumerate(vague):
        user = User("tg", f"e2e-question-back-{n}", None)
        replies = await gateway.text(user, text)
        offered = [b.data for row in replies[0].buttons for b in row if b.data.startswith("i:")]
        offered = [d for d in offered if d != "i:counsellor_request"]
        if offered:
            break
    else:
        pytest.fail(f"none of {vague} was asked back with topics: the test needs a vague first message")
    replies = await gateway.text(user, "how much money?")
    data = [b.data for row in replies[0].buttons for b in row]
    assert data[:2] == ["i:counsellor_request", offered[0]], (text, offered, data)
