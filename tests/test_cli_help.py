"""Every registered command and subcommand answers --help with exit 0 and shows an example."""

from __future__ import annotations

from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

import flows.cli
from flows.cli.common import app


def _commands() -> tuple[list[tuple[str, ...]], set[tuple[str, ...]]]:
    """Every command path, and the subset that are groups (the top level included)."""
    flows.cli._register()
    root = typer.main.get_command(app)
    found: list[tuple[str, ...]] = [()]
    groups: set[tuple[str, ...]] = {()}

    def walk(command: Any, path: tuple[str, ...]) -> None:
        # Typer vendors its own click, so groups are recognized by their subcommands, not their class.
        for name, sub in getattr(command, "commands", {}).items():
            found.append((*path, name))
            if hasattr(sub, "commands"):
                groups.add((*path, name))
            walk(sub, (*path, name))

    walk(root, ())
    return found, groups


COMMANDS, GROUPS = _commands()


def test_the_query_commands_are_registered() -> None:
    assert {("reports",), ("passages",), ("stats",), ("db", "upgrade")} <= set(COMMANDS)


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "citsec")
def test_help_exits_zero_and_shows_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    if path in GROUPS:  # a group's help lists its subcommands, and each of those shows an example
        return
    assert "example" in result.output.lower(), f"`citsec {' '.join(path)} --help` shows no example"


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["passages", "--report", "abc"], "error: Invalid value for '--report': expected a whole number"),
        (["schedule", "x", "--interval", "a"], "error: Invalid value for '--interval': expected a number"),
        # In a person's words, not the validator's ("Input should be greater than or equal to 1", "Value
        # error, 'xml' is not one of ...": a review).
        (
            ["passages", "--format", "xml"],
            "error: Invalid value for '--format' / '-f': 'xml' is not one of 'table', 'json', 'jsonl', "
            "'csv' (see",
        ),
        (["label", "queue", "--n", "0"], "error: Invalid value for '--n' / '-n': expected 1 or more (see"),
        (["passages", "--limit", "0"], "error: Invalid value for '--limit' / '-n': expected 1 or more (see"),
        (["sources", "add", "x", ".", "--kind", "dir"], "error: Invalid value for '--kind'"),
        (["retrain", "--format", "csv"], "error: Invalid value for '--format'"),  # its help listed no choices
        (["passages", "--no-such-option"], "error: No such option: --no-such-option"),
        (["nosuchcmd"], "error: No such command 'nosuchcmd'."),
        (["extract"], "error: Missing argument 'PATH'."),
        # Refused before the command's context exists: still the command's own help (it said citsec's).
        (["passages", "--db", "x.db", "--label"], "error: Option '--label' requires an argument."),
        # An option of one value given twice: click kept the last, so `--lang es --lang pt` showed the
        # Portuguese passages as if they answered both (a researcher's review). --label, --country and
        # --program take several values; a value after "--" or one that is another option's is not counted.
        (["passages", "--lang", "es", "--label", "prevention", "--lang=pt"],
         "error: --lang takes one value, given 2 times ('es', 'pt'); run the command once for each (see"),
        (["stats", "--by", "lang", "--report", "1", "--report", "4"], "error: --report takes one value"),
        (["passages", "-s", "coca", "--search", "Buenaventura"],
         "error: --search takes one value, given 2 times ('coca', 'Buenaventura'); one search holds them "
         "all: --search 'coca OR Buenaventura' finds either (see"),
        (["label", "queue", "--n", "5", "-n", "6"], "error: --n takes one value, given 2 times"),
        (["passages", "-n5", "-n", "1"], "error: --limit takes one value, given 2 times ('5', '1')"),
        (["passages", "-fjson", "--format=csv"], "error: --format takes one value, given 2 times"),
    ],
)
def test_a_bad_option_value_is_one_line_and_exit_2(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        flows.cli.main(argv)
    out, err = capsys.readouterr()
    assert info.value.code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith(says), err
    assert err.rstrip().endswith("--help)")  # and where to read more
    if argv[0] == "passages":  # the command's own help, even when refused before its context exists
        assert err.rstrip().endswith("(see citsec passages --help)")


@pytest.mark.parametrize(
    "argv",
    [
        ["passages", "--label", "prevention", "--label", "enforcement", "--country", "MX", "--country", "CO"],
        ["passages", "--search", "--lang", "--lang", "es"],  # the first "--lang" is the search
        ["passages", "--lang", "es", "--", "--lang"],
    ],
)
def test_options_of_several_values_and_values_that_look_like_options_are_not_refused(argv: list[str]) -> None:
    flows.cli._register()
    assert flows.cli._repeated_option(argv) is None
    assert flows.cli._repeated_option([argv[0], "--db", "a.db", "--db", "b.db", *argv[1:]]) is not None


def test_help_and_a_command_that_succeeds_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["passages", "--help"]):
        with pytest.raises(SystemExit) as info:
            flows.cli.main(argv)
        assert info.value.code == 0
        assert "Usage:" in capsys.readouterr().out


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exited:
        flows.cli.main(["--version"])
    assert exited.value.code in (0, None)
    assert capsys.readouterr().out.strip() == f"citsec {version('citsec')}"


