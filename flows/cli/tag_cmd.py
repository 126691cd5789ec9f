"""`citsec tag [FILE|-] [--model VERSION] [--explain]`: label passages given as JSON lines or plain text.

Input is JSON lines {"id", "text", "lang"?, "report"?, "kind"?} or plain text (one passage per
blank-line-separated block, ids 1..n); output is one JSON line per input, in order, streamed a batch at a
time. Consecutive lines with the same "report" are read together, as ingest reads a report's passages
(models.context); a line without one is read on its own. "kind" says what a passage is, as `citsec passages`
gives it: "text", "table" or "reference" (an entry of a reference list), judged as ingest judges it.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import io
import json
import math
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from extractors.document import PASSAGE_KINDS
from flows.cli.common import FLAG, DbOption, UserError, app, unicode_text
from flows.settings import Settings
from flows.tag import TagInput, batched, tag_batch

if TYPE_CHECKING:
    from corpus import Corpus

BATCH_SIZE = 256


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    return True


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_json_line(line: str, number: int, ordinal: int) -> TagInput:
    """One JSON-lines record; a missing id becomes the record's ordinal (1..n), as in plain text."""
    try:
        row = json.loads(line, parse_constant=_reject_constant)
    except ValueError as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise UserError(f"line {number}: not valid JSON ({reason})") from None
    if not isinstance(row, dict):
        raise UserError(f"line {number}: expected a JSON object with \"text\"")
    if "text" not in row:
        raise UserError(f"line {number}: \"text\" is missing (each line is {{\"id\", \"text\", \"lang\"?}})")
    text = row["text"]
    if not isinstance(text, str):
        raise UserError(f"line {number}: \"text\" must be a string")
    unicode_text(text, f"line {number}")
    lang = row.get("lang")
    if lang is not None and not isinstance(lang, str):
        raise UserError(f"line {number}: \"lang\" must be a string such as \"en\"")
    if lang:
        lang = _language(lang, number)
    identifier = row.get("id", ordinal)
    if not _finite(identifier):
        raise UserError(f"line {number}: \"id\" holds a number too large for JSON")
    report = row.get("report")
    if isinstance(report, str) and not report.strip():
        raise UserError(f"line {number}: \"report\" is blank (leave it out for a passage read on its own)")
    if report is not None and (isinstance(report, bool) or not isinstance(report, str | int)):
        raise UserError(f"line {number}: \"report\" must be a string or an integer (the passage's report)")
    kind = row.get("kind")
    if kind is not None and kind not in PASSAGE_KINDS:
        expected = ", ".join(f'"{k}"' for k in PASSAGE_KINDS)
        raise UserError(f"line {number}: \"kind\" must be one of {expected} (what the passage is, as "
                        "`citsec passages` gives it)")
    return TagInput(identifier, text, lang or None, report, kind)


def _language(value: str, number: int) -> str:
    """A line's "lang" as the tagger and the model read it, and as `passages --lang` takes it: "pt-BR" and
    "por" are "pt" (given as is, Portuguese text went to the English pipeline); "xx" is refused, as
    `passages --lang xx` is, instead of being echoed and read as English."""
    from corpus import CorpusError
    from corpus.filters import language_code

    try:
        return language_code(value)
    except CorpusError as exc:
        raise UserError(f"line {number}: \"lang\": {exc}") from None


def looks_like_json(line: str) -> bool:
    """Whether a first line opens a JSON object: "{" then a quoted key (double or, by mistake, single
    quotes) or "}". A plain-text passage may open with a brace ("{Editor's note} The ministry ..."): it is
    read as text, not refused as broken JSON."""
    return re.match(r"""\s*\{\s*["'}]""", line) is not None


