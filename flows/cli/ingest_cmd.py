"""`citsec ingest`: the ingest flow from the command line (`sources` and `schedule`: sources_cmd.py)."""

from __future__ import annotations

import contextlib
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from flows.cli.common import (
    DbOption,
    Interrupted,
    NoPrefectOption,
    UserError,
    app,
    check_configured_prefect,
    err_console,
    flagged,
    out_console,
    recorded_in_api,
    stderr_progress,
)
from flows.cli.output import note

if TYPE_CHECKING:
    from flows.plan import LocalPlan
    from flows.run import IngestSummary
    from flows.settings import Settings

NO_API_HINT = "set PREFECT_API_URL to a running Prefect server, or use --no-prefect"


@app.command("ingest")
def ingest_command(
    sources: Annotated[
        list[str],
        typer.Argument(help="Files, folders (recursive), http(s) URLs, RSS/Atom feeds or registered names."),
    ],
    db: DbOption = None,  # type: ignore[assignment]
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", min=1, help="Worker processes (default: number of cores)."),
    ] = None,
    dask_address: Annotated[
        str | None,
        typer.Option("--dask-address", help="Run reports on this Dask scheduler (tcp://host:8786)."),
    ] = None,
    no_prefect: NoPrefectOption = False,
) -> None:
    """Ingest reports: fetch, extract, tag, classify and store them; unchanged reports are skipped.

    Example: citsec ingest corpus/samples https://example.org/feed.xml --workers 4
    """
    started = time.perf_counter()
    check_sources_named(sources)
    check_resource_limits()
    with removed_if_left_empty(db):
        _ingest(sources, db, workers, dask_address, no_prefect, started)


@contextlib.contextmanager
def removed_if_left_empty(db: str) -> Iterator[None]:
    """Around an ingest that may create its SQLite store: when the command fails (a typo'd path, Ctrl-C,
    an unreachable scheduler) before storing any report, failed ones included, the file it created goes
    again, so that `citsec ingest typo.pdf` leaves no empty citsec.db behind."""
    from corpus.engine import missing_sqlite_file

    created = missing_sqlite_file(db)
    try:
        yield
    except BaseException:
        if created is not None:
            _remove_empty_store(db, Path(created).expanduser())
        raise


def _remove_empty_store(db: str, path: Path) -> None:
    """Remove the store at `path` unless it holds anything a person or another command put there: a report
    (failed ones too), a source, a label, a model other than the built-in one (which ingest registers by
    itself). A file with no schema yet (a Ctrl-C during its first migration) is empty."""
    from corpus import Corpus, CorpusError

    if not path.exists():
        return
    try:
        with Corpus.open(db, must_exist=True) as corpus:
            if (
                next(corpus.reports(include_superseded=True), None) is not None
                or corpus.sources()
                or corpus.count_labels()
                or any(not row.version.startswith("seed-") for row in corpus.model_versions())
            ):
                return
    except CorpusError:
        if path.stat().st_size and _has_tables(path):
            return  # not a store this command made: leave it
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)


def _has_tables(path: Path) -> bool:
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    except sqlite3.Error:
        return True  # unreadable: not ours to remove


