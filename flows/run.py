"""One ingest run's bookkeeping, without Prefect: the store, the run row, counts, HTTP validators.

The Prefect flow (flows.ingest) and the plain driver `ingest_local` below both drive an `IngestRun`:
resolve → plan → process each report → record each outcome → finish.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import as_completed
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from flows.fetch import Fetched, FetchError, FetchPolicy, fetch, make_client
from flows.httpcache import Remembered, ValidatorCache
from flows.interrupt import check_stop
from flows.pipeline import (
    FAILED,
    NEW,
    UNCHANGED,
    Outcome,
    is_stored_complete,
    known_outcome,
    one_line,
    plan_fetches,
    rereads,
    store_outcome,
    stored_before,
    stored_reading,
)
from flows.relabel import relabel_if_rules_changed
from flows.settings import Settings
from flows.sources import RegisteredSource, ReportRef, Resolution, StoredReport, is_url, resolve_sources
from flows.workers import Job, WorkerConfig, close_pool, head_start_began, open_pool, take_prefetched

if TYPE_CHECKING:
    import httpx

    from corpus import Corpus, IngestRunRow

log = logging.getLogger(__name__)


@dataclass
class IngestSummary:
    """What a run did: report counts, passages and pages added, seconds, and one line per problem.
    `unreadable` counts the SOURCE arguments that yielded no report (a path that does not exist, an empty
    folder); each has its line in `errors`. `unfetched` counts the URL SOURCEs, feeds included, that
    could not be fetched or read (an HTTP 404, a refused connection, a malformed feed): they yielded no
    report either, but each is also one of the `failed` reports, recorded with why."""

    run_id: int
    new: int = 0
    # Reports stored before by another version of the extractors, read again by this one (their new
    # passages count in `passages`); not counted in `new`.
    reread: int = 0
    unchanged: int = 0
    failed: int = 0
    unreadable: int = 0
    unfetched: int = 0
    passages: int = 0
    pages: int = 0
    # Labeled passages of older versions (a changed file, a report read again) that read differently
    # now: their labels stay with the old version.
    labels_left: int = 0
    # Of the new reports, those that replace an older version at the same path or URL (a changed file),
    # and the labeled passages of those older versions whose labels came over to them.
    replaced: int = 0
    labels_carried: int = 0
    # When the store's labels were given under older labeling rules than this citsec's: the line saying
    # so and what labeling every passage again came to (flows.relabel.relabel_if_rules_changed).
    relabeled: str | None = None
    # Of the unchanged reports, those stored as failed: not tried again until their bytes change (or newer
    # extractors read reports differently). Counted when the run ends.
    failed_before: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    # One line per new report in which extraction found no text (stored as "empty", counted in `new`).
    empty: list[str] = field(default_factory=list)
    # Files in the folders named that are not reports citsec reads (flows.sources.Resolution.skipped).
    skipped: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        keys = (
            "new", "reread", "unchanged", "failed", "unreadable", "unfetched", "passages", "pages",
            "labels_left",
        )  # fmt: skip
        return {k: getattr(self, k) for k in keys}

    @property
    def reports(self) -> int:
        """The reports the run recorded: new, read again, unchanged and failed."""
        return self.new + self.reread + self.unchanged + self.failed

    @property
    def sources_without_report(self) -> int:
        """SOURCE arguments that yielded no report at all: `citsec ingest` exits 1 when there is one."""
        return self.unreadable + self.unfetched

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "seconds": round(self.seconds, 2)}

    def add(self, outcome: Outcome) -> None:
        if outcome.status == NEW and outcome.report is not None:
            if outcome.reread:
                self.reread += 1
            else:
                self.new += 1
            self.passages += len(outcome.report.passages)
            if not outcome.report.passages:
                self.empty.append(failure_line(outcome.uri, outcome.report.error or "no text found"))
            self.labels_left += outcome.labels_left
            if outcome.replaced:
                self.replaced += 1
                self.labels_carried += outcome.labels_carried
            self.pages += outcome.pages
        elif outcome.status == UNCHANGED:
            self.unchanged += 1
        elif outcome.status == FAILED:
            self.failed += 1
            self.unfetched += outcome.unfetched
            self.errors.append(failure_line(outcome.uri, outcome.error))


# The last error line of a run that did not get to the end (ingest_runs.errors), and why.
RUN_STOPPED = "run stopped: "
INTERRUPTED = "interrupted (Ctrl-C)"
# The last line of a scheduled run that a stopped schedule left without its end (flows.schedule).
LEFT_BY_A_SCHEDULE = "killed with the schedule serving it, before it could record its end"


def stop_reason(exc: BaseException) -> str:
    """Why a run stopped, in words: a signal Prefect raised as an exception (a scheduled run's process
    sent SIGTERM: Prefect's TerminationSignal, which has no message) by its name."""
    signum = getattr(exc, "signal", None)
    if isinstance(signum, int):
        import signal

        try:
            return f"terminated ({signal.Signals(signum).name})"
        except ValueError:
            return f"terminated (signal {signum})"
    return one_line(exc)


def run_status(run: IngestRunRow) -> str:
    """"finished" (whatever failed along the way), "interrupted" (Ctrl-C), "stopped" (an error ended it,
    or a scheduled run killed with its schedule, found when a schedule next starts) or "unfinished":
    still running, or killed before it could record its end."""
    last = run.errors[-1] if run.errors else ""
    if run.finished_at is None and not last.startswith(RUN_STOPPED):  # stopped: flows.schedule says so
        return "unfinished"
    if last.startswith(RUN_STOPPED):
        return "interrupted" if last == RUN_STOPPED + INTERRUPTED else "stopped"
    return "finished"


def failure_line(uri: str, error: str | None) -> str:
    """One line naming the report and why it failed, the report named once (fetch errors start with
    their URL, "empty file: PATH" ends with its path)."""
    if not error:
        return f"{uri}: failed"
    if error.startswith(uri):
        return error
    return f"{uri}: {error.removesuffix(f': {uri}')}"


# ("total", n) once, then ("report", Outcome) per report, ("relabel", (done, total)) while the end of the run
# labels every passage again (relabel_after_ingest), and ("finished", IngestSummary)
ProgressListener = Callable[[str, Any], None]
_listeners: list[ProgressListener] = []


class progress_listener:
    """Receive progress events of ingest runs in this process (the CLI's progress bar)."""

    def __init__(self, listener: ProgressListener) -> None:
        self.listener = listener

    def __enter__(self) -> None:
        _listeners.append(self.listener)

    def __exit__(self, *exc: object) -> None:
        _listeners.remove(self.listener)


def emit(event: str, value: Any) -> None:
    for listener in list(_listeners):
        listener(event, value)


def relabel_after_ingest(corpus: Corpus, cache_dir: Path | None) -> str | None:
    """flows.relabel.relabel_if_rules_changed, telling the run's listeners how far it is."""
    return relabel_if_rules_changed(corpus, cache_dir, lambda done, total: emit("relabel", (done, total)))


def registered_sources(corpus: Corpus) -> dict[str, RegisteredSource]:
    """The store's registered sources by name."""
    return {
        s.name: RegisteredSource(s.id, s.name, s.location, s.kind, s.password_env) for s in corpus.sources()
    }


def stored_report_urls(corpus: Corpus, remembered: Callable[[str], Remembered | None]) -> StoredReport:
    """Whether a URL's current report in the store is the one it served last (its sha256 `remembered`,
    flows.httpcache) and stored whole: a page read before, which resolution need not look at to tell it
    from a feed (flows.sources.resolve_sources). Not one that failed: resolution looks again at what it
    serves (a page that turned into a feed failed once, and is read as a feed the next run). Two
    look-ups, for URL SOURCEs only."""

    def stored(url: str) -> bool:
        memo = remembered(url)
        if memo is None:
            return False
        row = corpus.report_by_uri(url)
        if row is None or row.status == FAILED or row.sha256 != memo.sha256:
            return False
        return is_stored_complete(corpus, memo.sha256)

    return stored


def resolve_with_store(
    sources: list[str], corpus: Corpus, policy: FetchPolicy,
    remembered: Callable[[str], Remembered | None] | None = None, config: WorkerConfig | None = None,
) -> Resolution:
    """Files, folders, URLs, feeds and the store's registered names → the reports to ingest. With the
    run's `remembered` validators, a page read before is not fetched here, but read conditionally later.
    With the run's worker `config`, a feed or page `citsec ingest`'s plan fetched seconds ago for that
    pool (WorkerPool.prefetched) is taken from it instead of being downloaded again."""
    registered = registered_sources(corpus)
    stored = stored_report_urls(corpus, remembered or ValidatorCache(Settings.from_env().cache_dir).get)

    def fetch_once(url: str, client: httpx.Client) -> Fetched:
        planned = take_prefetched(url, config) if config is not None else None
        if isinstance(planned, FetchError):
            raise planned  # a feed that answered 404 seconds ago is not asked again
        return planned or fetch(url, policy, client=client)

    with make_client(policy) as client:
        return resolve_sources(
            sources, registered, functools.partial(fetch_once, client=client), policy=policy,
            stored_report=stored,
        )


def forget_fetch_failures(corpus: Corpus, uri: str) -> None:
    """Corpus.forget_fetch_failures for a URL read again; a store hiccup only leaves the row for the next
    run to remove (the report itself is stored, or unchanged, either way)."""
    from sqlalchemy.exc import SQLAlchemyError

    from corpus import CorpusError

    try:
        corpus.forget_fetch_failures(uri)
    except (CorpusError, SQLAlchemyError):
        log.warning("could not remove the failed fetch of %s from the store", uri, exc_info=True)


def store_or_fail(corpus: Corpus, outcome: Outcome) -> Outcome:
    """Store an outcome; a report the store refuses (bad data, not a hiccup) becomes a failed one."""
    from corpus import CorpusError
    from corpus.errors import store_trouble

    stored = stored_reading(corpus, outcome)
    if stored_before(corpus, outcome, stored):
        # Another file of this run (or a concurrent run) with the same bytes was stored first (or failed
        # first): a report is its sha256, so this one adds nothing, and a second run would call it
        # unchanged too.
        return replace(outcome, status=UNCHANGED, report=None, pages=0, error=None)
    if rereads(outcome, stored):
        outcome = replace(outcome, reread=True)
    if outcome.status == NEW and is_url(outcome.uri):
        # Before it is stored: the failed row of a fetch that failed (a dead link that answers now) is no
        # older version for the new report to replace.
        forget_fetch_failures(corpus, outcome.uri)
    try:
        report_id = store_outcome(corpus, outcome)
        if outcome.status == NEW:
            if report_id is None:  # a concurrent run stored these bytes first
                return replace(outcome, status=UNCHANGED, report=None, pages=0, error=None)
            replaced = corpus.versions_replaced(report_id)
            outcome = replace(
                outcome,
                labels_left=replaced.left,
                replaced=replaced.versions > 0 and not outcome.reread,
                labels_carried=replaced.carried,
            )
    except CorpusError as exc:
        if store_trouble(exc.__cause__):
            raise  # the store's trouble (transient, or a damaged file), not this report's: no failed row
        error = f"{outcome.uri}: not stored: {one_line(exc)}"
        failed = replace(outcome, status=FAILED, report=None, error=error)
        store_outcome(corpus, failed)
        return failed
    return outcome


class IngestRun:
    """An open ingest run: use as a context manager; the run row is finished even when a run fails."""

    def __init__(
        self,
        db_url: str | None = None,
        trigger: str = "cli",
        fetch_policy: FetchPolicy | None = None,
        settings: Settings | None = None,
    ) -> None:
        from corpus import Corpus

        check_stop()  # a Ctrl-C while Prefect was starting: no run to record
        self.started = time.perf_counter()
        self.settings = settings or Settings.from_env()
        self.policy = fetch_policy or FetchPolicy(user_agent=self.settings.user_agent)
        self.db_url = db_url or self.settings.db_url
        self.corpus = Corpus.open(self.db_url)
        self.cache = ValidatorCache(self.settings.cache_dir)
        self.config = WorkerConfig.for_run(self.settings, self.db_url, self.policy)
        began = head_start_began(self.config)
        self.summary = IngestSummary(run_id=self.corpus.start_ingest_run(trigger, began))
        # The unchanged reports' sha256 (one per report) and those this run failed on: summary.failed_before.
        self.unchanged: list[str] = []
        self.failed_now: list[str] = []

    def __enter__(self) -> IngestRun:
        return self

    def plan(self, resolution: Resolution, workers_here: bool = True) -> list[ReportRef]:
        """The reports that need a worker: unchanged local files are counted here and skipped, and
        remote ones get conditional-request validators when the store has the bytes they describe (the
        pool fetches those before it needs a worker: WorkerPool._read_first). With `workers_here` (not
        on Dask, whose workers read a source's password variable from their own environment), a report
        whose source's password variable is unset here is settled here too (known_outcome)."""
        check_stop()  # resolving fetches feeds: it can take a while
        for feed in resolution.feeds:  # read now: a failed row from a run that could not is stale
            forget_fetch_failures(self.corpus, feed)
        self.summary.errors.extend(resolution.errors)
        self.summary.unreadable += len(resolution.errors)
        self.summary.skipped.extend(resolution.skipped)
        emit("total", len(resolution.refs))
        is_known = functools.partial(is_stored_complete, self.corpus)
        todo = []
        for ref in plan_fetches(resolution.refs, self.cache.get, is_known):
            outcome = known_outcome(ref if workers_here else replace(ref, password_error=None), is_known)
            if outcome is None:
                todo.append(ref)
            else:  # a failure settled here (no password) is stored as a worker's would be
                self.record(store_or_fail(self.corpus, outcome) if outcome.status == FAILED else outcome)
        # Largest reports first: with a few workers, a big report handed out last would finish alone.
        todo.sort(key=size_hint, reverse=True)
        return todo

    def workers_for(self, workers: int | None, refs: list[ReportRef]) -> int:
        return max(1, min(workers or self.settings.workers, len(refs)))

    def jobs(self, refs: list[ReportRef]) -> list[Job]:
        """The refs as worker jobs: a password-protected source's PDF password is read by the worker from
        the variable its source names, so the value never travels with the job."""
        if not any(ref.password is not None or ref.password_error is not None for ref in refs):
            return [Job(ref) for ref in refs]
        by_id = {source.id: source for source in registered_sources(self.corpus).values()}
        return [Job.of(ref, by_id.get(ref.source_id) if ref.source_id is not None else None) for ref in refs]

    def record(self, outcome: Outcome) -> None:
        """Count a stored outcome and remember what its URL served (flows.httpcache): bytes that failed
        too, which the store holds as a failed report, so the next run asks for them conditionally and
        needs no worker to find them unchanged. A URL read again loses the failed rows of fetches that
        failed before (Corpus.forget_fetch_failures)."""
        if outcome.sha256 and is_url(outcome.uri):
            self.cache.put(outcome.uri, outcome.validators, outcome.sha256)
        if outcome.status == UNCHANGED and is_url(outcome.uri):
            # Read again: a failed row left by an outage no longer says anything about this URL (a new
            # report's went before it was stored: store_or_fail).
            forget_fetch_failures(self.corpus, outcome.uri)
        self.summary.add(outcome)
        if outcome.sha256 is not None and outcome.status in (UNCHANGED, FAILED):
            (self.unchanged if outcome.status == UNCHANGED else self.failed_now).append(outcome.sha256)
        if outcome.status != UNCHANGED:  # the run's row says what it stored, should it never finish
            self.corpus.count_ingest_run(self.summary.run_id, self.summary.counts())
        emit("report", outcome)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.cache.save()
            self.summary.seconds = time.perf_counter() - self.started
            if self.unchanged and exc is None:
                # A copy of bytes this run failed on failed now, not before.
                failed = self.corpus.failed_among(self.unchanged) - set(self.failed_now)
                self.summary.failed_before = sum(sha in failed for sha in self.unchanged)
            if exc is not None:
                # A Ctrl-C is "interrupted"; a SIGTERM (flows.interrupt.Terminated, or Prefect's
                # TerminationSignal) names its signal, as any other stop says why.
                ctrl_c = isinstance(exc, KeyboardInterrupt) and getattr(exc, "signal", None) is None
                why = INTERRUPTED if ctrl_c else stop_reason(exc)
                self.summary.errors.append(f"{RUN_STOPPED}{why}")
            self.corpus.finish_ingest_run(self.summary.run_id, self.summary.counts(), self.summary.errors)
        finally:
            self.corpus.close()
        emit("finished", self.summary)  # an interrupted run returns nothing: its listener learns it here


def size_hint(ref: ReportRef) -> float:
    """Bytes to process; remote reports (size unknown until fetched) go first, their fetch overlaps."""
    if ref.content is not None:
        return float(len(ref.content))
    if ref.path is not None:
        try:
            return float(Path(ref.path).stat().st_size)
        except OSError:
            return 0.0
    return float("inf")


def ingest_local(
    sources: list[str],
    db_url: str | None = None,
    workers: int | None = None,
    trigger: str = "cli",
    fetch_policy: FetchPolicy | None = None,
) -> IngestSummary:
    """The ingest flow's job without Prefect: same steps, same store, same run records."""
    with IngestRun(db_url, trigger, fetch_policy) as run:
        refs = run.plan(resolve_with_store(sources, run.corpus, run.policy, run.cache.get, run.config))
        for outcome in _process_all(run.jobs(refs), run.config, run.workers_for(workers, refs)):
            run.record(store_or_fail(run.corpus, outcome))
        run.summary.relabeled = relabel_after_ingest(run.corpus, run.settings.cache_dir)
    return run.summary


def _process_all(jobs: list[Job], config: WorkerConfig, workers: int) -> Iterator[Outcome]:
    """Each job's outcome as it completes, from `workers` worker processes."""
    if not jobs:
        close_pool()  # a pool started early for nothing
        return
    pool = open_pool(workers, config)
    try:
        for future in as_completed([pool.submit(job) for job in jobs]):
            check_stop()  # before the result: a report stopped by a Ctrl-C is not an outcome
            yield future.result()
    finally:
        close_pool()
