"""`citsec label add|none|import|export|queue`: the human labels that `citsec retrain` learns from
(label files: flows/cli/label_file.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flows.cli.common import (
    FLAG,
    DbOption,
    FormatOption,
    OutputFormat,
    UserError,
    annotator_option,
    app,
    default_annotator,
    note_older_label_rules,
    out_console,
)
from flows.cli.label_file import (
    attach_passages,
    export_rows,
    import_labels,
    import_summary,
    in_line_order,
    language_problems,
    read_label_lines,
    recredited_note,
    refuse_bad_lines,
    replaced_note,
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


AnnotatorOpt = Annotated[
    str | None,
    typer.Option(
        "--annotator", help="Who gives the labels (default: the OS user).", callback=annotator_option
    ),
]


def _label_by_hand(corpus: Corpus, passage_id: int, labels: list[str], annotator: str | None) -> bool:
    """A person's label for a passage (`label add`, `label none`), unless it is the label in force already
    (the same labels from the same annotator, given by hand: corpus.label_in_force.same_label), which
    would only repeat a row in the history. Whether a label was recorded."""
    who = annotator or default_annotator()
    written = corpus.add_labels_many([(passage_id, labels)], annotator=who, if_changed=True)
    # Read after the label is stored (add_labels_many checks the id first): the label it replaced.
    history = corpus.label_history(passage_id) if written else []
    before = history[-2] if len(history) >= 2 else None
    if before is not None and before.annotator != who and sorted(before.labels) != sorted(labels):
        _note_replaced(passage_id, before)
    if written:
        _note_older_reading(corpus, passage_id, written[0])
    return bool(written)


def _note_older_reading(corpus: Corpus, passage_id: int, label_id: int) -> None:
    """A passage of a report version a newer one replaced: say so, and where its label went (a team
    review: the label came over to the newer reading's passage without a word)."""
    from flows.cli.output import note

    report = corpus.report(corpus.passage(passage_id).report_id)
    if report.superseded_by is None:
        return
    copies = corpus.passages_copying(label_id)
    went = (
        f"its label came over to passage {', '.join(map(str, copies))} there" if copies
        else "its label did not come over there (no passage reads the same, or one has a person's own label)"
    )
    note(f"note: passage {passage_id} is in report {report.id}, which report {report.superseded_by} replaced "
         f"(a newer version at the same path or URL); {went}")  # fmt: skip


def _note_replaced(passage_id: int, before: LabelRow) -> None:
    """A team's labels: say whose different label a new one replaces (it stays in the history), so two
    people correcting the same passage learn of each other instead of the later one winning without a
    word. (Another person giving the same labels agrees: nothing to say.)"""
    from flows.cli.output import note

    given, who = before.created_at.strftime("%Y-%m-%d %H:%M UTC"), before.annotator or "someone"
    note(f"note: this replaces the label {who} gave passage {passage_id} on {given} "
         f"({', '.join(before.labels) or 'none'}); it stays in the passage's label history")


def _note_overtaken(corpus: Corpus, passage_id: int, given: list[str]) -> None:
    """Another person's different label given in the same moment, after this one: it is the label in force
    (a team review: `label add` printed the other person's labels back as if they were this one's)."""
    from flows.cli.output import note

    latest = corpus.latest_labels(passage_id)
    if latest is not None and sorted(latest.labels) != sorted(given):
        given_at = latest.created_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        who, labels = latest.annotator or "someone", ", ".join(latest.labels) or "none"
        note(f"note: {who} labeled passage {passage_id} {labels} at {given_at}, after this label: that label "
             "is in force")


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

    Giving the label in force again (the same labels, from the same annotator, by hand) records nothing;
    confirming an imported label by hand records it as a person's."""
    from corpus import Corpus, CorpusError, validate_label_set

    try:
        chosen = validate_label_set(labels)
    except CorpusError as exc:
        raise UserError(str(exc)) from None
    with Corpus.open(db, must_exist=True) as corpus:
        added = _label_by_hand(corpus, passage_id, chosen, annotator)
        _note_overtaken(corpus, passage_id, chosen)
    out_console.print(f"passage {passage_id}: {', '.join(chosen) or 'none'}", highlight=False)
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
        _note_overtaken(corpus, passage_id, [])
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
    store's own export, changes nothing. Labels keep the "origin" their line gives (a person's label moved
    from another store stays "human"), else are stored with origin "import"."""
    from corpus import Corpus, CorpusError

    lines, name = _open_lines(file)
    bad: list[str] = []
    items = read_label_lines(lines, name, bad)
    # Labels of stored passages need a store that holds them: a mistyped --db is "no store", not a new
    # empty store left behind by the error that follows. Free texts alone may start a store.
    stored = any(item.passage_id is not None for item in items)

    def refuse_without_store() -> None:  # the file's own mistakes, those a store would not change
        if bad:
            refuse_bad_lines(name, in_line_order([*bad, *language_problems(None, items, name)], name))

    if not stored:
        refuse_without_store()
    try:
        opened = Corpus.open(db, must_exist=stored)
    except CorpusError:
        refuse_without_store()  # the file's own mistakes first, as before the store was asked
        raise
    with opened as corpus:
        bad.extend(language_problems(corpus, items, name))
        attached = attach_passages(corpus, items, name, bad)  # the file's bad lines, all at once
        done = import_labels(corpus, items, attached, annotator, default_annotator())
    for said in (replaced_note(done), recredited_note(done, annotator)):
        if said:
            print(said, file=sys.stderr)
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
    shown, nor a text labeled on another passage, and a text several reports hold is shown once; tables,
    contents pages and reference lists only after every prose passage. "labels" are
    the model's current guess; label with `citsec label add ID LABEL...`, then `citsec retrain`."""
    from corpus import Corpus, PassageFilter
    from flows.cli.output import emit, note_if_empty
    from flows.cli.query_cmd import note_about_report
    from models.queue import label_queue
    from models.registry import load_model

    with Corpus.open(db, must_exist=True) as corpus:
        note_older_label_rules(corpus)
        note_about_report(corpus, PassageFilter(report_id=report))  # a replaced version's, as `passages` says
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
    shown = emit(rows, fmt, QUEUE_FIELDS, table_columns=QUEUE_TABLE, title=f"label next ({model.version})",
                 widths={"text": 160})
    scope = " ".join(
        [*([f"in language {lang}"] if lang else []), *([f"in report {report}"] if report is not None else [])]
    )
    note_if_empty(shown, fmt, f"no unlabeled passages {scope or 'in the store'} to offer")