def _ingest(
    sources: list[str], db: str, workers: int | None, dask_address: str | None, no_prefect: bool,
    started: float,
) -> None:
    from corpus import Corpus
    from flows.settings import password_to_environment

    with Corpus.open(db) as corpus:  # a bad --db is a one-line error here, before Prefect starts
        corpus.check_writable()  # and so is a store open read-only, or a role that may only read
        note_shadowed_paths(sources, {row.name: row.location for row in corpus.sources()})
    db = password_to_environment(db)  # Prefect records the run's parameters: never the password
    if no_prefect and dask_address:
        raise UserError("--dask-address runs through Prefect's Dask task runner; drop --no-prefect")
    from flows.interrupt import stop_on_interrupt
    from flows.plan import plan_local
    from flows.settings import Settings

    settings = Settings.from_env()
    own_api = settings.prefect_api_url is None
    if dask_address and own_api and not is_loopback(dask_address):
        # The run's own temporary API listens on this machine's loopback only: task runs on other machines
        # could not record themselves in it.
        raise UserError(
            f"the Dask workers at {dask_address} need a Prefect server they can reach: start one "
            "(prefect server start) and set PREFECT_API_URL to it here and on the workers"
        )
    if dask_address:
        from flows.dask_scheduler import SchedulerUnreachable, check_scheduler

        try:
            check_scheduler(dask_address)  # before Prefect's start-up: a typo fails in milliseconds
        except SchedulerUnreachable as exc:
            raise UserError(str(exc)) from None
    if not no_prefect:
        check_configured_prefect(
            "unset PREFECT_API_URL to record the run in a temporary API, or use --no-prefect"
        )
    # A run that would only find unchanged local reports needs neither workers nor Prefect's API start-up
    # (seconds); it is recorded in the store as any run. With a real Prefect server configured, it still
    # goes through Prefect so the server's run history stays complete.
    local = plan_local(sources, db) if dask_address is None else None
    if local is not None and local.resolved == 0 and local.errors:
        raise UserError("nothing to ingest: " + "; ".join(local.errors))  # before any start-up cost
    progress = _progress()
    try:
        with stop_on_interrupt(progress.stopping):
            summary = _run(sources, db, workers, dask_address, no_prefect, local, progress, settings)
    except BaseException as exc:  # Prefect's TerminationSignal is no Exception
        # Raised here, after the workers and the API have stopped, so that its line is the last one. A
        # SIGTERM comes as flows.interrupt.Terminated, or as Prefect's TerminationSignal inside its flow.
        signum = getattr(exc, "signal", None)
        if signum is not None:
            from flows.run import stop_reason  # "terminated (SIGTERM)", as the run records it

            raise Interrupted(interrupted_line(progress.finished, stop_reason(exc)), 128 + signum) from None
        if isinstance(exc, KeyboardInterrupt):
            raise Interrupted(interrupted_line(progress.finished)) from None
        raise

    if summary.relabeled:  # done even when nothing was ingested
        note(summary.relabeled)
    if summary.reports == 0 and summary.errors:
        raise UserError("nothing to ingest: " + "; ".join(summary.errors))
    for error in summary.errors:
        err_console.print(flagged("failed:", "yellow", error), highlight=False, soft_wrap=True)
    for line in summary.empty:  # stored and counted as new, but with nothing to query
        err_console.print(flagged("no text:", "yellow", line), highlight=False, soft_wrap=True)
    if summary.replaced:
        note(replaced_note(summary.replaced, summary.labels_carried))
    if summary.labels_left:
        count = summary.labels_left
        note(f"note: {count} labeled passage{'s' if count != 1 else ''} of older versions read differently "
             "now; their labels stay with the older version (`citsec label export` lists them)")
    if summary.skipped:
        note(skipped_note(summary.skipped))
    if summary.failed_before:
        count = summary.failed_before
        were = "was" if count == 1 else "were"
        note(f"note: {count} of the unchanged reports failed before and {were} not tried again: a report is "
             "read again when its bytes change or a newer citsec reads reports differently (`citsec reports` "
             "says why each failed)")  # fmt: skip
    _print_summary(summary, time.perf_counter() - started)
    if summary.sources_without_report:
        # The readable sources were ingested; a script must still learn that one it named was not.
        raise typer.Exit(1)


def _run(
    sources: list[str],
    db: str,
    workers: int | None,
    dask_address: str | None,
    no_prefect: bool,
    local: LocalPlan | None,
    progress: _progress,
    settings: Settings,
) -> IngestSummary:
    """The run, with its temporary Prefect API and its worker pool, both stopped when it ends however it
    ends."""
    from flows.prefect_env import quiet_prefect
    from flows.run import ingest_local, progress_listener

    own_api = settings.prefect_api_url is None
    nothing_to_process = local is not None and local.nothing_to_process
    # With nothing to process, the run needs Prefect only to keep a configured server's history complete.
    use_prefect = not (no_prefect or (own_api and nothing_to_process))
    with contextlib.ExitStack() as stack:
        api = None
        if use_prefect:
            quiet_prefect()
            if own_api:
                from flows.prefect_api import TemporaryApi

                # Boots on one core while the worker host loads on the other.
                api = stack.enter_context(TemporaryApi.start())
        if dask_address is None:
            from flows.workers import close_pool

            stack.callback(close_pool)  # before the API stops: exits run last in, first out
            _open_run_pool(local, workers or settings.workers, settings, db)
        with progress, progress_listener(progress.update):
            if not use_prefect:
                summary = ingest_local(sources, db_url=db, workers=workers)
            else:
                from flows.dask_scheduler import SchedulerUnreachable
                from flows.ingest import run_ingest

                try:
                    with recorded_in_api(api, NO_API_HINT):
                        summary = run_ingest(sources, db_url=db, workers=workers, dask_address=dask_address)
                except SchedulerUnreachable as exc:
                    raise UserError(str(exc)) from None
    return summary


