"""`citsec label add|none|import|export|queue`: the human labels that `citsec retrain` learns from.

Label files are JSON lines {"passage_id", "labels"} (stored passages) or {"text", "labels", "lang"?}
(texts not in the store), with "annotator" and "origin" when they come from `label export`, and for a
stored passage its report's "report_sha256" and its "seq" there (what names it in another store). A file is
checked whole before anything is stored: a bad line names itself and nothing is imported.
"""

from __future__ import annotations

import getpass
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

import typer

from flows.cli.common import (
    FLAG,
    DbOption,
    FormatOption,
    OutputFormat,
    UserError,
    app,
    note_older_label_rules,
    out_console,
    unicode_text,
)
from flows.cli.query_cmd import LangOpt, ReportOpt
from flows.settings import Settings

if TYPE_CHECKING:
    from corpus import Corpus, LabelRow

label_app = typer.Typer(
    help="Human labels: add or correct them, import and export them, and see what to label next.\n\n"
    "Example: citsec label queue --n 20",
    no_args_is_help=True,
)
app.add_typer(label_app, name="label")


@dataclass(frozen=True)
class LabelLine:
    """One valid line: labels for a stored passage (`passage_id`) or for a free text, and, when the line
    says, who gave them (`gives_annotator`: null is "nobody named") and the origin they had where the line
    was exported."""

    number: int
    labels: list[str]
    passage_id: int | None = None
    text: str | None = None
    lang: str | None = None
    annotator: str | None = None
    gives_annotator: bool = False
    origin: str | None = None
    report_sha256: str | None = None
    seq: int | None = None


def _labels(value: Any, where: str) -> list[str]:
    from corpus import CorpusError, validate_label_set

    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UserError(f"{where}: \"labels\" must be a list of label names (may be empty)")
    try:
        return validate_label_set(value)
    except CorpusError as exc:
        raise UserError(f"{where}: {exc}") from None


