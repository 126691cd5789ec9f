"""corpus.passage_match.stand_ins (and label_takers), the match a late label runs (corpus.labelstate's
_carry_step): the same answer as the full match narrowed to the passages just labeled, on random readings
full of what its checks are for (near-copies, near-ties, rival labels, merges, identical passages,
boilerplate), and work that grows with those passages, not with the labeled passages of the old reading
(counted, not timed)."""

from __future__ import annotations

import random
from difflib import SequenceMatcher

import pytest

from corpus import passage_match
from corpus.passage_match import OldPassage, label_takers, match_passages, stand_ins

LABELS: tuple[frozenset[str], ...] = (frozenset({"prevention"}), frozenset({"enforcement"}), frozenset())
FOOTER = "ministry of security annual report page"


def _readings(rng: random.Random) -> tuple[list[OldPassage], list[tuple[int, str]]]:
    """An old reading and a new one: most new passages the old ones read again with small changes, some
    duplicated or near-duplicated, merged, dropped or new; about half the old passages labeled."""
    vocab = [f"w{i}" for i in range(rng.choice((40, 200, 2000)))]
    base = [[rng.choice(vocab) for _ in range(rng.randint(5, 45))] for _ in range(rng.randint(3, 25))]
    old_texts = []
    for tokens in base:
        text = " ".join(tokens)
        roll = rng.random()
        if roll < 0.3:
            text = f"{text} {FOOTER} {rng.randint(1, 9)}"
        elif roll < 0.4:
            text = text.replace(" ", "", 1)  # a glued pair
        old_texts.append(text)
        if rng.random() < 0.15:
            old_texts.append(text if rng.random() < 0.5 else text.replace(" ", "\n", 2))  # identical
        if rng.random() < 0.15:
            other = list(tokens)
            other[rng.randrange(len(other))] = rng.choice(vocab)  # a near-copy
            old_texts.append(" ".join(other))
    new_texts: list[str] = []
    for tokens in base:
        roll = rng.random()
        if roll < 0.1:
            continue  # dropped
        text = " ".join(tokens)
        if roll < 0.2 and new_texts:
            text = f"{new_texts.pop()} {text}"  # merged with the one before
        elif roll < 0.3:
            changed = list(tokens)
            changed[rng.randrange(len(changed))] = rng.choice(vocab)
            text = " ".join(changed)
        new_texts.append(text)
        if rng.random() < 0.1:
            new_texts.append(text.replace(" ", "  "))  # identical twice
        if rng.random() < 0.1:
            new_texts.append(f"{text} {rng.choice(vocab)}")  # a near-tie
    new_texts += [" ".join(rng.choice(vocab) for _ in range(20)) for _ in range(rng.randint(0, 3))]
    old = []
    labeled = []
    for pid, text in enumerate(old_texts, 1):
        if rng.random() < 0.5:
            labeled.append(OldPassage(pid, text, rng.choice(LABELS)))
        else:
            old.append(OldPassage(pid, text, None))
    rng.shuffle(labeled)  # the order labels were given
    return [*old, *labeled], [(1000 + i, t) for i, t in enumerate(new_texts)]


