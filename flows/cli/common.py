"""Shared pieces of the command line: the app, shared options, output helpers, user errors."""

from __future__ import annotations

import contextlib
import enum
import getpass
import os
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from flows.settings import Settings, normalize_db_url

if TYPE_CHECKING:
    from rich.progress import Progress, ProgressColumn
    from rich.text import Text

    from corpus import Corpus
    from flows.prefect_api import TemporaryApi

# The metavar of an on/off flag: none. Typer 0.29 under click 8.5 would print "<bool>" after it, as if the
# flag took a value (its own --help still shows one).
FLAG = ""

app = typer.Typer(
    name="citsec",
    help="Mine Latin American security-policy reports: extract, tag, classify, query.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        out_console.print(f"citsec {version('citsec')}", highlight=False)
        raise typer.Exit()


@app.callback()
def _options(
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, metavar=FLAG,
                     help="Print citsec's version."),
    ] = False,
) -> None:
    """Mine Latin American security-policy reports: extract, tag, classify, query."""

def piped_width(is_terminal: bool, columns: str | None) -> int | None:
    """Rich's width for stdout: its own choice on a terminal or when $COLUMNS says; 160 when piped (into
    less or a file), where Rich would squeeze tables to 80 columns, one word per line."""
    return None if is_terminal or columns else 160


# Progress and logs go to stderr; stdout is for output meant for programs.
# Neither reads markup: what they print holds names, paths, search text and error messages a user typed or
# a file gave ("[/b]" in a source's name was a MarkupError traceback instead of its line); `flagged` colours
# a leading word.
err_console = Console(stderr=True, markup=False)


class _HiddenPasswords:
    """A Rich render hook: the lines a console prints show URLs without their passwords
    (flows.redaction), whichever command's error, note or progress line names one."""

    def process_renderables(self, renderables: list[Any]) -> list[Any]:
        from rich.text import Text

        from flows.redaction import hide_passwords

        shown = []
        for renderable in renderables:
            if isinstance(renderable, Text) and "://" in renderable.plain:
                plain = renderable.plain
                hidden = hide_passwords(plain)
                if hidden != plain:
                    # The styles before the first password stay ("failed:" in yellow).
                    first = next(i for i, (a, b) in enumerate(zip(plain, hidden, strict=False)) if a != b)
                    kept = [span for span in renderable.spans if span.end <= first]
                    renderable = Text(hidden, style=renderable.style, end=renderable.end, spans=kept)
            shown.append(renderable)
        return shown


err_console.push_render_hook(_HiddenPasswords())  # type: ignore[arg-type]
out_console = Console(width=piped_width(sys.stdout.isatty(), os.environ.get("COLUMNS")), markup=False)


def flagged(word: str, style: str, message: str) -> Text:
    """'error: MESSAGE' with `word` in `style` (a colour); the message is printed as it is."""
    from rich.text import Text

    return Text.assemble((word, style), " ", message)


def note_older_label_rules(corpus: Corpus) -> None:
    """One line on stderr when the store's labels were given by older labeling rules than this citsec's
    (models.topic.LABEL_RULES_VERSION): what a query shows is what they gave. One query."""
    from models.topic import older_label_rules

    older = older_label_rules(corpus)
    if older is None:
        return
    from flows.relabel import older_rules_said, unavailable_model

    missing = unavailable_model(corpus)
    todo = f"but {missing}" if missing else "run `citsec db reclassify` to label the passages again"
    err_console.print(f"note: {older_rules_said(older)}: {todo}", highlight=False, soft_wrap=True)


class UserError(Exception):
    """A mistake the user can fix: printed as one line, exit code 2."""


@contextlib.contextmanager
def said_when_interrupted(message: str) -> Iterator[None]:
    """A Ctrl-C within the block ends the command with `message` (what was kept, how to finish) instead of
    a bare "interrupted"."""
    try:
        yield
    except KeyboardInterrupt:
        raise Interrupted(message) from None


