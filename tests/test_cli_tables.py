"""Tables for people: readable when piped, and the group without a value named."""

from __future__ import annotations

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
