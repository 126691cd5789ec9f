"""A retrain that promotes a new model while an ingest is storing reports does not corrupt predictions:
afterwards, and once a follow-up run has finished the work, every passage's labels and scores are the
promoted model's own (or a person's), never a mix of versions."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from brokenfiles import SAMPLES
from reliability_env import REPO, child_env

from corpus import Corpus, PassageFilter
from flows.run import ingest_local
from models.registry import load_model


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
        citsec("retrain", "--promote", "always", "--db", db_url),
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
    for process in (retrain, ingest):
        _, err = process.communicate(timeout=600)
        assert process.returncode == 0 and "Traceback" not in err, err

    # A report stored with the old model after the new one was promoted lacks the new scores; the next
    # run sees that and finishes it.
    ingest_local([str(later)], db_url=db_url, workers=1)
    with Corpus.open(db_url) as corpus:
        promoted = corpus.promoted_model()
        assert promoted is not None and old is not None and promoted.version != old.version
        model = load_model(corpus)
        assert model.version == promoted.version
        passages = list(corpus.passages(PassageFilter()))
        assert len({p.report_id for p in passages}) == 10
        predicted = model.predict([p.text for p in passages])
        for passage, prediction in zip(passages, predicted, strict=True):
            assert set(passage.scores) == set(prediction.scores), passage.id
            for label, score in prediction.scores.items():
                assert passage.scores[label] == pytest.approx(score, abs=1e-6), (passage.id, label)
            if passage.label_origin != "human":
                assert sorted(passage.labels) == sorted(prediction.labels), passage.id
