"""The `citsec` command line: a thin layer over the corpus, extractors, models and flows APIs."""

from __future__ import annotations

import importlib
import logging
import re
import sys
from typing import Any

from flows.cli.common import Interrupted, UserError, app, err_console, flagged

INTERRUPTED = 130  # the exit status of a command stopped by Ctrl-C (128 + SIGINT), as shells report it

# Each module registers its commands on `app` when imported; they import heavy libraries lazily.
_COMMAND_MODULES = (
    "flows.cli.extract_cmd",
    "flows.cli.tag_cmd",
    "flows.cli.ingest_cmd",
    "flows.cli.sources_cmd",
    "flows.cli.query_cmd",
    "flows.cli.reports_cmd",
    "flows.cli.label_cmd",
    "flows.cli.retrain_cmd",
    "flows.cli.models_cmd",
    "flows.cli.db_cmd",
)


def _register() -> None:
    for name in _COMMAND_MODULES:
        importlib.import_module(name)


def _user_error_types() -> tuple[type[BaseException], ...]:
    # Evaluated only when an exception reaches main(). Only modules already imported can have raised:
    # importing them here would cost `citsec extract` the store's import (SQLAlchemy, ~1.5 s).
    types: list[type[BaseException]] = [UserError]
    for module, attr in (
        ("corpus.errors", "CorpusError"),
        ("extractors.errors", "ExtractionError"),
        ("models.errors", "ModelError"),
    ):
        loaded = sys.modules.get(module)
        if loaded is not None and hasattr(loaded, attr):
            types.append(getattr(loaded, attr))
    return tuple(types)


