"""Model artifacts as bytes: skops format, loaded only when every type in them is on citsec's allow-list.

skops rebuilds objects from a typed description instead of unpickling, so a file cannot run code on load
unless we trust a type that can. Two checks guard every load: first every class the file names (as
__module__/__class__, in a file of skops' current protocol) must be on ALLOWED_TYPES, the short list of
classes a StrategyClassifier is made of (plain data types, builtins and numpy, are left to the second
check); then skops audits every type again while it loads, trusting by
default only safe data types and those scikit-learn estimators, plus TRUSTED_TYPES.

Loading must be quick, since `citsec tag` loads the model at every start:
- skops lists every scikit-learn estimator when it is imported (sklearn.utils.all_estimators imports all
  of scikit-learn, pytest and dask with it: ~0.8 s); it is imported with that list narrowed to ours.
- a fitted vocabulary (30,000 terms) is written as one array of terms, not as a dict that skops describes
  entry by entry (60,000 nodes: ~0.8 s to read, audit and build). Artifacts written before still load.
  The classifier keeps its pipeline under another name in such a file (COMPACT_PIPELINE), so that a citsec
  from before refuses it ("does not hold a fitted StrategyClassifier") instead of failing when it predicts.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import sys
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import LabelBinarizer
from sklearn.svm import LinearSVC

from models.classifier import StrategyClassifier
from models.errors import ModelError

# Types that skops does not trust by default but that our fitted classifier legitimately contains.
TRUSTED_TYPES: tuple[str, ...] = (
    "models.classifier.StrategyClassifier",
    "models.cues.CueLexicon",
    "models.domain.DomainAugment",
    "models.domain.TeamFlag",
    "models.embedding.PassageMeaning",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.multiclass._ConstantPredictor",  # stands in for a label absent from the training data
)
# The public scikit-learn estimators a StrategyClassifier is made of (models.classifier), any design.
SKLEARN_ESTIMATORS: tuple[type, ...] = (
    CalibratedClassifierCV,
    FeatureUnion,
    LabelBinarizer,
    LinearSVC,
    LogisticRegression,
    OneVsRestClassifier,
    Pipeline,
    TfidfTransformer,
    TfidfVectorizer,
)


def type_name(cls: type) -> str:
    """A class as skops names it in a file: "sklearn.pipeline.Pipeline"."""
    return f"{cls.__module__}.{cls.__name__}"


ALLOWED_TYPES: frozenset[str] = frozenset(TRUSTED_TYPES) | {type_name(cls) for cls in SKLEARN_ESTIMATORS}
# Modules of plain data types (str, list, dict, ndarray, float64): the allow-list leaves them to skops,
# which trusts only the safe ones (no functions, no builtins.eval) and refuses the rest.
DATA_MODULES = frozenset({"builtins", "numpy"})
# A fitted vocabulary is written as an array of its terms (in index order) under this attribute, and the
# classifier's pipeline that holds such arrays under this one instead of pipeline_.
TERMS = "vocabulary_terms_"
PACKED_TERM_CHARS = 200
# The skops file protocol citsec's artifacts have always been written in (skops 0.10+).
MIN_PROTOCOL = 2
COMPACT_PIPELINE = "pipeline_compact_"

_skops_lock = threading.Lock()


def _allowed_estimators(*args: object, **kwargs: object) -> list[tuple[str, type]]:
    return [(cls.__name__, cls) for cls in SKLEARN_ESTIMATORS]


def skops_io() -> ModuleType:
    """skops.io, imported with its default trust in scikit-learn estimators narrowed to ours.

    skops builds that default when it is imported, from sklearn.utils.all_estimators, which imports every
    module of scikit-learn (and pytest, dask...) to list them: most of a one-line `citsec tag`'s start.
    The estimators of SKLEARN_ESTIMATORS are all the default needs to hold, ALLOWED_TYPES refuses every
    other one anyway. A process that imported skops before keeps skops' own, wider default. The swap is
    process-wide while the import runs (under a lock; nothing else in citsec lists estimators), and it
    leaves skops' default narrowed for the process: a Python caller who also loads its own skops files
    of other estimators must import skops.io first, or pass them as trusted."""
    with _skops_lock:
        loaded = sys.modules.get("skops.io")
        if loaded is not None:
            return loaded
        import sklearn.utils

        listing = sklearn.utils.all_estimators
        sklearn.utils.all_estimators = _allowed_estimators
        try:
            import skops.io
        finally:
            sklearn.utils.all_estimators = listing
        return skops.io


def _estimators(root: Any) -> Iterator[Any]:
    """`root` and every estimator nested in it through pipelines and feature unions (each once)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        estimator = stack.pop()
        if id(estimator) in seen:
            continue
        seen.add(id(estimator))
        yield estimator
        if isinstance(estimator, Pipeline):
            stack.extend(step for _, step in estimator.steps)
        elif isinstance(estimator, FeatureUnion):
            stack.extend(part for _, part in estimator.transformer_list)


