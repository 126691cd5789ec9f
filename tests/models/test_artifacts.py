"""Artifacts: skops round trip, and every kind of damaged or hostile artifact refused with ModelError."""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from models.artifacts import (
    COMPACT_PIPELINE,
    SKLEARN_ESTIMATORS,
    TERMS,
    TRUSTED_TYPES,
    _compact,
    artifact_digest,
    artifact_types,
    dump_model,
    load_model_bytes,
    read_artifact,
    type_name,
)
from models.classifier import StrategyClassifier
from models.errors import ModelError
from models.training import DESIGNS

REPO = Path(__file__).resolve().parents[2]

PROBE = ["Police arrested the leaders of the gang.", "Youth programs reduced violence in the barrio."]


def test_round_trip_keeps_predictions(fitted):
    loaded = load_model_bytes(dump_model(fitted))
    np.testing.assert_array_equal(loaded.predict_proba(PROBE), fitted.predict_proba(PROBE))
    np.testing.assert_array_equal(loaded.thresholds_, fitted.thresholds_)


def test_flipped_bytes_fail_safely(fitted):
    data = bytearray(dump_model(fitted))
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(b ^ 0xFF for b in data[middle:middle + 64])
    with pytest.raises(ModelError):
        load_model_bytes(bytes(data))


def test_truncated_and_foreign_bytes_fail_safely(fitted):
    with pytest.raises(ModelError, match="not a readable skops file"):
        load_model_bytes(dump_model(fitted)[:1000])
    with pytest.raises(ModelError):
        load_model_bytes(b"\x80\x04\x95 this is a pickle, not a model")


def test_checksum_mismatch_is_refused_before_parsing(fitted):
    data = dump_model(fitted)
    with pytest.raises(ModelError, match="checksum"):
        load_model_bytes(data, expected_sha256=artifact_digest(data + b"x"))
    assert load_model_bytes(data, expected_sha256=artifact_digest(data)).thresholds_ is not None


def test_artifact_that_would_call_a_function_is_refused():
    # A FunctionTransformer holding `eval` is the classic way to smuggle code into a model file.
    hostile = sio.dumps(FunctionTransformer(func=eval))
    with pytest.raises(ModelError, match="untrusted types"):
        load_model_bytes(hostile)


def test_a_valid_skops_file_of_another_estimator_is_refused():
    with pytest.raises(ModelError, match="StrategyClassifier"):
        load_model_bytes(sio.dumps({"not": "a model"}))


def _vectorizers(model: StrategyClassifier) -> list[TfidfVectorizer]:
    union = model.pipeline_.named_steps["features"]
    return [part for _, part in union.transformer_list if isinstance(part, TfidfVectorizer)]