@pytest.mark.parametrize("seed", range(400))
def test_label_takers_is_the_full_match_narrowed_to_the_passages_just_labeled(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    old, new = _readings(rng)
    labeled = [p.id for p in old if p.labels is not None]
    full = match_passages(old, new).label_from
    matching = passage_match._Matching
    held = rng.sample([n for n, _ in new], len(new) // 3)  # new passages holding late copies
    # The late ones: the last labeled (what a late label is), or any few (a copy reached further on), or
    # nearly half of them (an import).
    for sources in (
        labeled[-rng.randint(1, 3) :],
        rng.sample(labeled, min(len(labeled), 4)),
        rng.sample(labeled, max(len(labeled) - 1, 0) // 2),
    ):
        # Checked one by one, and (no candidates allowed, the full match costing nothing) by the full match
        # label_takers runs instead.
        for checks, full_cost in ((passage_match.CHECKS, matching.full_cost), (0, lambda _: 0)):
            monkeypatch.setattr(passage_match, "CHECKS", checks)
            monkeypatch.setattr(matching, "full_cost", full_cost)
            assert label_takers(old, new, sources) == {n: s for n, s in full.items() if s in sources}
            # The new passages that stand for them, whatever label the full match gives each, or none.
            answer = stand_ins(old, new, sources, held)
            assert answer == {n: full.get(n) for n in answer}


def test_another_labeled_passage_choosing_the_same_new_passage_from_farther_off_still_blocks_it() -> None:
    """Two old passages with different labels both closest to one new passage, the other one too far
    from it to be a near-tie rival (0.91 against 0.97): the full match gives it neither label, and so
    must the late label's match, which finds the other one only by looking for all that choose it."""
    ports = (
        "Between 2016 and 2022 the customs services of Ecuador, Colombia and Panama shared container "
        "manifests through a regional platform paid for by the European Union, and seizures of cocaine "
        "hidden in fruit shipments bound for Antwerp and Rotterdam rose fourfold, while the number of "
        "containers opened by hand at the three busiest terminals barely changed over the same period."
    )
    glued = ports.replace("fruit shipments", "fruitshipments")
    cut = " ".join([*ports.split()[:-7], "as", "before", "then"])
    old = [OldPassage(1, cut, frozenset({"enforcement"})), OldPassage(2, glued, frozenset({"prevention"}))]
    new = [(10, ports), (11, "An unrelated passage about municipal violence prevention councils.")]
    assert match_passages(old, new).label_from == {}
    assert label_takers(old, new, [2]) == {}
    assert label_takers(old[1:], new, [2]) == {10: 2}  # alone, it carries


class _Counting(SequenceMatcher[str]):
    ratios = 0
    bounds = 0

    def ratio(self) -> float:
        _Counting.ratios += 1
        return super().ratio()

    def quick_ratio(self) -> float:
        _Counting.bounds += 1
        return super().quick_ratio()


def test_a_late_label_scores_a_few_passages_however_many_others_are_labeled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One more label on a 600-passage old reading read again with its page headers gone (every label
    goes by rule 2): the full match scores each labeled passage, label_takers the new one's neighbours."""
    monkeypatch.setattr(passage_match, "SequenceMatcher", _Counting)
    rng = random.Random(5)
    vocab = [f"w{i}" for i in range(5000)]
    texts = [" ".join(rng.choice(vocab) for _ in range(50)) for _ in range(600)]
    new = [(10_000 + i, t) for i, t in enumerate(texts)]
    order = rng.sample(range(600), 600)
    scored = {}
    for labeled in (10, 300):
        given = {i: LABELS[i % 2] for i in order[:labeled]}
        old = [OldPassage(i, f"PAGE {i} {t}", given.get(i)) for i, t in enumerate(texts) if i not in given]
        old += [OldPassage(i, f"PAGE {i} {texts[i]}", given[i]) for i in order[:labeled]]
        _Counting.ratios = 0
        full = match_passages(old, new).label_from
        full_ratios = _Counting.ratios
        _Counting.ratios = 0
        last = order[labeled - 1]
        assert label_takers(old, new, [last]) == {10_000 + last: last}
        scored[labeled] = (_Counting.ratios, full_ratios)
        assert len(full) == labeled
    assert scored[10][0] == scored[300][0] <= 4
    assert scored[300][1] >= 2 * 300  # the full match: closest and rivals of each labeled passage


def _bounds_of_late_labels(texts: list[str], rng: random.Random) -> tuple[int, int]:
    """A reading of `texts` stored again unchanged (the old one with a page header glued on), half its
    passages labeled and 140 of those labels late: the pairs the full match bounds, and those label_takers
    bounds for the late labels (it must agree with the full match). SequenceMatcher must be _Counting."""
    new = [(10_000 + i, t) for i, t in enumerate(texts)]
    order = rng.sample(range(len(texts)), len(texts) // 2)
    given = {i: LABELS[i % 2] for i in order}
    old = [OldPassage(i, f"PAGE {i} {t}", None) for i, t in enumerate(texts) if i not in given]
    old += [OldPassage(i, f"PAGE {i} {texts[i]}", given[i]) for i in order]
    late = order[160:]
    _Counting.bounds = 0
    full = match_passages(old, new).label_from
    assert len(full) == len(order)
    full_bounds, _Counting.bounds = _Counting.bounds, 0
    assert label_takers(old, new, late) == {10_000 + i: i for i in late}
    return full_bounds, _Counting.bounds


def test_many_late_labels_on_a_boilerplate_reading_cost_no_more_than_the_full_match(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """140 late labels (fewer than half) on a 600-passage reading whose passages are one template with 7
    words of their own: every labeled passage may choose each new passage by the shared words, so checking
    the 140 choices one by one bounded each against all 300 labeled passages (42,000 bounds, 6x the full
    match's time). Past CHECKS candidates per labeled passage, label_takers runs the full match instead."""
    monkeypatch.setattr(passage_match, "SequenceMatcher", _Counting)
    rng = random.Random(3)
    template = [f"t{k}" for k in range(43)]
    texts = []
    for i in range(600):
        tokens = list(template)
        for k in range(7):
            tokens.insert(rng.randrange(len(tokens) + 1), f"own{i}x{k}")
        texts.append(" ".join(tokens))
    full_bounds, takers_bounds = _bounds_of_late_labels(texts, rng)
    assert takers_bounds <= full_bounds


def test_many_late_labels_on_a_prose_reading_cost_no_more_than_checking_them_one_by_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """140 late labels (fewer than half) on a 600-passage prose reading whose words are each in about 30
    passages: each new passage they choose may be chosen by some 25 labeled passages, more than CHECKS per
    labeled passage in all, but the full match looks for each labeled passage's closest among some 150
    new passages. Switching to it there (as on boilerplate) bounded 1.7 times as many pairs."""
    monkeypatch.setattr(passage_match, "SequenceMatcher", _Counting)
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(1000)]
    texts = [" ".join(rng.choice(vocab) for _ in range(50)) for _ in range(600)]
    full_bounds, takers_bounds = _bounds_of_late_labels(texts, rng)
    assert takers_bounds <= 2 * full_bounds // 3
