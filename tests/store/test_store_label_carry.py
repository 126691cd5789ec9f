"""A person's label comes over to a new version's passage whose words changed only slightly (a running
header removed, a glued word split, a hyphenated line break joined), and only then: corpus.passage_match."""

from __future__ import annotations

import random
from difflib import SequenceMatcher

import pytest
from sqlalchemy import select

from corpus import Corpus, NewPassage, NewReport, PassageFilter, ReportPredictions, passage_match
from corpus.passage_match import SIMILAR, Matches, OldPassage, match_passages, words
from corpus.schema import CurrentLabel

FUNDS = (
    "Between 2000 and 2015 the United States appropriated close to ten billion dollars for Plan Colombia, "
    "making Colombia the largest recipient of American security assistance outside the Middle East. Most "
    "of the money paid for helicopters, training and the aerial eradication of coca, while a smaller "
    "share went to judicial reform and alternative development in Colombia and Peru."
)
# The same passage as an older reading cut it: the page's running header in the middle, two words glued
# where a line ended, a word hyphenated across a line break.
HEADER = "ANDEAN SECURITY OBSERVATORY | 2024 | 7"
FUNDS_READ_BEFORE = (
    FUNDS.replace("Middle East. Most", f"Middle East.\n{HEADER}\nMost")
    .replace("Colombia and Peru", "Colombiaand Peru")
    .replace("eradication", "eradi-\ncation")
)
TRUCE = (
    "The gang truce of 2012 cut the murder rate by half within a month, but extortion of bus companies "
    "and small shops went on, and the truce collapsed when the government withdrew its support in 2014."
)
YOUTH = "The ministry opened youth centres in six districts with the highest rates of recruitment by gangs."


def _old(*passages: tuple[str, list[str] | None]) -> list[OldPassage]:
    return [OldPassage(i, text, None if labels is None else frozenset(labels))
            for i, (text, labels) in enumerate(passages, 1)]  # fmt: skip


def _new(*texts: str) -> list[tuple[int, str]]:
    return [(100 + i, text) for i, text in enumerate(texts, 1)]


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, words(a), words(b), autojunk=False).ratio()


# --- the matcher alone ---


def test_a_passage_read_again_with_its_header_removed_and_words_unglued_carries() -> None:
    assert SIMILAR <= _ratio(FUNDS_READ_BEFORE, FUNDS) < 1
    matches = match_passages(_old((FUNDS_READ_BEFORE, ["enforcement"]), (YOUTH, None)), _new(YOUTH, FUNDS))
    assert matches == Matches({102: 1}, frozenset({1}))


@pytest.mark.parametrize(
    "before",
    [
        FUNDS.replace("Middle East. Most", f"Middle East. {HEADER} Most"),  # a running header
        FUNDS.replace("Colombia and Peru", "Colombiaand Peru"),  # a glued word
        FUNDS.replace("eradication", "eradi- cation"),  # a hyphenated line break
        FUNDS.replace("Plan Colombia,", "Plan  Colombia;").replace("Between", "between"),  # case, punctuation
        FUNDS + " See table 4.",  # a few words more at the end
        FUNDS.removeprefix("Between 2000 and 2015 "),  # a few words fewer at the start
    ],
)
def test_one_slight_change_carries(before: str) -> None:
    assert match_passages(_old((before, ["prevention"])), _new(TRUCE, FUNDS)).label_from == {102: 1}


def test_the_exact_words_still_come_over_first_and_the_latest_label_of_a_copy_wins() -> None:
    old = _old((TRUCE, ["prevention"]), (" ".join(TRUCE.split(", ")), []), (TRUCE, ["enforcement"]))
    matches = match_passages(old, _new(TRUCE.replace(" ", "\n"), TRUCE))
    assert matches == Matches({101: 3, 102: 3}, frozenset({1, 3}))  # 2 (commas gone) is taken by 1 and 3


def test_a_passage_that_shares_a_sentence_does_not_carry() -> None:
    first, second = FUNDS.split(". Most ")
    shares = f"{first}. The programme was renewed in 2016 under the name Peace Colombia, with a new focus."
    assert _ratio(FUNDS, shares) < 0.7
    assert match_passages(_old((FUNDS, ["enforcement"])), _new(shares, TRUCE)) == Matches({}, frozenset())


