"""Feeds, landing pages and SOURCE resolution, with a real HTTP server and real folders."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from flows.feeds import FeedError, looks_like_feed, parse_feed, pdf_links
from flows.fetch import FetchPolicy, fetch
from flows.sources import RegisteredSource, resolve_sources, walk_folder

POLICY = FetchPolicy(timeout=1.0, attempts=2, backoff=0.01)

RSS = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Briefs</title>
<item><title>One</title><link>/brief-1.html</link></item>
<item><title>Two</title><link>http://HOST/files/two.pdf</link></item>
<item><title>Dup</title><link>/brief-1.html</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><title>E1</title><link rel="alternate" href="https://example.org/e1"/></entry>
<entry><title>E2</title><link rel="enclosure" href="https://example.org/e2.pdf"/></entry>
</feed>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<rss version="2.0"><channel><item><title>&lol2;</title><link>http://x/y</link></item></channel></rss>"""

LANDING = b"""<!DOCTYPE html><html><head><title>Brief one</title></head><body>
<p>Read the full report on community policing in Honduras.</p>
<a href="/files/full.pdf#page=2">Full report (PDF)</a> <a href="/about">About</a>
<a href="mailto:x@y.z">mail</a> <a href="/files/full.pdf">again</a></body></html>"""


def test_rss_entries_absolute_and_unique():
    entries = parse_feed(RSS.replace(b"HOST", b"h.test"), "http://h.test/feed.xml")
    assert [e.link for e in entries] == ["http://h.test/brief-1.html", "http://h.test/files/two.pdf"]
    assert entries[0].title == "One"


def test_atom_alternate_and_enclosure():
    links = [e.link for e in parse_feed(ATOM, "https://example.org/atom")]
    assert links == ["https://example.org/e1", "https://example.org/e2.pdf"]
    assert looks_like_feed(ATOM) and not looks_like_feed(LANDING)


def test_an_enclosed_pdf_is_the_report_even_beside_a_link():
    # An ops review: a think tank's feed (WordPress-style) links each entry to its landing page and
    # encloses the PDF; only the page was read. A picture or audio enclosed in news stays behind its link.
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><title>Report</title><link rel="alternate" type="text/html" href="/pubs/report"/>
<link rel="enclosure" type="application/pdf" href="/files/report-2025.pdf"/></entry>
<entry><title>News</title><link rel="enclosure" type="image/jpeg" href="/img/a.pdf"/>
<link rel="alternate" href="/news/a"/></entry>
<entry><title>Audio only</title><link rel="enclosure" type="audio/mpeg" href="/pod.mp3"/></entry>
</feed>"""
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>B</title>
<item><title>Brief</title><enclosure url="/files/brief.pdf" length="1" type="application/pdf"/>
<link>/briefs/one</link></item>
<item><title>Untyped</title><link>/briefs/two</link>
<enclosure url="/files/Two.PDF?v=2" length="1" type=""/></item>
<item><title>Photo</title><link>/news/b</link><enclosure url="/img/b.jpg" type="image/jpeg"/></item>
<item><title>Generic type</title><link>/briefs/three</link>
<enclosure url="/files/three.pdf" type="application/octet-stream"/></item>
<item><title>Old type</title><link>/briefs/four</link>
<enclosure url="/dl?id=4" type="application/x-pdf"/></item>
<item><title>Only enclosed</title><enclosure url="/files/c.html" type="text/html"/></item>
</channel></rss>"""
    assert [e.link for e in parse_feed(atom, "https://t.test/feed")] == [
        "https://t.test/files/report-2025.pdf", "https://t.test/news/a", "https://t.test/pod.mp3",
    ]
    assert [e.link for e in parse_feed(rss, "https://t.test/rss")] == [
        "https://t.test/files/brief.pdf", "https://t.test/files/Two.PDF?v=2", "https://t.test/news/b",
        "https://t.test/files/three.pdf", "https://t.test/dl?id=4", "https://t.test/files/c.html",
    ]


def test_entity_expansion_is_refused():
    with pytest.raises(FeedError, match="refused"):
        parse_feed(BILLION_LAUGHS, "http://x/feed")


def test_pdf_links_on_landing_page():
    assert pdf_links(LANDING, "http://h.test/brief-1.html") == ["http://h.test/files/full.pdf"]


