"""Arbitrary user text in every filter of `citsec passages` and Corpus.passages, on SQLite and PostgreSQL:
an answer or one clear CorpusError line, never a database error.

tests/store/test_store_filters_property.py checks filter *semantics* with well-formed values; this throws
what a user (or a script) may really type: quotes, SQL and FTS syntax, NUL bytes, lone surrogates'
neighbours, very long strings.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from corpus import Corpus, CorpusError, PassageFilter
from corpus.filters import parse_date

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))
from storedata import fill  # noqa: E402

EXAMPLES = int(os.environ.get("CITSEC_PROPERTY_EXAMPLES", "60"))

NASTY = [
    "'",
    '"',
    "\x00",
    "a\x00b",
    "'; DROP TABLE passages; --",
    '" OR 1=1 --',
    "NEAR(a b)",
    "col:term",
    "*",
    "a*",
    "^x",
    "(",
    ")",
    "!@#$%^&*()[]{}<>?/\\|",
    "%",
    "_",
    "\\",
    "é",
    "日本",
    "\u202e",
    " " * 3,
    "x" * 5000,
]
text = st.one_of(st.sampled_from(NASTY), st.text(max_size=40), st.text(alphabet=st.characters(codec="utf-8")))
text_lists = st.lists(text, max_size=3).map(tuple)
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _query(store: Corpus, f: PassageFilter) -> None:
    """Every read path of a filter; CorpusError (a user mistake, one line) is the only error allowed."""
    try:
        rows = list(store.passages(f, limit=5))
        count = store.count_passages(f)
        store.stats(["label"], f)
    except CorpusError as exc:
        assert "\n" not in str(exc) and str(exc).strip()
        return
    assert len(rows) <= count


def test_any_text_in_any_filter_is_answered_or_one_line_error(store: Corpus) -> None:
    fill(store, n_reports=3, per_report=8, seed=3)

    @SETTINGS
    @given(
        labels=text_lists,
        countries=text_lists,
        programs=text_lists,
        lang=st.one_of(st.none(), text),
        search=st.one_of(st.none(), text),
        since=st.one_of(st.none(), text),
        until=st.one_of(st.none(), text),
    )
    @example(labels=(), countries=(), programs=("a\x00",), lang="\x00", search="\x00", since=None, until=None)
    def check(labels, countries, programs, lang, search, since, until) -> None:
        try:
            # Dates reach the store as dates: the CLI parses what the user typed, as here.
            start = parse_date(since) if since is not None else None
            end = parse_date(until, end=True) if until is not None else None
        except CorpusError as exc:
            assert "\n" not in str(exc)
            return
        f = PassageFilter(
            labels=labels,
            countries=countries,
            programs=programs,
            lang=lang,
            search=search,
            since=start,
            until=end,
        )
        _query(store, f)

    check()


def test_search_with_stray_quotes_finds_what_plain_words_find(store: Corpus) -> None:
    truth = fill(store, n_reports=3, per_report=10, seed=4)
    word = truth[0].text.split()[0].strip(".,;:").lower()

    def ids(search: str) -> list[int]:
        return [p.id for p in store.passages(PassageFilter(search=search))]

    plain = ids(word)
    assert plain
    for typed in (f'"{word}', f"{word}'", f"{word} AND", f"({word}", f"{word} OR", f"'{word}'"):
        assert ids(typed) == plain, typed


def test_cli_passages_with_hostile_filters_never_tracebacks(store_url: str, capsys) -> None:
    from flows.cli import main

    with Corpus.open(store_url) as corpus:
        fill(corpus, n_reports=2, per_report=5, seed=5)

    options = ["--label", "--country", "--program", "--lang", "--search", "--since", "--until", "--min-score"]

    @settings(SETTINGS, max_examples=max(10, EXAMPLES // 4))
    @given(option=st.sampled_from([*options, "--report"]), value=text)
    def check(option: str, value: str) -> None:
        try:
            main(["passages", "--db", store_url, option, value, "--format", "json", "--limit", "3"])
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        assert code in (0, 2), err
        assert "Traceback" not in err
        if code == 2:
            assert err.strip(), "a user error says why"

    check()
