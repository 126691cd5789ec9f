"""Which version of a report is current when addresses serve bytes the store has seen (an ops review)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from corpus import Corpus, PassageFilter
from flows.run import ingest_local

PDF = "application/pdf"
HTML = "text/html; charset=utf-8"
MERIDA = "iniciativa_merida_balance_es.pdf"
COLOMBIA = "plan_colombia_legacy_en.pdf"


def _ingest(url: str, db_url: str) -> tuple[int, int, int]:
    done = ingest_local([url], db_url=db_url, workers=1)
    assert done.failed == 0, done.errors
    return done.new, done.unchanged, done.failed


def _current_texts(db_url: str, uri: str) -> list[str]:
    with Corpus.open(db_url) as corpus:
        report = corpus.report_by_uri(uri)
        assert report is not None and report.superseded_by is None
        return [p.text for p in corpus.passages(PassageFilter(report_id=report.id))]


def test_a_page_whose_footer_changes_each_time_is_one_report(site, samples_dir: Path, db_url: str) -> None:
    # The same article with the time it was served in a footer: every run stored a new version (3 copies
    # of its passages, a "replaces an older version" note each time) and called it new.
    html = (samples_dir / "honduras_state_of_exception_en.html").read_bytes()
    url = ""
    for served in ("10:00", "10:15", "10:30"):
        footer = f"<footer><p>Page served at {served} UTC.</p></footer></body>".encode()
        url = site.add("/news.html", body=html.replace(b"</body>", footer), content_type=HTML)
        assert _ingest(url, db_url) == ((1, 0, 0) if served == "10:00" else (0, 1, 0))
    with Corpus.open(db_url) as corpus:
        versions = [r for r in corpus.reports(include_superseded=True) if r.uri == url]
        assert len(versions) == 1 and versions[0].status == "ok"
        # Known now by the last bytes it was served as: those need no reading.
        last = html.replace(b"</body>", b"<footer><p>Page served at 10:30 UTC.</p></footer></body>")
        assert versions[0].sha256 == hashlib.sha256(last).hexdigest()
    assert _ingest(url, db_url) == (0, 1, 0)


def test_a_report_still_served_elsewhere_stays_current(site, samples_dir: Path, db_url: str) -> None:
    # A rolling latest.pdf and its archive copy, the same bytes: one report, stored from latest.pdf. When
    # latest.pdf changed, that report was replaced, and the archive copy, still online, counted as
    # unchanged on every run while none of its passages could be found.
    merida = (samples_dir / MERIDA).read_bytes()
    latest = site.add("/latest.pdf", body=merida, content_type=PDF)
    archive = site.add("/archive/merida.pdf", body=merida, content_type=PDF)
    assert _ingest(latest, db_url) == (1, 0, 0)
    assert _ingest(archive, db_url) == (0, 1, 0)  # the same bytes: one report
    merida_texts = _current_texts(db_url, latest)
    with Corpus.open(db_url) as corpus:
        first = next(iter(corpus.passages(PassageFilter(search="Mérida"))))
        corpus.add_labels(first.id, ["transnational"], annotator="ana")
    site.add("/latest.pdf", body=(samples_dir / COLOMBIA).read_bytes(), content_type=PDF)
    assert _ingest(latest, db_url) == (1, 0, 0)
    assert _ingest(archive, db_url) == (1, 0, 0)  # current again, where it is served
    assert _current_texts(db_url, archive) == merida_texts
    assert _current_texts(db_url, latest) != merida_texts
    with Corpus.open(db_url) as corpus:
        again = [p for p in corpus.passages(PassageFilter(search="Mérida")) if p.text == first.text]
        assert [(p.labels, p.label_origin) for p in again] == [(["transnational"], "human")]  # ana's label
    assert _ingest(archive, db_url) == (0, 1, 0)
    assert _ingest(latest, db_url) == (0, 1, 0)


def test_a_file_put_back_as_it_was_stays_on_the_newer_version(site, samples_dir: Path, db_url: str) -> None:
    # Its bytes are known as the older version at that very address: unchanged, read by nobody (a server
    # alternating between two builds stores two versions, not one per change). A known gap: the newer
    # version stays current until the file changes again.
    merida, colombia = ((samples_dir / name).read_bytes() for name in (MERIDA, COLOMBIA))
    url = site.add("/report.pdf", body=merida, content_type=PDF)
    assert _ingest(url, db_url) == (1, 0, 0)
    site.add("/report.pdf", body=colombia, content_type=PDF)
    assert _ingest(url, db_url) == (1, 0, 0)
    colombia_texts = _current_texts(db_url, url)
    for body in (merida, colombia, merida):
        site.add("/report.pdf", body=body, content_type=PDF)
        assert _ingest(url, db_url) == (0, 1, 0)
    assert _current_texts(db_url, url) == colombia_texts
    with Corpus.open(db_url) as corpus:
        assert len(list(corpus.reports(include_superseded=True))) == 2


def test_bytes_that_failed_served_again_are_not_read_each_run(
    tmp_path: Path, samples_dir: Path, db_url: str
) -> None:
    # A code review: a failed version's bytes put back were extracted again, and failed, on every run.
    path = tmp_path / "r.pdf"
    path.write_bytes(b"%PDF-1.4 this is no PDF at all")
    first = ingest_local([str(path)], db_url=db_url, workers=1)
    assert (first.new, first.failed) == (0, 1)
    path.write_bytes((samples_dir / MERIDA).read_bytes())
    assert _ingest(str(path), db_url) == (1, 0, 0)
    path.write_bytes(b"%PDF-1.4 this is no PDF at all")
    for _ in range(2):
        again = ingest_local([str(path)], db_url=db_url, workers=1)
        assert (again.new, again.unchanged, again.failed) == (0, 1, 0), again.errors
