"""nlu/featurizer.py: character n-grams come from the words as typed, never from concept tokens."""

from __future__ import annotations

from pathlib import Path

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.featurizer import SurfaceCountVectorsFeaturizer
from nlu.tokenizer import ConceptTokenizer


def _featurizer(
    cls: type[CountVectorsFeaturizer], storage: LocalModelStorage, **config: object
) -> CountVectorsFeaturizer:
    name = cls.__name__
    return cls.create(
        {**cls.get_default_config(), **config},
        storage,
        Resource(name),
        ExecutionContext(GraphSchema({}), node_name=name),
    )


def test_character_ngrams_skip_concept_tokens_which_the_word_counts_keep(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    tokenizer = ConceptTokenizer(
        {**ConceptTokenizer.get_default_config(), "concept_pairs": True, "question_tokens": True}
    )
    words = _featurizer(CountVectorsFeaturizer, storage)
    chars = _featurizer(SurfaceCountVectorsFeaturizer, storage, analyzer="char_wb", min_ngram=2, max_ngram=4)
    data = TrainingData(
        [
            Message(data={"text": t, "intent": i})
            for t, i in [("my wife is ill, can she see a doctor?", "a"), ("طبيب بدون اوراق", "b")]
        ]
    )
    tokenizer.process_training_data(data)
    for featurizer in (words, chars):
        featurizer.train(data)
    word_vocabulary = words.vectorizers["text"].vocabulary_
    char_vocabulary = chars.vectorizers["text"].vocabulary_
    # Rasa's word pattern keeps the letters of a concept token: "⟨doctor_x_family⟩" counts as
    # "doctor_x_family".
    assert "doctor_x_family" in word_vocabulary
    # The question part's concepts and words ("can she see a doctor?"), the story's not.
    assert {"q_doctor", "qw_doctor", "qw_see"} <= set(word_vocabulary)
    assert "qw_ill" not in word_vocabulary
    assert " do" in char_vocabulary and " طب" in char_vocabulary
    assert not any(mark in gram for gram in char_vocabulary for mark in ("⟨", "⟩", "_x_", "qw_"))