@pytest.mark.parametrize("path", [p for p in COMMANDS if p not in GROUPS], ids=" ".join)
def test_flags_show_no_value_placeholder(path: tuple[str, ...]) -> None:
    """An on/off flag takes no value: its help line must not read like `--all <bool>` (Typer's own
    --help line keeps its placeholder)."""
    result = CliRunner().invoke(app, [*path, "--help"], terminal_width=200)
    flagged = [line for line in result.output.splitlines() if "<bool>" in line and "--help" not in line]
    assert flagged == []


@pytest.mark.parametrize("path", [p for p in COMMANDS if p not in GROUPS], ids=" ".join)
def test_every_command_takes_db(path: tuple[str, ...]) -> None:
    """DESIGN.md: every command takes --db URL, so a script can pass one $DB to all of them."""
    command: Any = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    assert any("--db" in getattr(p, "opts", ()) for p in command.params), f"citsec {' '.join(path)}"


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "citsec")
def test_help_paragraphs_are_reflowed_and_examples_keep_their_lines(
    path: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A description paragraph is one line on a wide terminal (Typer's rich mode kept the docstring's line
    breaks and wrapped each line again: "labeled passages are never / shown"); each example is a line of
    its own (not run on into the one before)."""
    flows.cli._register()
    command: Any = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    monkeypatch.setattr("typer.rich_utils.MAX_WIDTH", 5000)  # Typer's help console: a wide terminal
    result = CliRunner().invoke(app, [*path, "--help"])
    lines = [" ".join(line.split()) for line in result.output.splitlines()]
    for paragraph in (command.help or "").split("\n\n"):
        said = " ".join(paragraph.replace("`", "").split())
        if said.startswith("Example:"):
            for example in paragraph.strip().splitlines():
                assert " ".join(example.split()) in lines
        elif said:
            assert any(said in line for line in lines), (said, result.output)


def test_an_output_that_cannot_encode_the_text_is_one_line_not_a_traceback(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A review: with PYTHONIOENCODING=ascii (or PYTHONUTF8=0 under the C locale) a Portuguese passage was
    # a UnicodeEncodeError traceback.
    import io

    report = tmp_path / "r.txt"
    report.write_text("A prevenção da violência nas escolas exige ação comunitária.\n", encoding="utf-8")
    monkeypatch.setattr("sys.stdout", io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
    with pytest.raises(SystemExit) as info:
        flows.cli.main(["extract", str(report), "--json"])
    err = capsys.readouterr().err
    assert info.value.code == 1 and len(err.splitlines()) == 1
    assert err.startswith("error: the output's encoding (ascii) cannot write '\\xe7\\xe3'; set "
                          "PYTHONIOENCODING=utf-8")