def _annotator(value: Any, where: str) -> str | None:
    """A line's "annotator": a name the store can hold, or null (the label's giver is not known)."""
    if value is None:
        return None
    from corpus.labels import ANNOTATOR_LENGTH

    wrong = f"{where}: \"annotator\" must be a name (a string of 1 to {ANNOTATOR_LENGTH} characters) or null"
    if not isinstance(value, str) or not value.strip() or len(value) > ANNOTATOR_LENGTH:
        raise UserError(wrong)
    if "\x00" in value:
        raise UserError(f"{wrong}, without NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UserError(f"{wrong}, in valid Unicode") from None
    return value


def _language(value: str, where: str) -> str:
    """A line's "lang" as passages are stored ("spa" and "es-MX" are "es"): a language no passage is
    stored in would leave the label matching no language's passages, and PostgreSQL holds 8 characters.
    One that is not a code ("portuguese") is kept as given when it fits: older releases stored it, and
    their exports must import back; `check_languages` refuses it unless the text's label in force has it."""
    from corpus import CorpusError
    from corpus.filters import language_code

    try:
        return language_code(value)
    except CorpusError as exc:
        if "\x00" in value or not value.strip():
            raise UserError(f"{where}: \"lang\": {exc}") from None
        return value


SHA256 = re.compile(r"[0-9a-f]{64}")
PG_INT_MAX = 2**31 - 1  # the largest passage id or seq a store holds


def _place(row: dict[str, Any], where: str) -> tuple[str | None, int | None]:
    """A line's "report_sha256" and "seq" (`label export` writes them for a stored passage's label): both,
    or neither (null or left out)."""
    sha, seq = row.get("report_sha256"), row.get("seq")
    if sha is None and seq is None:
        return None, None
    if not isinstance(sha, str) or not SHA256.fullmatch(sha):
        raise UserError(f"{where}: \"report_sha256\" must be a report's sha256 (64 hex digits) with \"seq\"")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= PG_INT_MAX:
        raise UserError(f"{where}: \"seq\" must be a passage's position in its report (an integer)")
    return sha, seq


def _origin(value: Any, where: str) -> str | None:
    """A line's "origin" (`label export` writes it): only compared with the label in force, never stored,
    and never "model" (a file holds people's labels)."""
    from corpus.labels import LABEL_ORIGINS

    if value is not None and (not isinstance(value, str) or value not in LABEL_ORIGINS):
        raise UserError(f"{where}: \"origin\" must be one of {', '.join(LABEL_ORIGINS)}, or null")
    return value


def parse_label_line(line: str, where: str, number: int) -> LabelLine:
    """One JSON line {"passage_id", "labels"} or {"text", "labels", "lang"?}, either with "annotator"? and
    "origin"? (what `label export` writes); `where` names it."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise UserError(f"{where}: not valid JSON ({exc.msg})") from None
    if not isinstance(row, dict):
        raise UserError(f"{where}: expected a JSON object with \"labels\"")
    if "labels" not in row:
        raise UserError(f"{where}: missing \"labels\"")
    labels = _labels(row["labels"], where)
    pid, text, lang = row.get("passage_id"), row.get("text"), row.get("lang")
    if isinstance(text, str):
        unicode_text(text, where)
        if "\x00" in text:
            raise UserError(f"{where}: \"text\" must not hold a NUL character (\\u0000)")
    if lang is not None and not isinstance(lang, str):
        raise UserError(f"{where}: \"lang\" must be a string such as \"en\"")
    lang = _language(lang, where) if lang else None
    who = _annotator(row.get("annotator"), where)
    said = LabelLine(number, labels, annotator=who, gives_annotator="annotator" in row,
                     origin=_origin(row.get("origin"), where))  # fmt: skip
    if pid is not None:
        if isinstance(pid, bool) or not isinstance(pid, int) or pid < 1:
            raise UserError(f"{where}: \"passage_id\" must be a positive integer")
        if text is not None and not isinstance(text, str):
            raise UserError(f"{where}: \"text\" must be a string")
        sha, seq = _place(row, where)
        return replace(said, passage_id=pid, text=text, lang=lang, report_sha256=sha, seq=seq)
    if not isinstance(text, str) or not text.strip():
        raise UserError(f"{where}: needs \"passage_id\" (a stored passage) or a non-empty \"text\"")
    return replace(said, text=text, lang=lang or None)


def read_label_lines(lines: Iterable[str], name: str) -> list[LabelLine]:
    """Every non-blank line parsed; the first bad one raises UserError naming `name:line`."""
    parsed = [
        parse_label_line(line, f"{name}:{number}", number)
        for number, line in enumerate(lines, start=1)
        if line.strip()
    ]
    if not parsed:
        raise UserError(f"{name}: no labels in the file")
    return parsed


class Attached(NamedTuple):
    """The stored passages each line with a passage_id labels (by line number), and the lines that found
    theirs by their text rather than their id."""

    passages: dict[int, list[int]]
    by_text: frozenset[int]


def attach_passages(corpus: Corpus, items: Sequence[LabelLine], name: str) -> Attached:
    """The passages the lines with a passage_id label: the one the id names when it holds the line's text
    (or the line gives none), else every passage that holds the line's text (re-attached: a file exported
    from another store names passages by that store's ids, which ingesting in another order changes). A
    line that finds neither is an error naming it, before anything is written."""
    from corpus import Named

    named = [item for item in items if item.passage_id is not None]
    placed = corpus.place_labels(
        [Named(item.passage_id or 0, item.text, item.report_sha256, item.seq) for item in named]
    )
    for item, where in zip(named, placed, strict=True):
        if where.reports and item.report_sha256 is not None:
            raise UserError(
                f"{name}:{item.number}: {where.reports} reports hold this text, and the report the line "
                "names is not in this store (or reads otherwise there): label the passage in its report by id"
            )
        if where.reports:
            raise UserError(
                f"{name}:{item.number}: {where.reports} reports hold this text, and the line does not say "
                "which (its passage_id may be another store's): a file from `citsec label export`, which "
                "names the report, places it"
            )
        if not where.passages:
            raise UserError(_unattached(item, where.other_text, f"{name}:{item.number}"))
    return Attached(
        {item.number: where.passages for item, where in zip(named, placed, strict=True)},
        frozenset(item.number for item, where in zip(named, placed, strict=True) if where.by_text),
    )


def _unattached(item: LabelLine, other_text: bool, where: str) -> str:
    """Why a line names no stored passage, and what to do about it."""
    if other_text:
        # A file exported from another store names other passages by the same ids: refuse, don't mislabel.
        gone = f"passage {item.passage_id} in the store has a different text"
    else:
        gone = f"no passage with id {item.passage_id} in the store"
    if item.text is None:
        return f"{where}: {gone}"
    return (
        f"{where}: {gone}, and no stored passage has this text (remove \"passage_id\" to import it as a "
        "free text example for retraining)"
    )


def check_languages(corpus: Corpus, items: Sequence[LabelLine], name: str) -> None:
    """Refuse a free text's "lang" that is not a language code ("portuguese") unless the text's label in
    force has that very language (stored by an older release, which kept "lang" as given): then the
    store's own export imports back, and a correction keeps the language the text has."""
    from corpus import CorpusError
    from corpus.filters import language_code

    for item in items:
        if item.passage_id is not None or item.lang is None or item.text is None:
            continue
        try:
            language_code(item.lang)
        except CorpusError as exc:
            history = corpus.text_label_history(item.text)
            if not history or history[-1].lang != item.lang:
                raise UserError(f"{name}:{item.number}: \"lang\": {exc}") from None


class Imported(NamedTuple):
    """What an import stored: labels on stored passages, labels on free texts, the lines left out
    because they would change nothing (corpus.labels.same_label: already the label in force), and the
    lines re-attached by text with the passages they labeled (more when a text is stored twice)."""

    on_passages: int
    texts: int
    unchanged: int
    by_text: int = 0
    by_text_passages: int = 0


def annotator_of(item: LabelLine, override: str | None, default: str | None) -> str | None:
    """Who gave a line's labels: --annotator for every line, else the line's own "annotator" (null: no
    one named), else `default` (the OS user)."""
    if override:
        return override
    return item.annotator if item.gives_annotator else default


def import_labels(
    corpus: Corpus, items: Sequence[LabelLine], attached: Attached, override: str | None, default: str | None
) -> Imported:
    """Store checked lines, passage labels and free texts in one transaction. A line identical
    to the label in force (the same labels and annotator, and the origin the line gives, or else the
    import's; for a text the same language too) adds nothing to the history, so importing a file again,
    or a store's own export back into it, changes nothing. Every row written has origin "import"."""
    from corpus import GivenLabel

    def given(item: LabelLine) -> GivenLabel:
        return GivenLabel(item.labels, annotator_of(item, override, default), item.origin)

    on_passages = [
        (item.number, pid, given(item))
        for item in items if item.passage_id is not None
        for pid in attached.passages[item.number]
    ]  # fmt: skip
    free = [
        (item.number, item.text or "", item.lang, given(item)) for item in items if item.passage_id is None
    ]
    added, added_free = corpus.import_labels(
        [(pid, label) for _, pid, label in on_passages],
        [(text, lang, label) for _, text, lang, label in free],
    )
    changed = {line[0] for line, label_id in zip([*on_passages, *free], [*added, *added_free], strict=True)
               if label_id is not None}  # fmt: skip
    return Imported(
        on_passages=sum(label_id is not None for label_id in added),
        texts=sum(label_id is not None for label_id in added_free),
        unchanged=len(items) - len(changed),
        by_text=len(attached.by_text),
        by_text_passages=sum(len(attached.passages[number]) for number in attached.by_text),
    )


def import_summary(done: Imported) -> str:
    """The line `label import` prints: what it stored, the lines it placed by their text (when any), and
    what it left as it was (when anything)."""
    passages, texts, unchanged = done.on_passages, done.texts, done.unchanged
    total = passages + texts
    line = (
        f"imported {total} label{'s' if total != 1 else ''}: {passages} on stored "
        f"passage{'s' if passages != 1 else ''}, {texts} free text{'s' if texts != 1 else ''}"
    )
    if done.by_text:
        line += f"; {done.by_text} re-attached by text"
        if done.by_text_passages != done.by_text:
            line += f" (to {done.by_text_passages} passages)"
    if unchanged:
        line += f"; {unchanged} line{'s' if unchanged != 1 else ''} already current, left unchanged"
    return line


def export_row(row: LabelRow) -> dict[str, Any]:
    """One exported label: what `label import` reads back, plus who, when and how it was given."""
    return {
        "passage_id": row.passage_id,
        "text": row.text,
        "lang": row.lang,
        "labels": list(row.labels),
        "annotator": row.annotator,
        "origin": row.origin,
        "created_at": row.created_at.isoformat() if row.created_at else None,
    }


def export_rows(corpus: Corpus, history: bool = False) -> Iterable[dict[str, Any]]:
    """The labels in force (each labeled passage's latest, then each labeled free text's latest); with
    `history`, every earlier label of a passage or text too, oldest first. A stored passage's label also
    says where the passage is: its report's "report_sha256" and its "seq" there, which name it in any store
    holding that report, whatever its id there."""
    rows = list(corpus.labeled_examples())
    places = corpus.passage_places(row.passage_id for row in rows if row.passage_id is not None)
    for row in rows:
        if row.passage_id is not None:
            sha, seq = places.get(row.passage_id, (None, None))
            place = {"text": row.text, "lang": row.lang, "report_sha256": sha, "seq": seq}
            olds = corpus.label_history(row.passage_id) if history else [row]
            yield from (export_row(old) | place for old in olds)
        elif history and row.text is not None:
            yield from (export_row(old) for old in corpus.text_label_history(row.text))
        else:
            yield export_row(row)


def default_annotator() -> str | None:
    """The OS user, who is labeling unless --annotator says otherwise."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return None


def _annotator_option(value: str | None) -> str | None:
    """--annotator: a name the store can hold (PostgreSQL refuses a longer one with a database error)."""
    from corpus.labels import ANNOTATOR_LENGTH

    if value is not None and not value.strip():
        raise typer.BadParameter("a name, not blank")
    if value is not None and len(value) > ANNOTATOR_LENGTH:
        raise typer.BadParameter(f"a name of at most {ANNOTATOR_LENGTH} characters, got {len(value)}")
    return value


AnnotatorOpt = Annotated[
    str | None,
    typer.Option(
        "--annotator", help="Who gives the labels (default: the OS user).", callback=_annotator_option
    ),
]


def _label_by_hand(corpus: Corpus, passage_id: int, labels: list[str], annotator: str | None) -> bool:
    """A person's label for a passage (`label add`, `label none`), unless it is the label in force already
    (the same labels from the same annotator, given by hand: corpus.labels.same_label), which would only
    repeat a row in the history. Whether a label was recorded."""
    who = annotator or default_annotator()
    return bool(corpus.add_labels_many([(passage_id, labels)], annotator=who, if_changed=True))


def _note_unchanged(passage_id: int) -> None:
    from flows.cli.output import note

    note(f"note: passage {passage_id} already had this label from the same annotator; nothing recorded")


def _open_lines(path: str) -> tuple[list[str], str]:
    """A label file's lines, a leading byte-order mark (Windows tools write one) dropped."""
    if path == "-":
        # Strict UTF-8 whatever the locale, as `citsec tag` reads it (flows/cli/tag_cmd.py _open_input).
        buffer = getattr(sys.stdin, "buffer", None)
        try:
            text = (
                buffer.read().decode("utf-8-sig")
                if buffer is not None
                else sys.stdin.read().removeprefix("\ufeff")
            )
        except UnicodeDecodeError:
            raise UserError("<stdin> is not UTF-8 text") from None
        return text.splitlines(), "<stdin>"
    try:
        return Path(path).read_text(encoding="utf-8-sig").splitlines(), Path(path).name
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UserError(f"{path} is not UTF-8 text") from None


@label_app.command("add", epilog="Example: citsec label add 1234 enforcement transnational")
def add_command(
    passage_id: Annotated[int, typer.Argument(help="A passage id from `citsec passages`.")],
    labels: Annotated[list[str], typer.Argument(help="prevention, enforcement, transnational (or none).")],
    annotator: AnnotatorOpt = None,
    db: DbOption = None,  # type: ignore[assignment]
) -> None:
    """Label a passage; the new label supersedes any earlier one (which stays in the history).

    Giving the label in force again (the same labels, from the same annotator) records nothing."""
    from corpus import Corpus, CorpusError, validate_label_set

    try:
        chosen = validate_label_set(labels)
    except CorpusError as exc:
        raise UserError(str(exc)) from None
    with Corpus.open(db, must_exist=True) as corpus:
        added = _label_by_hand(corpus, passage_id, chosen, annotator)
        row = corpus.passage(passage_id)
    out_console.print(f"passage {passage_id}: {', '.join(row.labels) or 'none'}", highlight=False)
    if not added:
        _note_unchanged(passage_id)


@label_app.command("none", epilog="Example: citsec label none 1234")
def none_command(
    passage_id: Annotated[int, typer.Argument(help="A passage id from `citsec passages`.")],
    annotator: AnnotatorOpt = None,
    db: DbOption = None,  # type: ignore[assignment]
) -> None:
    """Mark a passage as discussing no strategy (it then carries no label, whatever the model says)."""
    from corpus import Corpus

    with Corpus.open(db, must_exist=True) as corpus:
        added = _label_by_hand(corpus, passage_id, [], annotator)
    out_console.print(f"passage {passage_id}: none", highlight=False)
    if not added:
        _note_unchanged(passage_id)


@label_app.command("import", epilog="Example: citsec label import labels.jsonl --annotator ana")
def import_command(
    file: Annotated[str, typer.Argument(help="JSON lines file, or - for stdin.")],
    annotator: AnnotatorOpt = None,
    db: DbOption = None,  # type: ignore[assignment]
) -> None:
    """Import labels from a JSON-lines file (such as `label export` writes); one bad line imports nothing.

    Each line is {"passage_id", "labels"} for a stored passage or {"text", "labels", "lang"?} for a text
    not in the store, with "annotator" (who gave it; --annotator overrides it, the OS user stands in
    when a line has none) and "origin" if it has them. A line from another store, whose passage_id this
    store does not hold with the line's text (in the report "report_sha256" names, at "seq"), is
    re-attached: to the passage at that place, else to the passages that hold that text. The
    whole file is checked first, and an error names the bad line. A line that is already the label in
    force (same labels and annotator, and its origin if given) is left out: importing a file again, or a
    store's own export, changes nothing. Labels are stored with origin "import"."""
    from corpus import Corpus

    lines, name = _open_lines(file)
    items = read_label_lines(lines, name)
    # Labels of stored passages need a store that holds them: a mistyped --db is "no store", not a new
    # empty store left behind by the error that follows. Free texts alone may start a store.
    with Corpus.open(db, must_exist=any(item.passage_id is not None for item in items)) as corpus:
        attached = attach_passages(corpus, items, name)
        check_languages(corpus, items, name)
        done = import_labels(corpus, items, attached, annotator, default_annotator())
    print(import_summary(done), file=sys.stderr)


@label_app.command("export", epilog="Example: citsec label export > labels.jsonl")
def export_command(
    history: Annotated[
        bool, typer.Option("--history", metavar=FLAG, help="Also earlier, superseded labels.")
    ] = False,
    db: DbOption = None,  # type: ignore[assignment]
) -> None:
    """Write every human label in force as JSON lines (with annotator, origin and time) to stdout."""
    from corpus import Corpus
    from flows.cli.output import write_jsonl

    with Corpus.open(db, must_exist=True) as corpus:
        write_jsonl(export_rows(corpus, history), sys.stdout)


QUEUE_FIELDS = ("id", "report_id", "report_title", "page_start", "page_end", "lang", "uncertainty",
                "labels", "scores", "text")
QUEUE_TABLE = ("id", "report_id", "page_start", "lang", "uncertainty", "labels", "text")


@label_app.command("queue", epilog="Example: citsec label queue --n 20 --lang es --format json")
def queue_command(
    n: Annotated[int, typer.Option("--n", "-n", help="How many passages.", min=1)] = 20,
    lang: LangOpt = None,
    report: ReportOpt = None,
    db: DbOption = None,  # type: ignore[assignment]
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """The unlabeled passages the model is least sure of: label these next.

    Spread over reports and languages (or only one, with --lang / --report); labeled passages are never
    shown, and tables, contents pages and reference lists only after every prose passage. "labels" are
    the model's current guess; label with `citsec label add ID LABEL...`, then `citsec retrain`."""
    from corpus import Corpus
    from flows.cli.output import emit
    from models.queue import label_queue
    from models.registry import load_model

    with Corpus.open(db, must_exist=True) as corpus:
        note_older_label_rules(corpus)
        model = load_model(corpus, cache_dir=Settings.from_env().cache_dir)
        queue = label_queue(corpus, model, n, lang=lang, report_id=report)
    rows = (
        {
            "id": c.row.id, "report_id": c.row.report_id, "report_title": c.row.report_title,
            "page_start": c.row.page_start, "page_end": c.row.page_end, "lang": c.row.lang,
            "uncertainty": round(c.uncertainty, 4),  # as scores are (0.996 beside 0.970357 read badly)
            "labels": c.labels, "scores": c.scores, "text": c.row.text,
        }
        for c in queue
    )  # fmt: skip
    emit(rows, fmt, QUEUE_FIELDS, table_columns=QUEUE_TABLE, title=f"label next ({model.version})",
         widths={"text": 160})
