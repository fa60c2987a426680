"""Rasa's training cache must see a change of our NLU code or lexicon (nlu/fingerprint.py)."""

from __future__ import annotations

from pathlib import Path

from nlu.classifier import SvmNetworkClassifier
from nlu.fallback import GuardedFallbackClassifier
from nlu.featurizer import SurfaceCountVectorsFeaturizer
from nlu.fingerprint import package_fingerprint
from nlu.tokenizer import ConceptTokenizer


def test_a_change_of_code_or_lexicon_changes_the_fingerprint(tmp_path: Path) -> None:
    (tmp_path / "lexicon").mkdir()
    (tmp_path / "lexicon" / "en.yml").write_text("doctor: [doctor]\n", encoding="utf-8")
    (tmp_path / "classifier.py").write_text("C = 1.0\n", encoding="utf-8")
    first = package_fingerprint.__wrapped__(tmp_path)
    (tmp_path / "classifier.py").write_text("C = 0.5\n", encoding="utf-8")
    second = package_fingerprint.__wrapped__(tmp_path)
    (tmp_path / "lexicon" / "en.yml").write_text("doctor: [doctor, dokter]\n", encoding="utf-8")
    assert len({first, second, package_fingerprint.__wrapped__(tmp_path)}) == 3


def test_every_component_of_ours_gives_rasa_the_fingerprint() -> None:
    for component in (ConceptTokenizer, SurfaceCountVectorsFeaturizer, SvmNetworkClassifier, GuardedFallbackClassifier):
        assert component.fingerprint_addon({}) == package_fingerprint(), component
