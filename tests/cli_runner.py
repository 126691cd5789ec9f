"""The console script run in this process, as the tests call it: a child process would spend a second on
imports for every command."""

from __future__ import annotations

import pytest

from flows.cli import main


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """`citsec ARGV...`: (exit code, stdout, stderr). Output captured before the call is dropped, so stdout
    and stderr are the command's own; a traceback on stderr fails the test (a command says what went wrong
    in a line)."""
    capsys.readouterr()
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return code, out, err
