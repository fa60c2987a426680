"""The follow-up policy (dialogue/follow_up.py) on conversations as Rasa records them.

The policy's settings come from config.yml, the domain from domain/: what is tested is what runs.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from dialogue.follow_up import FollowUpPolicy
from nlu.tokenizer import SPELLED

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Domain:
    with warnings.catch_warnings():
        # Rasa validates the domain with pykwalify, which loads its extensions with importlib's
        # deprecated load_module().
        warnings.simplefilter("ignore", DeprecationWarning)
        return Domain.load(str(ROOT / "domain"))


@pytest.fixture
def policy(tmp_path: Path) -> FollowUpPolicy:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    (settings,) = [p for p in config["policies"] if p["name"].endswith("FollowUpPolicy")]
    settings = {**FollowUpPolicy.get_default_config(), **{k: v for k, v in settings.items() if k != "name"}}
    return FollowUpPolicy(
        settings, LocalModelStorage(tmp_path), Resource("follow_up"), ExecutionContext(GraphSchema({}), "follow_up")
    )


def said(text: str, intent: str) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 0.9})


def answered(text: str, topic: str) -> list[Event]:
    return [said(text, topic), ActionExecuted(f"utter_{topic}"), ActionExecuted("action_listen")]


def predicted(policy: FollowUpPolicy, domain: Domain, events: list[Event]) -> str | None:
    tracker = DialogueStateTracker.from_events("p" * 32, [ActionExecuted("action_listen"), *events])
    prediction = policy.predict_action_probabilities(tracker, domain)
    if prediction.max_confidence == 0:
        return None  # abstains: Rasa's rules decide
    return domain.action_names_or_texts[prediction.max_confidence_index]


REFUSED = answered("me rechazaron el asilo, puedo volver a pedirlo?", "residence_chances")


FOLLOW_UP = "action_clarify_follow_up"


def unsure(text: str, *ranking: tuple[str, float]) -> UserUttered:
    """A message the NLU was unsure of, as Rasa records it: nlu_fallback on top of the ranking."""
    items = [{"name": "nlu_fallback", "confidence": 0.6}, *({"name": n, "confidence": c} for n, c in ranking)]
    return UserUttered(text, {"name": "nlu_fallback", "confidence": 0.6}, parse_data={"intent_ranking": items})


def test_a_follow_up_without_a_topic_of_its_own_is_asked_back(policy: FollowUpPolicy, domain: Domain) -> None:
    events = [*REFUSED, said("y cuanto tarda?", "return_apply")]
    assert predicted(policy, domain, events) == FOLLOW_UP
    # ... and then the bot waits for the user (no rule knows this action).
    assert predicted(policy, domain, [*events, ActionExecuted(FOLLOW_UP)]) == "action_listen"
    # Read as the answered topic again: not the same answer once more, but more on it.
    assert predicted(policy, domain, [*REFUSED, said("y cuanto tarda?", "residence_chances")]) == FOLLOW_UP
    # Unsure of it: asked back about the answer all the same (the rule's action_clarify would too).
    assert predicted(policy, domain, [*REFUSED, unsure("y cuanto tarda?", ("return_apply", 0.3))]) == FOLLOW_UP
    # Unsure, small talk at best: a "yes" that asks something (nlu/fallback.py), more on the answer.
    assert predicted(policy, domain, [*REFUSED, unsure("vale y cuanto tarda", ("affirm", 0.8))]) == FOLLOW_UP
    # Sure it is a "yes": the rules answer it.
    assert predicted(policy, domain, [*REFUSED, said("vale gracias", "affirm")]) is None


def test_a_follow_up_of_a_question_back_is_asked_back(policy: FollowUpPolicy, domain: Domain) -> None:
    # "what happens if the police stop me?", asked back (police or detention?), then "and for
    # how many days?" typed instead of pressing a button: read alone, it is the DT&V's role.
    asked_back = [
        unsure("wat gebeurt als de politie mij stopt?", ("police_check", 0.4), ("detention", 0.3)),
        ActionExecuted("action_clarify"),
        ActionExecuted("action_listen"),
    ]
    for follow_up in (
        said("а на сколько дней?", "dtv_role"),
        unsure("а на сколько дней?", ("dtv_role", 0.4)),
        unsure("а на сколько дней?", ("out_of_scope", 0.4)),  # unsure and off-topic at best
    ):
        assert predicted(policy, domain, [*asked_back, follow_up]) == FOLLOW_UP
    # Sure it is off-topic: action_out_of_scope's rule (it asks back about the topics too).
    assert predicted(policy, domain, [*asked_back, said("а на сколько дней?", "out_of_scope")]) is None
    # A question with a topic of its own after a question back is left to the rules.
    assert predicted(policy, domain, [*asked_back, said("can I see a doctor?", "healthcare_access")]) is None
    # A question back that offered no topic (out of scope) gives no context.
    out_of_scope = [said("who won the football?", "out_of_scope"), ActionExecuted("action_out_of_scope")]
    assert (
        predicted(policy, domain, [*out_of_scope, ActionExecuted("action_listen"), said("where?", "dtv_role")]) is None
    )


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("what about my children?", "return_family"),
        ("کجا؟", "housing_shelter"),  # Persian: where?
        ("intee lacag ah?", "reintegration_support"),  # Somali: how much money?
        ("а сколько это стоит?", "reintegration_support"),  # Russian: and how much does it cost?
        ("et combien d'heures?", "work_income"),  # French: and how many hours?
        ("الان چه کار کنم؟", "work_income"),  # Persian: what shall I do now? ("کار کنم" alone: I work)
    ],
)
def test_follow_ups_in_other_languages(policy: FollowUpPolicy, domain: Domain, text: str, read_as: str) -> None:
    events = [*REFUSED, said(text, read_as)]
    assert predicted(policy, domain, events) == FOLLOW_UP


def test_what_is_left_to_the_rules(policy: FollowUpPolicy, domain: Domain) -> None:
    cases = [
        # a topic of its own ("doctor"), a long message
        [*REFUSED, said("and can I see a doctor?", "healthcare_access")],
        [*REFUSED, said("y cuanto tarda todo esto para mi y mi familia", "return_apply")],
        # never overruled: an emergency, a counsellor, a button ("/topic"), no answer before it
        [*REFUSED, said("help now!", "emergency")],
        [*REFUSED, said("a person please", "counsellor_request")],
        [*REFUSED, said("/return_apply", "return_apply")],
        [*REFUSED, unsure("help now!", ("emergency", 0.4))],
        [said("y cuanto tarda?", "return_apply")],
        [*REFUSED, SessionStarted(), ActionExecuted("action_listen"), said("y cuanto tarda?", "return_apply")],
        # not a topic
        [*REFUSED, said("ok thanks", "thanks")],
        # the answer is not the latest thing the bot did
        [*REFUSED, *answered("hello", "greet")[:2], ActionExecuted("action_listen"), said("where?", "housing_shelter")],
    ]  # fmt: skip
    for events in cases:
        assert predicted(policy, domain, events) is None, events[-1]


def test_a_misspelt_topic_word_is_read_as_the_model_read_it(policy: FollowUpPolicy, domain: Domain) -> None:
    # The tokenizer's spelling corrector read "doktr" as "dokter" (nlu/spelling.py) and puts what
    # it read in the parse result: the message names healthcare, it is no follow-up.
    misspelt = UserUttered(
        "and can I see a doktr?",
        {"name": "healthcare_access", "confidence": 0.9},
        parse_data={SPELLED: "and can I see a dokter?"},  # type: ignore[typeddict-unknown-key]
    )
    assert predicted(policy, domain, [*REFUSED, misspelt]) is None
    # Without a correction, the text as typed is read.
    assert predicted(policy, domain, [*REFUSED, said("and can I see a doktr?", "healthcare_access")]) == FOLLOW_UP


def test_a_follow_up_after_a_question_back_still_follows_the_answer(policy: FollowUpPolicy, domain: Domain) -> None:
    asked_back = [said("y cuanto tarda?", "return_apply"), ActionExecuted("action_clarify")]
    events = [*REFUSED, *asked_back, ActionExecuted("action_listen"), said("y donde?", "housing_shelter")]
    assert predicted(policy, domain, events) == FOLLOW_UP
