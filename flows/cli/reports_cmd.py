"""`citsec reports`: the stored reports, listed, and dated by hand (`citsec reports date`)."""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING, Annotated, Any

import typer

from flows.cli.common import (
    FLAG,
    DbOption,
    FormatOption,
    OutputFormat,
    UserError,
    annotator_option,
    app,
    default_annotator,
    out_console,
)
from flows.cli.output import TABLE_DEFAULT_ROWS, emit, note_if_empty
from flows.cli.query_cmd import WIDTHS, table_rows
from flows.redaction import rows_without_passwords

if TYPE_CHECKING:
    from corpus import ReportRow

reports_app = typer.Typer(
    help="List stored reports: status (ok, empty, failed), pages, passages, and why anything failed.",
)
app.add_typer(reports_app, name="reports")

REPORT_FIELDS = (
    "id", "uri", "title", "language", "pages", "passages", "status", "error", "warnings", "sha256",
    "published", "ingested_at",
)  # fmt: skip
REPORT_TABLE = ("id", "title", "file", "language", "pages", "passages", "status", "published", "error")


def _report_cells(report: ReportRow) -> dict[str, Any]:
    """A report's table row: its file, its error without the URL a fetch error starts with (the row names
    it, and the 60 columns went to the URL and cut the reason off), for an older version (listed under
    --all) the id of the report that replaced it, and who set its date by hand. JSON keeps the contract's
    fields as stored."""
    row = report.to_json() | {"file": _file_name(report.uri)}
    if row["error"]:
        row["error"] = _without_uri(row["error"], report.uri)
    if report.superseded_by is not None:
        row["status"] = f"{row['status']} (replaced by {report.superseded_by})"
    if report.date_set is not None:
        row["published"] = f"{row['published']} (set by {report.date_set.by or 'hand'})"
    return row


def _without_uri(error: str, uri: str) -> str:
    """A fetch error without the URI it starts with, also when the store cut a long one in the middle
    (corpus.report_rows.one_line: "https://host/sta … ng/end.pdf: HTTP 404 Not Found")."""
    from corpus.report_rows import ERROR_CUT

    if error.startswith(f"{uri}: "):
        return error[len(uri) + 2 :]
    head, cut, tail = error.partition(ERROR_CUT)
    end_of_uri, colon, reason = tail.partition(": ")
    if cut and colon and uri.startswith(head) and uri.endswith(end_of_uri):
        return reason
    return error


def _file_name(uri: str) -> str:
    """What tells reports apart in a table (nine UNODC reports share one title): the file name in their
    uri, else the uri. A link to a script rather than to a document file keeps its query, which names
    the report (download.php?id=1 and ?id=2 are two); a document's query (a signed link's) does not."""
    from pathlib import PurePosixPath
    from urllib.parse import unquote, urlsplit

    from flows.sources import REPORT_SUFFIXES, TEXT_SUFFIXES

    parts = urlsplit(uri)
    name = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
    if parts.query and PurePosixPath(name).suffix.lower() not in REPORT_SUFFIXES | TEXT_SUFFIXES:
        name = f"{name}?{unquote(parts.query)}"
    return name or uri


@reports_app.callback(
    invoke_without_command=True,
    epilog="Example: citsec reports --format json > reports.json\n\n"
    "Example: citsec reports date 12 2019-05-14",
)
def reports_command(
    ctx: typer.Context,
    db: DbOption = None,  # type: ignore[assignment]
    fmt: FormatOption = OutputFormat.table,
    all_versions: Annotated[
        bool,
        typer.Option(
            "--all", metavar=FLAG,
            help="Also list older versions replaced by a newer one at the same uri (json and csv rows then "
            "add \"replaced_by\": the id of the report that replaced it, null for a current one).",
        ),
    ] = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", "-n", min=1,
            help=f"At most N reports, the first stored first (a table shows the first {TABLE_DEFAULT_ROWS} "
            "unless N says otherwise; json, jsonl and csv print every one).",
        ),
    ] = None,
    undated: Annotated[
        bool,
        typer.Option(
            "--undated", metavar=FLAG,
            help="Only the reports read without a date, whose passages `stats --by year` counts under "
            "(undated): the ones `citsec reports date` is for.",
        ),
    ] = False,
) -> None:
    """List stored reports: status (ok, empty, failed), pages, passages, and why anything failed.

    `citsec reports date` sets a report's date by hand."""
    if ctx.invoked_subcommand is not None:
        # `citsec reports --db X date ...`: --db names the store the subcommand works on (date_command
        # reads it here); the listing's own options would be dropped without a word.
        listing = [option for name, option in _LISTING_OPTIONS.items() if _given(ctx, name)]
        if listing:
            subcommand = f"citsec reports {ctx.invoked_subcommand}"
            raise UserError(f"{', '.join(listing)}: for listing reports, not for `{subcommand}`")
        return
    from corpus import Corpus

    with Corpus.open(db, must_exist=True) as corpus:
        reports = corpus.reports(include_superseded=all_versions)
        if undated:  # read, with passages, and no date (a failed or empty report has no passages to count)
            reports = (r for r in reports if r.published is None and r.status == "ok")
        reports = islice(reports, limit)
        fields: tuple[str, ...] = REPORT_FIELDS
        if fmt is OutputFormat.table:
            rows = (_report_cells(report) for report in reports)
        elif all_versions:
            # --all lists versions side by side: a script must be told which is current. The contract's
            # fields come first, as without --all; "replaced_by" (null for a current report) after them.
            fields = (*REPORT_FIELDS, "replaced_by")
            rows = (report.to_json() | {"replaced_by": report.superseded_by} for report in reports)
        else:
            rows = (report.to_json() for report in reports)
        hidden = rows_without_passwords(rows)  # a feed behind basic authentication: "https://ana:***@host/"
        shown = emit(table_rows(hidden, limit, fmt), fmt, fields, table_columns=REPORT_TABLE, widths=WIDTHS)
    if undated:
        note_if_empty(shown, fmt, "every report read has a date")
    else:
        note_if_empty(shown, fmt, "no reports stored yet: `citsec ingest SOURCE` adds some")


