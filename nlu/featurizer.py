"""SurfaceCountVectorsFeaturizer: Rasa's CountVectorsFeaturizer on the words as typed only.

The tokenizer (nlu/tokenizer.py) adds concept tokens such as "⟨doctor⟩" for the word
featurizer. Character n-grams are there for spelling (typos, missing diacritics, word forms);
cut from "⟨doctor⟩" they only count the concept a second time, and blur it with every English
word that shares its letters. Without them, held-out accuracy is 0.3-1.0 points higher on three
splits (offline, 2026-12-06; `make nlu-report` in the README).
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.training_data.message import Message

from nlu.fingerprint import PackageFingerprint
from nlu.lexicon import is_concept_token


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SurfaceCountVectorsFeaturizer(PackageFingerprint, CountVectorsFeaturizer):
    def _get_message_tokens_by_attribute(self, message: Message, attribute: str) -> list[str]:
        return [t for t in super()._get_message_tokens_by_attribute(message, attribute) if not is_concept_token(t)]