def _packable(vocabulary: object) -> bool:
    # An array of str drops trailing NULs: a term ending in one stays in a dict (never seen in practice).
    # numpy gives every term the width of the longest (4 bytes a character): one long term (a form's line
    # of underscores) would make the array many times the dict's size (~1 kB a term as skops writes it),
    # so a vocabulary with a term longer than PACKED_TERM_CHARS stays a dict.
    return (
        isinstance(vocabulary, dict)
        and all(isinstance(term, str) and not term.endswith("\0") for term in vocabulary)
        and max(map(len, vocabulary), default=0) <= PACKED_TERM_CHARS
        and sorted(vocabulary.values()) == list(range(len(vocabulary)))
    )


def _compact(estimator: Any) -> Any:
    """`estimator` with each fitted vocabulary in it as an array of terms: copies of the pipelines, unions
    and vectorizers on the way, the estimator itself untouched."""
    if isinstance(estimator, Pipeline):
        copied = copy.copy(estimator)
        copied.steps = [(name, _compact(step)) for name, step in estimator.steps]
        return copied
    if isinstance(estimator, FeatureUnion):
        copied = copy.copy(estimator)
        copied.transformer_list = [(name, _compact(part)) for name, part in estimator.transformer_list]
        return copied
    vocabulary = getattr(estimator, "vocabulary_", None)
    if isinstance(estimator, CountVectorizer) and _packable(vocabulary):
        assert isinstance(vocabulary, dict)
        copied = copy.copy(estimator)
        del copied.vocabulary_
        setattr(copied, TERMS, np.array(sorted(vocabulary, key=vocabulary.__getitem__), dtype=str))
        return copied
    return estimator


def _restore_vocabularies(pipeline: Any) -> None:
    """Turn the arrays of terms in a compact pipeline back into vocabularies, checking them."""
    for estimator in _estimators(pipeline):
        if not isinstance(estimator, CountVectorizer):
            continue
        terms = estimator.__dict__.pop(TERMS, None)
        if terms is None:
            continue
        if not (isinstance(terms, np.ndarray) and terms.ndim == 1 and terms.dtype.kind == "U"):
            raise ModelError("model artifact holds a malformed vocabulary (not a list of terms)")
        vocabulary = dict(zip(terms.tolist(), range(len(terms)), strict=True))
        idf = getattr(estimator, "idf_", None)
        if len(vocabulary) != len(terms) or (idf is not None and len(idf) != len(terms)):
            raise ModelError("model artifact holds a malformed vocabulary (repeated or missing terms)")
        estimator.vocabulary_ = vocabulary


def dump_model(model: StrategyClassifier) -> bytes:
    """Serialise a fitted classifier to skops bytes (its vocabularies as arrays of terms)."""
    compact = copy.copy(model)
    if hasattr(model, "pipeline_"):
        del compact.pipeline_
        setattr(compact, COMPACT_PIPELINE, _compact(model.pipeline_))
    return bytes(skops_io().dumps(compact))


