"""The fallback rule of nlu/fallback.py on messages as the classifier leaves them."""

from __future__ import annotations

from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.classifier import NO_KNOWN_WORD
from nlu.fallback import GuardedFallbackClassifier
from nlu.lexicon import default_lexicon, tokens_for


def classified(text: str, intent: str, confidence: float, second: float = 0.0) -> Message:
    ranking = [{"name": intent, "confidence": confidence}, {"name": "housing_shelter", "confidence": second}]
    return Message({"text": text, "intent": ranking[0], "intent_ranking": ranking})


def fallback() -> GuardedFallbackClassifier:
    return GuardedFallbackClassifier({**GuardedFallbackClassifier.get_default_config(), "threshold": 0.5})


def test_a_long_message_taken_for_a_short_reply_is_asked_back() -> None:
    (message,) = fallback().process([classified("were can i sleep tonite i have no place", "deny", 0.8)])
    assert message.get("intent")["name"] == "nlu_fallback"
    # The classifier's ranking stays below it: the question back offers the likeliest topics.
    assert [r["name"] for r in message.get("intent_ranking")] == ["nlu_fallback", "deny", "housing_shelter"]


def test_short_replies_and_long_topic_questions_are_left_alone() -> None:
    short = classified("no thanks, that is all", "deny", 0.9)
    topic = classified("where can i sleep tonight, i have no place at all", "housing_shelter", 0.9)
    for message, intent in zip(fallback().process([short, topic]), ["deny", "housing_shelter"], strict=True):
        assert message.get("intent")["name"] == intent


def test_a_question_taken_for_yes_no_thanks_or_bye_is_asked_back() -> None:
    # No "yes", "no", "thanks" or "bye" of the training data ends in a question mark.
    asked = [classified(t, i, 0.9) for t, i in [("what if they say no?", "deny"), ("ደሓን ዶ ክኸውን እየ፧", "affirm")]]
    for message in fallback().process(asked):
        assert message.get("intent")["name"] == "nlu_fallback"
    replies = [classified("no?", "deny", 0.9), classified("ok thanks?", "thanks", 0.9)]
    replies.append(classified("salam, how are you?", "greet", 0.9))  # greetings ask how one is
    for message, intent in zip(fallback().process(replies), ["deny", "thanks", "greet"], strict=True):
        assert message.get("intent")["name"] == intent


def test_low_confidence_still_falls_back() -> None:
    (message,) = fallback().process([classified("doctor", "healthcare_access", 0.3)])
    assert message.get("intent")["name"] == "nlu_fallback"


def test_a_message_without_any_known_word_is_asked_back() -> None:
    # Character n-grams alone made "helllo" a confident guess: ask back instead.
    message = classified("helllo", "out_of_scope", 0.9)
    message.set(NO_KNOWN_WORD, True)
    known = classified("doctor", "healthcare_access", 0.9)
    known.set(NO_KNOWN_WORD, False)
    unknown_out, known_out = fallback().process([message, known])
    assert unknown_out.get("intent")["name"] == "nlu_fallback"
    assert known_out.get("intent")["name"] == "healthcare_access"


def test_a_possible_emergency_is_asked_back_not_answered_as_another_topic() -> None:
    def ranked(text: str, emergency: float) -> Message:
        ranking = [{"name": "return_medical", "confidence": 0.85}, {"name": "emergency", "confidence": emergency}]
        return Message({"text": text, "intent": ranking[0], "intent_ranking": ranking})

    pills, trip = fallback().process(
        [ranked("my friend swallowed a lot of pills", 0.1), ranked("can i take my pills on the plane", 0.01)]
    )
    assert pills.get("intent")["name"] == "nlu_fallback"
    assert trip.get("intent")["name"] == "return_medical"


def test_a_message_that_mentions_danger_is_never_a_short_reply() -> None:
    # "لا اريد ان اعيش بعد الان" (I don't want to live any more) was read as "no" (0.96): the
    # tokenizer found the suicide concept; "OK" must not be the answer.
    danger = classified("لا اريد ان اعيش بعد الان", "deny", 0.96)
    danger.set(TOKENS_NAMES[TEXT], [Token("اريد", 3), Token("⟨suicide⟩", 24)])
    plain = classified("no thanks", "deny", 0.96)
    plain.set(TOKENS_NAMES[TEXT], [Token("no", 0), Token("⟨no⟩", 9)])
    topic = classified("my husband hits me, can I get a shelter?", "housing_shelter", 0.9)
    topic.set(TOKENS_NAMES[TEXT], [Token("⟨violence⟩", 40), Token("⟨shelter⟩", 40)])
    out = fallback().process([danger, plain, topic])
    assert [m.get("intent")["name"] for m in out] == ["nlu_fallback", "deny", "housing_shelter"]


def with_concepts(message: Message) -> Message:
    """The concept tokens the tokenizer adds (nlu/tokenizer.py), from the real lexicon."""
    concepts = default_lexicon().concepts_in(message.get(TEXT), longest_only=True)
    message.set(TOKENS_NAMES[TEXT], [Token(name, 0) for name in tokens_for(concepts, pairs=True)])
    return message


def test_a_yes_or_no_that_asks_something_is_asked_back() -> None:
    # Questions typed without a question mark, read as "yes" and answered "OK, what would you
    # like to know?": "so do I have to pay" (the Turkish "mu" written onto the verb), "ok and
    # how much does it cost", "ok and where do I go".
    asked = [
        "peki para odemem gerekiyormu",
        "d'accord et combien ca coute",
        "ok and where do i go",
        "باشه کجا باید برم",
    ]
    out = fallback().process([with_concepts(classified(t, "affirm", 0.9)) for t in asked])
    assert [m.get("intent")["name"] for m in out] == ["nlu_fallback"] * len(asked)
    # Yes and no as the training data has them, "later" among them: still replies.
    replies = [("yes please go ahead", "affirm"), ("maybe later, not now", "deny"), ("no", "deny"),
               ("کێشە نییە، باشە", "affirm"), ("ok", "affirm")]  # fmt: skip
    out = fallback().process([with_concepts(classified(t, i, 0.9)) for t, i in replies])
    assert [m.get("intent")["name"] for m in out] == [i for _, i in replies]
    # Thanks and bye name what they thank for or why one leaves: left alone.
    (bye,) = fallback().process([with_concepts(classified("ik moet weg, dag", "goodbye", 0.9))])
    assert bye.get("intent")["name"] == "goodbye"
