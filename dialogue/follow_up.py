"""FollowUpPolicy: a follow-up that names no topic of its own is asked back, not answered.

The NLU reads one message at a time. Right after the answer on refused asylum, "y cuanto
tarda?" (and how long does it take?) has no topic word; the model still reads it, with high
confidence, as a question about applying for return, and Rasa's rule would answer that. A wrong
answer to a worried person is worse than a question back, so this policy overrules the rule:
when the message is short, every concept of the lexicon it mentions (nlu/concepts.yml) is one
that any topic can have ("how long", "how much", "where", "my children") and a topic was
answered just before, the bot asks back (action_clarify_follow_up), offering more on the
answered topic first and the NLU's reading beside it. When the NLU reads the answered topic
again ("where?" after the answer on shelter), the same: the rule would send the answer just read
once more, where the follow-up asks for more than it says.

After a question back nothing was answered: a follow-up typed instead of pressing a button
("а на сколько дней?", and for how many days?, after "police or detention?") is about the
topics that question offered, and they are offered again, first. The same holds when the NLU
was unsure of the follow-up (nlu_fallback), whether its best reading is a topic, off-topic or
small talk ("ok and where do i go"): its own readings alone would offer the wrong topics.

Never overruled: emergencies (someone may be in danger), a counsellor request, buttons ("/topic"
messages come from a button the user pressed), and a message that names a topic of its own
("and can I see a doctor?").
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.topics import SHORT_REPLY_INTENTS, TOPIC_KEYS
from dialogue import history
from dialogue.choices import top_reading
from nlu.lexicon import default_lexicon
from nlu.tokenizer import SPELLED

# Higher than RulePolicy's 4 (rasa.core.constants): at equal confidence this policy wins.
PRIORITY = 6


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class FollowUpPolicy(Policy):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "priority": PRIORITY,
            "max_words": 6,
            "topic_free_concepts": [],
            "ask_back_action": "action_clarify_follow_up",
            "never_overruled": ["emergency", "counsellor_request"],
        }

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource  # nothing to learn: the rule is in the config

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        action = self._action(tracker)
        if action is not None:
            probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities)

    def _action(self, tracker: DialogueStateTracker) -> str | None:
        ask_back = self.config["ask_back_action"]
        latest = tracker.latest_action_name
        if latest == ask_back:
            return ACTION_LISTEN_NAME  # no rule knows this action: after it, wait for the user
        if latest == ACTION_LISTEN_NAME and self._overruled(tracker):
            return ask_back
        return None

    def _overruled(self, tracker: DialogueStateTracker) -> bool:
        """Whether the latest message is a follow-up of the answer or question back before it."""
        message = tracker.latest_message
        if message is None:
            return False
        # As the model read it: with typing errors corrected ("and can I see a doktr?" names
        # healthcare; read as typed, it would name no topic and be asked back).
        text = message.parse_data.get(SPELLED) or message.text or ""
        reading = top_reading(message.parse_data)
        # Unsure, and off-topic or small talk at best ("а на сколько дней?"; "ok and where do
        # i go", a "yes" that asks something, nlu/fallback.py): as much a follow-up as one read
        # as a topic. A message the NLU is sure is off-topic keeps action_out_of_scope, which
        # asks back about what came before in its own words.
        unsure_off_topic = message.intent.get("name") == "nlu_fallback" and (
            reading == "out_of_scope" or reading in SHORT_REPLY_INTENTS
        )
        if not (names_no_topic(text, reading, self.config) or (unsure_off_topic and topic_free(text, self.config))):
            return False
        turns = history.session_turns(e.as_dict() for e in tracker.events)
        return history.previous_topic(turns) is not None or bool(history.offered_before(turns))


def names_no_topic(text: str, intent: str | None, config: dict[str, Any]) -> bool:
    """Whether a message read as a topic may be a follow-up: short, with no topic word of its own.

    Right after an answer, such a message is asked back. `make nlu-report` counts how often
    this would ask back a message that was in fact a new question.
    """
    if intent not in TOPIC_KEYS or intent in config["never_overruled"]:
        return False
    return topic_free(text, config)


def topic_free(text: str, config: dict[str, Any]) -> bool:
    """Short, typed (not a button), and every concept in it one that any topic can be asked about."""
    text = text.strip()
    if not text or text.startswith(INTENT_MESSAGE_PREFIX) or len(text.split()) > config["max_words"]:
        return False
    # Phrases read whole, as the tokenizer does (longest_match): Persian "chi kar konam?" (what
    # shall I do?) asks "how", it does not name work ("kar konam", I work).
    concepts = default_lexicon().concepts_in(text, longest_only=True)
    return set(concepts) <= set(config["topic_free_concepts"])
