"""`citsec reports`, `citsec passages`, `citsec stats`, `citsec runs`: read the store. Heavy imports stay
inside."""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterator
from itertools import islice
from typing import TYPE_CHECKING, Annotated, Any

import typer

from flows.cli.common import FLAG, DbOption, FormatOption, OutputFormat, app, note_older_label_rules
from flows.cli.output import TABLE_DEFAULT_ROWS, emit, note, note_if_empty
from flows.redaction import rows_without_passwords

if TYPE_CHECKING:
    from corpus import Corpus, PassageFilter

PASSAGE_FIELDS = (
    "id", "report_id", "report_title", "page_start", "page_end", "lang", "text", "labels", "scores",
    "countries", "programs", "label_origin", "model", "report_sha256", "seq", "kind", "report_published",
    "no_label_rule",
)  # fmt: skip
PASSAGE_TABLE = ("id", "report_id", "page_start", "lang", "labels", "countries", "programs", "text")
# CSV is for spreadsheets: each label's score in a column of its own too, to sort and filter on (the
# "scores" cell holds them as one JSON object).
SCORE_COLUMNS = ("prevention_score", "enforcement_score", "transnational_score")
PASSAGE_CSV = (*PASSAGE_FIELDS, *SCORE_COLUMNS)
WIDTHS = {"text": 160, "title": 60, "file": 40, "error": 60, "report_title": 40}

_FILTER_HELP = (
    "Several values of one filter are ORed (--label prevention --label enforcement: either); different "
    "filters are ANDed. Labels are effective labels: a passage's latest human label, else the promoted "
    "model's; --label none selects passages without a label. Dates bound the report's date (published, "
    'else ingested) and accept YYYY, YYYY-MM or YYYY-MM-DD. --search takes words, "quoted phrases" and '
    'word* prefixes, matched by stem with accents folded (a "quoted" single word as written in Spanish and '
    "Portuguese); every term must match, OR (in capitals) between "
    "two terms takes either, -term or NOT term leaves out passages holding it; --any-language also finds "
    "the terms' Spanish, Portuguese and English equivalents."
)

LabelOpt = Annotated[
    list[str] | None,
    typer.Option("--label", "-l", help="prevention, enforcement, transnational, or none. Repeatable (OR)."),
]
CountryOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--country",
        "-c",
        help="ISO 3166-1 alpha-2 code, e.g. CO (an alpha-3 code or a name in English, Spanish or Portuguese "
        "works too: Brasil, México; Northern Triangle and Central America stand for their countries). "
        "Repeatable (OR).",
    ),
]
ProgramOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--program",
        "-p",
        help="Program name, any case, or an alias or acronym: 'Plan Colombia', 'Iniciativa Mérida', 'CARSI'. "
        "Repeatable (OR).",
    ),
]
ReportOpt = Annotated[int | None, typer.Option("--report", help="Only passages of this report id.")]
LangOpt = Annotated[
    str | None, typer.Option("--lang", help="Passage language (ISO 639-1), e.g. es (spa works too).")
]
SearchOpt = Annotated[str | None, typer.Option("--search", "-s", help="Full-text search over passage text.")]
AnyLanguageOpt = Annotated[
    bool,
    typer.Option(
        "--any-language",
        metavar=FLAG,
        help="--search also finds its words' and phrases' equivalents in English, Spanish and Portuguese "
        "from citsec's glossary of security-policy terms (eradication: erradicación, erradicação), each "
        "matched as written (accents folded) in passages of its own language.",
    ),
]
PlacesOpt = Annotated[
    bool,
    typer.Option(
        "--places",
        metavar=FLAG,
        help="--country also finds passages that name a city, state or region of the country (Bogotá, "
        "Putumayo, Rio de Janeiro, Sinaloa), not only the country or its people.",
    ),
]
MinScoreOpt = Annotated[
    float | None,
    typer.Option(
        "--min-score",
        help=(
            "Minimum score (0-1) of the labels asked for with --label, else of any label (human labels: 1; "
            "no effect with --label none alone); stats --by label counts only the labels that reach it."
        ),
    ),
]


class PassageOrder(enum.StrEnum):
    store = "store"
    relevance = "relevance"


