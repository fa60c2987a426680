"""ConceptTokenizer: Rasa's whitespace tokenizer, plus normalised spelling and concept tokens.

Every word token is normalised (nlu/normalise.py), and for each concept of the lexicon the
message mentions, a token "⟨concept⟩" is added. The featurizers then see the same token for
"doctor", "طبيب", "دکتر", "врач" and "dhakhtar": what one language's examples teach about
a concept, every language gets. With `concept_pairs` (config.yml), every two concepts of a
message also give a token ("⟨apply_x_withdraw⟩"), so the model can learn what they mean together.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.lexicon import default_lexicon, lexicon_fingerprint, tokens_for
from nlu.normalise import normalise


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class ConceptTokenizer(WhitespaceTokenizer):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # concept_pairs: also a token for every two concepts a message mentions (nlu/lexicon.py).
        return {**WhitespaceTokenizer.get_default_config(), "concepts": True, "concept_pairs": False}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ConceptTokenizer:
        return cls(config)

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        # The lexicon is data outside the training files: retrain when it changes.
        return lexicon_fingerprint()

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        if attribute != TEXT:
            return tokens
        for token in tokens:
            # Featurizers read the lemma (which Token sets to the original text) by default.
            token.text = token.lemma = normalise(token.text)
        if self._config.get("concepts", True):
            end = len(message.get(attribute) or "")
            concepts = default_lexicon().concepts_in(message.get(attribute))
            tokens += [Token(name, end, end) for name in tokens_for(concepts, self._config.get("concept_pairs", False))]
        return tokens