def test_walk_folder_sniffs_and_skips(tmp_path: Path, samples_dir: Path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "report.bin").write_bytes((samples_dir / "plan_colombia_legacy_en.pdf").read_bytes())
    (tmp_path / "notes.txt").write_text("Community policing in Medellin reduced homicides.\n")
    (tmp_path / "script.py").write_text("print('not a report')\n")
    (tmp_path / ".hidden.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    found = [p.relative_to(tmp_path).as_posix() for p in walk_folder(tmp_path)]
    assert found == ["notes.txt", "sub/report.bin"]


def _word_document() -> bytes:
    """What a .docx holds: a zip archive of compressed XML (binary, not text)."""
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document>" + "policía comunitaria " * 200 + "</w:document>")
    return packed.getvalue()


def test_a_file_named_on_its_own_that_is_no_report_is_the_commands_error(tmp_path: Path, samples_dir: Path):
    # A user review: `citsec ingest memo.docx` stored a failed report (and a new store for it) and exited 0,
    # where the same file in a folder is skipped with a note. Named like a report, a file is tried whatever
    # its bytes (a broken one is a failed report); by its bytes, a PDF, page or text under any name.
    (tmp_path / "memo.docx").write_bytes(_word_document())
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "broken.pdf").write_bytes(b"PK\x03\x04\x00\x00 not a PDF")
    (tmp_path / "report.bin").write_bytes((samples_dir / "plan_colombia_legacy_en.pdf").read_bytes())
    (tmp_path / "transcript.log").write_text("Community policing in Medellin reduced homicides.\n")
    names = ["memo.docx", "image.png", "broken.pdf", "report.bin", "transcript.log"]
    resolution = resolve_sources([str(tmp_path / name) for name in names], {}, lambda url: fetch(url, POLICY))
    assert [Path(ref.uri).name for ref in resolution.refs] == ["broken.pdf", "report.bin", "transcript.log"]
    said = "not a report citsec reads (PDF, HTML or text)"
    assert resolution.errors == [f"{tmp_path / name}: {said}" for name in ("memo.docx", "image.png")]
    # In a folder, text counts only with a text suffix: the log is skipped there, as code and data are.
    assert [p.name for p in walk_folder(tmp_path)] == ["broken.pdf", "report.bin"]


def test_json_data_named_on_its_own_or_alone_in_a_folder_is_the_commands_error(tmp_path: Path):
    # An analyst's review: `citsec ingest articles.jsonl` started the run and stored a failed report, where a
    # Word document is refused at once; a folder of JSON lines said nothing of the files it did not read.
    article = {"id": "ic-1", "text": "Honduran police arrested gang members. " * 300}  # a line past 4 KiB
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "articles.jsonl").write_text(json.dumps(article) + "\n" + json.dumps(article) + "\n")
    (tmp_path / "data" / "one.json").write_text(json.dumps([article]))
    (tmp_path / "footnote.txt").write_text("[1] A footnote's number opens this text on Honduran police.\n")
    (tmp_path / "braced.txt").write_text("{Editor's note} The ministry expanded the youth programme.\n")
    names = ["data/articles.jsonl", "data/one.json", "footnote.txt", "braced.txt", "data"]
    resolution = resolve_sources([str(tmp_path / name) for name in names], {}, lambda url: fetch(url, POLICY))
    assert [Path(ref.uri).name for ref in resolution.refs] == ["footnote.txt", "braced.txt"]
    said = "JSON data, not a report (citsec reads PDF, HTML and text; `citsec tag` reads passages as JSON "
    said += "lines"
    none = "no PDF, HTML or text reports in this folder"
    assert [error.split(": ", 1) for error in resolution.errors] == [
        [str(tmp_path / "data/articles.jsonl"), f"{said}, `citsec label import` labels)"],
        [str(tmp_path / "data/one.json"), f"{said}, `citsec label import` labels)"],
        [str(tmp_path / "data"), f"{none} (2 other files not read: .json, .jsonl)"],
    ]


def test_resolve_feed_with_landing_page(site):
    feed = RSS.replace(b"HOST", site.base[7:].encode())
    site.add("/feed.xml", body=feed, content_type="application/rss+xml")
    site.add("/brief-1.html", body=LANDING, content_type="text/html")
    resolution = resolve_sources([site.url("/feed.xml")], {}, lambda url: fetch(url, POLICY))
    uris = [ref.uri for ref in resolution.refs]
    assert uris == [site.url("/brief-1.html"), site.url("/files/full.pdf"), site.url("/files/two.pdf")]
    assert resolution.refs[0].content == LANDING  # fetched once during resolution, handed on
    assert resolution.refs[1].content is None  # PDFs are fetched by the workers
    assert resolution.errors == []


def test_resolve_bad_sources_are_recorded_not_raised(site, tmp_path: Path):
    resolution = resolve_sources(
        [str(tmp_path / "nope.pdf"), site.url("/gone.html"), "feedname"],
        {"feedname": RegisteredSource(1, "feedname", site.url("/missing-feed.xml"), "feed")},
        lambda url: fetch(url, POLICY),
    )
    # A missing file is a bad source (the command's mistake); a URL or a registered feed that fails is a
    # report that failed (the server's problem: the next run tries again).
    assert [(ref.uri, ref.error is not None) for ref in resolution.refs] == [
        (site.url("/gone.html"), True), (site.url("/missing-feed.xml"), True)
    ]
    assert all("HTTP 404" in (ref.error or "") for ref in resolution.refs)
    assert len(resolution.errors) == 1 and "no such file" in resolution.errors[0]


def test_registered_folder_source_carries_its_id(samples_dir: Path):
    named = {"samples": RegisteredSource(7, "samples", str(samples_dir), "folder")}
    resolution = resolve_sources(["samples"], named, lambda url: pytest.fail("no fetch for folders"))
    assert len(resolution.refs) >= 6
    assert {ref.source_id for ref in resolution.refs} == {7}
    assert all(not ref.uri.endswith(".py") for ref in resolution.refs)