ExplainOpt = Annotated[
    bool,
    typer.Option(
        "--explain",
        metavar=FLAG,
        help="Say why: each passage read in its report again by the promoted model, with the terms that "
        "pushed each label up and down (json and jsonl add \"explain\" and \"context\", as `citsec tag "
        "--explain` does; a table adds a column of each label's strongest terms).",
    ),
]
KindOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--kind",
        help="What the passage is: text (running text), table (a table or listing), reference (a reference "
        "list, which the model never labels). Repeatable (OR); --kind text leaves tables and bibliographies "
        "out of a count.",
    ),
]
SinceOpt = Annotated[str | None, typer.Option("--since", help="Reports dated on or after DATE.")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Reports dated on or before DATE.")]


# Central America as a filter: its seven countries. The tagger does not read a region's name as its
# countries (extractors/gazetteers/countries.json, "groupings": naming a region names none of them), but a
# person asking for Central America's passages means those that name one of them (a journalist's review:
# "--country Centroamérica" was an unknown country, "--country 'Triángulo Norte'" worked).
CENTRAL_AMERICA = ("BZ", "CR", "GT", "HN", "NI", "PA", "SV")
_REGIONS = {
    name: CENTRAL_AMERICA
    for name in ("central america", "centroamerica", "america central", "centro america", "centro-america")
}


def _country_codes(typed: str) -> list[str]:
    """The codes `--country VALUE` stands for: a country by any name the gazetteer knows, or the members
    of a named grouping ("Northern Triangle": GT, HN, SV) or of Central America; else the value as typed,
    for the filter to validate (an ISO code, or a mistake it names)."""
    from corpus.filters import fold_name
    from extractors.country_table import countries_of_grouping, country_by_name

    code = country_by_name(typed)
    region = _REGIONS.get(fold_name(typed))
    return [code] if code else countries_of_grouping(typed) or list(region or ()) or [typed]


def build_filter(
    label: list[str] | None = None,
    country: list[str] | None = None,
    program: list[str] | None = None,
    report: int | None = None,
    lang: str | None = None,
    search: str | None = None,
    min_score: float | None = None,
    since: str | None = None,
    until: str | None = None,
    any_language: bool = False,
    places: bool = False,
    kind: list[str] | None = None,
) -> PassageFilter:
    """The PassageFilter for the command-line filter options (validated: CorpusError on mistakes); a
    country or a program may be given by any name, alias or abbreviation the gazetteer knows."""
    from corpus import CorpusError, PassageFilter, parse_date
    from corpus.search import parse_search

    # An empty value (often an unset shell variable: --search "$TERMS") would mean no filter at all.
    if program and any(not value.strip() for value in program):
        raise CorpusError("--program is empty: give a program's name, or leave --program out")
    if search is not None and not search.strip():
        raise CorpusError("--search is empty: give words to search for, or leave --search out")
    for option, value in (("--since", since), ("--until", until), ("--lang", lang)):
        if value is not None and not value.strip():
            raise CorpusError(f"{option} is empty: give a value, or leave {option} out")
    for option, values in (("--country", country), ("--label", label), ("--kind", kind)):
        if values and any(not value.strip() for value in values):
            raise CorpusError(f"{option} is empty: give a value, or leave {option} out")
    if search is not None and not parse_search(search):  # '""', 'AND', 'NOT': no word to look for
        raise CorpusError(
            f"--search {search!r} holds no word to search for (words are ANDed as they are; OR and NOT "
            "join words)"
        )
    programs: tuple[str, ...] = ()
    if program:  # the gazetteer's package loads spaCy: only when a program is asked for
        from extractors.tagging.lexicon import program_names

        programs = tuple(dict.fromkeys(name for value in program for name in program_names(value)))
    return PassageFilter(
        labels=tuple(label or ()),
        countries=tuple(code for value in country or () for code in _country_codes(value)),
        programs=programs,
        report_id=report,
        lang=lang,
        search=search,
        min_score=min_score,
        since=parse_date(since) if since else None,
        until=parse_date(until, end=True) if until else None,
        any_language=any_language,
        with_places=places,
        kinds=tuple(kind or ()),
    ).validated()


# One word widens to at most this many programs; a word more of them hold ("Security", "Nacional") asks
# for one of them instead.
SINGLE_WORD_WIDENS = 3


def within_stored_programs(corpus: Corpus, f: PassageFilter, typed: list[str] | None) -> PassageFilter:
    """--program as the store holds programs, each name asked for on its own. A name (with the gazetteer's
    names for it) that no passage of a current report names is widened, and said, to the stored names that
    hold it as whole words ("DPCI" finds "Programa contra Cultivos Ilícitos - DPCI", a name the rules found
    with its acronym in it), when it can say something alone: two words or more, or an acronym ("Ley 19"
    does not find "Ley 19.653"; "Plan" or "de" widen to nothing). A name found nowhere is said too."""
    import dataclasses

    from corpus.filters import fold_name
    from extractors.tagging.lexicon import program_names

    if not f.programs or not typed:
        return f
    stored = corpus.program_names()
    asked: list[str] = []
    for value in typed:
        names = program_names(value)
        widened = [] if any(fold_name(n) in stored for n in names) else _names_holding(value, stored)
        if len(value.split()) == 1 and len(widened) > SINGLE_WORD_WIDENS:  # "Security": name one
            shown = "; ".join(widened[:8]) + ("; ..." if len(widened) > 8 else "")
            note(f"no program is named {value!r}; the names of {len(widened)} programs hold it ({shown}): "
                 "name one of them")
            widened = []
            asked.extend(names)
            continue
        if widened:
            note(f"no program is named {value!r}; showing those whose names (in any language) hold it: "
                 f"{'; '.join(widened)}")
        elif not any(fold_name(n) in stored for n in names):
            note(f"no passage names a program {value!r}{_program_hint(value, stored)} (`citsec stats --by "
                 "program` lists those found)")
        asked.extend(widened or names)
    return dataclasses.replace(f, programs=tuple(dict.fromkeys(asked))).validated()


def _program_hint(value: str, stored: dict[str, str]) -> str:
    """'; did you mean 'Plan Colombia'?' for a program name misspelled ("Plan Colmbia"): the stored
    names, and the curated programs' names and aliases, spelled nearly alike (accents and case aside)."""
    import difflib

    from corpus.filters import fold_name
    from extractors.tagging.lexicon import load_programs, program_names

    asked = {fold_name(name) for name in program_names(value)}  # what was typed, and its program's names
    known = dict(stored)  # folded -> as shown: the stored names first
    for program in load_programs():
        for name in (program.name, *program.surfaces()):
            known.setdefault(fold_name(name), program.name)
    close = difflib.get_close_matches(fold_name(value), [k for k in known if k not in asked], n=3, cutoff=0.8)
    shown = [name for name in dict.fromkeys(known[c] for c in close) if fold_name(name) not in asked]
    if not shown:
        return ""
    return f"; did you mean {' or '.join(repr(name) for name in shown)}?"


def _names_holding(value: str, stored: dict[str, str]) -> list[str]:
    """The stored program names (key -> name) that hold `value` as whole words, or whose curated program
    has a name in another language that does ("Disarmament Act" finds "Estatuto do Desarmamento", the
    "National Disarmament Act"): not next to a letter, a digit or a point ("19" is not in "19.653"); only
    for a value that can say something alone: two words or more, an acronym, or one word of four letters
    or more that is no cue, connector or generic word of names ("Kingpin" finds the Kingpin Act and the
    Kingpin Strategy; "Plan", "Nacional" and "de" widen to nothing)."""
    import re

    from corpus.filters import fold_name
    from extractors.tagging import cues
    from extractors.tagging.lexicon import load_programs

    words = value.split()
    acronym = re.fullmatch(r"[A-Z][A-Z0-9]{2,}", value.strip())
    common = cues.CUE_WORDS | cues.CONNECTORS | cues.GENERIC
    distinctive = (
        len(words) == 1 and len(value.strip()) >= 4 and fold_name(value) not in common
        and not any(ch.isdigit() for ch in value)  # "2011" is in many laws' names, and names none
    )
    if len(words) < 2 and not acronym and not distinctive:
        return []
    holding = re.compile(rf"(?<![\w.]){re.escape(fold_name(value))}(?![\w.])")
    found = {name for key, name in stored.items() if holding.search(key)}
    for program in load_programs():
        key = fold_name(program.name)
        if key in stored and any(holding.search(fold_name(alias)) for alias in program.surfaces()):
            found.add(stored[key])
    return sorted(found, key=str.casefold)


def note_unused_min_score(f: PassageFilter) -> None:
    """--min-score applies to the labels asked for with --label: with --label none alone there is none,
    and the minimum would go unused without a word."""
    if f.min_score is not None and f.labels == ("none",):
        note("--min-score has no effect with --label none alone: unlabeled passages hold no label to score "
             "(`citsec label queue` lists those closest to a label)")


def note_unfolded_search(corpus: Corpus, f: PassageFilter) -> None:
    """--search on a PostgreSQL store whose search keeps accents (no unaccent extension): said, since
    "politica" then misses "política" without a word. One query."""
    said = corpus.accents_note() if f.search else None
    if said:
        note(f"note: {said}")


def as_the_store_reads(
    corpus: Corpus, f: PassageFilter, program: list[str] | None, tags_shown: bool = True
) -> PassageFilter:
    """`passages` and `stats`, which take the same filters: what the store holds that a person should know
    about the answer, on stderr (older labeling rules, reports an older tagger tagged when the answer
    shows or filters on tags, a replaced report, a search that keeps accents, undated reports in a date
    range), and --program as the store names programs (within_stored_programs)."""
    note_older_label_rules(corpus)
    if tags_shown or f.countries or f.programs:
        note_older_tags(corpus, f.report_id)
    note_about_report(corpus, f)
    note_unfolded_search(corpus, f)
    f = within_stored_programs(corpus, f, program)
    note_undated_in_range(corpus, f)
    return f


def note_older_tags(corpus: Corpus, report_id: int | None = None) -> None:
    """Reports (or the one of --report) whose countries and programs an older tagger found
    (extractors.TAGGER_VERSION; a newer citsec's gazetteers and rules find more): said, with what tags
    them again (`db retag` tags current reports: a replaced version's passages keep their tags). One
    query."""
    from extractors import TAGGER_VERSION

    older = corpus.reports_tagged_before(TAGGER_VERSION, report_id)
    if older:
        reports = "1 report was" if older == 1 else f"{older} reports were"
        note(f"note: the countries and programs of {reports} found by an older tagger than this citsec's: "
             "`citsec db retag` tags them again")


def note_undated_in_range(corpus: Corpus, f: PassageFilter) -> None:
    """--since/--until place an undated report on the day it was ingested: said, with how many of the
    passages they let through that is (a researcher's review: 151 passages of undated articles ingested
    today answered `--since 2026-06`, unsaid). One grouped query, only with a date filter."""
    if f.since is None and f.until is None:
        return
    undated = sum(row["count"] for row in corpus.stats(["year"], f) if row["year"] is None)
    if undated:
        note(f"note: {undated} of these passages come from undated reports, which --since/--until place on "
             "the day they were ingested (`citsec stats --by year` counts them under an empty year; "
             "`citsec reports --undated` lists those reports, `citsec reports date ID YYYY-MM-DD` dates one)")


def note_about_report(corpus: Corpus, f: PassageFilter) -> None:
    """--report naming a version a newer one replaced: its passages are shown as asked, but said to be the
    older reading (the default queries leave them out), with the report that replaced it. One that failed
    says why it has none."""
    if f.report_id is None:
        return
    from corpus import CorpusError

    try:
        row = corpus.report(f.report_id)
    except CorpusError:
        return  # no such report: the query finds nothing, and says so
    if row.status == "failed":  # a person asking for its passages learns why there are none
        note(f"note: report {f.report_id} failed and holds no passages: {row.error or 'no reason recorded'}")
    newer = row.superseded_by
    if newer is not None:
        note(f"note: report {f.report_id} was replaced by report {newer} (a newer version at the same path "
             "or URL): these are its older passages, left out of queries without --report")


def _passage_cells(passage: Any) -> dict[str, Any]:
    """A passage's table row: its pages ("10-11" for a passage running over a page break), and its labels
    with their marks (_marked_labels)."""
    row = _marked_labels(passage)
    if passage.page_end != passage.page_start:
        row["page_start"] = f"{passage.page_start}-{passage.page_end}"
    return row


def _explained(
    corpus: Any, passages: Iterator[Any], fmt: OutputFormat
) -> Iterator[tuple[Any, dict[str, Any]]]:
    """Each passage with what --explain adds to its row: "explain" and "context" in JSON, a "why" cell of
    its labels' strongest terms in a table or CSV. The promoted model (whose scores the rows show) is loaded
    with the first passage: a UserError when there is none, or when it cannot be loaded as stored."""
    from flows.cli.common import UserError
    from flows.explain import StoredExplainer, strongest_terms
    from flows.settings import Settings
    from models.registry import load_model

    explainer = None
    for passage in passages:
        if explainer is None:
            promoted = corpus.promoted_model()
            if promoted is None:
                raise UserError(
                    "--explain explains the promoted model's scores, and this store has no promoted model "
                    "(see `citsec models list` and `citsec models promote`)"
                )
            model = load_model(corpus, promoted.version, cache_dir=Settings.from_env().cache_dir)
            if model.version != promoted.version:
                raise UserError(
                    f"--explain: the promoted model {promoted.version} is not stored here to be read again "
                    f"(the built-in model here is {model.version})"
                )
            explainer = StoredExplainer(corpus, model)
        why = explainer.explain(passage)
        if fmt in (OutputFormat.table, OutputFormat.csv):
            yield passage, {"why": strongest_terms(why, passage)}
        else:
            yield passage, why


def nothing_matched(f: Any) -> str:
    """What an empty listing or count says; "br" is Breton's code, typed for Brazil (a Brazilian
    researcher's review)."""
    said = "no passages match these filters"
    if f.lang == "br":
        said += " (--lang br is Breton: Brazil is --country BR, Portuguese --lang pt)"
    return said


def _with_score_columns(row: dict[str, Any]) -> dict[str, Any]:
    """A passage's CSV row: its scores also one column each (empty where no model scored it)."""
    return row | {column: row["scores"].get(column.removesuffix("_score")) for column in SCORE_COLUMNS}


def no_label_rule_of(passage: Any) -> str | None:
    """The rule that leaves a stored passage without the model's labels whatever its scores: "reference
    list", "no word of security" or "table or listing" (models.topic.no_label_rule; for a passage no model
    has scored yet, the rule that will); None for a passage a person labeled, one the model labeled, and
    one its scores leave unlabeled. A reference list is never the model's to label, whatever was stored."""
    from models.labels import UNLABELED_KINDS
    from models.topic import no_label_rule

    if passage.label_origin == "human" or (passage.labels and passage.kind not in UNLABELED_KINDS):
        return None
    return no_label_rule(passage.text, passage.kind)


def _passage_json(passage: Any) -> dict[str, Any]:
    """A passage's JSON (and CSV) row: its fields, and the rule that left it unlabeled ("no_label_rule",
    beyond DESIGN.md's fields: why a passage whose scores pass a threshold has no label)."""
    return passage.to_json() | {"no_label_rule": no_label_rule_of(passage)}


def _marked_labels(passage: Any) -> dict[str, Any]:
    """A passage's row with its labels marked: a person's label (its scores are still the model's), and
    the passages the model never labels (no_label_rule_of: a reference list, a passage that never speaks of
    security, a table or listing), whose scores may pass a threshold."""
    row: dict[str, Any] = passage.to_json()
    if passage.label_origin == "human":
        # One cell, so the mark reads as a note on the labels, not as one more label.
        return row | {"labels": f"{', '.join(row['labels']) or 'none'} (by a person)"}
    rule = no_label_rule_of(passage)
    return row if rule is None else row | {"labels": [f"({rule})"]}


def table_rows(rows: Iterator[Any], limit: int | None, fmt: OutputFormat) -> Iterator[Any]:
    """Tables show TABLE_DEFAULT_ROWS rows unless --limit says otherwise, and say when there are more."""
    if fmt is not OutputFormat.table or limit is not None:
        yield from rows
        return
    yield from islice(rows, TABLE_DEFAULT_ROWS)
    if next(rows, None) is not None:
        note(f"showing the first {TABLE_DEFAULT_ROWS} rows; use --limit N or --format jsonl for more")


@app.command(
    "passages",
    short_help="Find passages by label, country, program, report, language, date and text.",
    help="Find passages by strategy label, country, program, report, language, date and free text. "
    + _FILTER_HELP,
    epilog="Example: citsec passages --label prevention --country CO --country MX --search 'youth program' "
    "--since 2015 --limit 5 --format jsonl",
)
def passages_command(
    label: LabelOpt = None,
    country: CountryOpt = None,
    program: ProgramOpt = None,
    report: ReportOpt = None,
    lang: LangOpt = None,
    search: SearchOpt = None,
    min_score: MinScoreOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    any_language: AnyLanguageOpt = False,
    places: PlacesOpt = False,
    kind: KindOpt = None,
    explain: ExplainOpt = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", "-n", min=1,
            help=f"At most N passages (a table shows the first {TABLE_DEFAULT_ROWS} unless N says otherwise; "
            "json, jsonl and csv print every one).",
        ),
    ] = None,
    order: Annotated[
        PassageOrder,
        typer.Option(
            "--order",
            help="store: in the order passages were stored (by report, then position, unless reports were "
            "stored together). relevance: the best matches of --search first (its words said as the "
            "phrase they make, then said often, in a short passage; SQLite weighs rarer words more, "
            "PostgreSQL words close together).",
        ),
    ] = PassageOrder.store,
    db: DbOption = None,  # type: ignore[assignment]
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from corpus import Corpus

    f = build_filter(
        label, country, program, report, lang, search, min_score, since, until, any_language, places, kind
    )
    note_unused_min_score(f)
    with Corpus.open(db, must_exist=True) as corpus:
        f = as_the_store_reads(corpus, f, program)
        table = fmt is OutputFormat.table
        # Explained, a table reads only the rows it shows (and one to tell whether there are more).
        read = TABLE_DEFAULT_ROWS + 1 if explain and table and limit is None else limit
        passages = corpus.passages(f, limit=read, ranked=order is PassageOrder.relevance)
        whys = _explained(corpus, passages, fmt) if explain else ((p, {}) for p in passages)
        if table:
            rows = (_passage_cells(p) | why for p, why in whys)
            if search:  # the cell shows where the search matched, in bold, not only the passage's opening
                bold = functools.partial(matches_in_bold, search=search, any_language=any_language)
                rows = (row | {"text": bold(row["text"], lang=row["lang"])} for row in rows)
        elif fmt is OutputFormat.csv:
            rows = (_with_score_columns(_passage_json(p)) | why for p, why in whys)
        else:
            rows = (_passage_json(p) | why for p, why in whys)
        columns = PASSAGE_CSV if fmt is OutputFormat.csv else PASSAGE_FIELDS
        if explain:
            columns = (*columns, "why") if fmt is OutputFormat.csv else (*columns, "explain", "context")
        table_columns = (*PASSAGE_TABLE, "why") if explain else PASSAGE_TABLE
        shown = emit(table_rows(rows, limit, fmt), fmt, columns, table_columns=table_columns, widths=WIDTHS)
    note_if_empty(shown, fmt, nothing_matched(f))