def read_inputs(lines: Iterable[str]) -> Iterator[TagInput]:
    """Records from JSON lines (when the first non-blank line opens a JSON object) or plain-text blocks."""
    mode: str | None = None
    block: list[str] = []
    ordinal = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if mode is None and line.strip():
            mode = "json" if looks_like_json(line) else "text"
            if mode == "text" and re.match(r"\s*\[\s*\{", line):
                raise UserError(
                    f"line {number}: a JSON array; tag reads JSON lines, one object per line "
                    "(jq -c '.[]' turns an array into them)"
                )
        if mode == "json":
            if line.strip():
                ordinal += 1
                yield parse_json_line(line, number, ordinal)
        elif line.strip():
            block.append(line)
        elif block:
            ordinal += 1
            yield TagInput(ordinal, "\n".join(block), None)
            block = []
    if block:
        yield TagInput(ordinal + 1, "\n".join(block), None)


def dumps_row(row: dict[str, Any]) -> str:
    """One output line: readable UTF-8, escaped only when the input held unpaired surrogates."""
    text = json.dumps(row, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(row)
    return text


def sqlite_database(db_url: str) -> str | None:
    """The database file of a SQLite URL as SQLAlchemy's make_url reads it ("" for none), None for a URL of
    another database. A plain "sqlite:///PATH" (what --db makes of a path) is read here without importing
    SQLAlchemy (~0.3 s): `citsec tag` without a store needs neither it nor the store's code."""
    prefix = "sqlite:///"
    if db_url.startswith(prefix) and "%" not in db_url and "?" not in db_url:
        return db_url[len(prefix) :]
    from corpus.engine import parse_url

    url = parse_url(db_url)
    return (url.database or "") if url.get_backend_name() == "sqlite" else None


def _no_store(db_url: str) -> str:
    """Which store was not found, for the note that the seed model stands in."""
    database = sqlite_database(db_url)
    if database:
        return f"no store at {database}"
    from corpus.engine import shown_url

    return f"no citsec store in {shown_url(db_url)}"


def _store_if_present(db_url: str) -> Corpus | None:
    """The store, when there is one: a missing SQLite file, or a PostgreSQL database without citsec's
    tables, is no store (tag reads; it must not create one)."""
    database = sqlite_database(db_url)
    if database is not None and (not database or not Path(database).is_file()):
        return None
    from corpus import Corpus, NoStoreError

    try:
        return Corpus.open(db_url, must_exist=True)
    except NoStoreError:
        return None


@functools.cache
def _skip_last_collections() -> None:
    # At exit the interpreter's last collections would walk everything the command loaded once more
    # (~0.6 s); frozen, it is left to the operating system. Python never promised __del__ at exit.
    atexit.register(gc.freeze)


@contextlib.contextmanager
def collector_paused_while_loading() -> Iterator[Callable[[], None]]:
    """The cyclic garbage collector stopped while the command loads what it keeps to its end (libraries,
    the model, the spaCy pipelines: ~200,000 objects that each full collection would walk again, ~0.4 s
    of a one-line run). Call the function yielded once loading is done: it sets those objects aside
    (gc.freeze) and restarts the collector. Leaving, the collector is as the caller had it."""
    enabled, frozen = gc.isenabled(), gc.get_freeze_count()
    _skip_last_collections()
    gc.disable()
    resumed = False

    def loaded() -> None:
        nonlocal resumed
        if not resumed:
            resumed = True
            gc.freeze()
            if enabled:
                gc.enable()

    try:
        yield loaded
    finally:
        loaded()
        if not frozen:  # a process that froze objects itself (flows.limits, before forking) keeps them so
            gc.unfreeze()


def _open_input(source: str) -> TextIO:
    """The input as text: UTF-8, a leading byte-order mark dropped (files saved by Windows tools start with
    one, and JSON lines behind it read as plain text: every line one passage, ids lost)."""
    if source == "-":
        # Strict UTF-8 whatever the locale: under a C/POSIX locale Python's own stdin turns bad bytes into
        # surrogates, which only fail later, as a traceback when the output is written.
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors="strict")
    path = Path(source).expanduser()
    if path.is_dir():
        raise UserError(f"{source} is a folder; tag reads one file of JSON lines or text (or stdin)")
    if not path.is_file():
        raise UserError(f"no such file: {source}")
    from extractors.sniff import SAMPLE_BYTES, text_encoding

    with path.open("rb") as head:
        start = head.read(SAMPLE_BYTES)
    # The encoding ingest reads the file in: UTF-16 behind its byte-order mark, UTF-8, else Windows-1252.
    encoding = text_encoding(start, sample=len(start) == SAMPLE_BYTES) or "utf-8-sig"
    if encoding == "cp1252":
        from flows.cli.output import note

        note(f"{source} is not UTF-8: read as Windows-1252 (Latin-1), as ingest reads it")
        return path.open(encoding=encoding, errors="replace")
    return path.open(encoding=encoding)


