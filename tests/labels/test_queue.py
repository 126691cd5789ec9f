"""Uncertainty sampling: the uncertainty score and how the queue spreads over reports and languages."""

from __future__ import annotations

import pytest

from corpus import Corpus
from models.queue import Candidate, Spread, label_queue, prose_first, spread, uncertainty
from models.registry import LoadedModel

THRESHOLDS = {"prevention": 0.5, "enforcement": 0.3, "transnational": 0.8}


def test_uncertainty_is_highest_at_a_threshold_and_lowest_when_every_label_is_clear() -> None:
    on_edge = {"prevention": 0.01, "enforcement": 0.30, "transnational": 0.99}
    clear = {"prevention": 0.0, "enforcement": 1.0, "transnational": 0.0}
    assert uncertainty(on_edge, THRESHOLDS) == 1.0
    assert uncertainty(clear, THRESHOLDS) == 0.0
    # Distance is scaled by the room on that side of the threshold: 0.65 is halfway up from 0.3.
    assert uncertainty({"prevention": 0.0, "enforcement": 0.65, "transnational": 0.0}, THRESHOLDS) == (
        pytest.approx(0.5)
    )


def _c(u: float, i: int, report: str, lang: str | None) -> Candidate:
    return Candidate(u, i, report, lang)


def test_no_report_gives_two_before_every_report_gave_one() -> None:
    # Report A holds the ten least certain passages; B and C only middling ones.
    items = [_c(0.99 - i / 100, i, "A", "en") for i in range(10)]
    items += [_c(0.5, 10, "B", "en"), _c(0.4, 11, "C", "es"), _c(0.3, 12, "C", "es")]
    ids = [c.id for c in spread(items, 5)]
    assert ids[:3] == [0, 11, 10]  # round 1: A's best, then languages take turns (es, en)
    assert ids[3:] == [1, 12]  # round 2: A's and C's next


def test_spread_keeps_the_n_least_certain_of_each_report_and_is_stable() -> None:
    items = [_c(round((i * 37 % 100) / 100, 2), i, f"r{i % 3}", "en") for i in range(300)]
    chosen = spread(items, 6)
    assert len(chosen) == 6 and [c.id for c in spread(list(items), 6)] == [c.id for c in chosen]
    for c in chosen[:3]:  # each report's first pick is its least certain passage
        assert c.uncertainty == max(x.uncertainty for x in items if x.group == c.group)
    assert spread(items, 0) == []


def _every_one_asked(
    candidates: list[Candidate], n: int, readable: set[int], texts: dict[int, str] | None = None,
    taken: set[str] | None = None,
) -> list[Candidate]:
    """The queue built the plain way: the least certain candidate of each text kept (the first among
    equals) unless the text is taken, then every one asked whether it is readable, in store order."""
    if texts is not None:
        kept: dict[str, Candidate] = {}
        for c in candidates:
            if texts[c.id] not in (taken or set()) and (
                texts[c.id] not in kept or c.uncertainty > kept[texts[c.id]].uncertainty
            ):
                kept[texts[c.id]] = c
        candidates = [c for c in candidates if kept.get(texts[c.id]) is c]
    first, rest = Spread(n), Spread(n)
    for c in candidates:
        (first if c.id in readable else rest).add(c)
    chosen = first.rounds()
    return chosen + rest.rounds()[: n - len(chosen)]


