"""The catalog build (extract, merge by key, fuzzy on change, compile) and rendering with fallbacks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.errors import ContentError
from bot.i18n import build
from bot.i18n.catalog import ContentCatalog

MESSAGES = """\
hello: "Hello!"
call:
  text: "Call IOM on %(iom_phone)s."
  note: a note for translators
queue:
  one: "You are number %(n)s in the queue."
  other: "You are number %(n)s in the queue (of many)."
percent: "100% free"
"""
TOPICS = """\
healthcare_access:
  group: staying
  title: "Healthcare"
  answer: "You can see a doctor. Costs up to %(amount)s are paid."
  sources: [cak]
  checked: 2026-11-28
  related: []
"""
SOURCES = """\
cak: "CAK (hetcak.nl)"
"""
FACTS = """\
iom_phone: {value: "088 746 4466", source: "iom", checked: 2026-11-28}
amount: {amount: 615, currency: EUR, source: "iom", checked: 2026-11-28}
"""


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    (tmp_path / "locales" / "en").mkdir(parents=True)
    (tmp_path / "locales" / "en" / "messages.yml").write_text(MESSAGES)
    (tmp_path / "locales" / "en" / "topics.yml").write_text(TOPICS)
    (tmp_path / "locales" / "en" / "sources.yml").write_text(SOURCES)
    (tmp_path / "locales" / "facts.yml").write_text(FACTS)
    return tmp_path / "locales"


def translate(locales: Path, language: str, strings: dict[str, object]) -> None:
    path = build.po_path(locales, language)
    catalog = build.read_catalog(path, language)
    for message in catalog:
        if message.context in strings:
            message.string = strings[message.context]
            message.user_comments = ["status: machine-draft"]
    build.write_catalog(catalog, path)


def test_template_has_one_entry_per_text_with_context(locales: Path) -> None:
    build.update(locales, ["fr"])
    template = build.read_catalog(build.template_path(locales))
    contexts = {m.context for m in template if m.id}
    assert contexts == {
        "hello",
        "call",
        "queue",
        "percent",
        "healthcare_access.title",
        "healthcare_access.answer",
        "source.cak",
    }
    call = next(m for m in template if m.context == "call")
    assert "python-format" in call.flags
    assert any("a note for translators" in c for c in call.auto_comments)


def test_fallback_to_english_and_back(locales: Path) -> None:
    build.update(locales, ["fr"])
    translate(locales, "fr", {"hello": "Bonjour !", "call": "Appelez l'OIM au %(iom_phone)s."})
    build.compile_all(locales)
    catalog = ContentCatalog.load(locales)
    assert catalog.render("hello", "fr").text == "Bonjour !"
    assert catalog.render("hello", "fr").language == "fr"
    assert catalog.render("call", "fr").text == "Appelez l'OIM au 088 746 4466."
    missing = catalog.render("healthcare_access.answer", "fr")
    assert missing.language == "en"
    assert "€615" in missing.text
    # A regional variant falls back to its language first.
    assert catalog.render("hello", "fr_BE").text == "Bonjour !"


def test_amounts_are_formatted_per_language(locales: Path) -> None:
    build.update(locales, ["fr"])
    translate(locales, "fr", {"healthcare_access.answer": "Jusqu'à %(amount)s."})
    build.compile_all(locales)
    text = ContentCatalog.load(locales).render("healthcare_access.answer", "fr").text
    assert text.replace("\u202f", " ").replace("\xa0", " ") == "Jusqu'à 615 €."


def test_changed_english_makes_the_translation_fuzzy_and_unserved(locales: Path) -> None:
    build.update(locales, ["fr"])
    translate(locales, "fr", {"hello": "Bonjour !"})
    (locales / "en" / "messages.yml").write_text(MESSAGES.replace('"Hello!"', '"Hello, welcome!"'))
    build.update(locales, ["fr"])
    po = build.read_catalog(build.po_path(locales, "fr"), "fr")
    hello = next(m for m in po if m.context == "hello")
    assert "fuzzy" in hello.flags
    assert hello.string == "Bonjour !"
    assert hello.previous_id == ["Hello!"]
    assert hello.user_comments == ["status: machine-draft"]
    build.compile_all(locales)
    rendered = ContentCatalog.load(locales).render("hello", "fr")
    assert rendered.language == "en"
    assert rendered.text == "Hello, welcome!"


def test_removed_keys_become_obsolete(locales: Path) -> None:
    build.update(locales, ["fr"])
    translate(locales, "fr", {"percent": "100 % gratuit"})
    (locales / "en" / "messages.yml").write_text(MESSAGES.replace('percent: "100% free"\n', ""))
    build.update(locales, ["fr"])
    po = build.read_catalog(build.po_path(locales, "fr"), "fr")
    assert "percent" not in {m.context for m in po}
    assert po.obsolete


def test_a_broken_placeholder_is_left_out_and_english_served(locales: Path) -> None:
    build.update(locales, ["fr"])
    translate(locales, "fr", {"call": "Appelez l'OIM au %(telefoon)s."})
    skipped = build.compile_all(locales)["fr"]
    assert skipped == ["call: unknown placeholder in translation"]
    assert ContentCatalog.load(locales).render("call", "fr").language == "en"


def test_plurals_follow_the_language_rules(locales: Path) -> None:
    build.update(locales, ["ar"])
    translate(
        locales,
        "ar",
        {
            "queue": (
                "صفر %(n)s",
                "واحد %(n)s",
                "اثنان %(n)s",
                "قليل %(n)s",
                "كثير %(n)s",
                "أخرى %(n)s",
            )
        },
    )
    build.compile_all(locales)
    catalog = ContentCatalog.load(locales)
    assert catalog.render_plural("queue", "ar", 2).text == "اثنان 2"
    assert catalog.render_plural("queue", "ar", 5).text == "قليل 5"
    assert catalog.render_plural("queue", "ar", 11).text == "كثير 11"
    assert catalog.render_plural("queue", "en", 1).text == "You are number 1 in the queue."
    assert catalog.render_plural("queue", "en", 3).text.endswith("(of many).")


def test_percent_without_placeholders_stays_as_written(locales: Path) -> None:
    assert ContentCatalog.load(locales).render("percent", "en").text == "100% free"


def test_unknown_key_is_a_content_error(locales: Path) -> None:
    with pytest.raises(ContentError):
        ContentCatalog.load(locales).render("nope", "en")


def test_building_twice_changes_nothing(locales: Path) -> None:
    build.update(locales, ["fr"])
    before = build.po_path(locales, "fr").read_bytes()
    build.update(locales, ["fr"])
    assert build.po_path(locales, "fr").read_bytes() == before


def test_topic_metadata(locales: Path) -> None:
    topic = ContentCatalog.load(locales).topics["healthcare_access"]
    assert topic.checked == dt.date(2026, 11, 28)
    assert topic.sources == ("cak",)


def test_no_answer_offers_the_same_button_twice(catalog: ContentCatalog) -> None:
    from bot.render import ReplyRenderer

    renderer = ReplyRenderer(catalog, retention_days=30)
    for topic in catalog.topics:
        for reply in (renderer.answer(topic, "es"), renderer.more(topic, "es")):
            data = [b.data for row in reply.buttons for b in row]
            assert len(data) == len(set(data)), (topic, data)


def test_asked_back_again_the_counsellor_comes_first_but_never_before_an_emergency(catalog: ContentCatalog) -> None:
    from bot.render import ReplyRenderer

    renderer = ReplyRenderer(catalog, retention_days=30)
    first = renderer.clarify(["healthcare_access", "work_income"], "tr")
    again = renderer.clarify(["healthcare_access", "work_income"], "tr", again=True)
    danger = renderer.clarify(["emergency", "healthcare_access"], "tr", again=True)
    order = [[b.data for row in r.buttons for b in row] for r in (first, again, danger)]
    assert order[0] == ["i:healthcare_access", "i:work_income", "i:counsellor_request", "m"]
    assert order[1] == ["i:counsellor_request", "i:healthcare_access", "i:work_income", "m"]
    assert order[2] == ["i:emergency", "i:counsellor_request", "i:healthcare_access", "m"]
    assert again.text.startswith(catalog.render("clarify.again", "tr").text)
    assert again.text.rstrip().endswith(catalog.render("safety.emergency_line", "tr").text)


def test_a_possible_follow_up_offers_more_on_the_topic_just_answered(catalog: ContentCatalog) -> None:
    from bot.render import ReplyRenderer

    renderer = ReplyRenderer(catalog, retention_days=30)
    assert catalog.topics["healthcare_access"].has_more
    # Unclear, with likely topics of its own: "more on" the answered topic first, then those.
    unclear = renderer.clarify(["work_income"], "tr", follow_up="healthcare_access")
    assert [b.data for row in unclear.buttons for b in row] == [
        "more:healthcare_access", "i:work_income", "i:counsellor_request", "m",
    ]  # fmt: skip
    title = catalog.render("healthcare_access.title", "tr").text
    assert unclear.buttons[0][0].label == catalog.render("button.more_on", "tr", topic=title).text
    assert title in unclear.buttons[0][0].label
    assert unclear.text.startswith(catalog.render("clarify.prompt", "tr").text)
    # Nothing else likely (or read as out of scope): is it about that topic, and what the bot does.
    alone = renderer.clarify([], "ar", follow_up="healthcare_access")
    assert [b.data for row in alone.buttons for b in row] == ["more:healthcare_access", "i:counsellor_request", "m"]
    assert catalog.render("healthcare_access.title", "ar").text in alone.text
    assert alone.text.rstrip().endswith(catalog.render("safety.emergency_line", "ar").text)
    # A possible emergency stays on top.
    danger = renderer.clarify(["emergency"], "en", follow_up="healthcare_access")
    assert [b.data for row in danger.buttons for b in row][:2] == ["i:emergency", "more:healthcare_access"]


def test_a_possible_follow_up_on_a_topic_without_details_offers_a_counsellor(catalog: ContentCatalog) -> None:
    # "More on" a topic that has no details would send the answer just read once more: the bot
    # says it has no more, and that a counsellor does, and offers one first.
    from bot.render import ReplyRenderer

    renderer = ReplyRenderer(catalog, retention_days=30)
    assert not catalog.topics["residence_chances"].has_more
    title = catalog.render("residence_chances.title", "es").text
    unclear = renderer.clarify(["return_apply"], "es", follow_up="residence_chances")
    assert [b.data for row in unclear.buttons for b in row] == ["i:counsellor_request", "i:return_apply", "m"]
    assert unclear.text.startswith(catalog.render("clarify.prompt", "es").text)
    assert catalog.render("clarify.nothing_more", "es", topic=title).text in unclear.text
    assert unclear.text.rstrip().endswith(catalog.render("safety.emergency_line", "es").text)
    alone = renderer.clarify([], "ti", follow_up="residence_chances")
    assert [b.data for row in alone.buttons for b in row] == ["i:counsellor_request", "m"]
    expected = catalog.render(
        "clarify.follow_up_no_more", "ti", topic=catalog.render("residence_chances.title", "ti").text
    )
    assert alone.text.startswith(expected.text)
    assert alone.text.rstrip().endswith(catalog.render("safety.emergency_line", "ti").text)
    again = renderer.clarify(["return_apply"], "es", again=True, follow_up="residence_chances")
    assert [b.data for row in again.buttons for b in row] == ["i:counsellor_request", "i:return_apply", "m"]


def test_the_reply_to_i_need_help_offers_a_counsellor_the_menu_and_the_emergency_number(
    catalog: ContentCatalog,
) -> None:
    # "I need help", "my situation is difficult": no topic named, so no answer to give; someone
    # in that state may be in danger, so the number comes with it, as under "not understood".
    import yaml

    from bot.config import REPO_ROOT
    from bot.render import ReplyRenderer

    domain = yaml.safe_load((REPO_ROOT / "domain" / "conversation.yml").read_text(encoding="utf-8"))
    payload = domain["responses"]["utter_need_help"][0]
    renderer = ReplyRenderer(catalog, retention_days=30)
    for language in ("en", "so", "fa"):
        (reply,) = renderer.from_rasa([payload], language)
        assert [b.data for row in reply.buttons for b in row] == ["i:counsellor_request", "m"]
        assert reply.text.startswith(catalog.render("conversation.need_help", language).text)
        assert reply.text.rstrip().endswith(catalog.render("safety.emergency_line", language).text)