_SOURCE_HELP = "JSON lines or plain-text file; '-' or nothing: stdin."
_MODEL_HELP = "Model version (default: the store's promoted model, else the built-in seed model)."
_EXPLAIN_HELP = (
    "Add an \"explain\" field: per label, the terms pushing the passage's score up and down (log-odds for "
    "the shipped design), its \"base\" and the \"rest\"; and \"no_label_rule\": the rule that gave the line "
    "no label whatever its scores (\"no word of security\", \"table or listing\", \"reference list\"), null "
    "when the scores decided. A line read in its \"report\" also gets \"context\": its scores alone and its "
    "report's."
)


@app.command("tag")
def tag_command(
    source: Annotated[str, typer.Argument(help=_SOURCE_HELP, metavar="FILE|-")] = "-",
    model_version: Annotated[str | None, typer.Option("--model", help=_MODEL_HELP)] = None,
    explain: Annotated[bool, typer.Option("--explain", metavar=FLAG, help=_EXPLAIN_HELP)] = False,
    db: DbOption = None,  # type: ignore[assignment]
) -> None:
    """Label passages with strategies, countries and programs; one JSON line out per passage in.

    In: JSON lines {"id", "text", "lang"?, "report"?} (lines sharing a "report" are read together, as
    ingest reads a report), or plain text, one passage per blank-line-separated block. Out: {"id", "lang",
    "labels", "scores", "countries", "programs", "model"}.

    Example: echo '{"id": 1, "text": "Colombia extradited the leader to the United States."}' | citsec tag
    """
    with collector_paused_while_loading() as loaded:
        _tag(source, model_version, explain, db, loaded)


def _tag(source: str, model_version: str | None, explain: bool, db: str, loaded: Callable[[], None]) -> None:
    """The tag command's work; `loaded` is called once the model and the first batch's pipelines are."""
    stream = _open_input(source)  # a mistyped file name fails first, before seconds of loading
    try:
        _tag_stream(stream, source, model_version, explain, db, loaded)
    finally:
        if source != "-":
            stream.close()


def _tag_stream(
    stream: TextIO, source: str, model_version: str | None, explain: bool, db: str, loaded: Callable[[], None]
) -> None:
    from extractors.tagging import Tagger
    from flows.cli.output import note
    from models.registry import load_model

    corpus = _store_if_present(db)
    try:
        model = load_model(corpus, model_version, cache_dir=Settings.from_env().cache_dir)
    finally:
        if corpus is not None:
            corpus.close()
    if corpus is None:
        # A mistyped --db must not pass for "no model of our own": say which store was not found.
        note(f"{_no_store(db)}: using the built-in seed model {model.version}")
    tagger = Tagger()
    failure: list[UserError] = []

    def inputs() -> Iterator[TagInput]:
        # A bad line ends the input, but the good lines before it are still tagged and written.
        try:
            yield from read_inputs(stream)
        except UserError as exc:  # "line N: ...", and which file when it is one (as label import says)
            failure.append(exc if source == "-" else UserError(f"{source}: {exc}"))
        except UnicodeDecodeError:
            name = source if source != "-" else "stdin"
            hint = "convert it first, e.g. iconv -f latin1 -t utf-8"
            failure.append(UserError(f"{name} is not UTF-8 text ({hint})"))

    out = sys.stdout
    for batch in batched(inputs(), BATCH_SIZE):
        if len(batch) > BATCH_SIZE:  # one report's many passages: not all tagged with the collector off
            loaded()
        out.write("".join(dumps_row(row) + "\n" for row in tag_batch(batch, tagger, model, explain)))
        out.flush()
        loaded()
    if failure:
        raise failure[0]
