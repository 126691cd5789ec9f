"""`citsec extract PATH [--json]`: extraction only, no store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from flows.cli.common import FLAG, UserError, app, flagged, out_console

_PREVIEW_PASSAGES = 5
_PREVIEW_CHARS = 400


@app.command("extract")
def extract_command(
    location: Annotated[str, typer.Argument(help="A report file: PDF, HTML, Markdown or plain text.",
                                            metavar="PATH")],
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", metavar=FLAG,
            help="Print one JSON object: the report's fields and its passages with their page numbers.",
        ),
    ] = False,
    db: Annotated[
        str | None,
        typer.Option("--db", help="Accepted like every command's, and not used: extract opens no store."),
    ] = None,
) -> None:
    """Extract one report into passages with page numbers, without storing it.

    Example: citsec extract reports/unodc.pdf --json | jq '.passages[0]'
    """
    from extractors import extract_path

    if "://" in location:  # typed as a Path, the URL would be shown back as "http:/host/..."
        raise UserError(f"extract reads a local file, not the URL {location} (citsec ingest fetches URLs)")
    path = Path(location).expanduser()
    if not path.exists():
        raise UserError(f"no such file: {location}")
    if path.is_dir():
        raise UserError(f"{path} is a folder; give one report file (citsec ingest takes folders)")
    doc = extract_path(path)
    if as_json:
        print(json.dumps(doc.to_json(), ensure_ascii=False))
        return
    _print_summary(doc)


def _print_summary(doc: object) -> None:
    from rich.table import Table
    from rich.text import Text

    from extractors import ExtractedDocument
    from extractors.references import REFERENCE_KIND

    assert isinstance(doc, ExtractedDocument)
    summary = Table.grid(padding=(0, 2))
    summary.add_column(style="bold")
    summary.add_column()
    tables = sum(1 for p in doc.passages if p.kind == "table")
    references = sum(1 for p in doc.passages if p.kind == REFERENCE_KIND)
    counts = f"{tables} tables" + (f", {references} in reference lists" if references else "")
    rows = [
        ("file", doc.uri),
        ("type", doc.media_type),
        ("title", doc.title or "-"),
        ("author", doc.author or "-"),
        ("published", doc.published.isoformat() if doc.published else "-"),
        ("language", doc.language or "-"),
        ("pages", str(doc.pages)),
        ("passages", f"{len(doc.passages)} ({counts})"),
        ("words", str(len(doc.text.split()))),
        ("sha256", doc.sha256),
    ]
    if doc.metadata.get("running_header"):
        rows.append(("running header", doc.metadata["running_header"]))
    for key, value in rows:
        summary.add_row(key, value)
    out_console.print(summary, highlight=False)
    for warning in doc.warnings:
        out_console.print(flagged("warning:", "yellow", warning), highlight=False)
    for passage in doc.passages[:_PREVIEW_PASSAGES]:
        pages = (
            f"p. {passage.page_start}"
            if passage.page_start == passage.page_end
            else f"pp. {passage.page_start}-{passage.page_end}"
        )
        text = passage.text if len(passage.text) <= _PREVIEW_CHARS else passage.text[:_PREVIEW_CHARS] + " …"
        out_console.print()
        where = f" {pages} · {passage.lang or '?'} · {passage.kind}"
        head = Text.assemble((f"#{passage.seq}", "bold"), where)
        out_console.print(head, highlight=False)
        out_console.print(text, highlight=False)
    if len(doc.passages) > _PREVIEW_PASSAGES:
        more = len(doc.passages) - _PREVIEW_PASSAGES
        out_console.print(f"\n… {more} more passages (--json prints them all)", highlight=False)
