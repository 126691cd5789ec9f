"""The work done for one report, without Prefect: fetch → extract → tag → classify → a NewReport.

`process_report` runs in a worker process and returns a plain, picklable `Outcome`; `store_outcome` runs
in the parent and writes it in one transaction. Everything here can be called from a notebook or a test.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flows.fetch import FetchError, FetchPolicy, Validators, fetch
from flows.sources import ReportRef

if TYPE_CHECKING:
    import httpx

    from corpus import NewReport

NEW, UNCHANGED, FAILED = "new", "unchanged", "failed"


@dataclass(frozen=True)
class Outcome:
    """What processing one report came to; `report` is set for new reports, `error` for failed ones."""

    uri: str
    status: str  # new | unchanged | failed
    sha256: str | None = None
    report: NewReport | None = None
    # Per passage, in seq order: (label, score) for every label, from `model_version`.
    scores: list[dict[str, float]] = field(default_factory=list)
    model_version: str | None = None
    error: str | None = None
    validators: Validators = field(default_factory=Validators)
    pages: int = 0
    source_id: int | None = None


def one_line(exc: BaseException) -> str:
    """An exception as one line for the store and the summary: never a traceback."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class WorkerContext:
    """What a worker loads once and reuses for every report: store look-ups, tagger, model, HTTP client."""

    is_known: Callable[[str], bool]
    tagger: Any  # extractors.tagging.Tagger
    model: Any  # models.registry.LoadedModel
    policy: FetchPolicy
    client: httpx.Client | None = None

    def http(self) -> httpx.Client:
        if self.client is None:
            from flows.fetch import make_client

            self.client = make_client(self.policy)
        return self.client


def load_context(db_url: str, policy: FetchPolicy, cache_dir: Path | None = None) -> WorkerContext:
    """Open the store read-side and load the tagger and the store's model: once per worker process."""
    from extractors.tagging import Tagger

    from corpus import Corpus
    from models.registry import load_model

    corpus = Corpus.open(db_url)
    model = load_model(corpus, cache_dir=cache_dir)
    return WorkerContext(
        is_known=lambda sha: corpus.report_by_sha256(sha) is not None,
        tagger=Tagger(),
        model=model,
        policy=policy,
    )


def read_bytes(ref: ReportRef, ctx: WorkerContext) -> tuple[bytes, Validators, bool]:
    """The report's bytes and the server's validators; the bool says the server answered 304."""
    if ref.path is not None:
        return Path(ref.path).read_bytes(), Validators(), False
    if ref.content is not None:
        return ref.content, ref.validators, False
    assert ref.url is not None
    fetched = fetch(ref.url, ctx.policy, ref.conditional, client=ctx.http())
    return fetched.content, fetched.validators, fetched.not_modified


def process_report(ref: ReportRef, ctx: WorkerContext) -> Outcome:
    """Fetch, extract, tag and classify one report; failures come back as an Outcome, never raised."""
    try:
        data, validators, not_modified = read_bytes(ref, ctx)
    except (FetchError, OSError) as exc:
        return Outcome(ref.uri, FAILED, error=one_line(exc), source_id=ref.source_id)
    if not_modified:
        return Outcome(ref.uri, UNCHANGED, ref.known_sha256, validators=validators, source_id=ref.source_id)
    sha = sha256_hex(data)
    # Skip before extracting: an unchanged report costs one hash and one index look-up.
    if ctx.is_known(sha):
        return Outcome(ref.uri, UNCHANGED, sha, validators=validators, source_id=ref.source_id)
    try:
        return analyse(data, ref, sha, ctx, validators)
    except Exception as exc:  # a broken report must not stop the batch: record it and go on
        error = one_line(exc)
        return Outcome(ref.uri, FAILED, sha, error=error, validators=validators, source_id=ref.source_id)


def analyse(data: bytes, ref: ReportRef, sha: str, ctx: WorkerContext, validators: Validators) -> Outcome:
    """Extract → tag → classify, and build the NewReport that the store will write in one transaction."""
    from extractors import extract_bytes

    document = extract_bytes(data, ref.uri)
    texts = [p.text for p in document.passages]
    langs = [p.lang for p in document.passages]
    tags = ctx.tagger.tag(texts, langs) if texts else []
    predictions = ctx.model.predict(texts, langs) if texts else []
    report = to_new_report(document, tags, ref.source_id)
    return Outcome(
        uri=ref.uri,
        status=NEW,
        sha256=sha,
        report=report,
        scores=[dict(p.scores) for p in predictions],
        model_version=ctx.model.version,
        validators=validators,
        pages=document.pages,
        source_id=ref.source_id,
    )


def to_new_report(document: Any, tags: list[Any], source_id: int | None) -> NewReport:
    """An ExtractedDocument and its passages' Tags as the store's NewReport."""
    from corpus import NewEntity, NewPassage, NewReport
    from extractors import EXTRACTOR_VERSION

    passages = []
    for passage, passage_tags in zip(document.passages, tags, strict=True):
        entities = tuple(
            NewEntity(kind=e.kind, text=e.text, value=e.value, start=e.start, end=e.end)
            for e in passage_tags.entities
        )
        passages.append(
            NewPassage(
                seq=passage.seq,
                page_start=passage.page_start,
                page_end=passage.page_end,
                text=passage.text,
                lang=passage.lang,
                kind=passage.kind,
                char_start=passage.char_start,
                char_end=passage.char_end,
                entities=entities,
            )
        )
    return NewReport(
        uri=document.uri,
        sha256=document.sha256,
        title=document.title,
        media_type=document.media_type,
        language=document.language,
        pages=document.pages,
        published=document.published,
        author=document.author,
        extractor_version=EXTRACTOR_VERSION,
        warnings=list(document.warnings),
        metadata=dict(document.metadata),
        passages=passages,
        source_id=source_id,
        status="ok" if passages else "empty",
    )


def with_conditional(ref: ReportRef, conditional: Validators, known_sha256: str) -> ReportRef:
    """A remote ref that will be fetched with If-None-Match / If-Modified-Since."""
    return replace(ref, conditional=conditional, known_sha256=known_sha256)
