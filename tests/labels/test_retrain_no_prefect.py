"""`citsec retrain --no-prefect`: the same steps as the retrain flow, without Prefect's API start-up (a
few seconds around a retrain that may take twenty), as `citsec ingest --no-prefect`."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from types import SimpleNamespace

import pytest

from corpus import Corpus
from models.retrain import RetrainConfig

Cli = Callable[..., tuple[int, str, str]]


def _no_prefect(*_: object, **__: object) -> None:
    raise AssertionError("Prefect was asked for")


def test_retrain_without_prefect_trains_promotes_and_reclassifies(
    filled: Corpus, config: RetrainConfig, store_url: str, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("models.retrain.retrain_config", lambda *_: config)  # the quick test design
    # flows.retrain stood in for (importing it imports Prefect, whose logging setup this test is not about).
    monkeypatch.setitem(sys.modules, "flows.retrain", SimpleNamespace(run_retrain=_no_prefect))
    monkeypatch.setattr("flows.prefect_api.TemporaryApi.start", _no_prefect)
    monkeypatch.setattr("flows.prefect_api.server_problem", _no_prefect)
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # not asked: nothing to check
    before = filled.promoted_model()
    ids = [row.id for row in filled.passages()]
    for pid in ids[::2]:
        filled.add_labels(pid, ["transnational"], annotator="tester")

    code, out, err = cli(
        "retrain", "--no-prefect", "--promote", "always", "--format", "json", "--db", store_url
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["promoted"] and result["reclassified"] == len(ids) and not result["reused"]
    promoted = filled.promoted_model()
    assert promoted is not None and before is not None
    assert promoted.version == result["version"] != before.version

    code, out, err = cli("retrain", "--no-prefect", "--promote", "always", "--db", store_url)
    assert code == 0, err
    assert out.startswith(f"took {result['version']}, which the same training examples and settings trained")
    assert f"promoted already: {result['version']} is the store's model" in out