def test_a_passage_cut_in_half_does_not_carry() -> None:
    half = FUNDS[: len(FUNDS) // 2]
    assert _ratio(FUNDS, half) < SIMILAR
    assert match_passages(_old((FUNDS, ["enforcement"])), _new(half, TRUCE)).label_from == {}


def test_a_merge_of_two_passages_of_different_meaning_does_not_carry() -> None:
    # Two halves of comparable length: too far from either.
    merged = f"{TRUCE} {YOUTH}"
    old = _old((TRUCE, ["prevention"]), (YOUTH, ["enforcement"]))
    assert match_passages(old, _new(merged)) == Matches({}, frozenset())
    # A long passage and a short one with another label: close enough to the long one, but it took in
    # the short one's words.
    short = "Police raided the market at dawn."
    assert _ratio(FUNDS, f"{FUNDS} {short}") >= SIMILAR
    old = _old((FUNDS, ["prevention"]), (short, ["enforcement"]))
    assert match_passages(old, _new(f"{FUNDS} {short}")) == Matches({}, frozenset())
    # The short one unlabeled, or labeled alike: nothing contradicts the long one's label.
    old = _old((FUNDS, ["prevention"]), (short, None))
    assert match_passages(old, _new(f"{FUNDS} {short}")).label_from == {101: 1}
    old = _old((FUNDS, ["prevention"]), (short, ["prevention"]))
    assert match_passages(old, _new(f"{FUNDS} {short}")).label_from == {101: 1}


def test_two_new_passages_nearly_as_close_are_ambiguous() -> None:
    again = FUNDS.replace("Colombia and Peru", "Colombiaand Peru")
    assert match_passages(_old((FUNDS_READ_BEFORE, ["enforcement"])), _new(FUNDS, again)).label_from == {}


def test_a_new_passage_closest_to_two_old_ones_with_different_labels_gets_nothing() -> None:
    old = _old((FUNDS_READ_BEFORE, ["enforcement"]), (FUNDS.replace("eradication", "eradi- cation"), []))
    assert match_passages(old, _new(FUNDS, TRUCE)) == Matches({}, frozenset())
    # The same label on both near-copies: the new passage stands for both.
    old = _old((FUNDS_READ_BEFORE, ["enforcement"]), (FUNDS.replace("eradication", "eradi- cation"),
                                                       ["enforcement"]))  # fmt: skip
    assert match_passages(old, _new(FUNDS, TRUCE)) == Matches({101: 2}, frozenset({1, 2}))


def test_a_label_does_not_go_to_a_passage_that_is_another_old_one() -> None:
    """One-to-one: a labeled passage the new version dropped does not take over its near-copy."""
    copy = FUNDS.replace("Colombia and Peru", "Colombiaand Peru")
    # The near-copy came over unchanged: it is that passage, not the dropped one read differently.
    assert match_passages(_old((FUNDS, ["enforcement"]), (copy, None)), _new(copy, TRUCE)).label_from == {}
    # The near-copy (unlabeled) changed a little too: it is closer to its own old reading.
    now = copy.replace("eradication", "eradi- cation")
    assert _ratio(FUNDS, now) >= SIMILAR
    assert match_passages(_old((FUNDS, ["enforcement"]), (copy, None)), _new(now, TRUCE)).label_from == {}


def test_each_old_passage_goes_to_one_new_passage_at_most() -> None:
    truce_before = f"{TRUCE} It did not last."
    old = _old((FUNDS_READ_BEFORE, ["enforcement"]), (truce_before, ["prevention"]), (YOUTH, []))
    new = _new(YOUTH, TRUCE, FUNDS, f"{YOUTH} {YOUTH}")
    matches = match_passages(old, new)
    assert matches == Matches({101: 3, 102: 2, 103: 1}, frozenset({1, 2, 3}))


def test_the_matcher_compares_a_labeled_passage_with_a_few_candidates_not_the_whole_report(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """3,000 passages, 50 of them labeled and slightly changed: the comparisons grow with the labeled
    passages, not with the square of the report (counted, not timed)."""
    rng = random.Random(3)
    common = ["the", "of", "and", "to", "in", "a", "for", "that", "is", "on", "with", "by", "as", "was"]
    rare = [f"w{i}" for i in range(20_000)]

    def passage() -> str:
        return " ".join(rng.choice(common) if rng.random() < 0.4 else rng.choice(rare) for _ in range(60))

    texts = [passage() for _ in range(3000)]
    labeled = set(rng.sample(range(3000), 50))
    old = [OldPassage(i, f"HEADER 7 {t}" if i in labeled else t, frozenset() if i in labeled else None)
           for i, t in enumerate(texts)]  # fmt: skip
    compared = 0

    class Counting(SequenceMatcher):
        def set_seq1(self, a: object) -> None:
            nonlocal compared
            compared += 1
            super().set_seq1(a)  # type: ignore[arg-type]

    monkeypatch.setattr(passage_match, "SequenceMatcher", Counting)
    matches = match_passages(old, [(i, t) for i, t in enumerate(texts)])
    assert matches.label_from == {i: i for i in labeled}
    assert compared < 50 * 100  # a scan of the report would be 50 * 3,000 (and as many for the rivals)


def test_a_report_whose_passages_share_most_words_costs_a_few_comparisons_per_label(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """3,000 passages of one shared text and a per-page footer, the footer changed in the new version,
    200 labeled: every passage is nearly as close to every other, and the matcher must not compare each
    labeled passage with the whole report (full ratios counted, not timed; a scan is 600,000 of them).
    The distinctive footer words find one candidate each, but the passages sharing only the template
    could be as close and are too many to compare: nothing carries, and the labels are left behind."""
    rng = random.Random(1)
    vocab = [f"w{i}" for i in range(400)]
    template = " ".join(rng.choice(vocab) for _ in range(40))
    n = 3000
    labeled = set(rng.sample(range(n), 200))
    old = [OldPassage(i, f"{template} Page {i} of {n}.", frozenset(["prevention"]) if i in labeled else None)
           for i in range(n)]  # fmt: skip
    new = [(10_000 + i, f"{template} {i}") for i in range(n)]
    limit = 5 * len(labeled)
    ratios = 0

    class Counting(SequenceMatcher):
        def ratio(self) -> float:
            nonlocal ratios
            ratios += 1
            assert ratios <= limit, "full ratios grow with the report, not with the labels"
            return super().ratio()

    monkeypatch.setattr(passage_match, "SequenceMatcher", Counting)
    assert match_passages(old, new) == Matches({}, frozenset())
    assert ratios <= limit


@pytest.mark.parametrize("pages", [40, 250, 3000])
def test_a_page_number_does_not_tell_apart_passages_that_share_everything_else(pages: int) -> None:
    """A page inserted: each old page's passage is now the next page's, and the one with its number is
    another page. The number is the only distinctive word, the shared text hides near-ties as close: they
    are compared when few (40, 250 passages, each word in more than DISTINCTIVE), and when too many to
    compare (3,000) the label is left behind all the same."""
    template = " ".join(f"w{i}" for i in range(30))
    old = [OldPassage(i, f"{template} page {i}", frozenset(["prevention"]) if i == 7 else None)
           for i in range(pages)]  # fmt: skip
    new = [(1000 + i, f"{template} page {i + 1} of {pages + 1}") for i in range(pages)]
    assert pages > passage_match.DISTINCTIVE
    assert match_passages(old, new) == Matches({}, frozenset())


# --- through the store ---

SHA = "c" * 64


def _reading(version: str, texts: tuple[str, ...], sha: str = SHA) -> NewReport:
    passages = [NewPassage(i, 1, 1, text, "en") for i, text in enumerate(texts, 1)]
    score = {"enforcement": 0.1, "prevention": 0.9, "transnational": 0.1}
    scores = {p.seq: dict(score) for p in passages}
    return NewReport(
        uri="file:///reports/plan.pdf", sha256=sha, title=version, passages=passages,
        extractor_version=version, predictions=ReportPredictions("m1", scores),
    )  # fmt: skip


def _current(store: Corpus) -> set[tuple[int, str, str]]:
    with store.engine.connect() as conn:
        return {tuple(r) for r in conn.execute(  # type: ignore[misc]
            select(CurrentLabel.passage_id, CurrentLabel.label, CurrentLabel.origin)
        )}  # fmt: skip


@pytest.mark.parametrize("how", ["read by newer extractors", "a changed file"])
def test_a_label_comes_over_to_a_passage_whose_words_changed_slightly(store: Corpus, how: str) -> None:
    old_id = store.add_report(_reading("1.0", (FUNDS_READ_BEFORE, TRUCE)))
    funds, truce = list(store.passages(PassageFilter(report_id=old_id)))
    store.add_labels(funds.id, ["enforcement", "transnational"], annotator="ana", origin="gold")
    store.add_labels(truce.id, [], annotator="ben")
    given = {pid: store.latest_labels(pid) for pid in (funds.id, truce.id)}

    if how == "read by newer extractors":
        new_id = store.add_report(_reading("1.1", (FUNDS, TRUCE)))
    else:  # the same extractors, a new file at the same URI
        new_id = store.add_report(_reading("1.0", (FUNDS, TRUCE), sha="d" * 64))

    assert new_id != old_id and store.report(old_id).superseded_by == new_id
    current = {p.text: p for p in store.passages(PassageFilter())}
    assert set(current) == {FUNDS, TRUCE}
    assert (current[FUNDS].labels, current[FUNDS].label_origin) == (["enforcement", "transnational"], "human")
    assert (current[TRUCE].labels, current[TRUCE].label_origin) == ([], "human")
    for old_pid, text in ((funds.id, FUNDS), (truce.id, TRUCE)):
        carried, before = store.latest_labels(current[text].id), given[old_pid]
        assert carried is not None and before is not None
        assert (carried.labels, carried.annotator, carried.origin, carried.created_at) == (
            before.labels, before.annotator, before.origin, before.created_at
        )  # fmt: skip
    assert [p.text for p in store.passages(PassageFilter(labels=("transnational",)))] == [FUNDS]
    assert store.labels_left_behind(new_id) == 0
    incremental = _current(store)
    store.rebuild_current_labels()
    assert _current(store) == incremental


def test_a_label_on_a_passage_that_changed_a_lot_is_left_behind_and_counted(store: Corpus) -> None:
    truce_before = TRUCE.replace("murder rate", f"murder {HEADER} rate")
    old_id = store.add_report(_reading("1.0", (FUNDS, truce_before, YOUTH)))
    funds, truce, youth = list(store.passages(PassageFilter(report_id=old_id)))
    store.add_labels(funds.id, ["enforcement"])
    store.add_labels(truce.id, ["prevention"])
    store.add_labels(youth.id, ["prevention"])
    # The newer extractors cut the first passage in two, and read the truce without the header.
    first, second = FUNDS.split(". Most ")
    new_id = store.add_report(_reading("1.1", (f"{first}.", f"Most {second}", TRUCE, YOUTH)))

    labels = {p.text: (p.labels, p.label_origin) for p in store.passages(PassageFilter())}
    assert labels[f"{first}."] == labels[f"Most {second}"] == (["prevention"], "model")
    assert labels[TRUCE] == labels[YOUTH] == (["prevention"], "human")
    assert store.labels_left_behind(new_id) == 1
    # The left-behind label stays on the old reading, as history.
    assert store.latest_labels(funds.id).labels == ["enforcement"]  # type: ignore[union-attr]


def test_retraining_sees_a_label_that_came_over_once_on_the_new_passage(store: Corpus) -> None:
    old_id = store.add_report(_reading("1.0", (FUNDS_READ_BEFORE, TRUCE)))
    funds, _ = list(store.passages(PassageFilter(report_id=old_id)))
    store.add_labels(funds.id, ["enforcement"])
    new_id = store.add_report(_reading("1.1", (FUNDS, TRUCE[:40])))
    examples = [(e.text, e.report_id) for e in store.labeled_examples()]
    assert examples == [(FUNDS, new_id)]
