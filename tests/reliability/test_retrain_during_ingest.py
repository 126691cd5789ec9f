"""A retrain that promotes a new model while an ingest is storing reports does not corrupt predictions:
afterwards, and once a follow-up run has finished the work, every passage's labels and scores are the
promoted model's own (or a person's), never a mix of versions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from brokenfiles import SAMPLES
from reliability_env import REPO, child_env
from small_model import seed_slice

from corpus import Corpus, PassageFilter
from flows.run import ingest_local
from models.registry import load_model

# `citsec retrain --promote always` in a child process, as a person would run it, except that its retrain
# config fits the shipped design on a slice of the seed set instead of all of it (the full seed set cost
# this test about half a minute of fitting; what is checked is the store after the promotion, not the fit).
RETRAIN = """
import sys
from functools import partial
from pathlib import Path

import models.retrain
from models.training import DESIGNS, SHIPPED_DESIGN

db_url, seed_dir = sys.argv[1:3]
design = {**DESIGNS[SHIPPED_DESIGN], "domain_adapt": False, "cv_folds": 3}
models.retrain.RetrainConfig = partial(models.retrain.RetrainConfig, seed_dir=Path(seed_dir))
models.retrain.retrain_design = lambda name=SHIPPED_DESIGN, augment=False: design  # the design the flow picks

from flows.cli import main

main(["retrain", "--promote", "always", "--db", db_url])
"""
SEED_PER_LANGUAGE = {"en": 40, "es": 30, "pt": 30}


def _seed_slice(folder: Path) -> Path:
    """The first passages of each language of the shipped seed set, as a seed folder."""
    folder.mkdir()
    with (folder / "slice.jsonl").open("w", encoding="utf-8") as out:
        for p in seed_slice(SEED_PER_LANGUAGE):
            row = {"id": p.id, "lang": p.lang, "text": p.text, "labels": list(p.labels)}
            out.write(json.dumps(row) + "\n")
    return folder


def _copies(folder: Path, tag: bytes) -> Path:
    folder.mkdir()
    for sample in sorted(SAMPLES.glob("*.pdf")):
        (folder / sample.name).write_bytes(sample.read_bytes() + b"\n%% " + tag + b"\n")
    return folder


@pytest.mark.slow
def test_retrain_during_ingest_leaves_promoted_predictions(tmp_path, db_url, citsec):
    first = ingest_local([str(_copies(tmp_path / "a", b"a"))], db_url=db_url, workers=1)
    assert first.new == 5
    with Corpus.open(db_url) as corpus:
        old = corpus.promoted_model()
        for i, passage in enumerate(corpus.passages(PassageFilter(), limit=8)):
            corpus.add_labels(passage.id, [["prevention"], ["enforcement"], ["transnational"], []][i % 4])

    env = child_env(tmp_path)
    later = _copies(tmp_path / "b", b"b")
    retrain = subprocess.Popen(
        [sys.executable, "-c", RETRAIN, db_url, str(_seed_slice(tmp_path / "seed"))],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    ingest = subprocess.Popen(
        citsec("ingest", str(later), "--db", db_url, "--workers", "1", "--no-prefect"),
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    errors = {}
    for name, process in (("retrain", retrain), ("ingest", ingest)):
        _, errors[name] = process.communicate(timeout=600)
        assert process.returncode == 0 and "Traceback" not in errors[name], errors[name]
    # The person waiting sees what the retrain is doing (the training takes up to a minute).
    assert errors["retrain"].count("training on 100 seed + ") == 1, errors["retrain"]  # once, not twice
    assert "re-classifying every stored passage with m-" in errors["retrain"], errors["retrain"]

    # A report stored with the old model after the new one was promoted lacks the new scores; the next
    # run sees that and finishes it.
    ingest_local([str(later)], db_url=db_url, workers=1)
    with Corpus.open(db_url) as corpus:
        promoted = corpus.promoted_model()
        assert promoted is not None and old is not None and promoted.version != old.version
        # The promoted model is the retrain's, fitted on the seed slice.
        assert promoted.metrics["seed_examples"] == sum(SEED_PER_LANGUAGE.values()), promoted.metrics
        model = load_model(corpus)
        assert model.version == promoted.version
        passages = list(corpus.passages(PassageFilter()))
        assert len({p.report_id for p in passages}) == 10
        predicted = model.predict(
            [p.text for p in passages],
            reports=[p.report_id for p in passages],
            kinds=[p.kind for p in passages],
        )
        for passage, prediction in zip(passages, predicted, strict=True):
            assert set(passage.scores) == set(prediction.scores), passage.id
            for label, score in prediction.scores.items():
                assert passage.scores[label] == pytest.approx(score, abs=1e-6), (passage.id, label)
            if passage.label_origin != "human":
                assert sorted(passage.labels) == sorted(prediction.labels), passage.id
