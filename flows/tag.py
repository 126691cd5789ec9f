"""`citsec tag` as a Python function: strategy labels, scores, countries and programs for passages given as
text, without storing them.

    >>> from flows.tag import tag_passages                                    # doctest: +SKIP
    >>> rows = tag_passages(["La Iniciativa Mérida financió ...", {"id": "b", "text": "...", "lang": "pt"}])
    >>> rows[0]["labels"], rows[0]["scores"], rows[0]["countries"], rows[0]["programs"]

Each row is the object the command writes (DESIGN.md): {"id", "lang", "labels", "scores", "countries",
"programs", "model"}. Passages that share a "report" and come one after another are read together, as
ingest reads a report's passages (models.context); the rest each on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from models.registry import LoadedModel

EXPLAIN_TERMS = 5


@dataclass(frozen=True)
class TagInput:
    """One passage to tag: its id exactly as given (any JSON value), text, language, report and kind if known
    (extractors.document.PASSAGE_KINDS: "text", "table", "reference")."""

    id: Any
    text: str
    lang: str | None
    report: str | int | None = None
    kind: str | None = None


def tag_passages(
    passages: Iterable[str | Mapping[str, Any]],
    *,
    db: str | None = None,
    model: str | None = None,
    explain: bool = False,
    batch_size: int = 256,
) -> list[dict[str, Any]]:
    """Tag texts, or mappings {"text", "id"?, "lang"?, "report"?, "kind"?} (a text's id is its position,
    from 1; "kind" is "text", "table" or "reference", as `citsec passages` gives it).

    The model is `model` (a version in the store `db`, or "seed"), else the promoted model of the store
    `db`, else the built-in seed model; `db` must name an existing store. Unlike the command, which
    opens $CITSEC_DB_URL or ./citsec.db when --db is not given, no `db` means no store: the built-in
    model. A language not given is detected. CorpusError for a bad language code or store, TypeError for
    an item that is not a text, ValueError for an unknown kind."""
    from corpus import Corpus
    from extractors.tagging import Tagger
    from flows.settings import Settings
    from models.registry import load_model

    inputs = [_tag_input(item, position) for position, item in enumerate(passages, start=1)]
    if db is None:
        loaded = load_model(None, model, cache_dir=Settings.from_env().cache_dir)
    else:
        with Corpus.open(db, must_exist=True) as corpus:
            loaded = load_model(corpus, model, cache_dir=Settings.from_env().cache_dir)
    tagger = Tagger()
    return [row for batch in batched(inputs, batch_size) for row in tag_batch(batch, tagger, loaded, explain)]


def _tag_input(item: str | Mapping[str, Any], position: int) -> TagInput:
    from corpus.filters import language_code

    if isinstance(item, str):
        return TagInput(position, item, None)
    if not isinstance(item, Mapping) or not isinstance(item.get("text"), str):
        raise TypeError(f"passage {position}: expected a text or a mapping with a \"text\" string")
    from extractors.document import PASSAGE_KINDS

    lang = item.get("lang")
    lang = language_code(lang) if lang else None
    kind = item.get("kind")
    if kind is not None and kind not in PASSAGE_KINDS:
        expected = ", ".join(PASSAGE_KINDS)
        raise ValueError(f"passage {position}: unknown kind {kind!r}; expected one of {expected}")
    return TagInput(item.get("id", position), item["text"], lang, item.get("report"), kind)


def batched(items: Iterable[TagInput], size: int) -> Iterator[list[TagInput]]:
    """Batches of about `size` inputs; a run of lines of one report is never split between batches."""
    from corpus.batches import whole_runs

    return whole_runs(items, size, key=lambda item: item.report)


def report_runs(batch: list[TagInput]) -> list[tuple[int, Any]] | None:
    """A key per input for LoadedModel.predict: consecutive inputs of one report share it, an input with
    no report has its own; None when no input names a report."""
    if all(item.report is None for item in batch):
        return None
    keys: list[tuple[int, Any]] = []
    run = 0
    for i, item in enumerate(batch):
        if i and (item.report is None or item.report != batch[i - 1].report):
            run += 1
        keys.append((run, item.report))
    return keys


def tag_batch(batch: list[TagInput], tagger: Any, model: LoadedModel, explain: bool) -> list[dict[str, Any]]:
    """Output rows (DESIGN.md's `citsec tag` object) for one batch: language, labels, countries, programs."""
    from extractors.language import detect_language
    from models.context import CONTEXT_WEIGHT
    from models.labels import UNLABELED_KINDS

    texts = [item.text for item in batch]
    langs = [item.lang or detect_language(item.text) for item in batch]
    tags = tagger.tag(texts, langs)
    reports = report_runs(batch)
    # A line of a report is one of its passages, judged as ingest judges them (a short fragment of names
    # and figures gets no label: models.prose); a line on its own is a text the user wants classified. A
    # line's "kind" says what it is: a table gets no label, nor does a reference list, which lends nothing
    # to its report's context and names no country or programme (a place of publication is not a subject).
    kinds = [item.kind or (None if item.report is None else "text") for item in batch]
    predictions = model.predict(texts, langs, reports=reports, kinds=kinds)
    rows = []
    for item, lang, tag, prediction, kind in zip(batch, langs, tags, predictions, kinds, strict=True):
        cited = kind in UNLABELED_KINDS
        row: dict[str, Any] = {
            "id": item.id,
            "lang": lang,
            "labels": prediction.labels,
            "scores": prediction.scores,
            "countries": [] if cited else list(tag.countries),
            "programs": [] if cited else list(tag.programs),
            "model": model.version,
        }
        if explain:
            row["explain"] = model.explain(item.text, EXPLAIN_TERMS)
            # The rule that gave the line no label whatever its scores ("no word of security", "table or
            # listing", "reference list"), as `citsec passages` names it; null when the scores decided.
            row["no_label_rule"] = prediction.no_label_rule
            if prediction.context is not None and item.report is not None:
                # The terms explain the passage's own score; "scores" blend it with the report's.
                row["context"] = {**prediction.context, "report_weight": CONTEXT_WEIGHT}
        rows.append(row)
    return rows
