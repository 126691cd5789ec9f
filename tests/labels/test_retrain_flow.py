"""The Prefect retrain flow end to end, once (starting Prefect's temporary API server takes a while)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from label_material import Material, fill_store

from corpus import Corpus
from flows.prefect_env import QUIET_DEFAULTS
from models.registry import LoadedModel
from models.retrain import HUMAN_WEIGHT, RetrainConfig


@pytest.mark.slow
def test_retrain_flow_trains_judges_stores_and_promotes(
    sqlite_url: str, material: Material, small_seed_model: LoadedModel, config: RetrainConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in QUIET_DEFAULTS.items():
        monkeypatch.setenv(name, value)
    from prefect.testing.utilities import prefect_test_harness

    from flows.retrain import retrain_flow

    with Corpus.open(sqlite_url) as corpus:
        fill_store(corpus, material, small_seed_model)
        truth = {p.text: p.labels for p in material.stored}
        for row in corpus.passages():
            corpus.add_labels(row.id, truth[row.text], annotator="tester")
    # The harness stops its temporary API server inside the test, while output is still captured.
    seen: list[int] = []
    with prefect_test_harness(server_startup_timeout=180):  # a loaded 2-core CI machine needs more than 30 s
        result = retrain_flow(db_url=sqlite_url, promote="auto", config=config)
        # A promoted model re-classifies every passage, reporting each batch to `progress` (the CLI's bar).
        # (Another human weight: the same settings would take the first run's version, not train one.)
        heavier = replace(config, human_weight=config.human_weight + 1)
        forced = retrain_flow(db_url=sqlite_url, promote="always", config=heavier, progress=seen.append)
        # The same labels and settings again: the version they trained is taken, promoted already.
        again = retrain_flow(db_url=sqlite_url, promote="always", config=heavier)
        steps = _task_names_of_the_last_run()
    # The flow runs the job's steps (models.retrain.retrain) as Prefect tasks, each once, in order.
    assert steps == ["gather-labels", "fit-or-take-candidate", "judge-on-held-out", "store-and-reclassify"]
    assert result.previous == small_seed_model.version and result.holdout_examples >= 1
    assert result.new_holdout is not None and result.old_holdout is not None
    with Corpus.open(sqlite_url) as corpus:
        stored = corpus.model_version(result.version)
        assert stored is not None and "holdout" in stored.metrics
        assert stored.metrics["human_weight"] == HUMAN_WEIGHT
        promoted = corpus.promoted_model()
        assert promoted is not None and promoted.version == forced.version
        # auto promotes exactly when the new model is not worse on the held-out labels (the model the
        # second run replaced is the one the first left promoted).
        better = result.new_holdout.macro_f1 >= result.old_holdout.macro_f1
        assert result.decision.promote is better
        assert forced.previous == (result.version if better else small_seed_model.version)
        assert result.reclassified == (corpus.count_passages() if better else 0)
        assert forced.reclassified == sum(seen) == corpus.count_passages() and len(seen) >= 1
        assert not forced.reused and again.reused and again.version == forced.version
        assert again.reclassified == 0 and corpus.model_version(again.version) is not None


def _task_names_of_the_last_run(wait: float = 60.0) -> list[str]:
    """The task runs of the latest flow run, by start, once the API has recorded all four (it records
    them from events, a moment after they ran)."""
    import time

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.client.schemas.sorting import FlowRunSort, TaskRunSort

    deadline = time.monotonic() + wait
    with get_client(sync_client=True) as client:
        (last,) = client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC, limit=1)
        while True:
            runs = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[last.id])),
                sort=TaskRunSort.EXPECTED_START_TIME_ASC,
            )
            if len(runs) >= 4 or time.monotonic() > deadline:
                return [run.name.rsplit("-", 1)[0] for run in runs]  # "gather-labels-a1b" -> "gather-labels"
            time.sleep(0.5)