def artifact_digest(data: bytes) -> str:
    """sha256 hex digest of an artifact, kept next to it to detect tampering."""
    return hashlib.sha256(data).hexdigest()


def artifact_types(data: bytes) -> set[str]:
    """Every type an artifact names ("module.Class"), read from its schema without building anything.
    A file of a protocol before the one citsec writes is refused: skops' loaders for those resolve
    functions from other fields (content.module_path, content.function) that this reading would miss."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        schema = json.loads(archive.read("schema.json"))
    protocol = schema.get("protocol") if isinstance(schema, dict) else None
    if not isinstance(protocol, int) or protocol < MIN_PROTOCOL:
        raise ModelError(f"model artifact is of skops protocol {protocol!r}, older than citsec's; not loaded")
    found: set[str] = set()
    stack: list[Any] = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            module, name = node.get("__module__"), node.get("__class__")
            # skops reads a type from strings only; a dict's own keys (a vocabulary's terms) are no type.
            if isinstance(module, str) and isinstance(name, str):
                found.add(f"{module}.{name}")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def refused_types(types: set[str]) -> list[str]:
    """The types off the allow-list: neither on ALLOWED_TYPES nor plain data left to skops."""
    return sorted(t for t in types if t not in ALLOWED_TYPES and t.split(".", 1)[0] not in DATA_MODULES)


@dataclass(frozen=True)
class Artifact:
    """A loaded classifier; `old_layout`: its file was written before vocabularies were arrays (slow to
    load; rewriting it with dump_model makes the next load fast)."""

    model: StrategyClassifier
    old_layout: bool


def read_artifact(data: bytes, expected_sha256: str | None = None) -> Artifact:
    """Load a classifier from skops bytes; refuse (ModelError) anything damaged, altered or untrusted."""
    if expected_sha256 is not None and artifact_digest(data) != expected_sha256:
        raise ModelError("model artifact does not match its recorded checksum (altered or damaged)")
    sio = skops_io()
    from skops.io.exceptions import UntrustedTypesFoundException

    try:
        types = artifact_types(data)
        refused = refused_types(types)
        if refused:
            raise ModelError(f"model artifact holds untrusted types, not loaded: {', '.join(refused[:5])}")
        # skops audits every type again while it loads: ours that it does not trust by default are named.
        model = sio.loads(data, trusted=sorted(types & set(TRUSTED_TYPES)))
    except ModelError:
        raise
    except UntrustedTypesFoundException:
        untrusted = sio.get_untrusted_types(data=data)
        names = ", ".join(sorted(set(untrusted) - set(TRUSTED_TYPES))[:5])
        raise ModelError(f"model artifact holds untrusted types, not loaded: {names}") from None
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, io.UnsupportedOperation) as exc:
        raise ModelError(f"model artifact is not a readable skops file ({type(exc).__name__})") from None
    except Exception as exc:  # skops raises many kinds of errors on a malformed file; none may escape raw
        raise ModelError(f"model artifact could not be loaded safely ({type(exc).__name__})") from None
    if not isinstance(model, StrategyClassifier):
        raise ModelError("model artifact does not hold a fitted StrategyClassifier")
    compact = model.__dict__.pop(COMPACT_PIPELINE, None)
    if compact is not None:
        try:
            _restore_vocabularies(compact)
        except ModelError:
            raise
        except Exception as exc:  # a file that holds a pipeline of another shape than ours
            raise ModelError(f"model artifact could not be loaded safely ({type(exc).__name__})") from None
        model.pipeline_ = compact
    if not hasattr(model, "pipeline_"):
        raise ModelError("model artifact does not hold a fitted StrategyClassifier")
    return Artifact(model, old_layout=compact is None)


def load_model_bytes(data: bytes, expected_sha256: str | None = None) -> StrategyClassifier:
    """Load a classifier from skops bytes; refuse (ModelError) anything damaged, altered or untrusted."""
    return read_artifact(data, expected_sha256).model