def _click_kind(exc: BaseException) -> str | None:
    """"usage" or "click" for click's exceptions (Typer vendors click in recent versions, so they are
    recognized by class name, not imported), "abort" for an abort, else None."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    if "UsageError" in names:
        return "usage"
    if "ClickException" in names:
        return "click"
    return "abort" if "Abort" in names else None


class _StderrHandler(logging.StreamHandler):
    """Lines to whatever sys.stderr is when a record comes (a notebook or a test replaces it between
    commands; a handler holding the first one wrote to a closed file)."""

    citsec_notes = True

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def _show_model_notes() -> None:
    """The models' notes for the person waiting (the seed model's first-use training takes ~20 s, a
    retrain up to a minute) go to stderr as plain lines, instead of a silent pause."""
    for name in ("models.registry", "models.retrain"):
        logger = logging.getLogger(name)
        if any(getattr(h, "citsec_notes", False) for h in logger.handlers):
            continue  # main() ran before in this process (tests, notebooks)
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def _command_of(argv: list[str]) -> tuple[Any, list[str], list[str]]:
    """The click command `argv` calls, the command words at its head ("citsec", "label", "add") and the
    arguments after them."""
    import typer.main

    command: Any = typer.main.get_command(app)
    words = ["citsec"]
    for word in argv:
        sub = getattr(command, "commands", {}).get(word)
        if sub is None:
            break
        command = sub
        words.append(word)
    return command, words, argv[len(words) - 1 :]


def _command_path(argv: list[str]) -> str:
    """"citsec passages" for `passages --db x --label` (an option missing its value is refused before
    click makes the command's context): the command words at the head of the arguments."""
    return " ".join(_command_of(argv)[1])


def _repeated_option(argv: list[str]) -> str | None:
    """A usage error when an option that takes one value is given twice: click keeps the last one, so
    `passages --lang es --lang pt` showed Portuguese passages only, as if that were the answer to both
    (--label, --country and --program take several values)."""
    command, words, args = _command_of(argv)
    single: dict[str, Any] = {}
    for param in getattr(command, "params", ()):
        takes_one = param.param_type_name == "option" and not (param.multiple or param.is_flag or param.count)
        if takes_one:
            single.update(dict.fromkeys(param.opts, param))
    values: dict[str, list[str]] = {}
    tokens = iter(args)
    for token in tokens:
        if token == "--":
            break
        if token.startswith("--"):
            name, equals, value = token.partition("=")
        elif token.startswith("-") and len(token) > 2 and token[:2] in single:  # "-n5": a short one's value
            name, equals, value = token[:2], "=", token[2:]
        else:
            name, equals, value = token, "", ""
        param = single.get(name)
        if param is None:
            continue
        if not equals:
            value = next(tokens, "")
        values.setdefault(param.opts[0], []).append(value)
    for option, given in values.items():
        if len(given) > 1:
            shown = ", ".join(repr(v) for v in given)
            if option == "--search":  # one search holds several words: ANDed, or joined by OR
                hint = f"one search holds them all: --search {' OR '.join(given)!r} finds either"
            else:
                hint = "run the command once for each"
            said = f"{option} takes one value, given {len(given)} times ({shown}); {hint}"
            return f"{said} (see {' '.join(words)} --help)"
    return None


# Typer 0.29 checks numbers as pydantic does, and says so in pydantic's words.
_VALIDATOR_WORDS = {
    "Input should be a valid integer, unable to parse string as an integer": "expected a whole number",
    "Input should be a valid number, unable to parse string as a number": "expected a number",
}


_VALIDATOR_PATTERNS = (
    (re.compile(r"Input should be greater than or equal to (\S+)"), r"expected \1 or more"),
    (re.compile(r"Input should be less than or equal to (\S+)"), r"expected \1 or less"),
    (re.compile(r"Input should be greater than (\S+)"), r"expected more than \1"),
    (re.compile(r"Input should be less than (\S+)"), r"expected less than \1"),
    (re.compile(r"Value error, (.*?)\.?(?= \(see |$)"), r"\1"),
)


def _plain(message: str) -> str:
    """A usage error in a person's words ("expected a whole number", "expected 1 or more", not a
    validator's sentence)."""
    for said, plain in _VALIDATOR_WORDS.items():
        message = message.replace(said, plain)
    for pattern, replacement in _VALIDATOR_PATTERNS:
        message = pattern.sub(replacement, message)
    return message


def _output_cannot_encode(exc: UnicodeEncodeError) -> bool:
    """Whether `exc` is stdout's or stderr's encoding failing on what citsec writes (an ASCII terminal:
    PYTHONIOENCODING=ascii, or PYTHONUTF8=0 under the C locale), not a bug elsewhere."""
    import codecs

    def name(encoding: str | None) -> str | None:
        try:
            return codecs.lookup(encoding).name if encoding else None
        except LookupError:
            return None

    return name(exc.encoding) in {name(getattr(s, "encoding", None)) for s in (sys.stdout, sys.stderr)}


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: user mistakes, a bad option value included, become one line on stderr
    and exit code 2 (Typer would draw a box of several lines for the latter)."""
    typed = sys.argv[1:] if argv is None else argv
    if argv is None and typed[:1] == ["schedule"]:
        # Before Prefect is imported, which reads its logging settings once (flows.schedule). Only as the
        # console script: a caller in Python (a test) keeps its environment.
        import os

        from flows.schedule import SERVED_RUNS_QUIET

        for name, level in SERVED_RUNS_QUIET.items():
            os.environ.setdefault(name, level)
    _register()
    _show_model_notes()
    repeated = _repeated_option(typed)
    if repeated:
        err_console.print(flagged("error:", "red", repeated), highlight=False, soft_wrap=True)
        sys.exit(2)
    try:
        code = app(args=argv, prog_name="citsec", standalone_mode=False)
    except _user_error_types() as exc:
        err_console.print(flagged("error:", "red", str(exc)), highlight=False, soft_wrap=True)
        sys.exit(2)
    except Interrupted as exc:
        err_console.print(str(exc), highlight=False, soft_wrap=True)
        sys.exit(exc.code)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(INTERRUPTED)
    except UnicodeEncodeError as exc:
        if not _output_cannot_encode(exc):
            raise
        unwritable = ascii(exc.object[exc.start : exc.end])
        said = (f"error: the output's encoding ({exc.encoding}) cannot write {unwritable}; set "
                "PYTHONIOENCODING=utf-8 or a UTF-8 locale (LANG=C.UTF-8)")
        sys.stderr.write(said.encode("ascii", "backslashreplace").decode("ascii") + "\n")
        sys.exit(1)
    except BrokenPipeError:  # `citsec tag | head`: the reader left; say nothing more
        from flows.cli.output import silence_stdout

        silence_stdout()
        sys.exit(1)
    except Exception as exc:
        kind = _click_kind(exc)
        if kind is None:
            raise
        if kind == "abort":
            err_console.print("interrupted")
            sys.exit(INTERRUPTED)
        message = _plain(" ".join(exc.format_message().split()))  # type: ignore[attr-defined]
        if not message:  # a group called without a command has printed its help
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        ctx = getattr(exc, "ctx", None)
        if kind == "usage":
            typed = sys.argv[1:] if argv is None else argv
            path = ctx.command_path if ctx is not None else _command_path(typed)
            message += f" (see {path} --help)"
        err_console.print(flagged("error:", "red", message), highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)  # type: ignore[attr-defined]
    if code == INTERRUPTED:  # Typer turns a KeyboardInterrupt into Exit(130) and prints a bare newline
        err_console.print("interrupted")
    sys.exit(code if isinstance(code, int) else 0)  # typer.Exit(n) comes back as n

