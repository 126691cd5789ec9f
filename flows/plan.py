"""What `citsec ingest` finds before it starts anything: which reports need work.

Hashing local files, asking a server whether a report it served changed, reading a feed and its landing
pages: milliseconds to a second. Starting Prefect's API or a worker host, which loads spaCy and the model:
seconds. So the command plans first (`plan_local`), with one short try per fetch; when every report is
stored whole already it runs without either, and otherwise it hands the run what the plan found: the
reports to begin while Prefect starts (LocalPlan.head_start), the URLs found unchanged
(WorkerPool.already_read) and the feeds and pages fetched (WorkerPool.prefetched), so nothing is asked
twice. The run resolves and records everything itself: a plan only spares work, it settles nothing.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from flows.fetch import Fetched, FetchError, FetchGaveUp, FetchPolicy, FetchPutOff, fetch, make_client
from flows.httpcache import ValidatorCache
from flows.pipeline import (
    UNCHANGED,
    Outcome,
    WorkerContext,
    failed_last_time,
    is_stored_complete,
    known_outcome,
    may_be_unchanged,
    one_line,
    plan_fetches,
    read_report,
    unread,
)
from flows.run import registered_sources, size_hint, stored_report_urls
from flows.settings import Settings
from flows.sources import ReportRef, resolve_sources
from flows.workers import Job

if TYPE_CHECKING:

    import httpx

    from corpus import Corpus

# How long the plan waits on a server for each fetch: one that does not answer holds the command up this
# long (once), not the run's 30 s, before the run tries it again with its own policy's retries.
PLAN_TIMEOUT = 5.0


class _Unsettled(Exception):
    """A fetch the plan could not make (no answer in its one short try): the run must resolve that source
    with its own retries, so the plan stops there."""


class _PlanFetches:
    """The fetcher the plan resolves feeds and new pages with, remembering what it fetched (the run then
    does not download it again: WorkerPool.prefetched). A fetch that gave up ends the plan (_Unsettled);
    one that failed for good (a 404, a refused address, a server asking to be asked in an hour) is a
    failed report, as in the run, and is remembered too: the run takes the failure rather than ask a dead
    feed a second time."""

    def __init__(self, policy: FetchPolicy) -> None:
        self.policy = policy
        self.fetched: dict[str, Fetched | FetchError] = {}
        self._client: httpx.Client | None = None

    def __call__(self, url: str) -> Fetched:
        if self._client is None:  # most plans (folders, PDF links) fetch nothing here
            self._client = make_client(self.policy)
        try:
            fetched = fetch(url, self.policy, client=self._client)
        except FetchError as exc:
            if isinstance(exc, FetchGaveUp) and not isinstance(exc, FetchPutOff):
                raise _Unsettled(str(exc)) from None  # the run's retries may get it
            self.fetched[url] = exc  # failed for good, or put off as the run would be: the run takes it
            raise
        self.fetched[url] = fetched
        return fetched

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


@dataclass(frozen=True)
class LocalPlan:
    """What a run over `sources` would find, read before any worker or Prefect starts: how many reports
    the sources resolved to, the sources that resolved to nothing (one line each), the reports not yet
    stored whole, largest first (a changed remote one, or a page fetched to resolve a feed, holding its
    bytes), the outcomes of the URLs it asked and found unchanged, or still dead, which the run takes
    instead of asking again (WorkerPool.already_read), and the feeds and pages it fetched, or failed to
    for good, by URL (which the run resolves from: WorkerPool.prefetched)."""

    resolved: int
    errors: list[str]
    todo: list[ReportRef]
    read_urls: list[Outcome] = field(default_factory=list)
    fetched: dict[str, Fetched | FetchError] = field(default_factory=dict)

    @property
    def nothing_to_process(self) -> bool:
        """No report needs a worker: every one is stored whole already, or could not be fetched (the run
        records it as failed without one; a link dead last time and still dead, too). A run needs neither
        a worker nor Prefect (issue 9: a re-ingest of an unchanged folder within 10% of the first; the
        same for a URL whose server answers 304 or sends the bytes stored, and for an unchanged feed)."""
        # A source that resolved to nothing (a mistyped path) is reported by the local run just as well.
        return self.resolved > 0 and not self.todo

    def head_start(self) -> list[Job]:
        """The local files (and the changed remote reports, fetched already) a run will hand its workers,
        except those that need a PDF password: `citsec ingest` starts them before Prefect has started its
        API, and the flow's process-report tasks then collect the results already under way
        (WorkerPool.head_start)."""
        return [
            Job(ref)
            for ref in self.todo
            if (ref.path is not None or ref.content is not None) and ref.error is None
            and ref.password is None and ref.password_error is None
        ]


def plan_local(sources: list[str], db_url: str | None = None) -> LocalPlan | None:
    """The LocalPlan of `sources` (files, folders, registered sources, links to PDFs, pages the store holds
    as read before, feeds, new pages). Feeds and pages not read before are fetched to be resolved, and a
    link whose last bytes the store holds is fetched once (a conditional GET) to tell whether it changed:
    one short attempt each. None when a fetch to resolve a source gave up (no answer, a 5xx): the run
    resolves it with its own policy's retries, rather than the plan calling it nothing to ingest."""
    from corpus import Corpus

    settings = Settings.from_env()
    remembered = ValidatorCache(settings.cache_dir).get
    # One short attempt: what it does not settle, the run fetches again, with the policy's retries.
    policy = replace(
        FetchPolicy(user_agent=settings.user_agent), attempts=1, timeout=PLAN_TIMEOUT, deadline=60.0
    )
    fetches = _PlanFetches(policy)
    try:
        with Corpus.open(db_url or settings.db_url) as corpus:
            resolution = resolve_sources(
                sources, registered_sources(corpus), fetches, policy=policy,
                stored_report=stored_report_urls(corpus, remembered),
            )  # fmt: skip
            is_known = functools.partial(is_stored_complete, corpus)
            refs = plan_fetches(resolution.refs, remembered, is_known)
            ctx = WorkerContext(is_known=is_known, policy=policy)
            dead_links = _DeadLinks(corpus)
            todo, read_urls = [], []
            try:
                for ref in refs:
                    left = _left_to_do(ref, ctx, dead_links)
                    if isinstance(left, Outcome):
                        read_urls.append(left)
                    elif left is not None:
                        todo.append(left)
            finally:
                if ctx.client is not None:
                    ctx.client.close()
    except _Unsettled:
        return None
    finally:
        fetches.close()
    todo.sort(key=size_hint, reverse=True)
    return LocalPlan(len(resolution.refs), list(resolution.errors), todo, read_urls, fetches.fetched)


