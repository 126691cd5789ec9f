"""Turn SOURCE arguments (files, folders, URLs, feeds, registered names) into the reports to ingest.

A URL of unknown type has to be looked at to tell a feed from a page, and the bytes fetched for that are
handed on so nothing is downloaded twice; but a URL whose last bytes the store holds as its report (a page
read before: `stored_report`) is taken to be that report again without being looked at, so that it is asked
for conditionally (If-None-Match / If-Modified-Since) by the read before its worker, once per command, like
a link to a PDF. Feeds expand to their entries' links; an entry that is an HTML landing page is a report
itself and also yields the PDFs it links to: it is fetched whole on every run, since only its body tells
which PDFs it links to now.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from flows.feeds import FeedError, is_pdf_link, looks_like_feed, parse_feed, pdf_links
from flows.fetch import Fetched, FetchError, FetchPolicy, Validators, check_link

KINDS = ("auto", "file", "folder", "url", "feed")
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
# A file named like a report is one whatever its bytes hold: a broken one is recorded as failed, not skipped.
REPORT_SUFFIXES = frozenset({".pdf", ".html", ".htm"})
MAX_FEED_ENTRIES = 500  # a runaway feed should not turn one run into ten thousand fetches


@dataclass(frozen=True)
class ReportRef:
    """One report to ingest: a local file or a URL, maybe already fetched during resolution."""

    uri: str
    path: str | None = None
    url: str | None = None
    content: bytes | None = None  # set when resolution already downloaded it
    validators: Validators = field(default_factory=Validators)  # what the server sent with `content`
    source_id: int | None = None
    # Validators to send when fetching, and the stored report they describe (see flows.httpcache).
    conditional: Validators | None = None
    known_sha256: str | None = None
    error: str | None = None  # resolution could not fetch it: stored as a failed report
    # The source's PDF password, read from its password_env at run start (never stored); a source whose
    # variable is unset gets `password_error` instead, and its new reports fail with that line.
    password: str | None = field(default=None, repr=False)
    password_error: str | None = None
    # A URL that is a SOURCE by itself (typed, or registered), not a link found in a feed or a page: when
    # it cannot be fetched, its SOURCE yielded no report, and `citsec ingest` exits 1.
    is_source: bool = False
    # A URL taken for the report the store holds from it, without being looked at (`stored_report`): if
    # its bytes are a feed now, it is one no longer (flows.pipeline.read_report).
    assumed_report: bool = False

    @property
    def is_remote(self) -> bool:
        return self.url is not None


@dataclass(frozen=True)
class RegisteredSource:
    """A named source from the store (`citsec sources add`)."""

    id: int
    name: str
    location: str
    kind: str
    password_env: str | None = None  # the environment variable that holds its PDFs' password


@dataclass
class Resolution:
    """What the SOURCE arguments came to: reports to ingest, and one line per source that failed."""

    refs: list[ReportRef] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Files in the folders that are not reports citsec reads (a .docx, a spreadsheet, code): not ingested.
    skipped: list[str] = field(default_factory=list)
    # The feeds read: a failed row the store holds for one (it could not be fetched or read before) goes.
    feeds: list[str] = field(default_factory=list)

    def add(self, ref: ReportRef) -> None:
        if all(existing.uri != ref.uri for existing in self.refs):
            self.refs.append(ref)


Fetcher = Callable[[str], Fetched]
# Whether the store holds, as the report of this URL, the bytes it served last (flows.run.stored_report_urls).
StoredReport = Callable[[str], bool]


def _no_stored_report(url: str) -> bool:
    return False


def is_url(value: str) -> bool:
    return urlsplit(value).scheme.lower() in {"http", "https"}


def has_scheme(value: str) -> bool:
    """Whether a location is written as a URL (scheme://...), whatever the scheme."""
    return re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", value) is not None


def unsupported_scheme(location: str) -> str | None:
    """The scheme of a location written as a URL that citsec cannot fetch ("ftp"), else None."""
    return urlsplit(location).scheme if has_scheme(location) and not is_url(location) else None


def guess_kind(location: str) -> str:
    """The kind of a location without fetching it: folder, file, or url (a feed is told on fetch)."""
    if is_url(location):
        return "url"
    return "folder" if Path(location).expanduser().is_dir() else "file"


def _head(path: Path) -> bytes | None:
    """A file's first 4 KB, what sniffing reads; None when it cannot be read."""
    try:
        with path.open("rb") as handle:
            return handle.read(4096)
    except OSError:
        return None


def is_report_file(path: Path) -> bool:
    """PDFs and HTML by their bytes or their name; text only with a text suffix, so code and data files
    are skipped."""
    from extractors.sniff import HTML, PDF, sniff_media_type

    if path.suffix.lower() in REPORT_SUFFIXES:
        return True
    head = _head(path)
    media_type = sniff_media_type(head) if head is not None else None
    if media_type in (PDF, HTML):
        return True
    return media_type is not None and path.suffix.lower() in TEXT_SUFFIXES


def is_readable_file(path: Path, head: bytes | None) -> bool:
    """A file named on its own, whose first bytes are `head` (_head): a report when named like one or
    when its bytes are PDF, HTML or text (a transcript.log or notes.rst is read as `citsec extract` reads
    it); not a Word document, an image, data. Inside a folder text counts only with a text suffix
    (is_report_file), so code and data are skipped."""
    from extractors.sniff import sniff_media_type

    if path.suffix.lower() in REPORT_SUFFIXES:
        return True
    return head is None or sniff_media_type(head) is not None  # unreadable: the worker says why


# How much of a file named on its own is read to tell JSON data from text: a JSON line of an article is
# several thousand characters.
JSON_PROBE_BYTES = 1 << 20


def _json_data(path: Path, head: bytes | None) -> bool:
    """Whether a file named on its own holds JSON records (extractors.sniff.is_json), read as far as its
    first line needs (up to JSON_PROBE_BYTES)."""
    from extractors.sniff import TEXT, decode_text, is_json, sniff_media_type

    if head is None or not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        return False
    if sniff_media_type(head) != TEXT:
        return False
    try:
        with path.open("rb") as handle:
            data = handle.read(JSON_PROBE_BYTES)
    except OSError:
        return False
    text = decode_text(data)
    return text is not None and is_json(text)


def walk_folder(folder: Path, skipped: list[str] | None = None) -> Iterator[Path]:
    """Report files under a folder, recursively, in sorted order, skipping hidden files and folders;
    the other files' paths go to `skipped`."""
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        if is_report_file(path):
            yield path
        elif skipped is not None:
            skipped.append(str(path))


def resolve_sources(
    sources: Iterable[str],
    registered: Mapping[str, RegisteredSource],
    fetcher: Fetcher,
    environ: Mapping[str, str] | None = None,
    policy: FetchPolicy | None = None,
    stored_report: StoredReport = _no_stored_report,
) -> Resolution:
    """Resolve every SOURCE argument; a bad source is recorded and the others go on. A registered
    source's password is read from `environ` (default: the process environment) here, once per run.
    Links found in feeds and pages must pass `policy`'s address rules for the page they came from. A URL
    SOURCE for which `stored_report(url)` says the store holds what it served last is not fetched here: it
    was a report, not a feed, and its read (conditional, by the pool or the plan) tells whether it changed."""
    env = os.environ if environ is None else environ
    policy = policy or FetchPolicy()
    resolution = Resolution()
    for source in sources:
        named = registered.get(source)
        location, kind, source_id = (
            (named.location, named.kind, named.id) if named else (source, "auto", None)
        )
        if not location.strip():
            # As a path, "" is the current folder: an empty argument (an unset variable) names nothing.
            what = f"source {source}: its location" if named else "SOURCE"
            resolution.errors.append(f"{what} is empty: it names no file, folder, URL or registered source")
            continue
        first = len(resolution.refs)
        try:
            _resolve_one(location, kind, source_id, fetcher, resolution, policy, stored_report)
        except (FetchError, FeedError) as exc:
            resolution.errors.append(str(exc))
        if named is not None and named.password_env:
            resolution.refs[first:] = [with_password(ref, named, env) for ref in resolution.refs[first:]]
    return resolution


def with_password(ref: ReportRef, source: RegisteredSource, environ: Mapping[str, str]) -> ReportRef:
    """The ref with its source's PDF password, or the one-line error saying the variable is unset."""
    assert source.password_env is not None
    password = environ.get(source.password_env)
    if password is None:
        return replace(
            ref,
            password_error=f"source {source.name}: environment variable {source.password_env} "
            "(its PDF password) is not set",
        )
    return replace(ref, password=password)


def _resolve_one(
    location: str, kind: str, source_id: int | None, fetcher: Fetcher, resolution: Resolution,
    policy: FetchPolicy, stored_report: StoredReport,
) -> None:
    if kind == "auto":
        kind = guess_kind(location)
    if kind in ("file", "folder"):
        if is_url(location):  # a registered source whose kind says folder
            resolution.errors.append(f"{location}: a URL, but its source kind is {kind}")
            return
        scheme = unsupported_scheme(location)
        if scheme:
            reason = f"unsupported URL scheme {scheme!r} (citsec fetches http and https)"
            resolution.errors.append(f"{location}: {reason}")
            return
        _resolve_path(Path(location).expanduser(), source_id, resolution)
    elif kind == "feed":
        try:
            _resolve_feed(fetcher(location), source_id, fetcher, resolution, policy)
        except (FetchError, FeedError) as exc:
            resolution.add(_failed_source(location, source_id, exc))
    elif kind == "url":
        _resolve_url(location, source_id, fetcher, resolution, policy, stored_report)
    else:
        resolution.errors.append(f"{location}: unknown source kind {kind!r} (expected one of {KINDS})")


def _resolve_path(path: Path, source_id: int | None, resolution: Resolution) -> None:
    if path.is_dir():
        before = len(resolution.skipped)
        found = list(walk_folder(path, resolution.skipped))
        if not found:
            others = resolution.skipped[before:]
            kinds = ", ".join(sorted({Path(other).suffix.lower() or "no extension" for other in others}))
            files = f"{len(others)} other file{'s' * (len(others) != 1)}"
            read = f" ({files} not read: {kinds})" if others else ""
            resolution.errors.append(f"{path}: no PDF, HTML or text reports in this folder{read}")
        for file in found:
            resolution.add(ReportRef(uri=str(file.resolve()), path=str(file.resolve()), source_id=source_id))
    elif path.is_file():
        head = _head(path)
        if not is_readable_file(path, head):
            # As a folder's files are skipped (a Word document, a spreadsheet, an image): named on its own,
            # it is the command's mistake to say, not a failed report to store.
            resolution.errors.append(f"{path}: not a report citsec reads (PDF, HTML or text)")
            return
        if _json_data(path, head):
            # The worker would refuse it too (extractors: "JSON data, not a report"), after start-up, as a
            # failed report kept in the store.
            resolution.errors.append(
                f"{path}: JSON data, not a report (citsec reads PDF, HTML and text; `citsec tag` reads "
                "passages as JSON lines, `citsec label import` labels)"
            )
            return
        if head is not None and looks_like_feed(head):
            # Its links are on the web, and relative ones are relative to where it is served: read as a
            # page it was "no main text found in HTML page".
            resolution.errors.append(
                f"{path}: an RSS or Atom feed: give its URL (citsec reads a feed from where it is served)"
            )
            return
        resolution.add(ReportRef(uri=str(path.resolve()), path=str(path.resolve()), source_id=source_id))
    else:
        resolution.errors.append(f"{path}: no such file, folder, URL or registered source")


def _resolve_url(
    url: str, source_id: int | None, fetcher: Fetcher, resolution: Resolution, policy: FetchPolicy,
    stored_report: StoredReport,
) -> None:
    if is_pdf_link(url):
        # A PDF is a report whatever it holds: let the worker fetch it (conditionally) in parallel.
        resolution.add(ReportRef(uri=url, url=url, source_id=source_id, is_source=True))
        return
    if stored_report(url):
        # A page read before: looking at it now would download it whole, without the validators its
        # server sent, only to find it unchanged most times. Read like a PDF link, conditionally.
        resolution.add(ReportRef(uri=url, url=url, source_id=source_id, is_source=True, assumed_report=True))
        return
    try:
        fetched = fetcher(url)
        if looks_like_feed(fetched.content, fetched.content_type):
            _resolve_feed(fetched, source_id, fetcher, resolution, policy)
        else:
            resolution.add(_fetched_ref(fetched, source_id))
    except (FetchError, FeedError) as exc:
        resolution.add(_failed_source(url, source_id, exc))


def _failed_source(url: str, source_id: int | None, exc: Exception) -> ReportRef:
    """A URL SOURCE that could not be fetched, or whose feed could not be read (a server's problem, not
    the command's): a failed report, which the next run tries again, as a dead link in a feed is."""
    return ReportRef(uri=url, url=url, source_id=source_id, error=str(exc), is_source=True)


def _linked_ref(page_url: str, link: str, source_id: int | None, policy: FetchPolicy) -> ReportRef | None:
    """A failed ref for a link the page may not lead to (see check_link), else None."""
    try:
        check_link(page_url, link, policy)
    except FetchError as exc:
        return ReportRef(uri=link, url=link, source_id=source_id, error=str(exc))
    return None


def _resolve_feed(
    feed: Fetched, source_id: int | None, fetcher: Fetcher, resolution: Resolution, policy: FetchPolicy
) -> None:
    if not looks_like_feed(feed.content, feed.content_type):
        raise FeedError(f"{feed.url}: not an RSS or Atom feed")
    entries = parse_feed(feed.content, feed.final_url)
    resolution.feeds.append(feed.url)
    if not entries:
        resolution.errors.append(f"{feed.url}: feed has no entries with links")
    for entry in entries[:MAX_FEED_ENTRIES]:
        refused = _linked_ref(feed.final_url, entry.link, source_id, policy)
        if refused is not None:
            resolution.add(refused)
            continue
        if is_pdf_link(entry.link):
            resolution.add(ReportRef(uri=entry.link, url=entry.link, source_id=source_id))
            continue
        try:
            page = fetcher(entry.link)
        except FetchError as exc:
            resolution.add(ReportRef(uri=entry.link, url=entry.link, source_id=source_id, error=str(exc)))
            continue
        resolution.add(_fetched_ref(page, source_id))
        from extractors.sniff import HTML, sniff_media_type

        if sniff_media_type(page.content) == HTML:
            for link in pdf_links(page.content, page.final_url):
                refused = _linked_ref(page.final_url, link, source_id, policy)
                resolution.add(refused or ReportRef(uri=link, url=link, source_id=source_id))


def _fetched_ref(fetched: Fetched, source_id: int | None) -> ReportRef:
    return ReportRef(
        uri=fetched.url,
        url=fetched.url,
        content=fetched.content,
        validators=fetched.validators,
        source_id=source_id,
    )
