"""What a person should label next: uncertainty sampling across the three labels, spread out.

A passage's uncertainty is 1 minus its *least* certain label's distance from that label's threshold
(scaled so 0 = at the threshold, 1 = at 0 or 1): one label on a knife-edge is enough to be worth a
person's look. The most uncertain passages are then taken in rounds, one per report per round (one per
language of a report written in several), with languages taking turns within a round, so one long report
or one language cannot fill the queue.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, cast

from models.labels import LABELS, UNLABELED_KINDS
from models.prose import is_prose
from models.topic import is_off_topic

if TYPE_CHECKING:
    from corpus import Corpus
    from models.registry import LoadedModel

SCORE_BATCH = 500


@dataclass(frozen=True, order=True)
class Candidate:
    """A passage (or text) that could be labeled: ordered by uncertainty, then id for stable ties."""

    uncertainty: float
    id: Any = field(compare=False)
    group: Hashable = field(compare=False, default=None)  # the report
    lang: str | None = field(compare=False, default=None)
    scores: dict[str, float] = field(compare=False, default_factory=dict)
    labels: list[str] = field(compare=False, default_factory=list)
    row: Any = field(compare=False, default=None)  # what the caller wants back (a PassageRow)


def uncertainty(scores: Mapping[str, float], thresholds: Mapping[str, float]) -> float:
    """1 − min over labels of |score − threshold| scaled to [0, 1] by the room on that side."""
    certainties = []
    for label in LABELS:
        p, t = float(scores.get(label, 0.0)), float(thresholds.get(label, 0.5))
        room = t if p < t else 1.0 - t
        certainties.append(min(1.0, abs(p - t) / room) if room > 0 else 1.0)
    return round(1.0 - min(certainties), 6)


def _by_uncertainty(items: Iterable[Candidate]) -> list[Candidate]:
    return sorted(items, key=lambda c: (-c.uncertainty, str(c.id)))


def interleave_languages(items: Sequence[Candidate]) -> list[Candidate]:
    """Languages take turns (the one with the least certain passage first), each least certain first."""
    by_lang: dict[str, list[Candidate]] = defaultdict(list)
    for c in _by_uncertainty(items):
        by_lang[c.lang or ""].append(c)
    lists = list(by_lang.values())  # insertion order: by each language's least certain passage
    depths = range(max(map(len, lists), default=0))
    return [lst[depth] for depth in depths for lst in lists if depth < len(lst)]


class Spread:
    """The `n` least certain candidates of each report (each language of a multilingual report counts as
    a report of its own), kept as candidates stream past: memory stays at n per report, as no report can
    give more than n anyway."""

    def __init__(self, n: int) -> None:
        self.n = n
        self._best: dict[Hashable, list[tuple[float, int, Candidate]]] = defaultdict(list)
        self._seen = 0

    def add(self, c: Candidate) -> None:
        if self.n <= 0:
            return
        heap = self._best[(c.lang or "", c.group)]
        item = (c.uncertainty, -self._seen, c)  # on equal uncertainty keep the earlier passage
        self._seen += 1
        if len(heap) < self.n:
            heapq.heappush(heap, item)
        elif item[:2] > heap[0][:2]:
            heapq.heapreplace(heap, item)

    def rounds(self) -> list[Candidate]:
        """In rounds where each report gives its next least certain passage, languages taking turns within
        a round; no report gives two passages in one language before every report gave one."""
        heaps = self._best.values()
        ranked = [[c for _, _, c in sorted(heap, key=lambda x: (-x[0], -x[1]))] for heap in heaps]
        out: list[Candidate] = []
        for depth in range(max(map(len, ranked), default=0)):
            out.extend(interleave_languages([lst[depth] for lst in ranked if depth < len(lst)]))
            if len(out) >= self.n:
                break
        return out[: self.n]


def spread(candidates: Iterable[Candidate], n: int) -> list[Candidate]:
    """The `n` to label next, spread over reports and languages (see Spread)."""
    best = Spread(n)
    for c in candidates:
        best.add(c)
    return best.rounds()


def score_texts(
    model: LoadedModel, texts: Sequence[str], langs: Sequence[str | None] | None = None,
    reports: Sequence[Hashable] | None = None, kinds: Sequence[str] | None = None,
) -> list[tuple[float, dict[str, float], list[str]]]:
    """(uncertainty, scores, labels) of each text under `model`; `reports` and `kinds` as in
    LoadedModel.predict."""
    thresholds = _thresholds(model)
    predictions = model.predict(
        list(texts), list(langs) if langs is not None else None, reports=reports, kinds=kinds
    )
    return [(uncertainty(p.scores, thresholds), p.scores, p.labels) for p in predictions]


def label_queue(
    corpus: Corpus, model: LoadedModel, n: int = 20, *, lang: str | None = None, report_id: int | None = None
) -> list[Candidate]:
    """The store's `n` unlabeled passages the model is least sure of, spread over reports and languages;
    `lang` and `report_id` narrow it to one language or one report.

    Passages a person labeled are never offered, nor reference lists (extractors.references), nor a
    passage whose words a person labeled elsewhere (another report holding the same text, a text
    imported as an example), and a text several reports hold is offered once: retraining counts a text
    once, whatever the passages holding it (models.retrain.normalize_text). Scores
    are the model's own, each passage read in its report as ingest reads it: those the store keeps when
    `model` is the store's promoted model and its predictions were made under this citsec's labeling
    rules (a query, however big the store), else recomputed in batches of whole reports. Passages that are
    not prose (tables of figures, contents pages, a reference list without a heading, captions and other
    fragments: `is_prose`) come only after every prose passage: a person's label teaches more there. So
    do passages that never speak of security (models.topic): the model gives them no label, whatever a
    person says of them."""
    from corpus import PassageFilter
    from corpus.batches import whole_runs
    from models.retrain import normalize_text

    lang = PassageFilter(lang=lang).validated().lang  # "spa" is "es"; "xx" an error, not an empty queue
    stored = _stored_scores_hold(corpus, model)
    rows = corpus.passages(PassageFilter(report_id=report_id), by_report=True, entities=False)
    # Until chosen, a candidate keeps its text's hash (what makes two passages one text: retraining's
    # normalize_text), not its row: every passage of the store is a candidate.
    candidates: list[Candidate] = []
    for batch in whole_runs(rows, SCORE_BATCH, key=lambda row: row.report_id):
        # Scores as stored, unless a report was stored without the promoted model's: read it again.
        as_stored = stored and all(set(row.scores) == set(LABELS) for row in batch)
        scored = _candidates(model, batch, as_stored)  # every language read as context, the one asked kept
        candidates.extend(
            replace(c, row=hash(normalize_text(c.row.text))) for c in scored if lang is None or c.lang == lang
        )
    labeled = {hash(normalize_text(row.text)) for row in corpus.labeled_examples() if row.text}
    texts = _ReportTexts(corpus)
    chosen = prose_first(
        candidates, n, lambda c: is_prose(texts[c]) and not is_off_topic(texts[c]),
        key=lambda c: c.row, taken=labeled,
    )
    full = {row.id: row for row in corpus.passages_by_id([c.id for c in chosen])}
    return [replace(c, row=full[c.id]) for c in chosen if c.id in full]


class _ReportTexts:
    """The text of a candidate the queue asks about, read with the rest of its report's (the queue asks of
    a few passages, often several of one report, and keeps no text in between: on 98,000 passages the
    texts were a third of its memory)."""

    def __init__(self, corpus: Corpus) -> None:
        self._corpus = corpus
        self._texts: dict[int, str] = {}

    def __getitem__(self, c: Candidate) -> str:
        if c.id not in self._texts:
            from corpus import PassageFilter

            report = cast(int, c.group)  # label_queue's candidates are grouped by report id
            for batch in self._corpus.iter_passage_texts(f=PassageFilter(report_id=report)):
                self._texts.update((row.id, row.text) for row in batch)
        return self._texts[c.id]


def prose_first(
    candidates: Sequence[Candidate], n: int, readable: Callable[[Candidate], bool],
    key: Callable[[Candidate], Hashable] | None = None, taken: Iterable[Hashable] = (),
) -> list[Candidate]:
    """The `n` to label next, spread over reports and languages (Spread): the `readable` candidates first,
    the rest after them. `readable` is asked of the least certain candidates only, as far as it takes:
    once a language has n reports with a readable candidate, its less certain candidates can change
    nothing (each report gives its least certain readable passage before any gives a second, and a
    language gives its n least certain of those before an n+1th). On a large store most passages are
    never asked (asking every one was three quarters of `label queue`'s time on 98,000 passages).

    With `key`, candidates of one key are one: only the least certain of them (the first in `candidates`
    among equals) can be offered, and none whose key is in `taken`."""
    if n <= 0:
        return []
    prose, other = Spread(n), Spread(n)
    reports: dict[str, set[Hashable]] = defaultdict(set)  # per language, the reports with a readable one
    nth: dict[str, float] = {}  # per language, the uncertainty at which its nth such report was found
    seen = set(taken)
    for c in sorted(candidates, key=lambda c: -c.uncertainty):  # stable: store order among equals
        if key is not None:
            same = key(c)
            if same in seen:
                continue
            seen.add(same)
        lang = c.lang or ""
        if lang in nth and c.uncertainty < nth[lang]:
            continue  # its language gives n readable ones, all less certain than this, before it
        if readable(c):
            prose.add(c)
            reports[lang].add(c.group)
            if len(reports[lang]) == n:
                nth[lang] = c.uncertainty
        else:
            other.add(c)
    first = prose.rounds()
    return first + other.rounds()[: n - len(first)]


def _stored_scores_hold(corpus: Corpus, model: LoadedModel) -> bool:
    """Whether the store's scores are what `model` gives now: it is the promoted model (whose predictions
    the passages carry) and they were made under this citsec's rules of reading a passage in its report."""
    from models.topic import older_label_rules

    promoted = corpus.promoted_model()
    return promoted is not None and promoted.version == model.version and older_label_rules(corpus) is None


def _thresholds(model: LoadedModel) -> dict[str, float]:
    return dict(zip(LABELS, (float(t) for t in model.estimator.thresholds_), strict=True))


def _candidates(model: LoadedModel, rows: Sequence[Any], as_stored: bool) -> list[Candidate]:
    """The rows a person may be offered, with their uncertainty under `model`: from the scores and labels
    the store holds (`as_stored`), else scored now. Labeled passages are scored too, as the report context
    of the others, and then left out; so are reference lists, which the model never labels."""
    if as_stored:
        thresholds = _thresholds(model)
        scored = [
            (uncertainty(row.scores, thresholds), row.scores, [lb for lb in LABELS if lb in row.labels])
            for row in rows
        ]
    else:
        scored = score_texts(
            model, [r.text for r in rows], [r.lang for r in rows], [r.report_id for r in rows],
            [r.kind for r in rows],
        )
    return [
        Candidate(u, row.id, row.report_id, row.lang, scores, labels, row)
        for row, (u, scores, labels) in zip(rows, scored, strict=True)
        if row.label_origin != "human" and row.kind not in UNLABELED_KINDS
    ]
