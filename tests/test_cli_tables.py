"""Tables for people: readable when piped, and the group without a value named."""

from __future__ import annotations

import csv
import io

from flows.cli.common import piped_width
from flows.cli.query_cmd import named_groups


def test_piped_tables_keep_a_readable_width():
    assert piped_width(is_terminal=False, columns=None) == 160
    assert piped_width(is_terminal=True, columns=None) is None  # Rich measures the terminal
    assert piped_width(is_terminal=False, columns="100") is None  # Rich reads $COLUMNS


def test_stats_table_names_the_group_without_a_value():
    rows = [
        {"country": None, "label": "prevention", "count": 3},
        {"country": "CO", "label": None, "count": 2},
    ]
    assert named_groups(rows, ["country", "label"]) == [
        {"country": "(none)", "label": "prevention", "count": 3},
        {"country": "CO", "label": "(none)", "count": 2},
    ]
    assert rows[0]["country"] is None  # JSON and CSV rows are left as they are


def test_table_cells_are_text_not_markup(capsys, monkeypatch):
    from flows.cli.common import out_console
    from flows.cli.output import write_table

    monkeypatch.setattr(out_console, "width", 240)  # no cell wraps, whatever the runner's width
    rows = [{"id": 1, "text": "The minister [sic] said [/b] the plan [Plan Colombia] worked."}]
    assert write_table(rows, ["id", "text"]) == 1
    out = " ".join(capsys.readouterr().out.split())
    assert "[sic] said [/b] the plan [Plan Colombia] worked." in out


def test_yes_and_no_in_tables_true_and_false_in_csv():
    from flows.cli.output import csv_cell, table_cell

    assert [table_cell(True), table_cell(False)] == ["yes", "no"]  # `models list`'s promoted column
    assert [csv_cell(True), csv_cell(False)] == ["true", "false"]
    assert table_cell(1) == "1" and csv_cell(0) == "0"  # numbers are not flags


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_quoted() -> None:
    # A review: a passage or a title reading '=HYPERLINK("http://evil.example","Ver informe")' went into
    # the CSV as is, and Excel or LibreOffice ran it.
    from flows.cli.output import csv_cell

    for text in ['=HYPERLINK("http://x.example","Informe")', "+1", "-cmd", "@SUM(1+1)", "\tx", "\rx"]:
        assert csv_cell(text) == "'" + text
        assert csv_cell([text, "b"]) == "'" + text + ";b"
    assert csv_cell("- a bullet") == "'- a bullet"
    assert [csv_cell(-3), csv_cell(-0.5)] == ["-3", "-0.5"]  # numbers are no formulas
    assert csv_cell("La política = seguridad") == "La política = seguridad"


def test_a_passage_opening_like_a_formula_is_quoted_in_passages_csv(tmp_path, capsys) -> None:
    from cli_runner import run_cli

    source = tmp_path / "note.txt"
    source.write_text('=HYPERLINK("http://evil.example/steal","Ver informe completo")\n', encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    code, _, err = run_cli(capsys, "ingest", str(source), "--no-prefect", "--db", db)
    assert code == 0, err
    code, out, err = run_cli(capsys, "passages", "--format", "csv", "--db", db)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["text"] for row in rows] == ["'" + source.read_text(encoding="utf-8").strip()]


LEAD = "Durante años el presupuesto, la plantilla y los edificios de la fuerza ocuparon el informe. " * 2
PASSAGE = LEAD + "Después llegaron las Erradicaciones forzosas de coca [sic] en el Putumayo."


def _bold(cell) -> list[str]:
    return [cell.plain[span.start : span.end] for span in cell.spans if span.style == "bold"]


def test_a_search_shows_its_matches_in_bold_from_a_little_before_the_first():
    from flows.cli.query_cmd import matches_in_bold

    cell = matches_in_bold(PASSAGE, "erradicacion coca -presupuesto", "es", width=80)
    assert cell.plain.startswith("…") and "Erradicaciones" in cell.plain[:40]
    assert _bold(cell) == ["Erradicaciones", "coca"]  # stems, accents folded; an excluded term is no match
    phrase = matches_in_bold(PASSAGE, '"forzosas de coca"', "es", width=80)
    assert _bold(phrase) == ["forzosas de coca"]
    near_start = matches_in_bold(PASSAGE, "presupuesto", "es", width=80)
    assert near_start.plain == PASSAGE and _bold(near_start) == ["presupuesto", "presupuesto"]


def test_a_bold_cell_is_cut_to_its_width_and_printed_as_text_not_markup(capsys, monkeypatch):
    from flows.cli.common import out_console
    from flows.cli.output import _rich_cell, write_table
    from flows.cli.query_cmd import matches_in_bold

    cell = matches_in_bold(PASSAGE, "coca", "es", width=60)
    short = _rich_cell(cell, 40)
    assert len(short) == 40 and short.plain.endswith("…") and _bold(short) == ["coca"]
    assert _bold(_rich_cell(cell, 30)) == ["c"]  # a match cut at the edge stays bold as far as it shows
    monkeypatch.setattr(out_console, "width", 240)
    assert write_table([{"id": 7, "text": cell}], ["id", "text"], widths={"text": 60}) == 1
    assert "coca [sic] en el Putumayo." in " ".join(capsys.readouterr().out.split())


NARROW_ROWS = [
    {
        "id": 71, "report_id": 2, "page_start": 4, "lang": "es", "labels": ["enforcement", "transnational"],
        "countries": ["CO", "EC"], "programs": ["Programa contra Cultivos Ilícitos - DPCI"],
        "text": "La erradicación manual forzosa avanzó en Putumayo y Nariño, donde los grupos móviles "
        "trabajaron con la Policía Antinarcóticos y con veedores de las comunidades durante el año.",
    }
]  # fmt: skip
PASSAGE_COLUMNS = ["id", "report_id", "page_start", "lang", "labels", "countries", "programs", "text"]


