"""The work done for one report, without Prefect: fetch → extract → tag → classify → a NewReport.

`process_report` runs in a worker process (flows.workers) and returns a plain, picklable `Outcome`;
`store_outcome` runs in the parent and writes it in one transaction. Its first half, `read_report` (fetch
and look up, no model), also runs outside the workers for a remote report that is most likely unchanged.
Everything here can be called from a notebook or a test.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractors import is_blank
from flows.fetch import FetchError, FetchPolicy, Validators, fetch
from flows.sources import ReportRef

if TYPE_CHECKING:
    import httpx

    from corpus import Corpus, NewEntity, NewReport, ReportPredictions, ReportRow

NEW, UNCHANGED, FAILED = "new", "unchanged", "failed"


@dataclass(frozen=True)
class Outcome:
    """What processing one report came to; `report` (with the model's predictions for its passages) is
    set for new reports, `error` for failed ones."""

    uri: str
    status: str  # new | unchanged | failed
    sha256: str | None = None
    report: NewReport | None = None
    error: str | None = None
    validators: Validators = field(default_factory=Validators)
    pages: int = 0
    source_id: int | None = None
    # A failed fetch of a URL that was a SOURCE by itself (ReportRef.is_source): that SOURCE yielded no
    # report. It is still recorded as a failed report, with why.
    unfetched: bool = False
    # Set when a new report is stored (flows.run.store_or_fail): it is a new reading of bytes the store
    # held as read by older extractors; and how many labeled passages of the versions it superseded have
    # no passage of the same text in it (their labels stay with the old version).
    reread: bool = False
    labels_left: int = 0
    # A new version of a path or URL stored before (a changed file, not a reading again of the same
    # bytes), and how many labeled passages of the old version gave their labels to its passages.
    replaced: bool = False
    labels_carried: int = 0


def one_line(exc: BaseException) -> str:
    """An exception as one line for the store and the summary: never a traceback."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class WorkerContext:
    """What a worker reuses for every report: store look-ups, HTTP client, and the tagger and model,
    loaded on first use (a run where every report is unchanged never pays for them)."""

    is_known: Callable[..., bool]  # is_stored_complete(sha256, ...) bound to a store
    policy: FetchPolicy
    # -> models.registry.LoadedModel; None in a context that only reads reports (read_report)
    load_model: Callable[[], Any] | None = None
    client: httpx.Client | None = None
    # bytes, uri, password= -> ExtractedDocument; None: extractors.extract_bytes. A worker process sets
    # its limited one (flows.workers), which also starts the file's clock.
    extract: Callable[..., Any] | None = None
    _model: Any = None

    def http(self) -> httpx.Client:
        if self.client is None:
            from flows.fetch import make_client

            self.client = make_client(self.policy)
        return self.client

    @property
    def tagger(self) -> Any:
        return _tagger()

    @property
    def model(self) -> Any:
        if self._model is None:
            if self.load_model is None:
                raise RuntimeError("this context reads reports and has no model to classify them")
            self._model = self.load_model()
        return self._model

    def warm(self) -> None:
        """Load now (worker start-up) what reports would otherwise load on first use: the extractors'
        detector and word lists, the tagger's pipelines for every language, the model (and the sentence
        encoder, for a model that uses it)."""
        load_readers()
        if "meaning" in getattr(self.model.estimator, "features", ""):
            from models.embedding import passage_encoder

            passage_encoder()


def load_context(db_url: str, policy: FetchPolicy, cache_dir: Path | None = None) -> WorkerContext:
    """Open the store read-side; the tagger and the store's model load when first needed. For a notebook
    or a test: extraction runs in this process, without the per-file limits of the worker processes."""
    from corpus import Corpus

    corpus = Corpus.open(db_url)

    def load_model() -> Any:
        from models.registry import load_model

        return load_model(corpus, cache_dir=cache_dir)

    is_known = functools.partial(is_stored_complete, corpus)
    return WorkerContext(is_known=is_known, policy=policy, load_model=load_model)


def load_readers() -> None:
    """Load what reading any report needs and no store or model decides: the extractors' detector and
    word lists, and the tagger's pipelines for every language."""
    from extractors import preload

    preload()
    _tagger().load()


@functools.cache
def _tagger() -> Any:
    """One tagger per process: its spaCy pipelines take seconds to build and hold no per-store state."""
    from extractors.tagging import Tagger

    return Tagger()


def known_outcome(ref: ReportRef, is_known: Callable[..., bool]) -> Outcome | None:
    """UNCHANGED for a local or already-fetched report whose bytes are stored; FAILED for a blank one
    (extraction would say "empty file" at once); None when it needs work. `is_known(sha256,
    password_given=False, any_reading=False)` is is_stored_complete bound to a store. A report of a
    source whose password variable is unset is settled as read_report settles it (without_password:
    FAILED, to store, or UNCHANGED).

    The parent checks this before dispatching, so an unchanged folder never starts a worker."""
    if ref.error is not None or (ref.path is None and ref.content is None):
        return None
    try:
        data = Path(ref.path).read_bytes() if ref.path is not None else ref.content or b""
    except OSError:
        return None  # the worker will report the read error
    sha = sha256_hex(data)
    if stored_whole(is_known, sha, ref):
        return Outcome(ref.uri, UNCHANGED, sha, validators=ref.validators, source_id=ref.source_id)
    if is_blank(data):  # extraction would fail at once: no worker (nor Prefect) is needed to say so
        error = f"empty file: {ref.uri}"
        return Outcome(ref.uri, FAILED, sha, error=error, validators=ref.validators, source_id=ref.source_id)
    return without_password(ref, sha, is_known, ref.validators)


def without_password(
    ref: ReportRef, sha: str, is_known: Callable[..., bool], validators: Validators
) -> Outcome | None:
    """What a report of a source whose password variable is unset comes to, its bytes not stored whole:
    its older reading stays (UNCHANGED), or it fails for want of the password (FAILED); None for a report
    whose source has its password, or needs none."""
    if ref.password_error is None:
        return None
    if is_known(sha, any_reading=True):
        # Read before (by older extractors) while the password was at hand: that reading stays until
        # the password is back and newer extractors can read it again.
        return Outcome(ref.uri, UNCHANGED, sha, validators=validators, source_id=ref.source_id)
    # No sha256 stored: once the variable is set, the next run extracts the report.
    return Outcome(ref.uri, FAILED, error=ref.password_error, validators=validators, source_id=ref.source_id)


def stored_whole(is_known: Callable[..., bool], sha256: str, ref: ReportRef) -> bool:
    """is_known(sha256), told whether the ref's source has a PDF password now, and where the bytes are."""
    return is_known(sha256, password_given=ref.password is not None, uri=ref.uri)


# What extractors.pdf says of an encrypted PDF opened without a password or with a wrong one (one_line
# keeps both as they are).
PASSWORD_REQUIRED = "PDF is encrypted (password required)"
WRONG_PASSWORD = "PDF is encrypted: wrong password"


def failed_last_time(corpus: Corpus, url: str) -> str | None:
    """The error of the store's current report from `url` when it is a failure (a link that could not be
    fetched: no bytes to ask about conditionally, but worth asking again before a worker, with its tagger
    and model, starts), else None. One query."""
    row = corpus.report_by_uri(url)
    return (row.error or FAILED) if row is not None and row.status == FAILED else None


def is_stored_complete(
    corpus: Corpus, sha256: str, password_given: bool = False, *, any_reading: bool = False,
    uri: str | None = None,
) -> bool:
    """True when a report with these bytes is stored whole: its passages and their predictions.

    A report and its predictions are one transaction now, but a store written by an older run may hold
    a report without them (killed between two transactions); that counts as not yet done, so the next
    run finishes it (add_report fills in the predictions of content it already has). One query.

    A failure is done too, and not redone until the bytes change, except one: an encrypted PDF that
    failed for want of a password, or with a wrong one, counts as not done while its source has a
    password (`password_given`): the password may be the right one now (opening with a wrong one fails
    at once, so trying again each run is cheap); add_report then stores it in place of the failed row.
    One more query, only for reports of sources with a password.

    A report read (or failed) by older extractors than these is not done either: these read it again
    (has_whole_report). `any_reading` asks only whether the bytes are stored, read by any version. With
    `uri`, the address serving the bytes: those of a replaced version, served at another address, are not
    done either (they are current again there).
    """
    if password_given:
        row = corpus.report_by_sha256(sha256)
        if row is not None and row.status == "failed" and _password_failure(row.error or ""):
            return False
    from extractors import EXTRACTOR_VERSION

    return corpus.has_whole_report(sha256, None if any_reading else EXTRACTOR_VERSION, uri=uri)


def _password_failure(error: str) -> bool:
    return PASSWORD_REQUIRED in error or WRONG_PASSWORD in error


def stored_reading(corpus: Corpus, outcome: Outcome) -> ReportRow | None:
    """For a new report, the readable report the store holds with its bytes (None for anything else, or
    when it holds them only as a failed row: a report that reads now, an encrypted PDF once its password
    is known, replaces that)."""
    if outcome.status != NEW or outcome.sha256 is None or outcome.report is None:
        return None
    row = corpus.report_by_sha256(outcome.sha256)
    return row if row is not None and row.status != FAILED else None


def stored_before(corpus: Corpus, outcome: Outcome, stored: ReportRow | None) -> bool:
    """True for a new report whose bytes the store already holds whole (`stored`, from stored_reading),
    as these extractors read them: two files with the same bytes in one run (both new when the workers
    looked) are one report, stored once. A reading by older extractors does not count: this one replaces
    it (`rereads`). The same for a failed report whose bytes another copy's failure, by these extractors,
    stored first (a worker that looked after it was stored called the copy unchanged already; one that
    looked before failed it too: whichever it was, the run counts it the same), except a failure for want
    of a password, recorded again: the password may have changed."""
    if outcome.status == FAILED:
        return outcome.sha256 is not None and is_stored_complete(
            corpus, outcome.sha256, password_given=True, uri=outcome.uri
        )
    return (
        stored is not None
        and outcome.sha256 is not None
        and outcome.report is not None
        and corpus.has_whole_report(outcome.sha256, outcome.report.extractor_version, uri=outcome.uri)
    )


def rereads(outcome: Outcome, stored: ReportRow | None) -> bool:
    """True for a new report whose bytes the store holds (`stored`) as read by older extractors (a
    release that reads reports better): storing it replaces that reading (Corpus.add_report)."""
    from corpus.report_rows import replaced_by_reading

    if stored is None or outcome.report is None:
        return False
    running = outcome.report.extractor_version
    return replaced_by_reading(stored.extractor_version, stored.superseded_by, running)


def store_outcome(corpus: Corpus, outcome: Outcome) -> int | None:
    """Write one processed report: the report with passages, entities and predictions in one
    transaction; a failed report as a failed row. Returns the report id (None if unchanged, or if a
    concurrent run stored the same bytes first)."""
    if outcome.status == FAILED:
        from extractors import EXTRACTOR_VERSION

        # The version that failed on these bytes: the next release's extractors try them again.
        return corpus.record_failed_report(
            outcome.uri, outcome.sha256, outcome.error or "failed", source_id=outcome.source_id,
            extractor_version=EXTRACTOR_VERSION if outcome.sha256 is not None else None,
        )
    if outcome.status != NEW or outcome.report is None:
        return None
    if outcome.report.predictions is not None:
        ensure_model_registered(corpus, outcome.report.predictions.model_version)
    return corpus.add_new_report(outcome.report)


def ensure_model_registered(corpus: Corpus, version: str) -> None:
    """Before predictions are stored, their model must be in the registry with its artifact and metrics,
    so it can be loaded, promoted and compared after the seed files change in a later release.

    Workers use the store's promoted model (registered already) or the built-in seed model, which
    enters the registry here from the disk cache the worker wrote. One indexed query once it is there.
    """
    row = corpus.model_version(version)
    if (row is not None and row.has_artifact) or not version.startswith("seed-"):
        return
    from corpus import CorpusError
    from flows.settings import Settings
    from models.errors import ModelError
    from models.registry import register_builtin_seed

    try:
        register_builtin_seed(corpus, Settings.from_env().cache_dir)
    except ModelError as exc:
        raise CorpusError(f"model {version} could not be registered: {one_line(exc)}") from exc


def plan_fetches(
    refs: list[ReportRef], remembered: Callable[[str], Any], is_stored: Callable[..., bool]
) -> list[ReportRef]:
    """Attach validators to remote refs whose last-seen bytes are in this store, for conditional GETs."""
    planned = []
    for ref in refs:
        fetchable = ref.url is not None and ref.content is None and ref.error is None
        memo = remembered(ref.url) if fetchable and ref.url else None
        if memo is not None and is_stored(memo.sha256, uri=ref.uri):
            ref = with_conditional(ref, memo.validators, memo.sha256)
        planned.append(ref)
    return planned


def read_bytes(ref: ReportRef, ctx: WorkerContext) -> tuple[bytes, Validators, bool]:
    """The report's bytes and the server's validators; the bool says the server answered 304."""
    if ref.path is not None:
        return Path(ref.path).read_bytes(), Validators(), False
    if ref.content is not None:
        return ref.content, ref.validators, False
    assert ref.url is not None
    fetched = fetch(ref.url, ctx.policy, ref.conditional, client=ctx.http())
    return fetched.content, fetched.validators, fetched.not_modified


def may_be_unchanged(ref: ReportRef) -> bool:
    """A remote report whose last bytes the store holds (plan_fetches): most often unchanged, so worth
    fetching (read_report) before a worker, with its tagger and model, is needed."""
    return ref.known_sha256 is not None and ref.content is None and ref.error is None


def read_report(ref: ReportRef, ctx: WorkerContext) -> Outcome | ReportRef:
    """Everything before extraction: read or fetch the report's bytes and look them up in the store. The
    Outcome when that settles it (unchanged, not fetched, no password), else the ref holding its bytes
    (`content`) and the server's validators, to analyse. Needs neither the tagger nor the model."""
    if ref.error is not None:
        return unread(ref, ref.error)
    try:
        data, validators, not_modified = read_bytes(ref, ctx)
    except (FetchError, OSError) as exc:
        return unread(ref, one_line(exc))
    if (
        not_modified
        and ref.password is not None
        and ref.known_sha256
        and not stored_whole(ctx.is_known, ref.known_sha256, ref)
    ):
        # The server says unchanged, but what it sent last time failed for want of the password the
        # source has now: fetch the bytes again.
        try:
            data, validators, not_modified = read_bytes(replace(ref, conditional=None), ctx)
        except (FetchError, OSError) as exc:
            return unread(ref, one_line(exc))
    if not_modified:
        return Outcome(ref.uri, UNCHANGED, ref.known_sha256, validators=validators, source_id=ref.source_id)
    sha = sha256_hex(data)
    # Skip before extracting: an unchanged report costs one hash and one index look-up.
    if stored_whole(ctx.is_known, sha, ref):
        return Outcome(ref.uri, UNCHANGED, sha, validators=validators, source_id=ref.source_id)
    if ref.assumed_report and _is_feed(data):
        return no_longer_a_report(ref, sha)
    settled = without_password(ref, sha, ctx.is_known, validators)
    return settled if settled is not None else replace(ref, content=data, validators=validators)


def _is_feed(data: bytes) -> bool:
    from flows.feeds import looks_like_feed

    return looks_like_feed(data)


def no_longer_a_report(ref: ReportRef, sha: str) -> Outcome:
    """A URL taken for the page it was when last read (flows.sources: not looked at in resolution) that is
    a feed now: only resolution reads a feed's entries. Failed, with its bytes' sha256: its stored report
    is then no longer what it served last, so the next run looks at it and reads the entries."""
    error = f"{ref.uri}: a feed now, not the page it was when last read: the next run reads its entries"
    return Outcome(ref.uri, FAILED, sha, error=error, source_id=ref.source_id, unfetched=ref.is_source)


def process_report(ref: ReportRef, ctx: WorkerContext) -> Outcome:
    """Fetch, extract, tag and classify one report; failures come back as an Outcome, never raised."""
    read = read_report(ref, ctx)
    if isinstance(read, Outcome):
        return read
    data = read.content or b""
    sha = sha256_hex(data)
    try:
        return analyse(data, read, sha, ctx, read.validators)
    except Exception as exc:  # a broken report must not stop the batch: record it and go on
        error = one_line(exc)
        return Outcome(ref.uri, FAILED, sha, error=error, validators=read.validators, source_id=ref.source_id)


def unread(ref: ReportRef, error: str) -> Outcome:
    """A report whose bytes could not be read (or fetched): failed, and `unfetched` when its URL was a
    SOURCE by itself."""
    return Outcome(ref.uri, FAILED, error=error, source_id=ref.source_id, unfetched=ref.is_source)


def analyse(data: bytes, ref: ReportRef, sha: str, ctx: WorkerContext, validators: Validators) -> Outcome:
    """Extract → tag → classify, and build the NewReport that the store will write in one transaction."""
    from extractors import extract_bytes

    document = (ctx.extract or extract_bytes)(data, ref.uri, password=ref.password)
    texts = [p.text for p in document.passages]
    langs = [p.lang for p in document.passages]
    tags = ctx.tagger.tag(texts, langs) if texts else []
    kinds = [p.kind for p in document.passages]
    predictions = (
        ctx.model.predict(texts, langs, reports=[ref.uri] * len(texts), kinds=kinds) if texts else []
    )
    report = to_new_report(
        document, tags, ref.source_id, with_predictions(document, predictions, ctx.model.version)
    )
    return Outcome(
        uri=ref.uri,
        status=NEW,
        sha256=sha,
        report=report,
        validators=validators,
        pages=document.pages,
        source_id=ref.source_id,
    )


def with_predictions(document: Any, predictions: list[Any], version: str) -> ReportPredictions | None:
    """The model's Predictions (one per passage, in order) as the store's ReportPredictions."""
    from corpus import ReportPredictions

    if not predictions:
        return None
    by_seq = {
        passage.seq: {
            label: (score, label in prediction.labels) for label, score in prediction.scores.items()
        }
        for passage, prediction in zip(document.passages, predictions, strict=True)
    }
    return ReportPredictions(model_version=version, by_seq=by_seq)


def store_entities(tags: Any, passage_kind: str = "text") -> tuple[NewEntity, ...]:
    """A passage's Tags as the store's entities. The tagger knows more kinds (places) than the store
    keeps; the store keeps the kinds it accepts. A passage the model never labels (a reference list)
    keeps none: a place of publication ("Madrid: Pirámide") or a cited title is not what the report
    discusses."""
    from corpus import NewEntity
    from corpus.taxonomy import ENTITY_KINDS
    from models.labels import UNLABELED_KINDS

    if passage_kind in UNLABELED_KINDS:
        return ()
    return tuple(
        NewEntity(kind=e.kind, text=e.text, value=e.value, start=e.start, end=e.end)
        for e in tags.entities
        if e.kind in ENTITY_KINDS
    )


def to_new_report(
    document: Any, tags: list[Any], source_id: int | None, predictions: ReportPredictions | None = None
) -> NewReport:
    """An ExtractedDocument, its passages' Tags and the model's predictions as the store's NewReport."""
    from corpus import NewPassage, NewReport
    from extractors import EXTRACTOR_VERSION, TAGGER_VERSION

    passages = []
    for passage, passage_tags in zip(document.passages, tags, strict=True):
        entities = store_entities(passage_tags, passage.kind)
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
        tagger_version=TAGGER_VERSION,
        warnings=list(document.warnings),
        metadata=dict(document.metadata),
        passages=passages,
        source_id=source_id,
        predictions=predictions,
        status="ok" if passages else "empty",
        # An empty report says why (no text layer, skipped pages) instead of a generic line.
        error=None if passages else "; ".join(document.warnings) or None,
    )


def with_conditional(ref: ReportRef, conditional: Validators, known_sha256: str) -> ReportRef:
    """A remote ref that will be fetched with If-None-Match / If-Modified-Since (none when its server sent
    no validators: then only its bytes tell whether it changed)."""
    return replace(ref, conditional=conditional, known_sha256=known_sha256)
