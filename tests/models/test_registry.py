"""The registry: seed model trained once and cached, store versions loaded and verified, versions resolved."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sklearn

from models import seed_data
from models import seed_version as light
from models.cue_lexicon import CUES, lexicon_digest
from models.errors import ModelError
from models.registry import (
    LoadedModel,
    load_model,
    register_builtin_seed,
    register_model,
    register_seed_model,
    seed_model,
    seed_version,
    trained_version,
)
from models.seed_data import load_seed
from models.seed_version import SHIPPED_DESIGN, TRAINING_CODE_VERSION

REPO = Path(__file__).resolve().parents[2]
PROBE = ["The army seized two tons of cocaine near the border with Honduras.", "Rainfall was low in May."]


def test_seed_model_is_trained_once_then_read_from_the_cache(seed_cache, slice_seed_dir):
    cache, first = seed_cache
    cached = cache / "models" / f"{first.version}.skops"
    assert cached.is_file()
    stamp = cached.stat().st_mtime_ns
    second = seed_model(cache, slice_seed_dir)
    assert cached.stat().st_mtime_ns == stamp  # read, not retrained and rewritten
    assert second.version == first.version == seed_version(load_seed(slice_seed_dir).digest)
    np.testing.assert_array_equal(second.estimator.predict_proba(PROBE), first.estimator.predict_proba(PROBE))


def test_damaged_cache_is_rebuilt_not_trusted(seed_cache, slice_seed_dir, tmp_path, caplog):
    cache, model = seed_cache
    shutil.copytree(cache, tmp_path, dirs_exist_ok=True)
    cached = tmp_path / "models" / f"{model.version}.skops"
    cached.write_bytes(cached.read_bytes()[:-200] + b"\0" * 200)
    with caplog.at_level(logging.WARNING, logger="models.registry"):
        rebuilt = seed_model(tmp_path, slice_seed_dir)
    assert "retraining" in caplog.text
    expected = model.estimator.predict_proba(PROBE)
    np.testing.assert_array_equal(rebuilt.estimator.predict_proba(PROBE), expected)


def test_a_seed_cache_written_before_arrays_of_terms_is_rewritten_once(seed_cache, slice_seed_dir, tmp_path):
    # Such a cache took ~0.8 s to load (its vocabulary a dict of 30,000 entries), at every `citsec tag`.
    import json

    import skops.io as sio

    from models.artifacts import artifact_digest, read_artifact

    cache, model = seed_cache
    shutil.copytree(cache, tmp_path, dirs_exist_ok=True)
    cached = tmp_path / "models" / f"{model.version}.skops"
    old = sio.dumps(model.estimator)  # how the cache was written before
    cached.write_bytes(old)
    cached.with_suffix(".sha256").write_text(artifact_digest(old))
    assert read_artifact(old).old_layout

    loaded = seed_model(tmp_path, slice_seed_dir)
    np.testing.assert_array_equal(loaded.estimator.predict_proba(PROBE), model.estimator.predict_proba(PROBE))
    data = cached.read_bytes()
    assert not read_artifact(data).old_layout
    assert cached.with_suffix(".sha256").read_text() == artifact_digest(data)
    card = json.loads(cached.with_suffix(".card.json").read_text())
    assert card["parameters"]["artifact_sha256"] == artifact_digest(data)
    stamp = cached.stat().st_mtime_ns
    again = seed_model(tmp_path, slice_seed_dir)
    assert cached.stat().st_mtime_ns == stamp and again.version == model.version


def test_a_seed_cache_it_cannot_rewrite_still_serves(seed_cache, slice_seed_dir, tmp_path):
    # A cache written before arrays of terms that cannot be written (read-only, another user's: here a
    # folder where the card would go, which even root cannot replace with a file) loads as it is.
    import skops.io as sio

    from models.artifacts import artifact_digest

    cache, model = seed_cache
    shutil.copytree(cache, tmp_path, dirs_exist_ok=True)
    cached = tmp_path / "models" / f"{model.version}.skops"
    old = sio.dumps(model.estimator)
    cached.write_bytes(old)
    cached.with_suffix(".sha256").write_text(artifact_digest(old))
    card = cached.with_suffix(".card.json")
    card.unlink()
    (card / "blocked").mkdir(parents=True)
    loaded = seed_model(tmp_path, slice_seed_dir)
    np.testing.assert_array_equal(loaded.estimator.predict_proba(PROBE), model.estimator.predict_proba(PROBE))
    assert cached.read_bytes() == old


def test_seed_version_changes_with_the_seed_data(tmp_path, slice_seed_dir):
    changed = tmp_path / "seed"
    changed.mkdir()
    lines = (slice_seed_dir / "slice.jsonl").read_text().splitlines()
    (changed / "slice.jsonl").write_text("\n".join(lines[1:]) + "\n")
    assert seed_version(load_seed(changed).digest) != seed_version(load_seed(slice_seed_dir).digest)


def test_promoted_store_model_is_loaded_and_verified(store, fitted, tmp_path):
    version = register_model(store, fitted, promoted=True)
    assert version.startswith("m-") and version == store.promoted_model().version
    model = load_model(store, cache_dir=tmp_path)
    assert model.version == version
    np.testing.assert_array_equal(model.estimator.predict_proba(PROBE), fitted.predict_proba(PROBE))
    row = store.model_version(version)
    assert row.metrics["thresholds"]["enforcement"] == float(fitted.thresholds_[1])
    assert row.training_size == fitted.n_training_


def test_tampered_artifact_in_the_store_fails_safely(store, fitted, tmp_path):
    from models.artifacts import artifact_digest, dump_model

    data = dump_model(fitted)
    tampered = data[:-1] + bytes([data[-1] ^ 1])
    store.add_model_version("m-tampered", "test", {"artifact_sha256": artifact_digest(data)}, 1, {}, tampered)
    with pytest.raises(ModelError, match="checksum"):
        load_model(store, "m-tampered", cache_dir=tmp_path)


def test_unknown_version_is_a_model_error(store, tmp_path):
    with pytest.raises(ModelError, match="unknown model version"):
        load_model(store, "m-nope", cache_dir=tmp_path)
    with pytest.raises(ModelError, match="unknown model version"):
        load_model(None, "m-nope", cache_dir=tmp_path)


def test_trained_version_names_time_and_artifact():
    import datetime as dt

    version = trained_version(b"abc", dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC))
    assert version == "m-20250102030405-ba7816bf"


def test_seed_placeholder_in_store_resolves_to_the_builtin_model(store, fitted, monkeypatch, tmp_path):
    builtin = LoadedModel("seed-0123abcd", fitted)
    monkeypatch.setattr("models.registry.seed_model", lambda cache_dir=None: builtin)
    # What an ingest with the built-in model leaves: a promoted version row without an artifact.
    store.add_model_version("seed-0123abcd", "unregistered", {}, 0, {}, None, promoted=True)
    assert load_model(store, cache_dir=tmp_path) is builtin
    register_seed_model(store, builtin, promoted=True)
    assert store.model_version("seed-0123abcd").has_artifact
    assert load_model(store, cache_dir=tmp_path).version == "seed-0123abcd"


def test_builtin_seed_enters_the_registry_from_the_cache_without_loading(
    store, seed_cache, slice_seed_dir, monkeypatch
):
    cache, model = seed_cache

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model was loaded or trained")

    with monkeypatch.context() as patch:
        patch.setattr("models.registry.load_model_bytes", refuse)
        patch.setattr("models.registry.read_artifact", refuse)
        patch.setattr("models.registry.train", refuse)
        assert register_builtin_seed(store, cache, slice_seed_dir) == model.version
        assert register_builtin_seed(store, cache, slice_seed_dir) == model.version  # once is enough
    row = store.model_version(model.version)
    assert row.has_artifact and not row.promoted and row.training_size > 0
    assert row.metrics["cv_macro_f1"] > 0 and row.algorithm.startswith("word+cues")
    loaded = load_model(store, model.version)
    np.testing.assert_array_equal(loaded.estimator.predict_proba(PROBE), model.estimator.predict_proba(PROBE))


def test_builtin_seed_fills_in_the_placeholder_an_older_ingest_left(store, seed_cache, slice_seed_dir):
    cache, model = seed_cache
    store.add_model_version(model.version, "unregistered", {}, 0, {}, None, promoted=True)
    register_builtin_seed(store, cache, slice_seed_dir)
    row = store.promoted_model()
    assert row.version == model.version and row.has_artifact and row.metrics["cv_f1"]


def test_first_use_training_is_announced_and_a_cached_load_is_quiet(
    seed_cache, slice_seed_dir, tmp_path, caplog
):
    cache, model = seed_cache
    with caplog.at_level(logging.INFO, logger="models.registry"):
        seed_model(cache, slice_seed_dir)
    assert not any("training the built-in seed model" in r.getMessage() for r in caplog.records)
    with caplog.at_level(logging.INFO, logger="models.registry"):
        seed_model(tmp_path, slice_seed_dir)
    notes = [r.getMessage() for r in caplog.records if "training the built-in seed model" in r.getMessage()]
    size = len(load_seed(slice_seed_dir).passages)
    expected = f"training the built-in seed model {model.version} on {size} seed passages"
    assert notes == [f"{expected} (first use; cached for next time)"]


def test_seed_version_changes_with_the_cue_lexicon(monkeypatch, slice_seed_dir):
    digest = load_seed(slice_seed_dir).digest
    before = seed_version(digest)
    monkeypatch.setitem(CUES, "prevention", (*CUES["prevention"], r"forestall"))
    assert seed_version(digest) != before


def _version_as_registry_computed_it(seed_dir: Path) -> str:
    # models.registry.seed_version before it moved to models.seed_version, every part imported.
    key = (f"{load_seed(seed_dir).digest}|{TRAINING_CODE_VERSION}|{lexicon_digest()}|{SHIPPED_DESIGN}"
           f"|{sklearn.__version__}")
    return "seed-" + hashlib.sha256(key.encode()).hexdigest()[:8]


def test_the_builtin_seed_version_is_worked_out_without_importing_scikit_learn(slice_seed_dir):
    # `citsec models list` shows it and imported scikit-learn (~2 s) for it. A new process, in which no
    # model module is imported: the version must be the one a process that trains the model gives.
    probe = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from models.seed_version import builtin_seed_version\n"
        f"versions = [builtin_seed_version(), builtin_seed_version(Path({str(slice_seed_dir)!r}))]\n"
        "heavy = ('sklearn', 'spacy', 'numpy', 'models.training', 'models.cues', 'models.seed_data')\n"
        "print(json.dumps([versions, [m for m in heavy if m in sys.modules]]))\n"
    )
    command = [sys.executable, "-c", probe]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    versions, loaded = json.loads(done.stdout)
    assert loaded == []
    expected = [_version_as_registry_computed_it(folder) for folder in (seed_data.SEED_DIR, slice_seed_dir)]
    assert versions == expected
    # With the modules imported (what a process that trains the model uses): the same.
    assert [light.builtin_seed_version(), seed_version(load_seed(slice_seed_dir).digest)] == expected
    from importlib import metadata

    assert metadata.version("scikit-learn") == sklearn.__version__