def _open_run_pool(local: LocalPlan | None, workers: int, settings: Settings, db: str) -> None:
    """Open the run's worker pool (the run adopts it) and hand it what the plan found: the URLs it found
    unchanged (or dead, as last time), which the run does not ask again. When the plan left work, the host
    starts now, loading the model while Prefect starts, and so do the local reports; a plan with nothing
    to process starts no process, even for a run through a configured Prefect server. Without a plan (a
    feed or page the plan could not fetch: the run tries again, after Prefect's start-up) the host starts
    now too: waiting to learn whether it is needed would add its load to every run with work. The feeds
    and pages the plan fetched go to the run's resolution, which does not download them again."""
    from flows.workers import WorkerConfig, open_pool

    pool = open_pool(workers, WorkerConfig.for_run(settings, db))
    if local is not None:
        pool.already_read(local.read_urls)
        pool.prefetched(local.fetched)
        if local.nothing_to_process:
            return
    pool.start()
    if local is not None:
        pool.head_start(local.head_start())


def replaced_note(replaced: int, carried: int) -> str:
    """What ingest says of new reports that are changed versions of reports stored before (they count in
    `new`), and of the labels that came over to them from the old versions."""
    which = "1 of the new reports replaces an older version" if replaced == 1 else (
        f"{replaced} of the new reports replace older versions"
    )
    labels = ""
    if carried:
        labels = (
            f"; {_count(carried, 'label')} of the older passages came over to passages with the same or "
            "nearly the same words"
        )
    return f"note: {which} at the same path or URL (`citsec reports --all` lists both){labels}"


def interrupted_line(summary: IngestSummary | None, said: str = "interrupted") -> str:
    """What an interrupted ingest tells the user: what it had stored, and that running it again goes on."""
    if summary is None or summary.reports == 0:
        return f"{said} before any report was stored"
    reread = f", {summary.reread} read again" if summary.reread else ""
    done = (
        f"{summary.new} new{reread} ({summary.passages} passages), {summary.unchanged} unchanged, "
        f"{summary.failed} failed"
    )
    return f"{said} after {done}; the same command again skips those and ingests the rest"


def is_loopback(address: str) -> bool:
    """Whether a Dask scheduler address (tcp://host:port, host:port, inproc://...) is on this machine."""
    import ipaddress
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme == "inproc":
        return True
    host = parts.hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_sources_named(sources: list[str]) -> None:
    """An empty SOURCE (an unset shell variable: `citsec ingest "$DIR"`) is a one-line user error: as a
    path it would be the current folder, ingested recursively."""
    for position, source in enumerate(sources, start=1):
        if not source.strip():
            which = f"SOURCE {position} of {len(sources)}" if len(sources) > 1 else "SOURCE"
            raise UserError(
                f"{which} is empty (an unset shell variable?): "
                "give a file, folder, http(s) URL, feed or registered source name"
            )


def note_shadowed_paths(sources: list[str], registered: dict[str, str]) -> None:
    """A SOURCE that is a registered name is that source, even where a file or folder here has the same
    name; say so, and how to name the local one, rather than ingest something else without a word."""

    for source in sources:
        if source in registered and Path(source).exists() and not _same_place(source, registered[source]):
            note(f"note: {source} is the registered source {source} ({registered[source]}), not the "
                 f"{'folder' if Path(source).is_dir() else 'file'} here; write ./{source} for that")


def skipped_note(paths: list[str]) -> str:
    """'note: 3 files in the folders were not read (not PDF, HTML or .txt/.md text: .csv, .docx)': inside
    a folder, text counts only with a text suffix (code, data and logs are skipped; named alone, read)."""
    kinds = ", ".join(sorted({Path(path).suffix.lower() or "no extension" for path in paths}))
    files, were = _count(len(paths), "file"), "was" if len(paths) == 1 else "were"
    return f"note: {files} in the folders {were} not read (not PDF, HTML or .txt/.md text: {kinds})"


