"""Rasa's FallbackClassifier, plus one rule: a long message is never a short reply.

"yes", "no", "thanks", "bye" and "hello" take at most six words in every language's training
data. A longer message that the classifier still puts in one of them (a worried story in which
the only word it knows is "no") is outside what the model learned: the bot asks back with the
likeliest topics instead of answering "OK".

And a message none of whose words the classifier saw in training (nlu/classifier.py marks it) is
asked back too: the classifier's guess rests on character n-grams alone.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.topics import SHORT_REPLY_INTENTS
from nlu.classifier import NO_KNOWN_WORD


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class GuardedFallbackClassifier(FallbackClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **FallbackClassifier.get_default_config(),
            "short_reply_intents": list(SHORT_REPLY_INTENTS),
            "short_reply_max_words": 6,
            "ask_back_without_known_words": True,
        }

    def _should_fallback(self, message: Message) -> bool:
        if super()._should_fallback(message):
            return True
        if self.component_config["ask_back_without_known_words"] and message.get(NO_KNOWN_WORD):
            return True
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        words = len(str(message.get(TEXT) or "").split())
        return (
            intent in self.component_config["short_reply_intents"]
            and words > self.component_config["short_reply_max_words"]
        )
