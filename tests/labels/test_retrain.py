"""Retraining: what it trains on, the held-out comparison, promotion rules, re-classification, rollback."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from label_material import Material
from prefect_stand_in import answering_api

from corpus import Corpus, NewPassage, NewReport, PassageFilter
from flows.cli.common import out_console
from models.classifier import StrategyClassifier
from models.errors import ModelError
from models.evaluation import evaluate
from models.labels import LABELS, labels_to_matrix
from models.reclassify import keep_restorable, reclassify
from models.registry import LoadedModel, load_model
from models.retrain import (
    MIN_JUDGED_LABELS,
    Example,
    RetrainConfig,
    TrainingData,
    decide,
    fit_weighted,
    gather,
    human_examples,
    retrain,
    split_holdout,
    too_few_to_judge,
)

Cli = Callable[..., tuple[int, str, str]]


def _label_stored(corpus: Corpus, truth: dict[str, tuple[str, ...]]) -> None:
    """A person labels every stored passage with its true labels."""
    for row in corpus.passages():
        corpus.add_labels(row.id, truth[row.text], annotator="tester")


@pytest.fixture
def truth(material: Material) -> dict[str, tuple[str, ...]]:
    return {p.text: p.labels for p in material.stored}


def _effective(corpus: Corpus, label: str) -> set[int]:
    return {row.id for row in corpus.passages(PassageFilter(labels=(label,)))}


def test_latest_label_per_text_wins_and_duplicates_count_once(store: Corpus) -> None:
    store.add_text_labels("Troops raided a  cartel lab.", ["prevention"], annotator="a")
    store.add_text_labels("troops raided a cartel lab.", ["enforcement"], annotator="b")
    store.add_text_labels("Youth centres opened.", ["prevention"], annotator="a")
    examples = human_examples(store.labeled_examples())
    assert [(e.text.lower()[:6], e.labels) for e in examples] == [
        ("troops", ("enforcement",)),
        ("youth ", ("prevention",)),
    ]


def test_holdout_is_fixed_by_the_text_not_the_order() -> None:
    examples = [Example(f"passage {i} about policing", ("enforcement",), "en", "human") for i in range(60)]
    train, held = split_holdout(examples, 0.2)
    train2, held2 = split_holdout(list(reversed(examples)), 0.2)
    assert {e.text for e in held} == {e.text for e in held2} and 3 <= len(held) <= 25
    assert not {e.text for e in held} & {e.text for e in train}
    assert split_holdout(examples[:4], 0.2) == (examples[:4], [])  # too few to hold any out


def test_gather_replaces_relabeled_seed_passages(
    store: Corpus, config: RetrainConfig, material: Material
) -> None:
    seed_text = material.seed[0].text
    store.add_text_labels(seed_text, [], annotator="a")
    for i in range(6):
        store.add_text_labels(f"A further human example number {i}.", ["prevention"])
    data = gather(store, config)
    assert seed_text not in {e.text for e in data.seed}
    assert len(data.seed) == len(material.seed) - 1
    assert len(data.human) + len(data.holdout) == 7 and data.holdout


def test_held_out_passages_bring_their_reports_and_are_judged_in_them(
    filled: Corpus, config: RetrainConfig, truth: dict[str, tuple[str, ...]], small_seed_model: LoadedModel
) -> None:
    from models.context import blend, report_context
    from models.retrain import score

    _label_stored(filled, truth)
    filled.add_text_labels("A free text about youth centres and job training.", ["prevention"])
    data = gather(filled, config)
    rows = {r.id: r for r in filled.passages()}
    by_text = {r.text: r for r in rows.values()}
    stored = [e for e in data.holdout if e.text in by_text]
    assert stored and all(e.report_id == by_text[e.text].report_id for e in stored)
    assert set(data.holdout_reports) == {e.report_id for e in stored}
    for report, texts in data.holdout_reports.items():
        assert texts == [r.text for r in rows.values() if r.report_id == report]
    assert all(e.report_id is None for e in [*data.human, *data.holdout] if e.text not in by_text)
    # The judged decisions are the in-report ones, computed by hand here.
    estimator = small_seed_model.estimator
    proba = estimator.predict_proba([e.text for e in stored])
    for i, e in enumerate(stored):
        context = report_context(estimator.predict_proba(data.holdout_reports[e.report_id]))  # type: ignore[index]
        proba[i] = blend(proba[i], context)
    truth_y = labels_to_matrix([e.labels for e in stored])
    expected = evaluate(truth_y, (proba >= estimator.thresholds_).astype(int), [e.lang for e in stored])
    judged = score(estimator, stored, data.holdout_reports)
    assert judged is not None and judged.to_json() == expected.to_json()
    alone = score(estimator, stored)
    assert alone is not None and alone.to_json() != judged.to_json()
    assert alone.to_json() == evaluate(truth_y, estimator.predict([e.text for e in stored]),
                                       [e.lang for e in stored]).to_json()  # fmt: skip


def test_held_out_passages_are_read_without_their_reports_reference_lists(store: Corpus) -> None:
    from models.retrain import report_texts

    prose = "Prosecutors charged the commanders with homicide and the minister promised more troops."
    listing = "References\nRuiz, A. (2015). Soldiers in the streets. Journal of Policing, 12(3), 45-67."
    report = store.add_report(NewReport(uri="file:///paper.pdf", sha256="f" * 64, passages=[
        NewPassage(0, 1, 1, prose, lang="en"), NewPassage(1, 2, 2, listing, lang="en", kind="reference"),
    ]))
    example = Example(prose, ("enforcement",), "en", "import", report_id=report)
    assert report_texts(store, [example]) == {report: [prose]}
    assert store.report_passage_texts([report]) == {report: [prose, listing]}


def test_no_human_labels_is_a_clear_error(store: Corpus, config: RetrainConfig) -> None:
    with pytest.raises(ModelError, match="no human labels"):
        retrain(store, "auto", config)


def test_human_weight_moves_the_model_more_than_a_seed_example(
    config: RetrainConfig, material: Material
) -> None:
    seed = [Example(p.text, p.labels, p.lang, "seed") for p in material.seed]
    probe = "Quantum flamingo orchestras negotiate quantum flamingo treaties."
    odd = Example(probe, ("prevention",), "en", "human")
    light, _ = fit_weighted([*seed, odd], [1] * (len(seed) + 1), config.design)
    heavy, _ = fit_weighted([*seed, odd], [1] * len(seed) + [5], config.design)
    assert heavy.predict_proba([probe])[0, 0] > light.predict_proba([probe])[0, 0]
    assert heavy.n_training_ == len(seed) + 1  # copies are not examples


def test_decide() -> None:
    y = labels_to_matrix([["prevention"], ["enforcement"], []])
    good = evaluate(y, y, ["en"] * 3)
    bad = evaluate(y, np.ones_like(y), ["en"] * 3)
    assert decide("auto", good, bad, 3).promote and decide("auto", good, good, 3).promote  # not worse = ok
    assert not decide("auto", bad, good, 3).promote
    assert not decide("auto", None, None).promote  # nothing to compare on
    # Three held-out labels are too few to judge on: even a perfect model is not promoted under auto.
    too_few = decide("auto", good, bad, min_judged=4)
    assert not too_few.promote and "only 3 held-out human labels" in too_few.reason
    assert decide("auto", good, bad, min_judged=3).promote
    assert decide("always", bad, good, min_judged=4).promote
    assert decide("always", bad, good).promote and not decide("never", good, bad).promote
    with pytest.raises(ModelError, match="--promote"):
        decide("sometimes", good, good)


def _worse_candidate(data: TrainingData, config: RetrainConfig) -> tuple[StrategyClassifier, float]:
    """A deliberately bad model: trained with every label set inverted."""
    flipped = [Example(e.text, tuple(sorted(set(LABELS) - set(e.labels))), e.lang, e.origin)
               for e in [*data.seed, *data.human]]  # fmt: skip
    model, _ = fit_weighted(flipped, [1] * len(flipped), config.design)
    return model, 0.0


def test_auto_refuses_a_worse_model_and_changes_nothing(
    filled: Corpus, config: RetrainConfig, truth: dict[str, tuple[str, ...]]
) -> None:
    _label_stored(filled, truth)
    before = filled.promoted_model()
    effective = {label: _effective(filled, label) for label in LABELS}
    result = retrain(filled, "auto", config, fit_candidate=_worse_candidate)
    assert not result.decision.promote and result.reclassified == 0
    assert result.new_holdout is not None and result.old_holdout is not None
    assert result.new_holdout.macro_f1 < result.old_holdout.macro_f1
    assert filled.promoted_model() == before
    stored = filled.model_version(result.version)
    assert stored is not None and not stored.promoted and stored.metrics["holdout_macro_f1"] is not None
    assert {label: _effective(filled, label) for label in LABELS} == effective


def test_auto_does_not_judge_on_too_few_held_out_labels(
    filled: Corpus, config: RetrainConfig, truth: dict[str, tuple[str, ...]]
) -> None:
    _label_stored(filled, truth)  # 32 labels: ~6 held out
    before = filled.promoted_model()
    result = retrain(filled, "auto", replace(config, min_judged=MIN_JUDGED_LABELS))
    assert 0 < result.holdout_examples < MIN_JUDGED_LABELS
    assert not result.decision.promote and result.reclassified == 0
    assert f"({MIN_JUDGED_LABELS} needed" in result.decision.reason
    assert filled.promoted_model() == before


def test_auto_says_before_training_when_it_will_not_judge(
    filled: Corpus, config: RetrainConfig, truth: dict[str, tuple[str, ...]]
) -> None:
    strict = replace(config, min_judged=MIN_JUDGED_LABELS)
    assert too_few_to_judge(filled, strict) is None  # no labels yet: gather says so
    _label_stored(filled, truth)
    held = len(split_holdout(human_examples(filled.labeled_examples()), strict.holdout_share)[1])
    line = too_few_to_judge(filled, strict)
    verb = "is" if held == 1 else "are"
    assert line is not None and line.startswith(f"{held} of the 32 human labels {verb} held out")
    assert f"on at least {MIN_JUDGED_LABELS}: this one will be stored, not promoted" in line
    assert too_few_to_judge(filled, replace(config, min_judged=held)) is None


def _predicted(model: LoadedModel, corpus: Corpus, label: str, unlabeled: set[int]) -> set[int]:
    rows = list(corpus.passages())  # every passage: each is read in its report
    predictions = model.predict([r.text for r in rows], reports=[r.report_id for r in rows])
    return {r.id for r, p in zip(rows, predictions, strict=True) if r.id in unlabeled and label in p.labels}


def test_retrain_reclassifies_and_rollback_restores(
    filled: Corpus, config: RetrainConfig, cli: Cli, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_version = filled.promoted_model().version  # type: ignore[union-attr]
    all_ids = [r.id for r in filled.passages()]
    labeled = all_ids[::2]  # people labeled half the passages, against the seed model's habits
    for pid in labeled:
        filled.add_labels(pid, ["transnational"], annotator="tester")
    unlabeled = set(all_ids) - set(labeled)
    code, before, _ = cli("passages", "--db", store_url, "--label", "transnational", "-f", "json")
    before_ids = {r["id"] for r in json.loads(before)}

    result = retrain(filled, "always", config)
    assert result.decision.promote and result.reclassified == len(all_ids)
    code, listed, _ = cli("models", "list", "--db", store_url, "--format", "json")
    stored = {r["version"]: r for r in json.loads(listed)}[result.version]
    assert stored["cv_macro_f1"] == result.cv_macro_f1  # what retrain prints is what the registry keeps
    assert result.new_holdout is not None  # and the held-out score it was judged by, on how many passages
    assert stored["holdout_macro_f1"] == result.new_holdout.macro_f1
    assert stored["holdout_examples"] == result.holdout_examples > 0
    assert stored["holdout_judged_macro_f1"] == result.new_holdout.judged_macro_f1  # what auto compares
    monkeypatch.setattr(out_console, "width", 240)
    code, table, _ = cli("models", "list", "--db", store_url)
    row = next(line for line in table.splitlines() if result.version in line)
    assert f"{result.new_holdout.macro_f1:.3f} ({result.holdout_examples})" in row
    new = load_model(filled, cache_dir=config.cache_dir)
    assert new.version == result.version != old_version
    code, after, _ = cli("passages", "--db", store_url, "--label", "transnational", "-f", "json")
    after_ids = {r["id"] for r in json.loads(after)}
    # Unlabeled passages follow the new model, labeled ones their label; and the answer changed.
    assert after_ids == _predicted(new, filled, "transnational", unlabeled) | set(labeled)
    assert after_ids != before_ids

    code, out, err = cli("models", "promote", old_version, "--db", store_url)
    assert code == 0, err
    code, rolled, _ = cli("passages", "--db", store_url, "--label", "transnational", "-f", "json")
    assert {r["id"] for r in json.loads(rolled)} == before_ids


def test_promoting_a_model_classifies_the_passages_it_has_not_seen_first(
    filled: Corpus, config: RetrainConfig, material: Material, truth: dict[str, tuple[str, ...]],
    cli: Cli, store_url: str,
) -> None:
    old = load_model(filled, cache_dir=config.cache_dir)
    all_ids = [r.id for r in filled.passages()]
    for pid in all_ids[::2]:
        filled.add_labels(pid, truth[filled.passages_by_id([pid])[0].text], annotator="tester")
    unlabeled = set(all_ids[1::2])
    result = retrain(filled, "never", config)  # stored, never promoted: no predictions of its own
    assert result.reclassified == 0
    code, out, err = cli("models", "promote", result.version, "--db", store_url)
    assert code == 0, err
    assert f"promoted {result.version}; classified {len(all_ids)} passages it had not seen" in out
    new = load_model(filled, cache_dir=config.cache_dir)
    assert new.version == result.version
    for label in LABELS:  # unlabeled passages carry the promoted model's labels, not none
        assert _effective(filled, label) & unlabeled == _predicted(new, filled, label, unlabeled)
    assert any(_effective(filled, label) & unlabeled for label in LABELS)

    # A report stored while the new model was promoted is predicted by it alone (as ingest does);
    # rolling back classifies that report with the old model and nothing else.
    passages = [NewPassage(i + 1, 1, 1, p.text, p.lang) for i, p in enumerate(material.stored[:4])]
    filled.add_report(NewReport(uri="file:///late.pdf", sha256="7" * 64, passages=passages))
    reclassify(filled, new)
    code, out, err = cli("models", "promote", old.version, "--db", store_url)
    assert code == 0, err
    assert f"promoted {old.version}; classified 4 passages it had not seen" in out
    unlabeled = {r.id for r in filled.passages()} - set(all_ids[::2])
    for label in LABELS:
        assert _effective(filled, label) & unlabeled == _predicted(old, filled, label, unlabeled)
    code, out, err = cli("models", "promote", old.version, "--db", store_url)
    assert code == 0, err  # nothing left to classify, and nothing changes: said so
    assert out.strip() == f"{old.version} is the promoted model already", out


def test_an_outgoing_model_known_only_by_its_predictions_becomes_restorable(
    store: Corpus, material: Material, small_seed_model: LoadedModel, cli: Cli, store_url: str
) -> None:
    passages = [NewPassage(i + 1, 1, 1, p.text, p.lang) for i, p in enumerate(material.stored[:6])]
    store.add_report(NewReport(uri="file:///r.pdf", sha256="9" * 64, passages=passages))
    reclassify(store, small_seed_model)  # as ingest does: predictions only, no artifact in the registry
    before = {label: _effective(store, label) for label in LABELS}
    assert not store.model_version(small_seed_model.version).has_artifact  # type: ignore[union-attr]
    keep_restorable(store, small_seed_model)
    row = store.model_version(small_seed_model.version)
    assert row is not None and row.has_artifact and row.promoted
    store.add_predictions("other", [(pid, "prevention", 1.0) for pid in _effective(store, "enforcement")])
    store.promote("other")
    code, _, err = cli("models", "promote", small_seed_model.version, "--db", store_url)
    assert code == 0, err
    assert {label: _effective(store, label) for label in LABELS} == before


def test_retraining_with_the_meaning_design_stores_a_model_that_loads_and_labels_every_passage(
    filled: Corpus, config: RetrainConfig, truth: dict[str, tuple[str, ...]]
) -> None:
    from dataclasses import replace

    from models.retrain import retrain_design

    _label_stored(filled, truth)
    meaning = replace(config, design={**retrain_design("word+cues+meaning-logreg"), "cv_folds": 3})
    result = retrain(filled, "always", meaning)
    assert result.decision.promote and result.reclassified == filled.count_passages()
    stored = filled.model_version(result.version)
    assert stored is not None and "word+cues+meaning" in stored.algorithm
    loaded = load_model(filled, cache_dir=config.cache_dir)  # back from the store's skops artifact
    assert loaded.version == result.version and loaded.estimator.features == "word+cues+meaning"


def test_retrain_rejects_an_unknown_design(sqlite_url: str, cli: Cli) -> None:
    code, out, err = cli("retrain", "--design", "transformer-xl", "--db", sqlite_url)
    assert code == 2 and out == ""
    assert err.strip().startswith("error: --design must be one of word-logreg,") and "transformer-xl" in err


def test_the_before_after_table_says_how_many_held_out_passages_carry_each_label() -> None:
    from models.retrain import Decision, RetrainResult
    from models.retrain_report import format_result

    # Three held-out passages, none of them transnational: the new model's one false alarm there would
    # take that label's F1 from 1.000 to 0.000; the table scores it by the passages not claimed (2 of 3),
    # marks it, and shows it rests on no held-out example at all.
    truth = labels_to_matrix([["prevention"], ["enforcement"], ["enforcement"]])
    old = evaluate(truth, labels_to_matrix([["prevention"], ["enforcement"], []]), ["en"] * 3)
    claimed = [["prevention"], ["enforcement"], ["enforcement", "transnational"]]
    new = evaluate(truth, labels_to_matrix(claimed), ["en"] * 3)
    result = RetrainResult("m-new", "seed-old", 2150, 12, 3, new, old, 0.9, Decision(False, "worse"))
    table = format_result(result).splitlines()
    rows = {line.split()[0]: line.split()[1:] for line in table[2:7]}
    assert rows["transnational"] == ["*", "1.000", "0.667", "-0.333", "0"]
    assert rows["enforcement"] == ["0.667", "1.000", "+0.333", "2"]
    assert rows["prevention"][-1] == "1" and rows["macro-F1"] == ["0.889", "0.889", "+0.000", "3"]
    assert table[7].startswith("* no held-out passage carries it: the share of the 3 held-out passages")
    assert result.to_json()["holdout_new"]["judged_macro_f1"] == 0.8889


def test_auto_judges_a_label_no_held_out_passage_carries_by_its_false_alarms() -> None:
    # 20 held-out passages, none transnational. The new model finds 4 more prevention passages and
    # raises one transnational false alarm: by macro-F1 that alarm (F1 1.0 -> 0.0) outweighed the gain
    # and the better model was refused. Judged by the passages left unclaimed (19 of 20) it is promoted;
    # a model claiming transnational on half the passages for the same gain is still refused.
    truth = labels_to_matrix([["prevention"]] * 10 + [["enforcement"]] * 10)
    old = evaluate(truth, labels_to_matrix([["prevention"]] * 5 + [[]] * 5 + [["enforcement"]] * 10),
                   ["en"] * 20)
    better = [["prevention", "transnational"]] + [["prevention"]] * 8 + [[]] + [["enforcement"]] * 10
    new = evaluate(truth, labels_to_matrix(better), ["en"] * 20)
    assert new.macro_f1 < old.macro_f1  # what auto compared before
    decision = decide("auto", new, old)
    assert decision.promote and decision.judged
    assert decision.reason == ("held-out macro-F1 (transnational: passages not claimed) 0.966 >= current "
                               "0.889")
    alarms = [[*labels, "transnational"] if i % 2 else labels for i, labels in enumerate(better)]
    assert not decide("auto", evaluate(truth, labels_to_matrix(alarms), ["en"] * 20), old).promote
    # With every label held out, the judged figure is macro-F1 itself.
    full = evaluate(labels_to_matrix([["transnational"], *better[1:]]), labels_to_matrix(better), ["en"] * 20)
    assert full.judged_macro_f1 == full.macro_f1


@pytest.mark.parametrize(("flags", "augmented"), [((), False), (("--augment",), True)])
def test_retrain_augments_the_features_only_when_asked(
    sqlite_url: str, cli: Cli, monkeypatch: pytest.MonkeyPatch, flags: tuple[str, ...], augmented: bool
) -> None:
    # What the command hands the flow (the flow itself is run end to end in test_retrain_flow.py).
    asked: dict[str, object] = {}

    class Result:
        def to_json(self) -> dict[str, object]:
            return {}

    def run_retrain(db: str, promote: str, design: str, progress: object, augment: bool) -> Result:
        asked.update(promote=promote, design=design, augment=augment)
        return Result()

    with Corpus.open(sqlite_url):  # a store to retrain (the command refuses one that does not exist)
        pass
    monkeypatch.setattr("flows.retrain.run_retrain", run_retrain)
    with answering_api() as api:
        monkeypatch.setenv("PREFECT_API_URL", api)  # no temporary API for this
        code, _, err = cli("retrain", *flags, "--promote", "never", "--format", "json", "--db", sqlite_url)
    assert code == 0, err
    assert asked == {"promote": "never", "design": "word+cues-logreg", "augment": augmented}


@pytest.mark.parametrize("augment", [False, True])
def test_a_retrain_says_whether_its_features_were_augmented(
    filled: Corpus, config: RetrainConfig, truth: dict[str, tuple[str, ...]], augment: bool
) -> None:
    from dataclasses import replace

    from models.retrain_report import format_result

    _label_stored(filled, truth)
    chosen = replace(config, design={**config.design, "domain_adapt": augment})
    result = retrain(filled, "never", chosen)
    assert result.augmented is augment and result.to_json()["augmented"] is augment
    assert ("features augmented" in format_result(result)) is augment
    stored = filled.model_version(result.version)
    assert stored is not None and stored.metrics["augmented"] is augment
    assert ("domain augmentation" in stored.algorithm) is augment


def test_retrain_on_a_store_that_does_not_exist_says_so_and_creates_none(tmp_path: Path, cli: Cli) -> None:
    missing = tmp_path / "mistyped.db"
    code, out, err = cli("retrain", "--db", f"sqlite:///{missing}")
    assert code == 2 and out == ""
    assert err.strip().startswith("error: no store at") and "Traceback" not in err
    assert not missing.exists()


def test_auto_promotes_nothing_when_another_model_was_promoted_after_it_judged(
    filled: Corpus, config: RetrainConfig, truth: dict[str, tuple[str, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A review: two retrains at once each judged against the model promoted before either began, so the
    # second promoted its model over the first's without comparing them.
    import models.retrain
    from models.registry import register_model

    _label_stored(filled, truth)
    real_reclassify = models.retrain.reclassify

    def promoted_meanwhile(corpus: Corpus, *args: object, **kwargs: object) -> int:
        flipped, _ = _worse_candidate(gather(corpus, config), config)
        register_model(corpus, flipped, version="m-other-retrain", promoted=True)
        return real_reclassify(corpus, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(models.retrain, "reclassify", promoted_meanwhile)
    result = retrain(filled, "auto", replace(config, min_judged=1))
    assert not result.decision.promote
    assert "m-other-retrain was promoted while this retrain ran" in result.decision.reason
    promoted = filled.promoted_model()
    assert promoted is not None and promoted.version == "m-other-retrain"
    stored = filled.model_version(result.version)
    assert stored is not None and "retrain again" in stored.metrics["decision"]
    # --promote always promotes whatever was promoted meanwhile: the person asked for it.
    monkeypatch.setattr(models.retrain, "reclassify", real_reclassify)
    forced = retrain(filled, "always", config)
    assert forced.decision.promote and filled.promoted_model().version == forced.version  # type: ignore[union-attr]


def test_a_retrain_stores_no_copy_of_the_version_another_retrain_stored_meanwhile(
    filled: Corpus, config: RetrainConfig, truth: dict[str, tuple[str, ...]]
) -> None:
    from models.registry import register_model
    from models.retrain import FINGERPRINT, train_candidate, training_fingerprint

    _label_stored(filled, truth)
    stored: list[str] = []

    def and_another_retrain_stores_it(
        data: TrainingData, cfg: RetrainConfig
    ) -> tuple[StrategyClassifier, float]:
        model, cv = train_candidate(data, cfg)
        metrics = {FINGERPRINT: training_fingerprint(data, cfg)}
        stored.append(register_model(filled, model, version="m-the-other-copy", extra_metrics=metrics))
        return model, cv

    before = len(filled.model_versions())
    result = retrain(filled, "never", config, fit_candidate=and_another_retrain_stores_it)
    assert result.version == "m-the-other-copy" and result.reused and result.fitted
    assert len(filled.model_versions()) == before + 1
    # It says it trained, and that another retrain stored the same model (a review: it said "took ...,
    # which the same training examples and settings trained before", after training for 20 s itself).
    from models.retrain_report import format_result

    assert format_result(result).startswith(
        "trained m-the-other-copy, which another retrain on the same examples and settings stored meanwhile"
    )


def test_a_promotion_made_while_another_classified_is_not_overridden_unseen(
    filled: Corpus, config: RetrainConfig, truth: dict[str, tuple[str, ...]], cli: Cli, store_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A team review: two analysts promoting two models at once were both told "promoted ...", and the
    # store kept one of them.
    import models.reclassify

    rows = list(filled.passages())
    for row in rows[::2]:
        filled.add_labels(row.id, truth[row.text], annotator="ana")
    mine = retrain(filled, "never", config).version
    for row in rows[1::2]:
        filled.add_labels(row.id, truth[row.text], annotator="ben")
    theirs = retrain(filled, "never", config).version
    assert len({mine, theirs, load_model(filled, cache_dir=config.cache_dir).version}) == 3
    classify = models.reclassify.reclassify

    def a_colleague_promotes_meanwhile(corpus: Corpus, model: LoadedModel, **kwargs: object) -> int:
        done = classify(corpus, model, **kwargs)  # type: ignore[arg-type]
        filled.promote(theirs)
        return done

    monkeypatch.setattr(models.reclassify, "reclassify", a_colleague_promotes_meanwhile)
    code, out, err = cli("models", "promote", mine, "--db", store_url)
    assert code == 2 and out == ""
    assert f"{theirs} was promoted while this command ran, so {mine} was not" in err
    assert filled.promoted_model().version == theirs  # type: ignore[union-attr]
    monkeypatch.setattr(models.reclassify, "reclassify", classify)
    code, out, err = cli("models", "promote", mine, "--db", store_url)  # asked again: it is promoted
    assert code == 0 and filled.promoted_model().version == mine, err  # type: ignore[union-attr]
