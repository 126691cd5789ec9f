"""Labeling rules: a store whose labels an older citsec's rules gave (how scores became labels) is labeled
again by `citsec ingest`, and the query commands say so until it is; a store this citsec labeled never
hears of it (models.topic.LABEL_RULES_VERSION)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_runner import run_cli
from revisions import migrate

from corpus import Corpus, NewPassage, NewReport, PassageFilter
from extractors import TAGGER_VERSION
from flows.ingest import run_ingest
from flows.relabel import relabel_if_rules_changed, relabel_store
from flows.run import IngestSummary, ingest_local, progress_listener
from models.labels import LABELS
from models.registry import load_model
from models.topic import LABEL_RULES_VERSION

TEXTS = [
    "Plan Colombia paid for helicopters that the Colombian army flew against coca growers in Putumayo.",
    "Mexico and the United States renewed the Merida Initiative after a decade of joint operations.",
    "The reform raises the minimum pension by a fifth and lets retirees draw on their homes.",
]
QUERIES = (
    ["passages", "--format", "json"],
    ["stats", "--by", "label", "--format", "csv"],
    ["label", "queue", "--n", "5", "--format", "json"],
)
NOTE = "run `citsec db reclassify`"


def _back_to_0008_and_up(url: str) -> None:
    """The store as the release before 0009 left it (no rules recorded), then opened by this citsec."""
    migrate(url, "0008")
    Corpus.open(url).close()


def _store_an_older_release_labeled(url: str, model_version: str | None = None) -> list[int]:
    """One report whose passages the promoted model (or `model_version`) labeled as an older release's
    rules might have: every passage prevention, the pension passage (no word of security) included."""
    with Corpus.open(url) as corpus:
        version = model_version or load_model(corpus).version
        report = corpus.add_report(NewReport(uri="file:///old.pdf", sha256="e" * 64, passages=[
            NewPassage(seq, 1, 1, text, lang="en") for seq, text in enumerate(TEXTS)
        ]))
        ids = [row.id for row in corpus.passages(PassageFilter(report_id=report))]
        corpus.add_predictions(version, [(pid, label, 0.9, label == "prevention") for pid in ids
                                         for label in LABELS])
    _back_to_0008_and_up(url)
    with Corpus.open(url) as corpus:  # its tags are this citsec's: only its labels are an older release's
        corpus.replace_entities({pid: [] for pid in ids}, TAGGER_VERSION)
    return ids


def _folder_of_one_report(tmp_path: Path, samples_dir: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(samples_dir / "plan_colombia_legacy_en.pdf", folder / "plan_colombia_legacy_en.pdf")
    return folder


def _run(args: list[str], db_url: str, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    code, out, err = run_cli(capsys, *args, "--db", db_url)
    assert code == 0, err
    return out, err


@pytest.mark.parametrize("ingest", [run_ingest, ingest_local], ids=["prefect", "no-prefect"])
def test_ingest_relabels_a_store_whose_labels_older_rules_gave(
    tmp_path: Path, samples_dir: Path, db_url: str, ingest: Callable[..., IngestSummary]
) -> None:
    ids = _store_an_older_release_labeled(db_url)
    with Corpus.open(db_url) as corpus:
        assert corpus.label_rules() == "1"
        model = load_model(corpus)
    folder = _folder_of_one_report(tmp_path, samples_dir)

    events: list[tuple[int, int]] = []
    with progress_listener(lambda event, value: events.append(value) if event == "relabel" else None):
        summary = ingest([str(folder)], db_url=db_url, workers=1)
    assert summary.new == 1, summary.errors

    with Corpus.open(db_url) as corpus:
        assert corpus.label_rules() == LABEL_RULES_VERSION
        rows = {row.id: row for row in corpus.passages(PassageFilter())}
    expected = model.predict(TEXTS, reports=["old"] * 3)
    assert [sorted(rows[pid].labels) for pid in ids] == [sorted(p.labels) for p in expected]
    assert rows[ids[2]].labels == []  # no word of security: no label, by this citsec's rules
    # The command's progress bar hears of the relabel as it starts and after each batch.
    assert events[0] == (0, len(rows)) and events[-1] == (len(rows), len(rows)), events
    changed = sum(sorted(p.labels) != ["prevention"] for p in expected)
    assert summary.relabeled == (
        f"note: the store's labels were given by older labeling rules (1; this citsec's are "
        f"{LABEL_RULES_VERSION}): re-classified {len(rows)} passages with {model.version}: "
        f"{changed} changed their labels"
    )


def test_query_commands_warn_on_stderr_when_older_rules_gave_the_labels_and_print_the_same(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _store_an_older_release_labeled(db_url)
    stale = [_run(args, db_url, capsys) for args in QUERIES]
    with Corpus.open(db_url) as corpus:  # the same labels, recorded as this citsec's rules
        promoted = corpus.promoted_model()
        assert promoted is not None
        corpus.set_label_rules(promoted.version, LABEL_RULES_VERSION)
    current = [_run(args, db_url, capsys) for args in QUERIES]
    for args, (stale_out, stale_err), (out, err) in zip(QUERIES, stale, current, strict=True):
        if args[0] == "label":
            # The queue scores passages anew under older rules and reads the stored scores under this
            # citsec's (these, made up, are not the model's): the same passages, in its own order.
            assert sorted(row["id"] for row in json.loads(stale_out)) == sorted(
                row["id"] for row in json.loads(out)
            )
        else:
            assert stale_out == out and "prevention" in out
        assert stale_err == (
            f"note: the store's labels were given by older labeling rules (1; this citsec's are "
            f"{LABEL_RULES_VERSION}): {NOTE} to label the passages again\n"
        )
        assert err == ""


def test_db_reclassify_records_this_citsecs_rules(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    _store_an_older_release_labeled(db_url)
    out, _ = _run(["db", "reclassify"], db_url, capsys)
    assert out.startswith("re-classified 3 passages with ")
    with Corpus.open(db_url) as corpus:
        assert corpus.label_rules() == LABEL_RULES_VERSION
    assert NOTE not in _run(["passages"], db_url, capsys)[1]


def test_relabel_store_reports_the_passages_each_batch_did(db_url: str) -> None:
    _store_an_older_release_labeled(db_url)
    batches: list[int] = []
    with Corpus.open(db_url) as corpus:
        done = relabel_store(corpus, load_model(corpus), progress=batches.append)
    assert done.passages == sum(batches) == 3 and batches


def test_promoting_a_model_whose_predictions_older_rules_gave_labels_every_passage_again(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from models.registry import register_model

    with Corpus.open(db_url) as corpus:
        register_model(corpus, load_model(corpus).estimator, version="m-older")
    _store_an_older_release_labeled(db_url, model_version="m-older")
    out, _ = _run(["models", "promote", "m-older"], db_url, capsys)
    assert out == (
        "promoted m-older; re-classified all 3 passages: its labels were by older labeling rules (1)\n"
    )
    with Corpus.open(db_url) as corpus:
        assert corpus.label_rules() == corpus.label_rules("m-older") == LABEL_RULES_VERSION
        pension = [row for row in corpus.passages(PassageFilter()) if row.text == TEXTS[2]]
    assert [row.labels for row in pension] == [[]]


def test_a_store_this_citsec_ingested_records_its_rules_and_never_warns(
    tmp_path: Path, samples_dir: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder_of_one_report(tmp_path, samples_dir)
    # Without Prefect: test_ingest_relabels_a_store_whose_labels_older_rules_gave[prefect] runs the flow's
    # relabel step.
    summary = ingest_local([str(folder)], db_url=db_url, workers=1)
    assert summary.new == 1 and summary.relabeled is None
    with Corpus.open(db_url) as corpus:
        assert corpus.label_rules() == LABEL_RULES_VERSION
    for args in QUERIES:
        assert _run(args, db_url, capsys)[1] == ""


def test_a_promoted_model_this_citsec_does_not_have_is_left_alone_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'other-release.db'}"
    _store_an_older_release_labeled(url, model_version="seed-deadbeef")  # another release's built-in model
    with Corpus.open(url) as corpus:
        line = relabel_if_rules_changed(corpus)
        assert corpus.label_rules() == "1"
    assert line is not None and "seed-deadbeef is not available to this citsec" in line
    out, err = _run(["passages", "--format", "json"], url, capsys)
    # Not "run db reclassify", which refuses here: what to do first.
    assert NOTE not in err and "promote one that is (`citsec models promote seed`)" in err
    assert '"prevention"' in out


def test_the_ingest_command_labels_the_store_again_when_every_report_is_unchanged(
    tmp_path: Path, seed_stand_in: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Every report already stored: the command takes its path without Prefect, which must do it too.
    # A store without a promoted model: the built-in seed model labels it (seed_stand_in: cached already).
    url = f"sqlite:///{tmp_path / 'store.db'}"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "notes.txt").write_text("Police patrols in the port were doubled after the shooting.\n")
    _run(["ingest", str(folder), "--no-prefect"], url, capsys)  # the store as a first run left it
    with Corpus.open(url) as corpus:
        corpus.set_label_rules(load_model(corpus).version, "1")  # as an older release would have left it
    out, err = _run(["ingest", str(folder)], url, capsys)
    assert "new        0" in out and "unchanged  1" in out
    assert "note: the store's labels were given by older labeling rules (1; " in err
    assert "re-classified 1 passage with " in err
    # No bar where stderr is not a terminal: one line says why the end of the run takes time.
    said = "ingest: the store's labels were given by older labeling rules: labeling its 1 passage again\n"
    assert said in err
    with Corpus.open(url) as corpus:
        assert corpus.label_rules() == LABEL_RULES_VERSION


def test_a_relabel_stopped_halfway_leaves_the_older_rules_to_be_done_again(db_url: str) -> None:
    _store_an_older_release_labeled(db_url)

    def stop() -> None:
        raise KeyboardInterrupt  # a Ctrl-C between two batches

    with Corpus.open(db_url) as corpus:
        with pytest.raises(KeyboardInterrupt):
            relabel_store(corpus, load_model(corpus), between_batches=stop)
        assert corpus.label_rules() == "1"


def test_predictions_an_older_citsec_stores_after_a_newer_one_make_the_rules_older_again(
    tmp_path: Path, samples_dir: Path, db_url: str
) -> None:
    # A store shared by a newer citsec (rules 99 recorded) and this one: what this one stores is of its
    # own, older rules, so the newer one must label those passages again.
    _store_an_older_release_labeled(db_url)
    with Corpus.open(db_url) as corpus:
        corpus.set_label_rules(load_model(corpus).version, "99")
    folder = _folder_of_one_report(tmp_path, samples_dir)
    summary = ingest_local([str(folder)], db_url=db_url, workers=1)
    assert summary.new == 1 and summary.relabeled is None
    with Corpus.open(db_url) as corpus:
        assert corpus.label_rules() == LABEL_RULES_VERSION


def test_while_another_process_labels_the_store_again_ingest_leaves_it_to_it(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import contextlib

    _store_an_older_release_labeled(db_url)
    with Corpus.open(db_url) as corpus:
        monkeypatch.setattr(type(corpus), "relabel_claim", lambda self: contextlib.nullcontext(False))
        line = relabel_if_rules_changed(corpus)
        assert corpus.label_rules() == "1"
    assert line is not None and line.endswith("another citsec process is labeling the passages again")
