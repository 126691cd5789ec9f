"""`make demo`: ingest the sample reports that ship in corpus/samples, then show what the store holds.

    python -m flows.demo [--db URL] [--workers N]

Writes to $CITSEC_DB_URL, else ./citsec.db; a second run finds every report unchanged. One worker by
default: the six small samples take it no longer than two, and it stores them in the plan's order (largest
first) on every run, so report and passage ids are the ones README's examples use (with more workers they
follow the order the workers finish in).
"""

from __future__ import annotations

import argparse
import textwrap
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from flows.prefect_api import ApiStartError, recorded_in, temporary_api_unless_configured
from flows.prefect_env import quiet_prefect
from flows.settings import Settings, normalize_db_url

if TYPE_CHECKING:
    from corpus import PassageRow

SAMPLES = Path(__file__).resolve().parent.parent / "corpus" / "samples"
WORKERS = 1
EXAMPLES_PER_LABEL = 3
EXCERPT_CHARS = 260

console = Console()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m flows.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="store URL or SQLite path (default: $CITSEC_DB_URL, else citsec.db)")
    parser.add_argument(
        "--workers", type=int, default=WORKERS,
        help=f"worker processes (default: {WORKERS}, which gives the same ids on every run)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    db_url = normalize_db_url(args.db) if args.db else Settings.from_env().db_url

    quiet_prefect()
    shown = SAMPLES.relative_to(Path.cwd()) if SAMPLES.is_relative_to(Path.cwd()) else SAMPLES
    # Started before Prefect is imported, so the server boots while this process imports it.
    with temporary_api_unless_configured() as api:
        from corpus.errors import CorpusError
        from flows.ingest import run_ingest

        console.print(f"[bold]Ingesting {shown}/ into {db_url}[/bold]", highlight=False)
        try:
            with recorded_in(api, "set PREFECT_API_URL to a running Prefect server"):
                summary = run_ingest([str(SAMPLES)], db_url=db_url, workers=args.workers)
        except (ApiStartError, CorpusError) as exc:  # no Prefect API; a store that cannot be opened
            raise SystemExit(f"demo: {exc}") from None
    console.print(
        f"new {summary.new}, {f'read again {summary.reread}, ' if summary.reread else ''}"
        f"unchanged {summary.unchanged}, failed {summary.failed}; "
        f"{summary.passages} passages added in {time.perf_counter() - started:.1f} s",
        highlight=False,
    )
    for error in summary.errors:
        console.print(f"[yellow]failed:[/yellow] {error}", highlight=False)
    show_store(db_url)


def show_store(db_url: str) -> None:
    """Print reports, passage counts by label and by country, and example passages per label."""
    from corpus import LABELS, Corpus, PassageFilter

    with Corpus.open(db_url) as corpus:
        reports = Table(title="Reports", title_justify="left")
        for column in ("id", "title", "lang", "pages", "passages", "status"):
            reports.add_column(column)
        for row in corpus.reports():
            reports.add_row(
                str(row.id), row.title or Path(row.uri).name, row.language or "-", str(row.pages),
                str(row.passages), row.status,
            )
        console.print(reports)
        console.print(_counts_table("Passages by label", "label", corpus.stats(["label"])))
        console.print(_counts_table("Passages by country", "country", corpus.stats(["country"])))
        for label in LABELS:
            console.print(f"\n[bold]{label}[/bold]: examples", highlight=False)
            for passage in examples(corpus.passages(PassageFilter(labels=(label,)), limit=200), label):
                score = passage.scores.get(label, 1.0)  # human labels carry no model score
                where = f"report {passage.report_id}, p. {passage.page_start}"
                excerpt = textwrap.shorten(passage.text, EXCERPT_CHARS, placeholder=" …")
                countries = ",".join(passage.countries) or "-"
                console.print(
                    f"  [dim]#{passage.id} ({where}, score {score:.2f}, {countries})[/dim]\n  {excerpt}",
                    highlight=False,
                )


def examples(passages: Iterable[PassageRow], label: str, n: int = EXAMPLES_PER_LABEL) -> list[PassageRow]:
    """The most confident passages for a label, at most one per report, so examples show variety."""
    best: dict[int, PassageRow] = {}
    for passage in passages:
        held = best.get(passage.report_id)
        if held is None or passage.scores.get(label, 1.0) > held.scores.get(label, 1.0):
            best[passage.report_id] = passage
    return sorted(best.values(), key=lambda p: -p.scores.get(label, 1.0))[:n]


def _counts_table(title: str, field: str, rows: list[dict[str, object]]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(field)
    table.add_column("passages", justify="right")
    for row in rows:
        table.add_row(str(row[field] if row[field] is not None else "(none)"), str(row["count"]))
    return table


if __name__ == "__main__":
    main()