def _schema(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("schema.json").decode()


def test_an_estimator_off_the_allow_list_is_refused_though_skops_trusts_it(fitted):
    # skops trusts every scikit-learn estimator by default; the allow-list only those of our designs.
    hostile = copy.copy(fitted)
    hostile.pipeline_ = Pipeline([("scale", StandardScaler(with_mean=False)), ("ours", fitted.pipeline_)])
    data = sio.dumps(hostile)
    assert "sklearn.preprocessing._data.StandardScaler" not in sio.get_untrusted_types(data=data)
    with pytest.raises(ModelError, match=r"untrusted types, not loaded: sklearn\.preprocessing\._data\.S"):
        load_model_bytes(data)


def test_a_function_among_plain_data_types_is_still_refused_by_skops(fitted):
    # The allow-list leaves builtins and numpy to skops: a function named there must not pass.
    hostile = copy.copy(fitted)
    hostile.hook_ = eval
    data = sio.dumps(hostile)
    assert "builtins.eval" in artifact_types(data)
    with pytest.raises(ModelError, match="untrusted types, not loaded: builtins.eval"):
        load_model_bytes(data)


@pytest.mark.filterwarnings("ignore:Label not 2 is present in all training examples")
@pytest.mark.parametrize("design", sorted(d for d in DESIGNS if "meaning" not in d))
def test_every_design_loads_within_the_allow_list(training_slice, design):
    # One design per feature set and algorithm (the svm's calibration types included), and a label absent
    # from the training data (a constant predictor): all load. test_embedding covers the "meaning" design.
    y = training_slice.y.copy()
    y[:, 2] = 0
    model = StrategyClassifier(**{**DESIGNS[design], "cv_folds": 3}).fit(training_slice.texts, y)
    loaded = load_model_bytes(dump_model(model))
    probe = training_slice.texts[:20]
    np.testing.assert_array_equal(loaded.predict_proba(probe), model.predict_proba(probe))


def test_vocabularies_are_written_as_arrays_of_terms_and_come_back_whole(fitted):
    data = dump_model(fitted)
    schema = _schema(data)
    assert COMPACT_PIPELINE in schema and TERMS in schema and '"vocabulary_"' not in schema
    (original,) = _vectorizers(fitted)
    assert isinstance(original.vocabulary_, dict) and not hasattr(original, TERMS)  # dumping changed nothing
    artifact = read_artifact(data)
    assert not artifact.old_layout
    (loaded,) = _vectorizers(artifact.model)
    assert loaded.vocabulary_ == original.vocabulary_ and not hasattr(loaded, TERMS)
    assert not hasattr(artifact.model, COMPACT_PIPELINE)


def test_an_artifact_written_before_arrays_of_terms_still_loads(fitted):
    data = sio.dumps(fitted)  # how dump_model wrote artifacts before: the vocabulary as a dict
    assert '"vocabulary_"' in _schema(data)
    artifact = read_artifact(data)
    assert artifact.old_layout
    np.testing.assert_array_equal(artifact.model.predict_proba(PROBE), fitted.predict_proba(PROBE))


def test_a_citsec_from_before_refuses_a_compact_artifact_instead_of_failing_to_predict(fitted):
    # Its check was isinstance(model, StrategyClassifier) and hasattr(model, "pipeline_").
    before = sio.loads(dump_model(fitted), trusted=list(TRUSTED_TYPES))
    assert isinstance(before, StrategyClassifier) and not hasattr(before, "pipeline_")


@pytest.mark.parametrize(
    "terms",
    [
        pytest.param(lambda t: np.concatenate([t[:-1], t[:1]]), id="a-term-twice"),
        pytest.param(lambda t: t[:-1], id="a-term-missing"),
        pytest.param(lambda t: np.arange(len(t), dtype=np.float64), id="numbers-not-terms"),
        pytest.param(lambda t: t.reshape(1, -1), id="not-a-list"),
    ],
)
def test_a_malformed_array_of_terms_is_refused(fitted, terms):
    hostile = copy.copy(fitted)
    pipeline = _compact(fitted.pipeline_)
    (vectorizer,) = [p for _, p in pipeline.named_steps["features"].transformer_list if hasattr(p, TERMS)]
    setattr(vectorizer, TERMS, terms(getattr(vectorizer, TERMS)))
    del hostile.pipeline_
    setattr(hostile, COMPACT_PIPELINE, pipeline)
    with pytest.raises(ModelError, match="malformed vocabulary"):
        load_model_bytes(sio.dumps(hostile))


def test_skops_is_imported_without_listing_every_scikit_learn_estimator():
    # skops lists them with sklearn.utils.all_estimators, which imports all of scikit-learn (and pytest):
    # most of a one-line `citsec tag`'s start. A new process, as the command is.
    probe = (
        "import json, sys, models.artifacts as a; a.skops_io();"
        "from skops.io._trusted_types import SKLEARN_ESTIMATOR_TYPE_NAMES as names;"
        "import sklearn.utils, sklearn.utils.discovery as d;"
        "print(json.dumps({'names': sorted(names), 'pytest': 'pytest' in sys.modules,"
        "'restored': sklearn.utils.all_estimators is d.all_estimators}))"
    )
    command = [sys.executable, "-c", probe]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["names"] == sorted(type_name(cls) for cls in SKLEARN_ESTIMATORS)
    assert not seen["pytest"] and seen["restored"]


def test_a_vocabulary_with_a_very_long_term_stays_a_dict(fitted):
    # numpy would give each of its terms the long one's width: the file would grow many times over.
    import copy

    model = copy.deepcopy(fitted)
    (vectorizer,) = _vectorizers(model)
    vectorizer.vocabulary_[next(iter(vectorizer.vocabulary_))[:1] + "_" * 5000] = len(vectorizer.vocabulary_)
    vectorizer.idf_ = np.append(vectorizer.idf_, 1.0)
    data = dump_model(model)
    assert '"vocabulary_"' in _schema(data) and len(data) < 2 * len(sio.dumps(model))
    (loaded,) = _vectorizers(read_artifact(data).model)
    assert loaded.vocabulary_ == vectorizer.vocabulary_
    assert not read_artifact(data).old_layout  # a dict by choice: not rewritten as if written before


def test_an_artifact_of_an_older_skops_protocol_is_refused(fitted):
    # Protocol 0 loaders resolve functions from content.module_path/function, which the allow-list's
    # reading of __module__/__class__ would not see.
    data = dump_model(fitted)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    schema = json.loads(files["schema.json"])
    schema["protocol"] = 0
    files["schema.json"] = json.dumps(schema).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    with pytest.raises(ModelError, match="protocol 0, older"):
        read_artifact(buffer.getvalue())
