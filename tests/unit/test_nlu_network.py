"""nlu/network.py on small synthetic features: it learns, it is repeatable, it stores."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from nlu.network import FeatureBagNetwork


def _data(seed: int = 0) -> tuple[sp.csr_matrix, np.ndarray]:
    """Three classes, each marked by its own five features, plus noise features shared by all."""
    rng = np.random.default_rng(seed)
    rows, targets = [], []
    for i in range(300):
        target = i % 3
        row = np.zeros(40)
        row[rng.choice(5, size=2, replace=False) + 5 * target] = 1.0
        row[15 + rng.choice(25, size=3, replace=False)] = 1.0
        rows.append(row / np.linalg.norm(row))
        targets.append(target)
    return sp.csr_matrix(np.array(rows)), np.array(targets)


def test_it_learns_classes_it_has_not_seen_combined_this_way() -> None:
    features, targets = _data()
    network = FeatureBagNetwork.train(features[:240], targets[:240], 3, hidden=16, epochs=5)
    probabilities = network.probabilities(features[240:])
    assert probabilities.shape == (60, 3)
    assert probabilities.sum(axis=1) == pytest.approx(np.ones(60))
    assert (probabilities.argmax(axis=1) == targets[240:]).mean() >= 0.95


def test_the_same_features_give_the_same_network_and_a_seed_changes_it() -> None:
    features, targets = _data()
    first, second = (FeatureBagNetwork.train(features, targets, 3, hidden=16, epochs=2) for _ in range(2))
    assert np.array_equal(first.w1, second.w1) and np.array_equal(first.w2, second.w2)
    other = FeatureBagNetwork.train(features, targets, 3, hidden=16, epochs=2, seed=7)
    assert not np.array_equal(first.w2, other.w2)


def test_stored_arrays_give_the_same_answers_and_the_first_layer_is_int8() -> None:
    features, targets = _data()
    network = FeatureBagNetwork.train(features, targets, 3, hidden=16, epochs=2)
    assert network.w1.dtype == np.int8
    stored = {**network.arrays("network_"), "other": np.zeros(1)}
    again = FeatureBagNetwork.from_arrays(stored, "network_")
    assert np.array_equal(again.probabilities(features), network.probabilities(features))


def test_a_row_without_features_still_gets_a_distribution() -> None:
    features, targets = _data()
    network = FeatureBagNetwork.train(features, targets, 3, hidden=16, epochs=2)
    empty = network.probabilities(sp.csr_matrix((2, features.shape[1])))
    assert empty.shape == (2, 3)
    assert empty.sum(axis=1) == pytest.approx(np.ones(2))
