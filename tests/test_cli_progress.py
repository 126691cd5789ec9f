"""Progress bars on stderr: on a terminal only, and a bar for work that comes later once it starts."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from flows.cli import common
from flows.cli.common import passages_bar


def _terminal(monkeypatch: pytest.MonkeyPatch, is_terminal: bool) -> io.StringIO:
    out = io.StringIO()
    console = Console(file=out, force_terminal=is_terminal, width=100, color_system=None)
    monkeypatch.setattr(common, "err_console", console)
    return out


@pytest.mark.parametrize(("advanced", "shown"), [(0, False), (1, True)])
def test_a_bar_hidden_until_its_first_batch_shows_only_once_work_starts(
    monkeypatch: pytest.MonkeyPatch, advanced: int, shown: bool
) -> None:
    out = _terminal(monkeypatch, is_terminal=True)
    with passages_bar("reclassify", 10, hidden_until_first=True) as advance:
        for _ in range(advanced):
            advance(4)
    # The display renders once more as it stops (then erases itself): the bar is in it only if it started.
    assert ("reclassify" in out.getvalue()) is shown
    assert ("4/10" in out.getvalue()) is shown


def test_no_bar_where_stderr_is_no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    out = _terminal(monkeypatch, is_terminal=False)
    with passages_bar("reclassify", 10) as advance:
        advance(4)
    assert out.getvalue() == ""
