"""Format writers shared by every command: table (Rich), json (one array), jsonl, csv.

Rows are plain dicts (a record's `to_json()`); writers stream what they can (json, jsonl, csv write
row by row), and the table collects its rows because Rich sizes columns from all of them.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import IO, Any

from rich.cells import cell_len

from flows.cli.common import OutputFormat, err_console, out_console

# A table is for reading: without --limit it shows this many rows and says how to get the rest.
TABLE_DEFAULT_ROWS = 50

Cell = Callable[[Any], str]

_HEADERS = {"report_id": "report", "page_start": "page", "report_title": "report title"}
FREE_TEXT_MIN_WIDTH = 30
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
        "published",
    }
)


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(row: Mapping[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, default=_json_default)


def _read_ahead(rows: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    """The rows, the first already read: a query that fails does so before anything is written, leaving
    stdout empty rather than holding a lone "[" or a CSV header."""
    rows = iter(rows)
    first = next(rows, None)
    return itertools.chain([first], rows) if first is not None else ()


def write_json(rows: Iterable[Mapping[str, Any]], out: IO[str]) -> int:
    """One JSON array, written row by row so memory stays flat."""
    count = 0
    rows = _read_ahead(rows)
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


# A cell a spreadsheet would run as a formula: text from reports, titles and URLs is anyone's to write
# ('=HYPERLINK("http://...")' in a PDF's text or an HTML page's title).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """Lists become "a;b", objects JSON, null an empty cell. Text that opens as a formula would
    (=, +, -, @, tab, carriage return) gets a leading ' so that Excel and LibreOffice show it rather than
    run it (OWASP's advice for CSV injection); numbers stay as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):  # as JSON spells them, not Python
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        text = ";".join(str(v) for v in value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False)
    elif hasattr(value, "isoformat"):
        return str(value.isoformat())
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], out: IO[str]) -> int:
    rows = _read_ahead(rows)
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
    """A Rich table on stdout; `widths` truncates long cells (passage text) to keep rows readable. Ids,
    codes, counts and dates stay on one line; other columns wrap between words, and free text (the columns
    `widths` names) takes the room left, at least FREE_TEXT_MIN_WIDTH (all of it, when shorter). On a
    terminal too narrow for that, each row is a block of `column  value` lines instead, as psql's expanded
    display (on 80 columns the passages table left their text 10 characters wide, "enforcemen|t")."""
    from rich.table import Table

    wide = widths or {}
    headers = [_HEADERS.get(column, column) for column in columns]
    kept = list(rows)
    cells = [[_rich_cell(row.get(c), wide.get(c)) for c in columns] for row in kept]
    kinds = ["free" if c in wide else "line" if c in _SHORT_COLUMNS else "words" for c in columns]
    sizes = column_widths(headers, cells, kinds, out_console.width) if cells else None
    if cells and sizes is None:
        # A block gives each value a line of its own: a title or a path cut to fit a table's column (60, 40
        # characters) keeps the terminal's width there (a review: "…NA CIDADE P…" with 89 columns free).
        line = out_console.width - max(len(header) for header in headers) - 2
        roomy = {column: max(width, line) for column, width in wide.items()}
        rows_again = [[_rich_cell(row.get(c), roomy.get(c)) for c in columns] for row in kept]
        _write_records(headers, rows_again, title)
        return len(cells)
    table = Table(title=title, show_lines=False, highlight=False)
    for i, header in enumerate(headers):
        table.add_column(
            header, overflow="fold", no_wrap=kinds[i] == "line", width=sizes[i] if sizes else None
        )
    for row_cells in cells:
        table.add_row(*row_cells)
    out_console.print(table)
    return len(cells)


def column_widths(
    headers: list[str], cells: list[list[Any]], kinds: list[str], width: int
) -> list[int] | None:
    """Each column's width in a table of `width` characters, or None when it cannot be laid out without
    cutting a word or squeezing free text under FREE_TEXT_MIN_WIDTH. `kinds`: "line" (one line, never
    wrapped), "words" (wraps between words) or "free" (free text, takes what is left)."""
    room = width - (3 * len(headers) + 1)  # each column's padding and rule, and the last rule
    wanted = [max(_widest_line(h), *(_widest_line(row[i]) for row in cells)) for i, h in enumerate(headers)]
    least = [
        wanted[i] if kind == "line"
        else min(FREE_TEXT_MIN_WIDTH, wanted[i]) if kind == "free"
        else max(_longest_word(h), *(_longest_word(row[i]) for row in cells))
        for i, (h, kind) in enumerate(zip(headers, kinds, strict=True))
    ]  # fmt: skip
    if sum(least) > room:
        return None
    sizes = [w if kind != "free" else least[i] for i, (w, kind) in enumerate(zip(wanted, kinds, strict=True))]
    while sum(sizes) > room:  # the widest wrapping column gives a character, until the table fits
        widest = max((i for i, kind in enumerate(kinds) if kind == "words" and sizes[i] > least[i]),
                     key=lambda i: sizes[i])  # fmt: skip
        sizes[widest] -= 1
    free = [i for i, kind in enumerate(kinds) if kind == "free"]
    spare = room - sum(sizes)
    for n, i in enumerate(free):  # what is left goes to the free text, up to what it needs
        extra = min(spare // (len(free) - n), max(0, wanted[i] - sizes[i]))
        sizes[i] += extra
        spare -= extra
    return sizes


def _widest_line(cell: Any) -> int:
    return max((cell_len(line) for line in str(cell).splitlines()), default=0)


def _longest_word(cell: Any) -> int:
    return max((cell_len(word) for word in str(cell).split()), default=0)


def _write_records(headers: list[str], cells: list[list[Any]], title: str | None) -> None:
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    if title:
        out_console.print(title, highlight=False)
    label_width = max(len(header) for header in headers)
    for number, row_cells in enumerate(cells, start=1):
        first = Text.assemble(headers[0], " ", row_cells[0])  # a cell is text, never markup ("[/b]")
        out_console.print(Rule(first, align="left", characters="─"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(width=label_width, no_wrap=True, style="bold")
        grid.add_column(overflow="fold")
        for header, cell in zip(headers[1:], row_cells[1:], strict=True):
            grid.add_row(header, cell)
        out_console.print(grid)
        if number == len(cells):
            out_console.print(Rule(characters="─"))


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


def note_if_empty(shown: int, fmt: OutputFormat, message: str) -> None:
    """An empty table says why it is empty (JSON, JSON lines and CSV stay as they are: `[]`, nothing, a
    header), so a person does not take a bare header for a broken command."""
    if shown == 0 and fmt is OutputFormat.table:
        note(message)
