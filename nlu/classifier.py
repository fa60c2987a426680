"""SvmNetworkClassifier: a linear SVM and four small networks on tf-idf weighted n-gram counts.

Why not Rasa's LogisticRegressionClassifier on the same counts: on three held-out splits of our
data the SVM alone is 0.6-0.7 points more accurate (the same on the messages held out before
2026-12-06), it answers wrong less often at the same share of questions back (7.2% vs 8.1%), and
it trains in seconds instead of minutes (measured with `make nlu-report`; figures in the README).
Rasa's classifier cannot be given tf-idf weights or a different regularisation from config.yml,
so this is a component of our own.

Why networks beside the SVM (nlu/network.py): they make different mistakes, and the average of
their probabilities is right more often than either (figures in nlu/network.py and the README).
`network_weight: 0` in config.yml gives the SVM alone.

How it works:
- Each featurizer's sentence counts (one "block": word n-grams, character n-grams) get sublinear
  tf-idf weights and unit length of their own, so that the many character n-grams of a message
  do not drown its few words. `svm_features` and `network_features` (config.yml) name the blocks,
  by featurizer alias, that each reads: the networks gain from pairs of neighbouring words, the
  SVM does not (figures in config.yml).
- One-vs-rest linear SVMs with class weights, so the small conversational intents (yes, no,
  thanks) count as much as the topics.
- An SVM gives scores, not probabilities. The scores go through a softmax whose temperature is
  fitted on scores the model gave to examples it had not seen (3-fold), by likelihood. The
  networks' probabilities are averaged with these, and the average gets a temperature of its
  own, fitted on the first fold's unseen examples. The fallback classifier and the ask-back buttons
  need confidences that mean what they say, so that the same thresholds keep working when the
  data changes.
- A message none of whose words (or concept tokens) occur in the training data is marked
  (`NO_KNOWN_WORD`): character n-grams alone would pick a topic for it with confidence ("helllo",
  "здраствуйте", a badly misspelt question), so the fallback classifier asks back instead
  (nlu/fallback.py).

The model is stored as plain numpy arrays (no pickle): weights, idf per block, class names, the
temperatures, the networks' weights and the words seen in training.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from nlu.fingerprint import PackageFingerprint
from nlu.network import FeatureBagNetwork

logger = logging.getLogger(__name__)

MODEL_FILE = "svm_network.npz"
# Set on a message none of whose words occur in the training data (read by nlu/fallback.py).
NO_KNOWN_WORD = "no_known_word"
# For the SVM's scores (about -2 to 2) and for the log of the averaged probabilities.
TEMPERATURES = np.round(np.arange(0.05, 1.0001, 0.025), 3)
BLEND_TEMPERATURES = np.round(np.geomspace(0.25, 4.0, 41), 4)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SvmNetworkClassifier(PackageFingerprint, IntentClassifier, GraphComponent):
    @classmethod
    def required_components(cls) -> list[type]:
        return [Featurizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "C": 1.0,  # regularisation: smaller is smoother
            "temperature": None,  # None: fitted on held-out folds at training time
            "folds": 3,
            "random_state": 42,
            "ranking_length": 10,
            # The networks' share of the average (0: the SVM alone), how many networks (each with
            # its own seed; their average varies less from one seed to the next than one larger
            # network does) and their shape (nlu/network.py).
            "network_weight": 0.6,
            "networks": 4,
            "network_hidden": 64,
            "network_epochs": 3,
            "network_learning_rate": 0.1,
            # Which featurizers' counts (by their `alias`) the SVM and the networks read; None: all.
            "svm_features": None,
            "network_features": None,
        }

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._origins: list[str] = []
        self._widths: list[int] = []
        self._svm_blocks: list[int] = []
        self._network_blocks: list[int] = []
        self._idf: list[np.ndarray] = []
        self._classes = np.array([], dtype=str)
        self._weights = np.zeros((0, 0), dtype=np.float32)
        self._bias = np.zeros(0, dtype=np.float32)
        self._temperature = 1.0
        self._networks: list[FeatureBagNetwork] = []
        self._network_weight = 0.0
        self._blend_temperature = 1.0
        self._known_words: frozenset[str] = frozenset()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SvmNetworkClassifier:
        return cls(config, model_storage, resource)

    # -- features ---------------------------------------------------------------------------

    def _counts(self, messages: list[Message]) -> list[sp.csr_matrix]:
        """One count matrix per featurizer (block), rows in message order; a missing row is zeros."""
        rows: list[list[sp.csr_matrix]] = [[] for _ in self._origins]
        for message in messages:
            found = sentence_counts(message)
            for b, (origin, width) in enumerate(zip(self._origins, self._widths, strict=True)):
                matrix = found.get(origin)
                rows[b].append(sp.csr_matrix(matrix) if matrix is not None else sp.csr_matrix((1, width)))
        return [sp.vstack(block, format="csr") for block in rows]

    def _features(self, messages: list[Message]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """The messages' features as the SVM and as the networks read them."""
        return self._members(self._weighted(self._counts(messages)))

    def _members(self, weighted: list[sp.csr_matrix]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        svm = sp.hstack([weighted[b] for b in self._svm_blocks], format="csr")
        if self._network_blocks == self._svm_blocks:
            return svm, svm
        return svm, sp.hstack([weighted[b] for b in self._network_blocks], format="csr")

    def _weighted(self, blocks: list[sp.csr_matrix]) -> list[sp.csr_matrix]:
        """Sublinear tf-idf and unit length, block by block."""
        weighted = []
        for block, idf in zip(blocks, self._idf, strict=True):
            block = block.astype(np.float64)
            block.data = 1.0 + np.log(block.data)
            block = block @ sp.diags(idf)
            norms = np.sqrt(np.asarray(block.multiply(block).sum(axis=1))).ravel()
            norms[norms == 0] = 1.0
            weighted.append(sp.csr_matrix(sp.diags(1.0 / norms) @ block))
        return weighted

    def _blocks_named(self, key: str) -> list[int]:
        names = self._config[key]
        if names is None:
            return list(range(len(self._origins)))
        missing = sorted(set(names) - set(self._origins))
        if missing:
            raise ValueError(f"{key}: no featurizer with alias {missing} (featurizers: {self._origins})")
        return [self._origins.index(name) for name in names]

    # -- training ---------------------------------------------------------------------------

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            logger.debug("No intent examples: the classifier stays untrained.")
            return self._resource
        labels = np.array([e.get(INTENT) for e in examples])
        first = sentence_counts(examples[0])
        self._origins = sorted(first)
        self._widths = [first[origin].shape[1] for origin in self._origins]
        self.fit_counts(self._origins, self._counts(examples), labels)
        self._known_words = frozenset(word for e in examples for word in _words(e))
        self.persist()
        return self._resource

    def fit_counts(self, origins: list[str], blocks: list[sp.csr_matrix], labels: np.ndarray) -> None:
        """Train on count matrices, one per featurizer (named by ``origins``), a row per label.

        `train` calls this with the counts of Rasa's featurizers; scripts/nlu_cv.py with counts
        computed once for all folds of a cross-validation.
        """
        self._origins = list(origins)
        self._widths = [block.shape[1] for block in blocks]
        self._svm_blocks = self._blocks_named("svm_features")
        self._network_blocks = self._blocks_named("network_features")
        n = len(labels)
        # Smooth idf as in scikit-learn: ln((1 + n) / (1 + df)) + 1.
        self._idf = [np.log((1.0 + n) / (1.0 + np.bincount(b.indices, minlength=b.shape[1]))) + 1.0 for b in blocks]
        features, network_features = self._members(self._weighted(blocks))

        self._network_weight = float(self._config["network_weight"])
        if self._config["temperature"] is None:
            self._temperature, self._blend_temperature = self._fit_temperatures(features, network_features, labels)
        else:
            self._temperature, self._blend_temperature = float(self._config["temperature"]), 1.0
        svm = self._svm().fit(features, labels)
        self._classes = svm.classes_.astype(str)
        self._weights = svm.coef_.astype(np.float32)
        self._bias = svm.intercept_.astype(np.float32)
        self._networks = self._train_networks(network_features, labels, self._classes)
        logger.debug(
            "Trained on %d examples, %d features, temperatures %s / %s.",
            n, features.shape[1], self._temperature, self._blend_temperature,
        )  # fmt: skip

    @property
    def classes(self) -> np.ndarray:
        return self._classes

    def confidences_of_counts(self, blocks: list[sp.csr_matrix]) -> np.ndarray:
        """Confidences per class (columns in the order of `classes`) for rows of counts."""
        return self._confidences(*self._members(self._weighted(blocks)))

    def _svm(self) -> LinearSVC:
        return LinearSVC(C=self._config["C"], class_weight="balanced", random_state=self._config["random_state"])

    def _train_networks(
        self, features: sp.csr_matrix, labels: np.ndarray, classes: np.ndarray
    ) -> list[FeatureBagNetwork]:
        if self._network_weight <= 0:
            return []
        targets = np.searchsorted(classes, labels)
        return [
            FeatureBagNetwork.train(
                features,
                targets,
                len(classes),
                hidden=self._config["network_hidden"],
                epochs=self._config["network_epochs"],
                learning_rate=self._config["network_learning_rate"],
                seed=self._config["random_state"] + k,
            )
            for k in range(self._config["networks"])
        ]

    def _fit_temperatures(
        self, features: sp.csr_matrix, network_features: sp.csr_matrix, labels: np.ndarray
    ) -> tuple[float, float]:
        """The temperatures that make the answers for unseen examples likeliest (SVM, average).

        The SVM's from all folds; the average's from the first fold only: the networks take
        most of the training time, and one fold (a third of the data) fits one number well.
        """
        classes = np.unique(labels)
        scores = np.zeros((len(labels), len(classes)))
        network_rows, network = np.zeros(0, dtype=int), np.zeros((0, len(classes)))
        folds = StratifiedKFold(self._config["folds"], shuffle=True, random_state=self._config["random_state"])
        for fold, (fit, held) in enumerate(folds.split(features, labels)):
            svm = self._svm().fit(features[fit], labels[fit])
            # A fold may lack a rare intent: place its columns by name.
            scores[np.ix_(held, np.searchsorted(classes, svm.classes_))] = svm.decision_function(features[held])
            if fold == 0 and self._network_weight > 0:
                trained = self._train_networks(network_features[fit], labels[fit], classes)
                network_rows, network = held, _mean_probabilities(trained, network_features[held])
        truth = np.searchsorted(classes, labels)
        losses = [-_log_softmax(scores / t)[np.arange(len(labels)), truth].mean() for t in TEMPERATURES]
        temperature = float(TEMPERATURES[int(np.argmin(losses))])
        if not len(network_rows):
            return temperature, 1.0
        svm_confidences = np.exp(_log_softmax(scores[network_rows] / temperature))
        average = np.log(self._average(svm_confidences, network))
        held_truth = (np.arange(len(network_rows)), truth[network_rows])
        losses = [-_log_softmax(average / t)[held_truth].mean() for t in BLEND_TEMPERATURES]
        return temperature, float(BLEND_TEMPERATURES[int(np.argmin(losses))])

    def _average(self, svm: np.ndarray, network: np.ndarray) -> np.ndarray:
        # The floor keeps the log finite where both give a class (almost) nothing.
        return np.maximum((1.0 - self._network_weight) * svm + self._network_weight * network, 1e-30)

    # -- prediction -------------------------------------------------------------------------

    def process(self, messages: list[Message]) -> list[Message]:
        if not len(self._classes):
            return messages
        confidences = self._confidences(*self._features(messages))
        for message, row in zip(messages, confidences, strict=True):
            order = np.argsort(-row, kind="stable")
            ranking = [{"name": str(self._classes[i]), "confidence": float(row[i])} for i in order]
            message.set(NO_KNOWN_WORD, self._knows_no_word_of(message))
            message.set(INTENT, ranking[0], add_to_output=True)
            if self._config["ranking_length"] > 0:
                ranking = ranking[: self._config["ranking_length"]]
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages

    def _confidences(self, features: sp.csr_matrix, network_features: sp.csr_matrix) -> np.ndarray:
        scores = np.asarray(features @ self._weights.T + self._bias)
        confidences = np.exp(_log_softmax(scores / self._temperature))
        if not self._networks:
            return confidences
        average = self._average(confidences, _mean_probabilities(self._networks, network_features))
        return np.exp(_log_softmax(np.log(average) / self._blend_temperature))

    def _knows_no_word_of(self, message: Message) -> bool:
        if not self._known_words:
            return False
        words = _words(message)
        return bool(words) and self._known_words.isdisjoint(words)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    # -- storage ----------------------------------------------------------------------------

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            np.savez_compressed(
                directory / MODEL_FILE,
                origins=np.array(self._origins, dtype=str),
                widths=np.array(self._widths, dtype=np.int64),
                svm_blocks=np.array(self._svm_blocks, dtype=np.int64),
                network_blocks=np.array(self._network_blocks, dtype=np.int64),
                classes=self._classes,
                weights=self._weights,
                bias=self._bias,
                temperature=np.array(self._temperature),
                network_weight=np.array(self._network_weight if self._networks else 0.0),
                networks=np.array(len(self._networks)),
                blend_temperature=np.array(self._blend_temperature),
                **{k: v for i, network in enumerate(self._networks) for k, v in network.arrays(f"network{i}_").items()},
                known_words=np.array(sorted(self._known_words), dtype=str),
                **{f"idf{i}": idf for i, idf in enumerate(self._idf)},
            )

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SvmNetworkClassifier:
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as directory, np.load(directory / MODEL_FILE) as stored:
                component._origins = [str(o) for o in stored["origins"]]
                component._widths = [int(w) for w in stored["widths"]]
                component._svm_blocks = [int(b) for b in stored["svm_blocks"]]
                component._network_blocks = [int(b) for b in stored["network_blocks"]]
                component._classes = stored["classes"]
                component._weights = stored["weights"]
                component._bias = stored["bias"]
                component._temperature = float(stored["temperature"])
                component._network_weight = float(stored["network_weight"])
                component._blend_temperature = float(stored["blend_temperature"])
                component._networks = [
                    FeatureBagNetwork.from_arrays(stored, f"network{i}_") for i in range(int(stored["networks"]))
                ]
                component._known_words = frozenset(str(w) for w in stored["known_words"])
                component._idf = [stored[f"idf{i}"] for i in range(len(component._origins))]
        except (ValueError, FileNotFoundError):
            logger.debug("No trained intent classifier in the model: it stays untrained.")
        return component


def sentence_counts(message: Message) -> dict[str, Any]:
    """The message's sparse sentence features by featurizer (origin): one block each."""
    return {
        f.origin: f.features
        for f in message.features
        if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE and f.is_sparse()
    }


def _words(message: Message) -> set[str]:
    """The message's tokens as the featurizers see them (our tokenizer sets the lemma)."""
    return {token.lemma.lower() for token in message.get(TOKENS_NAMES[TEXT]) or [] if token.lemma}


def _mean_probabilities(networks: list[FeatureBagNetwork], features: sp.csr_matrix) -> np.ndarray:
    return np.mean([network.probabilities(features) for network in networks], axis=0)


def _log_softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
