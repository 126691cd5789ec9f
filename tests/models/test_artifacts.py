"""Artifacts: skops round trip, and every kind of damaged or hostile artifact refused with ModelError."""

from __future__ import annotations

import numpy as np
import pytest
import skops.io as sio
from sklearn.preprocessing import FunctionTransformer

from models.artifacts import artifact_digest, dump_model, load_model_bytes
from models.errors import ModelError

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
