"""Synthetic stores for the store tests: random reports filled through the API, plus the truth about them.

The truth (each passage's effective labels, entities, date, whether its report is current) is kept
in Python, so tests can compare what the store returns with a brute-force filter over plain objects.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
from dataclasses import dataclass, field
from typing import Any, NoReturn

import pytest

from corpus import Corpus, NewEntity, NewPassage, NewReport, PassageFilter
from corpus.taxonomy import LABELS, NO_LABEL
from extractors import TAGGER_VERSION

# Words chosen so no two share a stem in the english, spanish or portuguese snowball stemmers and
# none is a stop word there: full-text matches then mean the same on SQLite and PostgreSQL.
VOCAB = (
    "border", "cartel", "prison", "youth", "treaty", "harbor", "mayor", "village", "court", "coffee",
    "river", "market", "militia", "pipeline", "tunnel", "vaccine", "kingpin", "truce", "satellite", "budget",
)  # fmt: skip
COUNTRIES = ("CO", "MX", "BR", "SV", "US")
PROGRAMS = ("Plan Colombia", "Merida Initiative", "CARSI", "Mano Dura")
LANGS = ("en", "es", "pt", None, "fr")
TODAY = dt.datetime.now(dt.UTC).date()


@dataclass
class TruthPassage:
    id: int
    report_id: int
    seq: int
    lang: str | None
    text: str
    countries: set[str]
    programs: set[str]
    date: dt.date
    current: bool = True
    labels: set[str] = field(default_factory=set)
    scores: dict[str, float] = field(default_factory=dict)  # effective score of each label held
    model_scores: dict[str, float] = field(default_factory=dict)  # the promoted model's, for output

    @property
    def words(self) -> list[str]:
        return re.findall(r"\w+", self.text.lower())


def fill(corpus: Corpus, n_reports: int, per_report: int, seed: int = 7) -> list[TruthPassage]:
    """Store `n_reports` random reports (a few re-versions of the same uri) and label their passages."""
    rng = random.Random(seed)
    truth: dict[int, TruthPassage] = {}
    report_of_uri: dict[str, int] = {}
    for r in range(n_reports):
        uri = f"file:///reports/r{r % max(1, n_reports - 3)}.pdf"  # the last three re-version earlier uris
        published = dt.date(rng.randint(2001, 2024), rng.randint(1, 12), rng.randint(1, 28))
        published_or_none = published if rng.random() < 0.85 else None
        passages = []
        for seq in range(1, per_report + 1):
            text = " ".join(rng.choice(VOCAB) for _ in range(rng.randint(4, 12))).capitalize() + "."
            ccs = rng.sample(COUNTRIES, rng.randint(0, 2))
            names = rng.sample(PROGRAMS, rng.choice((0, 0, 1)))
            entities = [NewEntity("country", cc.lower(), cc) for cc in ccs]
            entities += [NewEntity("program", name, name) for name in names]
            passages.append(NewPassage(seq, seq, seq, text, rng.choice(LANGS), entities=entities))
        rid = corpus.add_report(
            NewReport(
                uri=uri,
                sha256=f"{seed:04d}{r:060d}",
                title=f"Report {r}",
                published=published_or_none,
                passages=passages,
                # Tags as this release stores them: no query says to re-tag them.
                tagger_version=TAGGER_VERSION,
            )  # fmt: skip
        )
        if uri in report_of_uri:
            for t in truth.values():
                if t.report_id == report_of_uri[uri]:
                    t.current = False
        report_of_uri[uri] = rid
        for row in corpus.passages(PassageFilter(report_id=rid)):
            p = passages[row.seq - 1]
            truth[row.id] = TruthPassage(
                id=row.id, report_id=rid, seq=row.seq, lang=p.lang, text=p.text,
                countries={e.value for e in p.entities if e.kind == "country"},
                programs={e.value for e in p.entities if e.kind == "program"},
                date=published_or_none or TODAY,
            )  # fmt: skip
    _predict_and_label(corpus, truth, rng)
    return sorted(truth.values(), key=lambda t: t.id)


def _predict_and_label(corpus: Corpus, truth: dict[int, TruthPassage], rng: random.Random) -> None:
    promoted: list[tuple[int, str, float]] = []
    for t in truth.values():
        for label in LABELS:
            score = round(rng.random(), 3)
            promoted.append((t.id, label, score))
            t.model_scores[label] = score
            if score >= 0.5:
                t.labels.add(label)
                t.scores[label] = score
    corpus.add_predictions("m1", promoted)  # first model in the store: promoted
    # A second, unpromoted model must not change anything visible.
    corpus.add_predictions("m2", [(t.id, "prevention", 0.99) for t in list(truth.values())[::3]])
    given: list[tuple[int, set[str]]] = []
    for t in rng.sample(list(truth.values()), k=len(truth) // 8):
        for _ in range(rng.choice((1, 1, 2))):  # sometimes relabeled: the latest wins
            labels = set(rng.sample(LABELS, rng.randint(0, 2)))
            given.append((t.id, labels))
        t.labels = labels
        t.scores = {label: 1.0 for label in labels}
    corpus.add_labels(given[0][0], given[0][1], annotator="tester")  # the one-by-one path
    corpus.add_labels_many(given[1:], annotator="tester")


def brute_force(truth: list[TruthPassage], f: PassageFilter) -> list[TruthPassage]:
    """What `Corpus.passages(f)` must return, computed the slow, obvious way."""
    f = f.validated()
    return [t for t in truth if _matches(t, f)]


def _matches(t: TruthPassage, f: PassageFilter) -> bool:
    if f.report_id is not None:
        if t.report_id != f.report_id:
            return False
    elif not t.current:
        return False
    if f.lang is not None and t.lang != f.lang:
        return False
    if f.since is not None and t.date < f.since:
        return False
    if f.until is not None and t.date > f.until:
        return False
    if f.labels:
        wanted = [lb for lb in f.labels if lb != NO_LABEL]
        floor = f.min_score
        held = [lb for lb in wanted if lb in t.labels and (floor is None or t.scores[lb] >= floor)]
        if not held and not (NO_LABEL in f.labels and not t.labels):
            return False
    elif f.min_score is not None and not any(s >= f.min_score for s in t.scores.values()):
        return False
    if f.countries and not t.countries.intersection(f.countries):
        return False
    if f.programs and not {p.casefold() for p in t.programs}.intersection(p.casefold() for p in f.programs):
        return False
    return f.search is None or _search_matches(t.words, f.search)


def _search_matches(words: list[str], search: str) -> bool:
    from corpus.search import parse_search

    parsed = parse_search(search)
    if not parsed:
        return False

    def holds(term: Any) -> bool:
        n = len(term.words)
        if term.prefix:
            return any(w.startswith(term.words[0]) for w in words)
        return any(tuple(words[i : i + n]) == term.words for i in range(len(words) - n + 1))

    return all(any(map(holds, clause)) for clause in parsed.all_of) and not any(map(holds, parsed.none_of))


def pg_feature_missing(reason: str) -> NoReturn:
    """A PostgreSQL server without a feature a test needs: skip, or fail when CI requires PostgreSQL."""
    if os.environ.get("CITSEC_REQUIRE_PG") == "1":
        pytest.fail(f"{reason} (CITSEC_REQUIRE_PG=1)")
    pytest.skip(reason)


def require_unaccent(corpus: Corpus, without_it: str) -> None:
    """On PostgreSQL, a test of accent folding needs the unaccent extension in the store's database (the
    migrations install it when the server ships it); `without_it` says what the store does instead."""
    if corpus.dialect != "postgresql":
        return
    with corpus.engine.connect() as conn:
        query = "SELECT count(*) FROM pg_extension WHERE extname = 'unaccent'"
        if not conn.exec_driver_sql(query).scalar():
            pg_feature_missing(f"this PostgreSQL server has no unaccent extension: {without_it}")