def _table_at(width: int, capsys, monkeypatch) -> str:
    from flows.cli.common import out_console
    from flows.cli.output import write_table

    monkeypatch.setattr(out_console, "width", width)
    assert write_table(NARROW_ROWS, PASSAGE_COLUMNS, widths={"text": 160}) == 1
    return capsys.readouterr().out


def test_a_table_that_fits_cuts_no_word_and_gives_free_text_its_room(capsys, monkeypatch):
    out = _table_at(120, capsys, monkeypatch)
    lines = out.splitlines()
    assert lines[0].startswith("┏") and all(len(line) <= 120 for line in lines)  # nothing cropped
    assert "enforcement" in out and "transnational" in out  # "enforcemen|t" on 80 columns (a review)
    assert "Cultivos" in out and "Antinarcóticos" in out
    text_width = len(lines[0].split("┳")[-1]) - 3  # the last column, without its padding and rule
    assert text_width >= 30


def test_a_table_too_wide_for_the_terminal_prints_each_row_as_a_block(capsys, monkeypatch):
    out = _table_at(80, capsys, monkeypatch)
    lines = [line.rstrip() for line in out.splitlines()]
    assert lines[0].startswith("id 71 ─") and all(len(line) <= 80 for line in lines)
    assert "labels     enforcement, transnational" in lines
    assert "programs   Programa contra Cultivos Ilícitos - DPCI" in lines
    assert any(line.startswith("text       La erradicación manual forzosa") for line in lines)


def test_a_block_cuts_a_title_at_the_terminal_not_at_its_table_width(capsys, monkeypatch):
    # A journalist's review: `reports` on 100 columns printed blocks with titles cut at 60 characters and
    # paths at 40, with most of the line free.
    from flows.cli.common import out_console
    from flows.cli.output import write_table

    title = "Juventude e violência: homicídios de jovens negros na cidade do Rio de Janeiro, 2000-2015"
    row = {"id": 3, "title": title, "file": "/data/reports/ipea/td_2267_juventude_violencia.pdf",
           "language": "pt", "pages": 44, "passages": 71, "status": "ok", "published": "2016-12-01",
           "error": "the text layer of pages 3-5 is empty (image-only); read by OCR"}  # fmt: skip
    columns = ["id", "title", "file", "language", "pages", "passages", "status", "published", "error"]
    monkeypatch.setattr(out_console, "width", 100)
    assert write_table([row], columns, widths={"title": 60, "file": 40, "error": 60}) == 1
    out = capsys.readouterr().out
    assert out.startswith("id 3 ─")  # too wide for a table: a block
    assert title in out and row["file"] in out and row["error"] in out
    assert all(len(line) <= 100 for line in out.splitlines())


def test_column_widths_give_way_from_the_widest_wrapping_column():
    from flows.cli.output import FREE_TEXT_MIN_WIDTH, column_widths

    headers = ["id", "programs", "text"]
    cells = [["7", "Programa contra Cultivos Ilícitos - DPCI", "x " * 100]]
    kinds = ["line", "words", "free"]
    room = 60 - (3 * 3 + 1)
    sizes = column_widths(headers, cells, kinds, 60)
    assert sizes is not None and sum(sizes) == room
    assert sizes[0] == 2 and sizes[2] >= FREE_TEXT_MIN_WIDTH and sizes[1] >= len("Programa")
    assert column_widths(headers, cells, kinds, 40) is None  # not even the free text's least fits


def test_short_free_text_needs_only_its_own_width(capsys, monkeypatch):
    # The reports table has three free-text columns: each took 30 characters however short, and the table
    # fell back to blocks on any terminal under ~157 columns (a code review).
    from flows.cli.common import out_console
    from flows.cli.output import write_table

    monkeypatch.setattr(out_console, "width", 100)
    row = {"id": 1, "title": "Short", "file": "a.pdf", "language": "en", "pages": 3, "passages": 9,
           "status": "ok", "published": "2015-09-01", "error": None}  # fmt: skip
    widths = {"title": 60, "file": 40, "error": 60}
    assert write_table([row], list(row), widths=widths) == 1
    out = capsys.readouterr().out
    assert out.startswith("┏") and "2015-09-01" in out


def test_a_block_names_its_row_as_text_not_markup(capsys, monkeypatch):
    from flows.cli.common import out_console
    from flows.cli.output import write_table

    monkeypatch.setattr(out_console, "width", 40)
    rows = [{"name": "a[/b]", "kind": "folder", "location": "/srv/reports/[red]inbox"}]
    assert write_table(rows, ["name", "kind", "location"], widths={"location": 60}) == 1
    out = capsys.readouterr().out
    assert "name a[/b] ─" in out and "/srv/reports/[red]inbox" in out


def test_a_stopping_ingest_says_reports_are_dropped_only_when_some_are_under_way(capsys, monkeypatch):
    # A review: Ctrl-C while Prefect's API started said "the reports under way are dropped" with none begun.
    import signal

    import flows.interrupt
    from flows.cli.ingest_cmd import _progress

    monkeypatch.setattr(flows.interrupt, "stop_signal", lambda: signal.SIGINT)
    said = []
    for total, done in [(None, 0), (3, 1), (3, 3)]:
        progress = _progress()
        progress.total, progress.done = total, done
        progress.stopping()
        said.append(capsys.readouterr().err.strip())
    assert said == [
        "stopping before any report was read (Ctrl-C again to quit at once)",
        "stopping: the reports under way are dropped (Ctrl-C again to quit at once)",
        "stopping (Ctrl-C again to quit at once)",
    ]
