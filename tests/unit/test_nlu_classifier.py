"""nlu/classifier.py behind Rasa's own tokenizer and featurizers, on a small training set."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.classifier import NO_KNOWN_WORD, SvmNetworkClassifier

EXAMPLES = {
    "healthcare_access": [
        "where can i see a doctor",
        "i am sick and have no papers",
        "my child has fever, hospital?",
        "can i go to the huisarts without insurance",
        "doctor?",
        "i need medicine",
    ],
    "housing_shelter": [
        "where can i sleep tonight",
        "i have no place to stay",
        "is there a shelter in amsterdam",
        "bed bad brood",
        "sleeping outside, cold",
        "where can i find a room to sleep",
    ],
    "return_apply": [
        "how do i apply to go home with iom",
        "i want to return, how to register",
        "sign up for return",
        "apply voluntary return",
        "how to start my return application",
        "register with iom to go back",
    ],
    "greet": ["hello", "hi", "good morning", "salam", "hey there", "hallo"],
    "out_of_scope": ["tell me a joke", "price of gold", "football scores", "banana", "recipe for rice", "weather"],
}


class Pipeline:
    """The NLU part of config.yml in miniature: tokens, word and character counts, classifier."""

    def __init__(self, storage: LocalModelStorage, config: dict | None = None, word_pairs: bool = False) -> None:  # type: ignore[type-arg]
        self.storage = storage
        self.tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
        self.featurizers = [
            self._featurizer("words", {}),
            self._featurizer("chars", {"analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4}),
        ]
        if word_pairs:
            self.featurizers.append(self._featurizer("pairs", {"min_ngram": 1, "max_ngram": 2}))
        self.config = {**SvmNetworkClassifier.get_default_config(), **(config or {})}
        self.resource = Resource("classifier")
        self.classifier = SvmNetworkClassifier.create(self.config, storage, self.resource, self._context("classifier"))

    def _context(self, name: str) -> ExecutionContext:
        return ExecutionContext(GraphSchema({}), node_name=name)

    def _featurizer(self, name: str, config: dict) -> CountVectorsFeaturizer:  # type: ignore[type-arg]
        full = {**CountVectorsFeaturizer.get_default_config(), **config}
        return CountVectorsFeaturizer.create(full, self.storage, Resource(name), self._context(name))

    def train(self, examples: dict[str, list[str]] = EXAMPLES) -> None:
        data = TrainingData([Message(data={"text": t, "intent": i}) for i, texts in examples.items() for t in texts])
        self.tokenizer.process_training_data(data)
        for featurizer in self.featurizers:
            featurizer.train(data)
            featurizer.process_training_data(data)
        self.classifier.train(data)

    def parse(self, *texts: str, classifier: SvmNetworkClassifier | None = None) -> list[Message]:
        messages = [Message(data={"text": t}) for t in texts]
        self.tokenizer.process(messages)
        for featurizer in self.featurizers:
            featurizer.process(messages)
        return (classifier or self.classifier).process(messages)


@pytest.fixture
def pipeline(tmp_path: Path) -> Pipeline:
    trained = Pipeline(LocalModelStorage(tmp_path))
    trained.train()
    return trained


def test_unseen_questions_get_their_topic_with_a_ranking_of_confidences(pipeline: Pipeline) -> None:
    doctor, bed = pipeline.parse("doctor for my sick child?", "need a shelter to sleep")
    assert doctor.get("intent")["name"] == "healthcare_access"
    assert bed.get("intent")["name"] == "housing_shelter"
    ranking = doctor.get("intent_ranking")
    confidences = [r["confidence"] for r in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) == pytest.approx(1.0)
    assert ranking[0] == doctor.get("intent")
    assert {r["name"] for r in ranking} == set(EXAMPLES)


def test_the_temperature_is_fitted_and_confidences_are_not_certainties(pipeline: Pipeline) -> None:
    assert 0.05 <= pipeline.classifier._temperature <= 1.0
    (message,) = pipeline.parse("doctor for my sick child?")
    assert 0.25 < message.get("intent")["confidence"] < 1.0


def test_the_stored_model_gives_the_same_answers(pipeline: Pipeline) -> None:
    loaded = SvmNetworkClassifier.load(
        pipeline.config, pipeline.storage, pipeline.resource, ExecutionContext(GraphSchema({}), node_name="classifier")
    )
    texts = ("doctor for my sick child?", "register return iom", "hallo", "")
    for fresh, stored in zip(pipeline.parse(*texts), pipeline.parse(*texts, classifier=loaded), strict=True):
        assert fresh.get("intent_ranking") == stored.get("intent_ranking")


def test_the_same_data_gives_the_same_model(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = Pipeline(LocalModelStorage(tmp_path / "a")), Pipeline(LocalModelStorage(tmp_path / "b"))
    first.train()
    second.train()
    assert np.array_equal(first.classifier._weights, second.classifier._weights)
    assert first.classifier._temperature == second.classifier._temperature
    assert len(first.classifier._networks) == len(second.classifier._networks) == 4
    for one, other in zip(first.classifier._networks, second.classifier._networks, strict=True):
        assert np.array_equal(one.w1, other.w1) and np.array_equal(one.w2, other.w2)
    assert first.classifier._blend_temperature == second.classifier._blend_temperature


def test_network_weight_zero_gives_the_svm_alone(tmp_path: Path) -> None:
    svm_only = Pipeline(LocalModelStorage(tmp_path), {"network_weight": 0})
    svm_only.train()
    assert svm_only.classifier._networks == []
    (fresh,) = svm_only.parse("doctor for my sick child?")
    assert fresh.get("intent")["name"] == "healthcare_access"
    # Without the network the confidences are the SVM's softmax, as before the network existed.
    scores = svm_only.classifier._features([fresh])[0] @ svm_only.classifier._weights.T
    scores = np.asarray(scores + svm_only.classifier._bias) / svm_only.classifier._temperature
    expected = np.exp(scores - scores.max()) / np.exp(scores - scores.max()).sum()
    assert fresh.get("intent")["confidence"] == pytest.approx(float(expected.max()), rel=1e-5)
    loaded = SvmNetworkClassifier.load(
        svm_only.config, svm_only.storage, svm_only.resource, ExecutionContext(GraphSchema({}), node_name="classifier")
    )
    assert loaded._networks == []
    (stored,) = svm_only.parse("doctor for my sick child?", classifier=loaded)
    assert stored.get("intent_ranking") == fresh.get("intent_ranking")


def test_the_svm_and_the_networks_read_the_featurizers_named_for_them(tmp_path: Path) -> None:
    both = Pipeline(
        LocalModelStorage(tmp_path),
        {"svm_features": ["words", "chars"], "network_features": ["pairs", "chars"]},
        word_pairs=True,
    )
    both.train()
    (fresh,) = both.parse("doctor for my sick child?")
    widths = {f.origin: f.features.shape[1] for f in fresh.features if f.type == "sentence"}
    assert both.classifier._weights.shape[1] == widths["words"] + widths["chars"]
    assert all(n.w1.shape[0] == widths["pairs"] + widths["chars"] for n in both.classifier._networks)
    assert widths["pairs"] > widths["words"]  # the pairs featurizer counts words and pairs of words
    assert fresh.get("intent")["name"] == "healthcare_access"
    loaded = SvmNetworkClassifier.load(
        both.config, both.storage, both.resource, ExecutionContext(GraphSchema({}), node_name="classifier")
    )
    (stored,) = both.parse("doctor for my sick child?", classifier=loaded)
    assert stored.get("intent_ranking") == fresh.get("intent_ranking")


def test_a_featurizer_named_in_the_config_must_exist(tmp_path: Path) -> None:
    pipeline = Pipeline(LocalModelStorage(tmp_path), {"network_features": ["pairs", "chars"]})
    with pytest.raises(ValueError, match="no featurizer with alias"):
        pipeline.train()


def test_a_message_without_any_known_word_still_gets_a_ranking(pipeline: Pipeline) -> None:
    for message in pipeline.parse("", "🙏", "zzzzqqqq"):
        ranking = message.get("intent_ranking")
        assert len(ranking) == len(EXAMPLES)
        assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)


def test_ranking_length_cuts_the_ranking_not_the_intent(tmp_path: Path) -> None:
    short = Pipeline(LocalModelStorage(tmp_path), {"ranking_length": 2})
    short.train()
    (message,) = short.parse("where can i see a doctor")
    assert len(message.get("intent_ranking")) == 2
    assert message.get("intent")["name"] == "healthcare_access"


def test_an_untrained_classifier_leaves_messages_alone(tmp_path: Path) -> None:
    untrained = Pipeline(LocalModelStorage(tmp_path)).classifier
    (message,) = untrained.process([Message(data={"text": "doctor"})])
    assert message.get("intent") is None


def test_a_message_without_any_known_word_is_marked(pipeline: Pipeline) -> None:
    gibberish, typo_and_word = pipeline.parse("zzzzqqqq xxyy", "helo doctor")
    assert gibberish.get(NO_KNOWN_WORD) is True
    # One known word is enough for the model to judge.
    assert typo_and_word.get(NO_KNOWN_WORD) is False
    assert typo_and_word.get("intent")["name"] == "healthcare_access"
    loaded = SvmNetworkClassifier.load(
        pipeline.config, pipeline.storage, pipeline.resource, ExecutionContext(GraphSchema({}), node_name="classifier")
    )
    (stored,) = pipeline.parse("zzzzqqqq xxyy", classifier=loaded)
    assert stored.get(NO_KNOWN_WORD) is True


def test_training_on_counts_gives_the_same_model(pipeline: Pipeline, tmp_path: Path) -> None:
    """scripts/nlu_cv.py trains on counts computed once: it must get the served model."""
    data = TrainingData([Message(data={"text": t, "intent": i}) for i, texts in EXAMPLES.items() for t in texts])
    pipeline.tokenizer.process_training_data(data)
    for featurizer in pipeline.featurizers:
        featurizer.process_training_data(data)
    examples = [e for e in data.intent_examples if e.get("intent") and e.get("text")]
    served = pipeline.classifier
    from_counts = SvmNetworkClassifier(pipeline.config, LocalModelStorage(tmp_path), Resource("counts"))
    from_counts.fit_counts(served._origins, served._counts(examples), np.array([e.get("intent") for e in examples]))
    assert np.array_equal(from_counts._weights, served._weights)
    assert list(from_counts.classes) == list(served.classes)
    (message,) = pipeline.parse("doctor for my sick child?")
    confidences = from_counts.confidences_of_counts(served._counts([message]))[0]
    assert float(confidences.max()) == pytest.approx(message.get("intent")["confidence"], rel=1e-6)
    assert from_counts.classes[confidences.argmax()] == message.get("intent")["name"]