def matches_in_bold(
    text: str, search: str, lang: str | None, width: int = WIDTHS["text"], *, any_language: bool = False
) -> Any:
    """A passage's table cell for a search: from a little before its first match (corpus.search.excerpt),
    the words the search matched in bold (with `any_language`, the glossary's equivalents too)."""
    from rich.text import Text

    from corpus.search import excerpt_spans

    cut, spans = excerpt_spans(text, search, lang, width, any_language)
    cell = Text(cut)
    for begin, end in spans:
        cell.stylize("bold", begin, end)
    return cell


RUN_FIELDS = (
    "id", "trigger", "started_at", "finished_at", "seconds", "status", "new", "reread", "unchanged",
    "failed", "passages", "errors",
)  # fmt: skip
RUN_TABLE = (
    "id", "trigger", "started_at", "seconds", "status", "new", "reread", "unchanged", "failed", "passages",
    "errors",
)  # fmt: skip
RUN_COUNTS = ("new", "reread", "unchanged", "failed", "passages")


@app.command("runs", epilog="Example: citsec runs --limit 5 --format json")
def runs_command(
    db: DbOption = None,  # type: ignore[assignment]
    fmt: FormatOption = OutputFormat.table,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, help="The newest N runs.")] = None,
) -> None:
    """List ingest runs, newest first: when, how started, what they did, and what went wrong.

    status is finished (whatever failed along the way), interrupted (Ctrl-C), stopped (an error ended
    the run) or unfinished (still running, or killed before it could record its end). failed counts the
    reports that could not be read and the SOURCEs that yielded none, as ingest's summary does. The table
    counts each run's error lines; JSON, JSON lines and CSV give them in full."""
    from corpus import Corpus
    from flows.run import run_status

    with Corpus.open(db, must_exist=True) as corpus:
        runs = corpus.ingest_runs(limit)
    rows = []
    for run in runs:
        seconds = None
        if run.finished_at is not None:
            seconds = round((run.finished_at - run.started_at).total_seconds(), 1)
        counts = {name: run.counts.get(name, 0) for name in RUN_COUNTS}
        # As the run's summary line counts them: a SOURCE that yielded no report (a missing path) failed too.
        counts["failed"] += run.counts.get("unreadable", 0)
        rows.append({
            "id": run.id, "trigger": run.trigger, "started_at": run.started_at,
            "finished_at": run.finished_at, "seconds": seconds, "status": run_status(run), **counts,
            "errors": run.errors,
        })  # fmt: skip
    rows = list(rows_without_passwords(rows))  # errors name URLs: "https://ana:***@host/feed.xml"
    if fmt is OutputFormat.table:
        rows = [_run_table_row(row) for row in rows]
    emit(table_rows(iter(rows), limit, fmt), fmt, RUN_FIELDS, table_columns=RUN_TABLE)


