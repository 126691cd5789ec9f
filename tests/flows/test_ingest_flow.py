"""Ingest end to end: real sample PDFs, a real SQLite store, a real HTTP server on loopback.

Most tests drive the Prefect-free `ingest_local` (same steps, same store writes); the flow tests check that
the Prefect flow wires the same steps, with a process pool and with a Dask cluster.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from corpus import Corpus, PassageFilter
from extractors import TAGGER_VERSION
from flows.fetch import FetchPolicy
from flows.ingest import run_ingest
from flows.run import ingest_local

FAST = FetchPolicy(user_agent="citsec-test", timeout=0.5, attempts=2, backoff=0.01, max_bytes=2_000_000)
PDF_NAMES = ("plan_colombia_legacy_en.pdf", "iniciativa_merida_balance_es.pdf")


def _copy_samples(samples_dir: Path, target: Path, names: tuple[str, ...]) -> Path:
    target.mkdir()
    for name in names:
        shutil.copyfile(samples_dir / name, target / name)
    return target


@pytest.mark.slow
def test_flow_over_folder_stores_every_report_then_skips_them(tmp_path, samples_dir, db_url):
    first = run_ingest([str(samples_dir)], db_url=db_url, workers=2)
    assert (first.new, first.unchanged, first.failed) == (6, 0, 0), first.errors
    assert first.passages > 30
    with Corpus.open(db_url) as corpus:
        reports = list(corpus.reports())
        assert {r.language for r in reports} == {"en", "es", "pt"}
        assert all(r.status == "ok" and r.passages > 0 for r in reports)
        # Every passage got the promoted model's scores, so label queries work right after ingest.
        assert all(row.scores for row in corpus.passages(PassageFilter()))
        assert corpus.count_passages(PassageFilter()) == first.passages
        runs = corpus.ingest_runs()
        assert runs[0].counts["new"] == 6 and runs[0].finished_at is not None

    second = run_ingest([str(samples_dir)], db_url=db_url, workers=1)
    assert (second.new, second.unchanged, second.failed, second.passages) == (0, 6, 0, 0)


@pytest.mark.slow
def test_changed_file_becomes_new_version(tmp_path, samples_dir, db_url, capsys):
    from flows.cli import main

    folder = _copy_samples(samples_dir, tmp_path / "in", PDF_NAMES[:1])
    report = folder / "report.pdf"
    (folder / PDF_NAMES[0]).rename(report)
    assert ingest_local([str(folder)], db_url=db_url, workers=1).new == 1
    with Corpus.open(db_url) as corpus:
        old = corpus.report_by_uri(str(report.resolve()))
    assert old is not None

    with Corpus.open(db_url) as corpus:
        labeled = next(iter(corpus.passages(PassageFilter(report_id=old.id))))
        corpus.add_labels(labeled.id, ["prevention"], annotator="ana")
    report.write_bytes((samples_dir / PDF_NAMES[1]).read_bytes())  # same path, new content
    with pytest.raises(SystemExit) as done:
        main(["ingest", str(folder), "--db", db_url, "--workers", "1", "--no-prefect"])
    assert done.value.code == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[:3] == ["new        1", "unchanged  0", "failed     0"], out
    # Counted as new, and said to replace what was there; the labeled passage has no like in the new text.
    assert "note: 1 of the new reports replaces an older version at the same path or URL" in err, err
    assert "came over" not in err and "1 labeled passage of older versions read differently" in err
    with Corpus.open(db_url) as corpus:
        current = corpus.report_by_uri(str(report.resolve()))
        assert current is not None and current.id != old.id and current.language == "es"
        assert [r.id for r in corpus.reports()] == [current.id]  # the old version is superseded
        texts = {p.report_id for p in corpus.passages(PassageFilter())}
        assert texts == {current.id}  # old passages are not mixed in


def test_broken_file_is_recorded_and_batch_goes_on(tmp_path, samples_dir, db_url):
    folder = _copy_samples(samples_dir, tmp_path / "in", PDF_NAMES[:1])
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    summary = ingest_local([str(folder)], db_url=db_url, workers=1)
    assert (summary.new, summary.failed) == (1, 1)
    assert len(summary.errors) == 1 and "\n" not in summary.errors[0]
    with Corpus.open(db_url) as corpus:
        failed = [r for r in corpus.reports() if r.status == "failed"]
        assert len(failed) == 1 and failed[0].uri.endswith("broken.pdf") and failed[0].error
        assert corpus.ingest_runs()[0].errors == summary.errors


def test_urls_and_feed_over_http(site, samples_dir, db_url):
    pdf = (samples_dir / PDF_NAMES[0]).read_bytes()
    html = (samples_dir / "honduras_state_of_exception_en.html").read_bytes()
    site.add("/reports/plan.pdf", body=pdf, content_type="application/pdf", etag='"plan-1"')
    site.add("/reports/flaky.pdf", body=(samples_dir / PDF_NAMES[1]).read_bytes(), fail_first=[500])
    site.add("/reports/slow.pdf", body=pdf, delay=2.0)
    site.add("/reports/huge.pdf", body=b"%PDF-1.4\n" + b"0" * 3_000_000)
    landing = b'<html><body><h1>Brief</h1><p>See <a href="/reports/plan.pdf">the PDF</a>.</p></body></html>'
    site.add("/briefs/landing.html", body=landing, content_type="text/html")
    site.add("/articles/honduras.html", body=html, content_type="text/html; charset=utf-8")
    site.add_feed("/feed.xml", ["/articles/honduras.html", "/briefs/landing.html", "/reports/flaky.pdf"])
    sources = [site.url("/feed.xml"), site.url("/reports/slow.pdf"), site.url("/reports/huge.pdf"),
               site.url("/reports/missing.pdf")]

    first = ingest_local(sources, db_url=db_url, workers=1, fetch_policy=FAST)
    # honduras.html, plan.pdf (from the landing page), flaky.pdf (after a 500) are new; the landing
    # page itself has too little text to be a report but is still stored (status empty or ok).
    assert first.failed == 3, first.errors
    assert any("timed out" in e for e in first.errors)
    assert any("limit" in e for e in first.errors)
    assert any("HTTP 404" in e for e in first.errors)
    assert site.routes["/reports/flaky.pdf"].hits == 2
    with Corpus.open(db_url) as corpus:
        stored = {r.uri: r for r in corpus.reports()}
    assert stored[site.url("/reports/plan.pdf")].status == "ok"
    assert stored[site.url("/reports/flaky.pdf")].language == "es"
    assert stored[site.url("/articles/honduras.html")].title
    assert stored[site.url("/reports/missing.pdf")].status == "failed"

    before = len(site.requests)
    second = ingest_local([site.url("/feed.xml")], db_url=db_url, workers=1, fetch_policy=FAST)
    assert second.new == 0 and second.failed == 0
    plan_requests = [h for path, h in site.requests[before:] if path == "/reports/plan.pdf"]
    assert plan_requests and plan_requests[0].get("If-None-Match") == '"plan-1"'  # answered with 304


def test_unknown_source_is_an_error_not_a_crash(tmp_path, db_url):
    summary = ingest_local([str(tmp_path / "nope")], db_url=db_url, workers=1)
    assert (summary.new, summary.failed) == (0, 0)
    assert summary.errors and "no such file" in summary.errors[0]


@pytest.mark.slow
def test_dask_local_cluster_of_two_workers(tmp_path, samples_dir, db_url):
    from distributed import LocalCluster

    from flows.prefect_api import TemporaryApi

    folder = _copy_samples(samples_dir, tmp_path / "in", PDF_NAMES)
    # One Prefect API for the flow and for the Dask workers' task runs, named to the workers by
    # PREFECT_API_URL as on a real cluster. Without it each worker started a Prefect server of its own on
    # its first task (two more server start-ups, half of this test's time). Started first: it boots while
    # the cluster starts.
    # Two worker processes: each loads its own tagger and model, as Dask workers on other machines would.
    with (
        TemporaryApi.start() as api,
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            env={"PREFECT_API_URL": api.url},
        ) as cluster,
        api.settings(),
    ):
        summary = run_ingest([str(folder)], db_url=db_url, dask_address=cluster.scheduler_address)
    assert (summary.new, summary.failed) == (2, 0), summary.errors


def test_head_start_is_collected_by_the_flow_and_processes_each_report_once(samples_dir, db_url):
    # `citsec ingest` starts the local reports in the worker pool before Prefect has started its API; the
    # flow's tasks then collect those results instead of processing the reports again.
    from flows.plan import plan_local
    from flows.settings import Settings
    from flows.workers import WorkerConfig, close_pool, prestart_pool

    plan = plan_local([str(samples_dir)], db_url)
    assert plan is not None  # local folders only: a plan to start early
    jobs = plan.head_start()
    sizes = [Path(str(job.ref.path)).stat().st_size for job in jobs]
    assert len(jobs) == 6 and sizes == sorted(sizes, reverse=True)  # largest first
    pool = prestart_pool(2, WorkerConfig.for_run(Settings.from_env(), db_url))
    processed: list[str] = []
    run_one = pool._run

    def counting(job):
        processed.append(job.ref.uri)
        return run_one(job)

    pool._run = counting  # type: ignore[method-assign]
    try:
        pool.head_start(jobs)
        summary = run_ingest([str(samples_dir)], db_url=db_url, workers=2)
        assert not pool._early  # the flow's tasks took every result started early
    finally:
        close_pool()
    assert (summary.new, summary.failed) == (6, 0), summary.errors
    assert sorted(processed) == sorted(job.ref.uri for job in jobs)  # each once, none again by the flow
    after = plan_local([str(samples_dir)], db_url)
    assert after is not None
    assert after.head_start() == [] and after.nothing_to_process  # stored: nothing left to start early


def test_ingest_reads_each_passage_in_its_report(tmp_path, samples_dir, db_url):
    from models.registry import load_model

    folder = _copy_samples(samples_dir, tmp_path / "in", PDF_NAMES)
    summary = ingest_local([str(folder)], db_url=db_url, workers=1)
    assert summary.new == 2, summary.errors
    with Corpus.open(db_url) as corpus:
        rows = list(corpus.passages(PassageFilter()))
        model = load_model(corpus)
    texts = [r.text for r in rows]
    in_report = model.predict(texts, reports=[r.report_id for r in rows])
    alone = model.predict(texts)
    for row, expected in zip(rows, in_report, strict=True):
        assert row.scores == pytest.approx(expected.scores, abs=1e-6), row.id
        assert sorted(row.labels) == sorted(expected.labels), row.id
    # Context moved scores: the stored ones are not what each passage scores on its own.
    assert any(r.scores != pytest.approx(a.scores, abs=1e-3) for r, a in zip(rows, alone, strict=True))
    # Each report records the tagger that tagged it: no query has anything to say about older tags.
    with Corpus.open(db_url) as corpus:
        assert corpus.reports_tagged_before(TAGGER_VERSION) == 0 and corpus.reports_tagged_before(1) == 0
        assert corpus.reports_tagged_before(TAGGER_VERSION + 1) == 2


@pytest.mark.slow
def test_reports_read_by_an_older_release_are_read_again(tmp_path, samples_dir, db_url, capsys):
    """After an upgrade whose extractors read reports differently, the same folder again re-reads them:
    new passages in place of the old reading, a person's labels kept, the failure tried again."""
    from sqlalchemy import update

    from corpus.schema import Passage, Report
    from flows.cli import main

    folder = _copy_samples(samples_dir, tmp_path / "in", PDF_NAMES)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    first = ingest_local([str(folder)], db_url=db_url, workers=1)
    assert (first.new, first.failed) == (2, 1)
    with Corpus.open(db_url) as corpus:
        # What a store written by an older release holds: its extractors' version on every report, and
        # here one passage those extractors read differently (cut short, with a running header left in:
        # more than the slight change whose label would come over, see corpus.passage_match).
        labeled, changed = list(corpus.passages(PassageFilter(), limit=2))
        with corpus.engine.begin() as conn:
            conn.execute(update(Report).values(extractor_version="0.9"))
            older_text = "ANNUAL REPORT " + changed.text[: len(changed.text) // 2]
            conn.execute(update(Passage).where(Passage.id == changed.id).values(text=older_text))
        corpus.add_labels(labeled.id, ["prevention"], annotator="ana")
        corpus.add_labels(changed.id, ["enforcement"], annotator="ana")
        old_ids = {r.id for r in corpus.reports()}

    with pytest.raises(SystemExit) as done:
        main(["ingest", str(folder), "--db", db_url, "--workers", "1", "--no-prefect"])
    assert done.value.code == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[:4] == ["new        0", "reread     2", "unchanged  0", "failed     1"], out
    assert "note: 1 labeled passage of older versions read differently now" in err, err
    assert "replaces an older version" not in err  # the same bytes read again: no changed file
    assert f"passages   {first.passages}" in out
    with Corpus.open(db_url) as corpus:
        current = [r for r in corpus.reports() if r.status == "ok"]
        assert len(current) == 2 and not {r.id for r in current} & old_ids
        rows = list(corpus.passages(PassageFilter()))
        assert {p.report_id for p in rows} == {r.id for r in current}
        assert all(p.scores for p in rows)  # the new reading is classified in the same run
        kept = [p for p in rows if p.text == labeled.text]
        assert [(p.labels, p.label_origin) for p in kept] == [(["prevention"], "human")]
        assert corpus.ingest_runs()[0].counts["reread"] == 2
        assert corpus.ingest_runs()[0].counts["labels_left"] == 1
        # The passage read differently starts from the model's labels; its person's label is history.
        origins = [p.label_origin for p in rows if p.text == changed.text]
        assert len(origins) == 1 and origins[0] != "human"

    # Read by this release now, the failure included: nothing to do.
    last = ingest_local([str(folder)], db_url=db_url, workers=1)
    assert (last.new, last.reread, last.unchanged, last.failed) == (0, 0, 3, 0)


def test_a_reference_list_is_stored_unlabeled_and_untagged_through_retag_and_reclassify(
    tmp_path, samples_dir, db_url, capsys, monkeypatch
):
    from flows.cli import main
    from flows.cli.common import out_console
    from flows.retag import retag_store
    from models.queue import label_queue
    from models.reclassify import reclassify
    from models.registry import load_model

    folder = _copy_samples(samples_dir, tmp_path / "in", ("beyond_mano_dura_northern_triangle_en.pdf",))
    assert ingest_local([str(folder)], db_url=db_url, workers=1).new == 1
    with Corpus.open(db_url) as corpus:
        rows = list(corpus.passages(PassageFilter()))
        model = load_model(corpus)
        *prose, listing = rows
        assert listing.kind == "reference" and listing.text.startswith("References\n")
        assert all(r.kind == "text" for r in prose)
        # The entries name El Salvador, Guatemala, Honduras, Panama: none is what the report discusses.
        assert (listing.labels, listing.countries, listing.programs) == ([], [], [])
        assert listing.scores == pytest.approx(model.predict([listing.text])[0].scores, abs=1e-6)
        expected = model.predict([r.text for r in prose], reports=[0] * len(prose))
        assert [sorted(r.labels) for r in prose] == [sorted(p.labels) for p in expected]
        assert any(r.countries for r in prose)

        retag_store(corpus)
        reclassify(corpus, model)
        after = corpus.passage(listing.id)
        assert (after.labels, after.countries, after.programs) == ([], [], [])
        assert [r.labels for r in corpus.passages(PassageFilter())][:-1] == [r.labels for r in prose]
        queue = label_queue(corpus, model, n=100)
        assert len(queue) == len(prose) and listing.id not in {c.id for c in queue}

    # The table says why the passage has no label; JSON keeps the contract's fields.
    monkeypatch.setattr(out_console, "width", 240)
    with pytest.raises(SystemExit) as done:
        main(["passages", "--search", "Vanderbilt", "--db", db_url])
    assert done.value.code == 0
    assert "(reference list)" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["passages", "--search", "Vanderbilt", "--db", db_url, "--format", "json"])
    [row] = json.loads(capsys.readouterr().out)
    assert row["id"] == listing.id and row["labels"] == []
