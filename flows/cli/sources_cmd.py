"""`citsec sources add|list|remove` (folders, URLs and feeds registered under a name) and `citsec
schedule` (ingest and retrain runs served on a Prefect server's schedule)."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from flows.cli.common import (
    FLAG,
    DbOption,
    FormatOption,
    OutputFormat,
    UserError,
    app,
    check_configured_prefect,
    err_console,
    out_console,
)
from flows.cli.ingest_cmd import check_resource_limits, check_sources_named, removed_if_left_empty
from flows.cli.output import emit, note
from flows.redaction import hide_passwords, rows_without_passwords

sources_app = typer.Typer(
    help="Register folders, URLs and feeds under a name that `citsec ingest NAME` pulls.",
    no_args_is_help=True,
)
app.add_typer(sources_app, name="sources")

class SourceKind(enum.StrEnum):
    auto = "auto"
    folder = "folder"
    url = "url"
    feed = "feed"


@sources_app.command("add")
def sources_add(
    name: Annotated[str, typer.Argument(help="A short name to ingest by.")],
    location: Annotated[str, typer.Argument(help="A folder, a file, an http(s) URL or a feed URL.")],
    kind: Annotated[
        SourceKind,
        typer.Option("--kind", help="What LOCATION is (auto: guessed from it).", case_sensitive=False),
    ] = SourceKind.auto,
    password_env: Annotated[
        str | None,
        typer.Option(
            "--password-env",
            metavar="VAR",
            help="The environment variable holding the password of this source's encrypted PDFs "
            "(read when ingest runs; the password itself is never stored).",
        ),
    ] = None,
    db: DbOption = None,  # type: ignore[assignment]
) -> None:
    """Register a source.

    Example: citsec sources add unodc https://www.unodc.org/feeds/publications.xml --kind feed

    Example: citsec sources add ministry ./encrypted --password-env MINISTRY_PDF_PASSWORD
    """
    from corpus import Corpus
    from flows.sources import guess_kind, is_url, unsupported_scheme

    if not location.strip():
        # As a path, "" is the current folder: an unset shell variable must not register it.
        raise UserError("LOCATION is empty (an unset shell variable?): give a folder, file or http(s) URL")
    scheme = unsupported_scheme(location)
    if scheme:
        raise UserError(f"unsupported URL scheme {scheme!r} in {location} (citsec fetches http and https)")
    if is_url(location) and kind is SourceKind.folder:
        raise UserError(f"--kind folder needs a local folder or file, not the URL {location}")
    if not is_url(location) and kind in (SourceKind.url, SourceKind.feed):
        raise UserError(f"--kind {kind} needs an http(s) URL, not {location}")
    if "://" not in location:
        path = Path(location).expanduser()
        if not path.exists():
            raise UserError(f"no such file or folder: {location}")
        location = str(path.resolve())
    stored_kind = guess_kind(location) if kind is SourceKind.auto and "://" not in location else kind.value
    stored_kind = "folder" if stored_kind == "file" else stored_kind
    with Corpus.open(db) as corpus:
        row = corpus.add_source(name, location, stored_kind, password_env=password_env)
    password = f" (PDF password from ${row.password_env})" if row.password_env else ""
    said = f"added source {row.name} ({row.kind}): {hide_passwords(row.location)}{password}"
    out_console.print(said, highlight=False)


SOURCE_FIELDS = ("name", "kind", "location", "password_env", "created_at")


@sources_app.command("list")
def sources_list(
    db: DbOption = None,  # type: ignore[assignment]
    fmt: FormatOption = OutputFormat.table,
    as_json: Annotated[
        bool, typer.Option("--json", metavar=FLAG, hidden=True, help="Same as --format jsonl.")
    ] = False,
) -> None:
    """List registered sources: name, kind, location, the variable holding a source's PDF password (its
    name, never its value) and when it was added.

    Example: citsec sources list --format json
    """
    from corpus import Corpus

    with Corpus.open(db, must_exist=True) as corpus:
        rows = [
            {"name": row.name, "kind": row.kind, "location": row.location, "password_env": row.password_env,
             "created_at": row.created_at.isoformat()}
            for row in corpus.sources()
        ]
    fmt = OutputFormat.jsonl if as_json else fmt
    if not rows and fmt is OutputFormat.table:
        note("no sources registered: add one with `citsec sources add NAME LOCATION`")
        return
    # A feed behind basic authentication shows as "https://ana:***@host/feed.xml" (flows.redaction).
    shown = ("name", "kind", "location", "password_env")
    emit(rows_without_passwords(rows), fmt, SOURCE_FIELDS, table_columns=shown)


@sources_app.command("remove")
def sources_remove(
    name: Annotated[str, typer.Argument(help="The name given to `sources add`.")],
    db: DbOption = None,  # type: ignore[assignment]
) -> None:
    """Forget a source (reports already ingested from it stay).

    Example: citsec sources remove unodc
    """
    from corpus import Corpus

    with Corpus.open(db, must_exist=True) as corpus:
        corpus.remove_source(name)
    out_console.print(f"removed source {name}", highlight=False)


@app.command("schedule")
def schedule_command(
    sources: Annotated[list[str] | None, typer.Argument(help="What to ingest on each run.")] = None,
    cron: Annotated[str | None, typer.Option("--cron", help="Ingest on this cron schedule.")] = None,
    interval: Annotated[
        float | None, typer.Option("--interval", help="Ingest every SECONDS seconds.")
    ] = None,
    retrain_cron: Annotated[
        str | None, typer.Option("--retrain-cron", help="Also retrain the classifier on this cron schedule.")
    ] = None,
    workers: Annotated[int | None, typer.Option("--workers", "-w", min=1, help="Worker processes.")] = None,
    retrain_augment: Annotated[
        bool,
        typer.Option(
            "--retrain-augment", metavar=FLAG,
            help="Scheduled retrains use feature augmentation, as `citsec retrain --augment` (else a "
            "scheduled retrain would replace an augmented model with a plain one).",
        ),
    ] = False,
    db: DbOption = None,  # type: ignore[assignment]
) -> None:
    """Serve scheduled ingest (and retrain) runs against the Prefect server in PREFECT_API_URL.

    Example: PREFECT_API_URL=http://127.0.0.1:4200/api citsec schedule corpus/samples --interval 3600
    """
    from flows.prefect_env import quiet_prefect
    from flows.schedule import ScheduleError, ScheduleSpec, absolute_db_url, absolute_sources, check_spec
    from flows.settings import Settings, password_to_environment

    quiet_prefect("WARNING")
    check_sources_named(sources or [])
    check_resource_limits()
    spec = ScheduleSpec(
        sources=tuple(absolute_sources(sources or [])),
        # The deployments' parameters are stored on the Prefect server, for its UI to show: the password
        # goes to the served runs through PGPASSWORD, which they inherit.
        db_url=password_to_environment(absolute_db_url(db)),
        cron=cron,
        interval=interval,
        retrain_cron=retrain_cron,
        workers=workers,
        retrain_augment=retrain_augment,
    )
    api_url = Settings.from_env().prefect_api_url
    try:
        # Everything is checked before the store is opened: a schedule that cannot be served (no Prefect
        # server, a mistyped source) must not create a store at a mistyped --db.
        registered = registered_names(db)
        check_spec(spec, api_url, registered)
    except ScheduleError as exc:
        raise UserError(str(exc)) from None
    check_configured_prefect()  # schedules need that server: nothing to do instead
    from flows.schedule import serve_schedules

    # The store is created now, if it is new, so that a --db no run could write fails here in one line;
    # and it goes again if serving fails before any run stored a thing.
    with removed_if_left_empty(db):
        from corpus import Corpus

        with Corpus.open(db) as corpus:
            corpus.check_writable()  # a store open read-only, or a role that may only read
        try:
            serve_schedules(
                spec, api_url, registered,
                say=lambda line: err_console.print(line, highlight=False, soft_wrap=True),
            )
        except ScheduleError as exc:
            raise UserError(str(exc)) from None
        # Prefect's serve returns when it is stopped (it handles Ctrl-C and SIGTERM itself, stopping the runs
        # it started): how a served schedule ends, not a failure.
        err_console.print("stopped serving citsec schedules", highlight=False)


def registered_names(db: str) -> set[str]:
    """The names of the store's registered sources, without creating a store that is not there (it has
    none): a command that only checks its arguments against them leaves no new store behind."""
    from corpus import Corpus
    from corpus.engine import missing_sqlite_file

    if missing_sqlite_file(db) is not None:
        return set()
    with Corpus.open(db) as corpus:
        return {row.name for row in corpus.sources()}