def _run_table_row(row: dict[str, Any]) -> dict[str, Any]:
    seconds = row["seconds"]
    return row | {
        "started_at": row["started_at"].strftime("%Y-%m-%d %H:%M:%S UTC"),
        "seconds": "" if seconds is None else f"{seconds:.1f}",
        "errors": len(row["errors"]),
    }


@app.command(
    "stats",
    short_help="Count passages per label, country, program, year, report or language.",
    help="Count passages per group of --by fields: label, country, program, year, report, lang, kind (text, "
    "table, reference). A passage "
    "counts once in every group it belongs to (two labels: both groups). Passages without a label count "
    'under label "none"; those naming no country or program under null (an empty cell). year is the '
    "year the report was published, null (undated) when it has no date. With --places, a country's group "
    "also counts the passages naming one of its cities, states or regions. Largest groups first; by year, "
    "years in time order, the undated last. --share divides up the last --by field: each row's count over "
    "its whole, the passages of its group of the earlier --by fields (every passage the filters keep, by "
    "one field). "
    "Takes the same filters as `passages`, so the two always agree. " + _FILTER_HELP,
    epilog="Examples: citsec stats --by label,country --since 2010 --format csv; "
    "citsec stats --by country,year,label --label prevention --label enforcement --share",
)
def stats_command(
    by: Annotated[
        str, typer.Option("--by", help="FIELD[,FIELD]: label, country, program, year, report, lang, kind.")
    ],
    label: LabelOpt = None,
    country: CountryOpt = None,
    program: ProgramOpt = None,
    report: ReportOpt = None,
    lang: LangOpt = None,
    search: SearchOpt = None,
    min_score: MinScoreOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    any_language: AnyLanguageOpt = False,
    places: PlacesOpt = False,
    kind: KindOpt = None,
    share: Annotated[
        bool,
        typer.Option(
            "--share",
            metavar=FLAG,
            help="Divide up the last --by field: add each row's whole (the passages of its group of the "
            "earlier --by fields; by one field, every passage the filters keep) and its share of it. --by "
            "country,year,label: of a country's passages in a year, the share with each label; --by "
            "label,country: of a label's passages, the share naming each country. A passage in two groups "
            "of the last field (two labels, two countries) counts in both, so shares may add up to more "
            "than 100%.",
        ),
    ] = False,
    db: DbOption = None,  # type: ignore[assignment]
    fmt: FormatOption = OutputFormat.table,
) -> None:
    from corpus import Corpus, CorpusError
    from corpus.queries import parse_stat_fields

    fields = parse_stat_fields(by)
    if places and not country and "country" not in fields:
        raise CorpusError(
            "--places widens --country and the country groups of --by country: give either"
        )
    f = build_filter(
        label, country, program, report, lang, search, min_score, since, until, any_language,
        places and bool(country), kind,
    )
    note_unused_min_score(f)
    with Corpus.open(db, must_exist=True) as corpus:
        f = as_the_store_reads(corpus, f, program, tags_shown=bool({"country", "program"} & set(fields)))
        rows = corpus.stats(fields, f, places=places, share=share)
        note_other_groups(rows, fields, f)
        wanted = "report" in fields and fmt is OutputFormat.table
        titles = {r.id: r.title for r in corpus.reports(include_superseded=True)} if wanted else {}
    counts = ["count", "whole", "share"] if share else ["count"]
    if fmt is not OutputFormat.table:
        emit(rows, fmt, [*fields, *counts])
        return
    # For people: reports by title too (JSON and CSV keep the contract's fields: the group's and count, and
    # with --share its whole and share).
    columns = list(fields)
    if titles:
        columns.insert(fields.index("report") + 1, "title")
        rows = [{**row, "title": titles.get(row["report"])} for row in rows]
    if share:
        rows = [{**row, "share": percent(row["count"], row["whole"])} for row in rows]
    shown = emit(named_groups(rows, fields), fmt, [*columns, *counts])
    note_if_empty(shown, fmt, nothing_matched(f))
    if "year" in fields and any(row["year"] is None for row in rows):
        note("note: (undated) counts the passages of reports read without a date: `citsec reports --undated` "
             "lists them, `citsec reports date ID YYYY-MM-DD` dates one")


