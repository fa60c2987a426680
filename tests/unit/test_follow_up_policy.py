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


def test_a_follow_up_without_a_topic_of_its_own_is_asked_back(policy: FollowUpPolicy, domain: Domain) -> None:
    events = [*REFUSED, said("y cuanto tarda?", "return_apply")]
    assert predicted(policy, domain, events) == "action_clarify"
    # ... and then the bot waits for the user (no rule follows a question back on a topic intent).
    assert predicted(policy, domain, [*events, ActionExecuted("action_clarify")]) == "action_listen"
    # Read as the answered topic again: not the same answer once more, but more on it.
    assert predicted(policy, domain, [*REFUSED, said("y cuanto tarda?", "residence_chances")]) == "action_clarify"


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("what about my children?", "return_family"),
        ("کجا؟", "housing_shelter"),  # Persian: where?
        ("intee lacag ah?", "reintegration_support"),  # Somali: how much money?
        ("а сколько это стоит?", "reintegration_support"),  # Russian: and how much does it cost?
        ("et combien d'heures?", "work_income"),  # French: and how many hours?
    ],
)
def test_follow_ups_in_other_languages(policy: FollowUpPolicy, domain: Domain, text: str, read_as: str) -> None:
    events = [*REFUSED, said(text, read_as)]
    assert predicted(policy, domain, events) == "action_clarify"


def test_what_is_left_to_the_rules(policy: FollowUpPolicy, domain: Domain) -> None:
    cases = [
        # a topic of its own ("doctor"), a long message
        [*REFUSED, said("and can I see a doctor?", "healthcare_access")],
        [*REFUSED, said("y cuanto tarda todo esto para mi y mi familia", "return_apply")],
        # never overruled: an emergency, a counsellor, a button ("/topic"), no answer before it
        [*REFUSED, said("help now!", "emergency")],
        [*REFUSED, said("a person please", "counsellor_request")],
        [*REFUSED, said("/return_apply", "return_apply")],
        [said("y cuanto tarda?", "return_apply")],
        [*REFUSED, SessionStarted(), ActionExecuted("action_listen"), said("y cuanto tarda?", "return_apply")],
        # not a topic
        [*REFUSED, said("ok thanks", "thanks")],
        # the answer is not the latest thing the bot did
        [*REFUSED, *answered("hello", "greet")[:2], ActionExecuted("action_listen"), said("where?", "housing_shelter")],
    ]  # fmt: skip
    for events in cases:
        assert predicted(policy, domain, events) is None, events[-1]


def test_a_follow_up_after_a_question_back_still_follows_the_answer(policy: FollowUpPolicy, domain: Domain) -> None:
    asked_back = [said("y cuanto tarda?", "return_apply"), ActionExecuted("action_clarify")]
    events = [*REFUSED, *asked_back, ActionExecuted("action_listen"), said("y donde?", "housing_shelter")]
    assert predicted(policy, domain, events) == "action_clarify"