class Interrupted(Exception):
    """Ctrl-C, with what the command got done before it: printed as one line, exit code 130 (143 for a
    SIGTERM: 128 + the signal, as shells report a process it ended)."""

    def __init__(self, message: str, code: int = 130) -> None:
        super().__init__(message)
        self.code = code


def unicode_text(text: str, where: str) -> str:
    """`text` unchanged, or a UserError naming `where` when it holds an unpaired surrogate: JSON lets a line
    write "\\ud800", which no UTF-8 output, store or tokenizer accepts."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise UserError(f"{where}: \"text\" is not valid Unicode (unpaired surrogate "
                        f"\\u{ord(text[exc.start]):04x})") from None
    return text


@contextlib.contextmanager
def recorded_in_api(api: TemporaryApi | None, hint: str) -> Iterator[None]:
    """Run the block against citsec's temporary Prefect API (None: the server PREFECT_API_URL names); a
    temporary server that cannot start is a one-line UserError ending with `hint`, what to do instead."""
    from flows.prefect_api import ApiStartError, recorded_in

    try:
        with recorded_in(api, hint):
            yield
    except ApiStartError as exc:
        raise UserError(str(exc)) from None


def check_configured_prefect(instead: str | None = None) -> None:
    """A one-line UserError when PREFECT_API_URL names a server that cannot take a run
    (flows.prefect_api.server_problem says why and what to do; `instead`, what the command can do
    without it); nothing to check without one (the command starts its own)."""
    url = Settings.from_env().prefect_api_url
    if url is None:
        return
    from flows import prefect_api

    problem = prefect_api.server_problem(url)
    if problem is not None:
        raise UserError(f"{problem}; or {instead}" if instead else problem)


class OutputFormat(enum.StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


def _db_callback(value: str | None) -> str:
    if value is None:
        return Settings.from_env().db_url
    if not value.strip():  # `--db "$UNSET"`: not the current folder's database file
        raise typer.BadParameter("is empty: give a SQLite file or a database URL")
    return normalize_db_url(value)


DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        help="Store URL or SQLite file path (default: $CITSEC_DB_URL, else sqlite:///citsec.db).",
        callback=_db_callback,
        show_default=False,
    ),
]

FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="Output format.", case_sensitive=False),
]

def default_annotator() -> str | None:
    """The OS user: who labels a passage or dates a report unless --annotator says otherwise."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return None


def annotator_option(value: str | None) -> str | None:
    """--annotator: a name the store can hold (PostgreSQL refuses a longer one with a database error)."""
    from corpus.labels import ANNOTATOR_LENGTH

    if value is not None and not value.strip():
        raise typer.BadParameter("a name, not blank")
    if value is not None and len(value) > ANNOTATOR_LENGTH:
        raise typer.BadParameter(f"a name of at most {ANNOTATOR_LENGTH} characters, got {len(value)}")
    return value


NoPrefectOption = Annotated[
    bool,
    typer.Option(
        "--no-prefect", metavar=FLAG, help="Same steps without Prefect: no run in Prefect, no API start-up."
    ),
]


def stderr_progress(*columns: ProgressColumn | str) -> Progress:
    """A Rich progress display on stderr, gone when it stops, and not started at all where stderr is no
    terminal (it would still leave a blank line there)."""
    from rich.progress import Progress

    return Progress(*columns, console=err_console, transient=True, disable=not err_console.is_terminal)


@contextlib.contextmanager
def passages_bar(
    name: str, total: int | None, *, hidden_until_first: bool = False, unit: str = "passages"
) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr over `total` passages (None: a count without an end); yields the function
    advancing it by the passages each batch did. `hidden_until_first` shows it from the first batch on (for
    a job whose passages come after other work, such as training)."""
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn

    with stderr_progress(
        TextColumn(name), BarColumn(), MofNCompleteColumn(), TextColumn(unit), TimeElapsedColumn()
    ) as bar:
        task = bar.add_task(name, total=total, visible=not hidden_until_first, start=not hidden_until_first)

        def advance(count: int) -> None:
            bar.start_task(task)  # the clock starts with the first batch (a no-op once started)
            bar.update(task, advance=count, visible=True)

        yield advance