# A field both filtered and grouped by: its option, and what a passage of a group does with the value.
_FILTERED_GROUPS = {
    "country": ("--country", "name"), "program": ("--program", "name"), "label": ("--label", "carry"),
}


def percent(part: int, whole: int) -> str:
    """part of whole for the table, to a tenth of a percent: "72.7%"; "<0.1%" for a share that would read
    0.0% but is not none."""
    if part and part * 2000 < whole:
        return "<0.1%"
    return f"{part / whole:.1%}"


def note_other_groups(rows: list[dict[str, Any]], fields: list[str], f: PassageFilter) -> None:
    """A filter keeps passages, not groups: `stats --by country --country SV` also counts, under US, the
    passages naming El Salvador that name the United States too. Say so when such rows are there (a
    journalist's review read them as a filter that did not work)."""
    asked = {"country": f.countries, "program": f.programs, "label": f.labels}
    for field in fields:
        values = asked.get(field, ())
        if not values:
            continue
        given = {value.casefold() for value in values}
        grouped = (str(row[field]) for row in rows if row[field] is not None)
        others = list(dict.fromkeys(value for value in grouped if value.casefold() not in given))
        if not others:
            continue
        option, verb = _FILTERED_GROUPS[field]
        kept = " or ".join([", ".join(values[:-1]), values[-1]] if len(values) > 1 else list(values))
        shown = ", ".join(others[:6]) + (f" and {len(others) - 6} more" if len(others) > 6 else "")
        them = "it" if len(others) == 1 else "them"
        note(f"note: {option} keeps the passages that {verb} {kept}; the {field} rows of {shown} count those "
             f"of them that also {verb} {them}")


def named_groups(rows: list[dict[str, Any]], fields: list[str]) -> list[dict[str, Any]]:
    """Rows for the table: the group of passages without a country, program, ... reads "(none)", and of
    undated reports "(undated)" (JSON keeps null and CSV an empty cell, for programs)."""
    return [
        {**row, **{f: "(undated)" if f == "year" else "(none)" for f in fields if row.get(f) is None}}
        for row in rows
    ]