def _left_to_do(
    ref: ReportRef, ctx: WorkerContext, dead_links: _DeadLinks
) -> ReportRef | Outcome | None:
    """What a report comes to before any worker: None when the run will settle it without one (a file or
    a fetched page stored whole already, or blank; a link resolution could not fetch, which the run
    records as failed), the UNCHANGED outcome of a stored URL whose server said so (or sent the bytes
    stored), the FAILED outcome of a link that could not be fetched last time and still cannot, else the
    ref for the run (holding its bytes when a changed remote report's were fetched to tell, or a dead
    link's now that it answers; a URL the plan could not read, which the run reads again with its own
    policy's retries)."""
    if ref.error is not None:
        return None
    if ref.path is not None or ref.content is not None:
        return None if known_outcome(ref, ctx.is_known) is not None else ref
    if not may_be_unchanged(ref):
        return dead_links.ask(ref, ctx) if dead_links.failed_before(ref) else ref
    read = read_report(ref, ctx)
    if isinstance(read, Outcome):
        return read if read.status == UNCHANGED else ref  # a failure is the run's to record
    return read


class _DeadLinks:
    """Links whose last fetch failed (a feed's dead link: no bytes stored to ask about conditionally),
    which the plan fetches once more itself rather than start a worker host to find them still dead."""

    def __init__(self, corpus: Corpus) -> None:
        self._corpus = corpus
        self._no_answer = False  # one link gave no answer in the plan's short try: leave the rest to the run

    def failed_before(self, ref: ReportRef) -> bool:
        """Whether the store's current report from the ref's URL is a failure (pipeline.failed_last_time),
        while no dead link has left the plan without an answer."""
        if ref.url is None or self._no_answer:
            return False
        return failed_last_time(self._corpus, ref.url) is not None

    def ask(self, ref: ReportRef, ctx: WorkerContext) -> ReportRef | Outcome:
        """Still failing (a 404, a 500 again, a refused connection), the run's failed outcome without a
        worker (the next run asks again); answering now, the ref holding its bytes (or their UNCHANGED
        outcome, when they are stored whole from another URL); no answer in the plan's short try, or a
        server asking for time (429, Retry-After), the ref for the run to fetch with its retries, as every
        dead link after it (each would hold the command up as long, or ask the same server again)."""
        assert ref.url is not None
        try:
            fetched = fetch(ref.url, ctx.policy, client=ctx.http())
        except FetchGaveUp as exc:
            if not exc.wait_helps:
                return unread(ref, one_line(exc))
            self._no_answer = True
            return ref
        except FetchError as exc:
            return unread(ref, one_line(exc))
        answered = replace(ref, content=fetched.content, validators=fetched.validators)
        return known_outcome(answered, ctx.is_known) or answered