@pytest.mark.parametrize("seed", range(40))
def test_readable_ones_first_asks_only_the_least_certain_and_chooses_as_asking_all_would(seed: int) -> None:
    # A review: asking every passage whether it is prose that speaks of security took three quarters of
    # `label queue`'s 48 s on a store of 98,000 passages. Uncertainties repeat (ties), reports hold one to
    # thirty passages, languages have few or many reports, and a share of the passages is not readable.
    import random

    rng = random.Random(seed)
    n = rng.choice([1, 3, 5, 20])
    candidates = [
        _c(rng.choice([1.0, 0.9, 0.5]) if rng.random() < 0.2 else round(rng.random(), 2), i,
           f"r{rng.randrange(rng.choice([3, 40, 400]))}", rng.choice(["en", "en", "es", "pt"]))
        for i in range(rng.choice([10, 300, 2000]))
    ]  # fmt: skip
    # A language of a few reports (undetected, a rare one) cannot give n: it must not hold the rest back.
    candidates += [_c(round(rng.random(), 2), -i, f"x{i % 2}", rng.choice([None, "fr"])) for i in range(1, 4)]
    readable = {c.id for c in candidates if rng.random() < rng.choice([0.3, 0.9])}
    asked: list[int] = []

    def ask(c: Candidate) -> bool:
        asked.append(c.id)
        return c.id in readable

    chosen = prose_first(candidates, n, ask)
    assert [c.id for c in chosen] == [c.id for c in _every_one_asked(candidates, n, readable)]
    assert len(asked) == len(set(asked))
    # A text several reports hold is offered once, its least certain copy; a labeled text never.
    texts = {c.id: f"text {rng.randrange(max(2, len(candidates) // 3))}" for c in candidates}
    taken = {f"text {i}" for i in range(0, len(candidates) // 3, 7)}
    once = prose_first(candidates, n, lambda c: c.id in readable, key=lambda c: texts[c.id], taken=taken)
    assert [c.id for c in once] == [c.id for c in _every_one_asked(candidates, n, readable, texts, taken)]
    assert len({texts[c.id] for c in once}) == len(once) and not {texts[c.id] for c in once} & taken
    if len(candidates) > 2000 and n <= 5 and len(readable) > 1000:
        assert len(asked) < len(candidates) / 2


def test_the_queue_reads_the_stored_scores_of_the_promoted_model(
    filled: Corpus, small_seed_model: LoadedModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A review: `label queue` ran the model over every stored passage on each call (5 s on 2,300 passages,
    # growing with the store) to get the scores the store already holds.
    import models.queue

    recomputed = [(c.id, c.labels) for c in _without_stored_scores(filled, small_seed_model, monkeypatch)]
    assert len(recomputed) == 10

    def no_scoring(*args: object, **kwargs: object) -> None:
        raise AssertionError("scored passages whose scores the store holds")

    monkeypatch.setattr(models.queue, "score_texts", no_scoring)
    queue = label_queue(filled, small_seed_model, n=10)
    assert [(c.id, c.labels) for c in queue] == recomputed
    assert all(c.scores == filled.passage(c.id).scores for c in queue)

    # Another model than the promoted one (its scores are not stored) is asked for its own.
    other = LoadedModel("seed-other", small_seed_model.estimator)
    with pytest.raises(AssertionError, match="scored passages"):
        label_queue(filled, other, n=10)


def _without_stored_scores(
    corpus: Corpus, model: LoadedModel, monkeypatch: pytest.MonkeyPatch
) -> list[Candidate]:
    import models.queue

    with monkeypatch.context() as patched:
        patched.setattr(models.queue, "_stored_scores_hold", lambda corpus, model: False)
        return label_queue(corpus, model, n=10)


def test_a_text_several_reports_hold_is_offered_once_and_never_once_labeled(
    store: Corpus, small_seed_model: LoadedModel
) -> None:
    # A review on a store of news: the same article saved twice, a methods paragraph every report of a
    # series repeats, came up once per report, and a label on one copy left the others in the queue
    # (retraining counts a text once, so every label after the first was wasted).
    from corpus import NewPassage, NewReport
    from models.reclassify import reclassify
    from models.registry import register_seed_model

    shared = (
        "Police in Honduras arrested forty suspected gang members in raids on three neighbourhoods of San "
        "Pedro Sula, the security ministry said, after a week of extortion killings of bus drivers."
    )
    for r, other in enumerate([
        "Youth centres in Medellín offered sports and job training to teenagers at risk of joining gangs.",
        "Mexican marines captured a cartel leader wanted for extradition to the United States in Sinaloa.",
        "The government announced a truce with the two largest gangs and moved their leaders out of jail.",
    ]):  # fmt: skip
        passages = [NewPassage(1, 1, 1, other, "en"), NewPassage(2, 1, 1, "  " + shared.upper() + " ", "en")]
        store.add_report(NewReport(uri=f"file:///n{r}.txt", sha256=f"{r:064d}", title=f"N{r}",
                                   passages=passages))  # fmt: skip
    register_seed_model(store, small_seed_model, promoted=True)
    reclassify(store, small_seed_model, batch_size=10)

    def offered() -> list[str]:
        return [" ".join(c.row.text.split()).casefold() for c in label_queue(store, small_seed_model, n=10)]

    assert sorted(offered()) == sorted({" ".join(p.text.split()).casefold() for p in store.passages()})
    assert offered().count(shared.casefold()) == 1
    copy = next(p.id for p in store.passages() if p.text.strip() == shared.upper())
    store.add_labels(copy, ["enforcement"])
    assert shared.casefold() not in offered() and len(offered()) == 3
    store.add_text_labels("Youth centres in Medellín offered sports and job training to teenagers at risk of "
                          "joining gangs.", ["prevention"])  # fmt: skip
    assert len(offered()) == 2
