"""Ctrl-C during `citsec db retag`, `db reclassify` and `retrain`: one line that says what was kept and that
the same command finishes the work (a review: each printed only "interrupted"), exit code 130."""

from __future__ import annotations

from typing import Any

import pytest
from cli_runner import run_cli

from corpus import Corpus


def _ctrl_c(*args: Any, **kwargs: Any) -> Any:
    raise KeyboardInterrupt


def _store_with_passages(db_url: str, samples_dir: Any) -> None:
    from flows.run import ingest_local

    ingest_local([str(samples_dir / "plan_colombia_legacy_en.pdf")], db_url=db_url, workers=1)


@pytest.mark.parametrize(
    ("argv", "target", "said"),
    [
        (["db", "retag"], "flows.retag.retag_store", "the passages tagged so far keep their new tags"),
        (["db", "reclassify"], "flows.relabel.relabel_store", "the passages labeled so far keep their new"),
        (["retrain", "--no-prefect"], "models.retrain.retrain", "a model this stored already is taken"),
    ],
    ids=["retag", "reclassify", "retrain"],
)
def test_a_ctrl_c_says_what_was_kept_and_how_to_finish(
    db_url: str, samples_dir: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    argv: list[str], target: str, said: str,
) -> None:
    _store_with_passages(db_url, samples_dir)
    with Corpus.open(db_url) as corpus:
        corpus.add_labels(next(corpus.passages()).id, ["prevention"])  # something to retrain on
    module, name = target.rsplit(".", 1)
    monkeypatch.setattr(f"{module}.{name}", _ctrl_c)
    code, out, err = run_cli(capsys, *argv, "--db", db_url)
    assert code == 130, err
    lines = err.strip().splitlines()
    assert lines[-1].startswith("interrupted: ") and said in lines[-1], err
    assert "the same command again" in lines[-1]
