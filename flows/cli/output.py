"""Format writers shared by every command: table (Rich), json (one array), jsonl, csv.

Rows are plain dicts (a record's `to_json()`); writers stream what they can (json, jsonl, csv write
row by row), and the table collects its rows because Rich sizes columns from all of them.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import IO, Any

from flows.cli.common import OutputFormat, err_console, out_console

# A table is for reading: without --limit it shows this many rows and says how to get the rest.
TABLE_DEFAULT_ROWS = 50

Cell = Callable[[Any], str]

_HEADERS = {"report_id": "report", "page_start": "page", "report_title": "report title"}
_SHORT_COLUMNS = frozenset(
    {
        "id",
        "report_id",
        "page_start",
        "page_end",
        "lang",
        "language",
        "pages",
        "passages",
        "count",
        "year",
        "report",
        "status",
    }
)


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(row: Mapping[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, default=_json_default)


def write_json(rows: Iterable[Mapping[str, Any]], out: IO[str]) -> int:
    """One JSON array, written row by row so memory stays flat."""
    count = 0
    out.write("[")
    for row in rows:
        out.write(",\n" if count else "\n")
        out.write(dumps(row))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_jsonl(rows: Iterable[Mapping[str, Any]], out: IO[str]) -> int:
    count = 0
    for row in rows:
        out.write(dumps(row) + "\n")
        count += 1
    return count


def csv_cell(value: Any) -> str:
    """Lists become "a;b", objects JSON, null an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):  # as JSON spells them, not Python
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def write_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], out: IO[str]) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([csv_cell(row.get(column)) for column in columns])
        count += 1
    return count


def table_cell(value: Any, width: int | None = None) -> str:
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, dict):
        text = " ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in value.items())
    elif isinstance(value, list | tuple):
        text = ", ".join(str(v) for v in value)
    elif isinstance(value, float):
        text = f"{value:.3f}"
    else:
        text = str(value)
    return _fit(text, width)


def _fit(text: Any, width: int | None) -> Any:
    """`text` (a str or Rich Text) cut to `width` characters, "…" marking the cut."""
    return text[: width - 1] + "…" if width is not None and len(text) > width else text


def _rich_cell(value: Any, width: int | None) -> Any:
    """A table cell as Rich Text, never markup (a passage's "[sic]" stays and its "[/b]" is no closing
    tag); a value that is already Text (a passage with its search matches in bold) keeps its styles."""
    from rich.text import Text

    return _fit(value, width) if isinstance(value, Text) else Text(table_cell(value, width))


def write_table(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    title: str | None = None,
    widths: Mapping[str, int] | None = None,
) -> int:
    """A Rich table on stdout; `widths` truncates long cells (passage text) to keep rows readable."""
    from rich.table import Table

    wide = widths or {}
    table = Table(title=title, show_lines=False, highlight=False)
    for column in columns:
        # Ids, codes and counts stay on one line; free text wraps into the room they leave.
        table.add_column(_HEADERS.get(column, column), overflow="fold", no_wrap=column in _SHORT_COLUMNS)
    count = 0
    for row in rows:
        table.add_row(*(_rich_cell(row.get(c), wide.get(c)) for c in columns))
        count += 1
    out_console.print(table)
    return count


def emit(
    rows: Iterable[Mapping[str, Any]],
    fmt: OutputFormat,
    columns: Sequence[str],
    *,
    table_columns: Sequence[str] | None = None,
    title: str | None = None,
    widths: Mapping[str, int] | None = None,
) -> int:
    """Write rows to stdout in `fmt`; returns how many. A closed pipe (`| head`) ends output quietly."""
    out = sys.stdout
    try:
        if fmt is OutputFormat.json:
            count = write_json(rows, out)
        elif fmt is OutputFormat.jsonl:
            count = write_jsonl(rows, out)
        elif fmt is OutputFormat.csv:
            count = write_csv(rows, columns, out)
        else:
            count = write_table(rows, table_columns or columns, title=title, widths=widths)
        out.flush()
    except BrokenPipeError:
        silence_stdout()
        return 0
    return count


def silence_stdout() -> None:
    """The reader of stdout went away (`| head`): point stdout at /dev/null so later flushes, the
    interpreter's final one included, are silent."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def note(message: str) -> None:
    """A line for the person at the terminal (stderr), never mixed into program output."""
    err_console.print(message, highlight=False, soft_wrap=True)
