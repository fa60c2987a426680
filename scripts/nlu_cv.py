"""Five-fold cross-validation of the intent classifier's settings, for choosing them.

`make nlu-cv ARGS="--set network_weight=0.6 --set networks=8"` compares
settings of `nlu.classifier.SvmNetworkClassifier` (config.yml) with the served ones, on the
same folds as `make nlu-audit` (all data, per language and intent, fixed). Settings are chosen
here, not on the held-out split of `make nlu-report`, so that the report stays a test.
`--tokenizer question_tokens=false` does the same for a setting of the tokenizer (the first
component of config.yml), computing the features once for each.

Unlike `make nlu-audit`, the tokenizer and featurizers of config.yml run once, on all data
(their vocabulary then includes the held-out fold's words, which the classifier gives no
weight: it learns weights and idf from the training folds only). One setting takes about
4-5 minutes here instead of 20, and the served classifier code does the rest. Figures are
for comparing settings; `make nlu-audit` gives the cross-validated accuracy itself.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from nlu_audit import Row, folds  # noqa: E402

from nlu.classifier import SvmNetworkClassifier, sentence_counts  # noqa: E402
from nlu.examples import read_examples  # noqa: E402

CLASSIFIER = "nlu.classifier.SvmNetworkClassifier"


def pipeline_config() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """config.yml's components before the classifier, and the classifier's own settings."""
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    names = [c["name"] for c in pipeline]
    at = names.index(CLASSIFIER)
    return pipeline[:at], {k: v for k, v in pipeline[at].items() if k != "name"}


def count_blocks(rows: list[Row], tokenizer: dict[str, Any] | None = None) -> dict[str, sp.csr_matrix]:
    """Each featurizer's sentence counts for every row, by featurizer alias, rows in order.

    ``tokenizer``: settings for the first component instead of config.yml's.
    """
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    storage = LocalModelStorage(Path(tempfile.mkdtemp(prefix="nlu-cv-")))
    messages = [Message(data={"text": text, "intent": intent}) for _, intent, text in rows]
    # TrainingData drops repeated (text, intent) pairs but keeps the same Message objects, so the
    # featurizers learn from the tokens set on `messages`, and every row gets its features.
    data = TrainingData(messages)
    steps = pipeline_config()[0]
    steps[0] = {**steps[0], **(tokenizer or {})}
    for i, step in enumerate(steps):
        # Resolved by name as `rasa train` does (built-in names and module paths).
        registered = DefaultV1Recipe._from_registry(step["name"])
        kind = registered.clazz
        config = {**kind.get_default_config(), **{k: v for k, v in step.items() if k != "name"}}
        context = ExecutionContext(GraphSchema({}), node_name=f"step{i}")
        component = kind.create(config, storage, Resource(f"step{i}"), context)
        if registered.is_trainable:
            component.train(data)
        component.process(messages)
    found = [sentence_counts(m) for m in messages]
    return {origin: sp.vstack([f[origin] for f in found], format="csr") for origin in sorted(found[0])}


def cross_validate(
    blocks: dict[str, sp.csr_matrix], labels: np.ndarray, fold_of: np.ndarray, settings: dict[str, Any]
) -> np.ndarray:
    """The best intent of each row, from a classifier trained on the other folds."""
    config = {**SvmNetworkClassifier.get_default_config(), **settings}
    guesses = np.empty(len(labels), dtype=object)
    origins = sorted(blocks)
    for fold in np.unique(fold_of):
        train, test = np.flatnonzero(fold_of != fold), np.flatnonzero(fold_of == fold)
        classifier = SvmNetworkClassifier(config, None, None)  # type: ignore[arg-type]
        classifier.fit_counts(origins, [blocks[o][train] for o in origins], labels[train])
        confidences = classifier.confidences_of_counts([blocks[o][test] for o in origins])
        guesses[test] = classifier.classes[confidences.argmax(axis=1)]
    return guesses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE",
        help="a classifier setting instead of config.yml's (YAML value); repeat for more",
    )  # fmt: skip
    parser.add_argument(
        "--tokenizer", action="append", default=[], metavar="KEY=VALUE",
        help="a tokenizer setting instead of config.yml's (YAML value); repeat for more",
    )  # fmt: skip
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    served = pipeline_config()[1]
    changes = _settings(args.set)
    tokenizer = _settings(args.tokenizer)
    unknown = sorted(set(changes) - set(SvmNetworkClassifier.get_default_config()))
    if unknown:
        parser.error(f"not a classifier setting: {', '.join(unknown)}")

    parts = folds(read_examples(ROOT / "data" / "nlu"))
    rows = [row for part in parts for row in part]
    fold_of = np.array([i for i, part in enumerate(parts) for _ in part])
    labels = np.array([intent for _, intent, _ in rows])
    languages = np.array([language for language, _, _ in rows])
    started = time.monotonic()
    blocks = count_blocks(rows)
    print(f"features of {len(rows)} examples in {time.monotonic() - started:.0f} s", file=sys.stderr)
    trials = [("config.yml", blocks, served)]
    if changes or tokenizer:
        # The tokenizer changes the features: computed again (about a minute), only then.
        changed = count_blocks(rows, tokenizer) if tokenizer else blocks
        trials.append((" ".join(args.tokenizer + args.set), changed, {**served, **changes}))
    for name, features, settings in trials:
        started = time.monotonic()
        right = cross_validate(features, labels, fold_of, settings) == labels
        per_fold = " ".join(f"{100 * right[fold_of == f].mean():.2f}" for f in range(len(parts)))
        weakest = min(sorted(set(languages)), key=lambda lang: right[languages == lang].mean())
        print(f"{name}: {100 * right.mean():.2f}% (folds {per_fold}; lowest {weakest} "
              f"{100 * right[languages == weakest].mean():.1f}%; {time.monotonic() - started:.0f} s)")  # fmt: skip
    return 0


def _settings(pairs: list[str]) -> dict[str, Any]:
    return {key: yaml.safe_load(value) for key, _, value in (p.partition("=") for p in pairs)}


if __name__ == "__main__":
    sys.exit(main())
