"""ConceptTokenizer: Rasa's whitespace tokenizer, plus normalised spelling and concept tokens.

Every word token is normalised (nlu/normalise.py), and for each concept of the lexicon the
message mentions, a token "⟨concept⟩" is added. The featurizers then see the same token for
"doctor", "طبيب", "دکتر", "врач" and "dhakhtar": what one language's examples teach about
a concept, every language gets. With `concept_pairs` (config.yml), every two concepts of a
message also give a token ("⟨apply_x_withdraw⟩"), so the model can learn what they mean together.
With `question_tokens`, a message of several clauses ("my wife is sick and we have no papers, can
she see a doctor?") also gets its question's concepts and words as tokens of their own
("⟨q_doctor⟩", "⟨qw_see⟩"), so that the story's words count less than the question's.
With `spelling`, the tokenizer learns the training examples' words and, when reading a user's
message, reads a word it never saw as the known word one typing error away (nlu/spelling.py).
"""

from __future__ import annotations

import json
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.fingerprint import PackageFingerprint
from nlu.lexicon import default_lexicon, greeting_end, question_part, question_tokens, tokens_for
from nlu.normalise import normalise
from nlu.spelling import SpellingCorrector, word_counts

GREETING_END = "greeting_end"  # where a greeting that opens the message ends (process() sets it)
# The message's text with typing errors corrected (process() sets it). It is part of the parse
# result, so that the dialogue reads the message as the model did (dialogue/follow_up.py).
SPELLED = "spelled_text"
_WORDS_FILE = "words.json"


# Trainable only to learn the training examples' words for `spelling` (nothing else is learned).
@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class ConceptTokenizer(PackageFingerprint, WhitespaceTokenizer):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # concept_pairs: also a token for every two concepts a message mentions (nlu/lexicon.py).
        # question_tokens: also tokens for the concepts and words of the question part of a
        # message of several clauses (nlu/lexicon.py, question_part).
        return {
            **WhitespaceTokenizer.get_default_config(),
            "concepts": True,
            "concept_pairs": False,
            "question_tokens": False,
            "skip_greeting": False,
            "longest_match": False,
            "spelling": False,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage | None = None,
        resource: Resource | None = None,
        corrector: SpellingCorrector | None = None,
    ) -> None:
        super().__init__(config)
        self._model_storage = model_storage
        self._resource = resource
        self._corrector = corrector

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ConceptTokenizer:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        assert self._model_storage is not None and self._resource is not None
        words: dict[str, int] = {}
        if self._config.get("spelling", False):
            texts = (m.get(TEXT) or "" for m in training_data.training_examples)
            words = word_counts(texts)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / _WORDS_FILE).write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ConceptTokenizer:
        corrector = None
        if config.get("spelling", False):
            with model_storage.read_from(resource) as directory:
                words = json.loads((directory / _WORDS_FILE).read_text(encoding="utf-8"))
            corrector = SpellingCorrector(words, default_lexicon())
        return cls(config, model_storage, resource, corrector)

    def process(self, messages: list[Message]) -> list[Message]:
        # Only when reading users' messages: in training every word is known.
        if self._corrector is not None:
            for message in messages:
                text = message.get(TEXT) or ""
                spelled = self._corrector.correct(text)
                if spelled != text:
                    message.set(SPELLED, spelled, add_to_output=True)
        # Only when reading users' messages, not in training: "salam, can I see a doctor?" is
        # read as "can I see a doctor?" (nlu/lexicon.py, greeting_end). Training on the examples
        # as they are keeps the model as it was: skipping in training too cost 0.25 points in
        # cross-validation, though only 6 examples change (likely through the networks' random
        # start, which depends on the vocabulary's size).
        if self._config.get("skip_greeting", False):
            for message in messages:
                text = message.get(SPELLED) or message.get(TEXT) or ""
                message.set(GREETING_END, greeting_end(text, default_lexicon()))
        return super().process(messages)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        spelled = message.get(SPELLED) if attribute == TEXT else None
        # Rasa's tokenizer reads the attribute of the message it is given: the corrected text
        # goes in a copy, so that the user's own text is what the parse result shows.
        read = Message(data={TEXT: spelled}) if spelled else message
        tokens = super().tokenize(read, attribute)
        if attribute != TEXT:
            return tokens
        text = read.get(attribute) or ""
        opening = message.get(GREETING_END) or 0
        if opening:
            tokens = [token for token in tokens if token.start >= opening]
            text = text[opening:]
        for token in tokens:
            # Featurizers read the lemma (which Token sets to the original text) by default.
            token.text = token.lemma = normalise(token.text)
        if self._config.get("concepts", True):
            end = len(read.get(attribute) or "")
            longest = bool(self._config.get("longest_match", False))
            concepts = default_lexicon().concepts_in(text, longest_only=longest)
            names = tokens_for(concepts, self._config.get("concept_pairs", False))
            if self._config.get("question_tokens", False):
                question = question_part(text)
                if question is not None:
                    names += question_tokens(question, default_lexicon().concepts_in(question, longest_only=longest))
            tokens += [Token(name, end, end) for name in names]
        return tokens
