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