def _same_place(path: str, location: str) -> bool:
    """Whether a registered source's location is the file or folder `path` names (then it says nothing)."""
    if "://" in location:
        return False
    try:
        return Path(path).resolve() == Path(location).expanduser().resolve()
    except OSError:
        return False


def check_resource_limits() -> None:
    """A bad CITSEC_FILE_SECONDS, CITSEC_FILE_MEMORY_MB or CITSEC_MAX_PAGES is a one-line user error
    now, not a traceback from the first worker that reads them."""
    from flows.limits import ResourceLimits

    try:
        ResourceLimits.from_env()
    except ValueError as exc:
        raise UserError(f"{exc} (check the environment variable)") from None


def _print_summary(summary: IngestSummary, seconds: float) -> None:
    """The DESIGN.md summary; `seconds` is the command's wall time, start-up included (the run's own time,
    from its first report to its end, is kept in the store's ingest_runs)."""
    rows = [
        ("new", summary.new),
        # Only when there are some: after an upgrade of citsec whose extractors read reports differently.
        *([("reread", summary.reread)] if summary.reread else []),
        ("unchanged", summary.unchanged),
        ("failed", summary.failed + summary.unreadable),  # one per "failed:" line
        ("passages", summary.passages),
        ("seconds", f"{seconds:.1f}"),
    ]
    for name, value in rows:
        out_console.print(f"{name:<10} {value}", highlight=False)


class _progress:
    """A Rich progress bar on stderr fed by the flow's progress events (reports done, pages read)."""

    finished: IngestSummary | None = None  # the run's summary once it ended, interrupted or not

    def __enter__(self) -> _progress:
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn

        self.pages = self.done = 0
        self.total: int | None = None
        self.relabel_task: Any = None
        self.bar = stderr_progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[unit]}"),
            TimeElapsedColumn(),
        )
        self.bar.start()
        self.task = self.bar.add_task("ingest", total=None, unit="reports · 0 pages")
        return self

    def update(self, event: str, value: Any) -> None:
        if event == "total":
            self.total = value
            self.bar.update(self.task, total=value)
        elif event == "report":
            self.pages += value.pages
            self.done += 1
            self.bar.update(self.task, advance=1, unit=f"reports · {self.pages} pages")
            if not err_console.is_terminal:
                self._log(value)
        elif event == "relabel":
            self._relabel(*value)
        elif event == "finished":
            self.finished = value

    def _log(self, outcome: Any) -> None:
        """Where there is no bar to draw (stderr to a file, a cron job's mail), a line per report that took
        work: a long run shows it is moving. Failed reports have their own "failed:" line at the end, and
        unchanged ones took none."""
        from flows.pipeline import FAILED

        if outcome.report is None or outcome.status == FAILED:
            return
        of = f"/{self.total}" if self.total else ""
        kind = "read again" if outcome.reread else outcome.status
        passages = len(outcome.report.passages)
        err_console.print(
            f"ingest {self.done}{of}: {kind} {outcome.uri} ({_count(outcome.pages, 'page')}, "
            f"{_count(passages, 'passage')})",
            highlight=False, soft_wrap=True,
        )  # fmt: skip

    def _relabel(self, done: int, total: int) -> None:
        """The end of a run labeling every stored passage again (older labeling rules): a bar of its own,
        or one line where no bar is drawn, since on a large store it takes minutes."""
        if self.relabel_task is None:
            unit = "passages (older labeling rules)"
            self.relabel_task = self.bar.add_task("relabel", total=total, unit=unit)
            if total and not err_console.is_terminal:
                err_console.print(
                    f"ingest: the store's labels were given by older labeling rules: labeling its "
                    f"{_count(total, 'passage')} again",
                    highlight=False, soft_wrap=True,
                )  # fmt: skip
        self.bar.update(self.relabel_task, completed=done)

    def stopping(self) -> None:
        """A first Ctrl-C or SIGTERM: say what happens now, and how not to wait for it."""
        from flows.interrupt import stop_signal

        terminated = stop_signal() == signal.SIGTERM
        said = "stopping (SIGTERM)" if terminated else "stopping"
        if self.total is None:  # still finding the reports, or starting Prefect's API
            said += " before any report was read"
        elif self.done < self.total:
            said += ": the reports under way are dropped"
        if not terminated:
            said += " (Ctrl-C again to quit at once)"
        err_console.print(said)

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