_LISTING_OPTIONS = {"fmt": "--format", "all_versions": "--all", "limit": "--limit", "undated": "--undated"}


def _given(ctx: Any, name: str) -> bool:  # a typer.Context, or its parent: a click one
    """Whether the command line (or the environment) gave the parameter `name`, rather than its default."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")


def _store_url(ctx: typer.Context, db: str) -> str:
    """The store a `citsec reports` subcommand works on: its own --db, or the one given before its name
    (`citsec reports --db X date ...`). Both at once is refused before this, as any option given twice."""
    parent = ctx.parent
    return str(parent.params["db"]) if parent is not None and _given(parent, "db") else db


def _day(value: str) -> Any:
    """DATE: a whole day, YYYY-MM-DD. A year alone would be stored as its first day, a precision nobody
    gave; Python's other ISO forms (20190514, 2019-W20-2) are not what the help says."""
    import datetime as dt
    import re

    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise ValueError(value)
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a day: give YYYY-MM-DD, as in 2019-05-14") from None


@reports_app.command(
    "date",
    epilog="Example: citsec reports date 12 2019-05-14\n\nExample: citsec reports date 12 --clear",
)
def date_command(
    ctx: typer.Context,
    report_id: Annotated[int, typer.Argument(help="A report id from `citsec reports`.", show_default=False)],
    day: Annotated[
        str | None,
        typer.Argument(metavar="DATE", help="The day it was published, YYYY-MM-DD.", show_default=False),
    ] = None,
    clear: Annotated[
        bool,
        typer.Option("--clear", metavar=FLAG, help="Take a date set by hand back: the report's reading's "
                     "own date (or none) applies again."),
    ] = False,
    annotator: Annotated[
        str | None,
        typer.Option(
            "--annotator", help="Who sets the date (default: the OS user).", callback=annotator_option
        ),
    ] = None,
    db: DbOption = None,  # type: ignore[assignment]
) -> None:
    """Set the date a report was published, when the extractors found none or misread it.

    The date is what --since/--until and `stats --by year` read. The store keeps who set it and when
    (`citsec reports` shows "(set by NAME)"), and the date the report's reading gave, which --clear brings
    back. Reading the report again keeps a date set by hand; a new version at the same address keeps it
    unless that version prints a date of its own."""
    from corpus import Corpus

    if (day is None) == (not clear):
        raise UserError("give the report's DATE (YYYY-MM-DD), or --clear to take a date set by hand back")
    published = None if clear else _day(day or "")
    with Corpus.open(_store_url(ctx, db), must_exist=True) as corpus:
        before = corpus.report(report_id)
        if clear and before.date_set is None:
            raise UserError(f"report {report_id}'s date was not set by hand; nothing to clear")
        report = corpus.set_report_date(report_id, published, annotator=annotator or default_annotator())
    shown = report.published.isoformat() if report.published else "undated"
    if clear:
        out_console.print(f"report {report_id}: {shown}, as its reading gives", highlight=False)
        return
    read = report.date_set.read if report.date_set else None
    reading = f"its reading gave {read.isoformat()}" if read else "its reading gave no date"
    out_console.print(f"report {report_id}: published {shown} ({reading})", highlight=False)
