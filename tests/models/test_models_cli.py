"""`citsec models list | promote | evaluate` against a real store."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from corpus import Corpus
from models.labels import LABELS
from models.registry import LoadedModel, builtin_seed_version, register_model

REPO = Path(__file__).resolve().parents[2]


def _invoke(args):
    from flows.cli import _register, app

    _register()
    return CliRunner().invoke(app, args, catch_exceptions=True)


@pytest.fixture
def registered(store_url, fitted):
    with Corpus.open(store_url) as corpus:
        first = register_model(corpus, fitted, version="m-20250101000000-aaaaaaaa", promoted=True)
        second = register_model(corpus, fitted, version="m-20250102000000-bbbbbbbb")
    return store_url, first, second


def test_list_shows_store_versions_and_the_builtin_seed_model(registered, fitted):
    url, first, second = registered
    result = _invoke(["models", "list", "--db", url, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    by_version = {r["version"]: r for r in rows}
    assert by_version[first]["promoted"] is True and by_version[second]["promoted"] is False
    assert by_version[first]["artifact"] == "stored" and by_version[first]["cv_macro_f1"] > 0
    seed = [r for r in rows if r["version"].startswith("seed-")]
    assert len(seed) == 1 and seed[0]["artifact"] == "built-in"
    # No retrain judged these on held-out labels: the column is there, empty.
    assert all(r["holdout_macro_f1"] is None and r["holdout_examples"] is None for r in rows)
    # Each label's threshold, so a researcher can tell a stored score from a label (a review).
    assert by_version[first]["thresholds"] == dict(zip(LABELS, map(float, fitted.thresholds_), strict=True))
    assert seed[0]["thresholds"] is None  # not in the store: not trained yet here


def test_models_list_imports_neither_scikit_learn_nor_spacy(registered, tmp_path):
    # Listing versions imported scikit-learn (~2 s) to hash the built-in seed model's version; it needs
    # neither library (models.seed_version). A new process, as the command is.
    url, first, second = registered
    loaded = tmp_path / "loaded.json"
    probe = (
        "import json, sys\n"
        "from flows.cli import main\n"
        "try:\n"
        f"    main(['models', 'list', '--db', {url!r}, '--format', 'json'])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "heavy = ('sklearn', 'spacy', 'models.registry', 'models.training', 'models.cues')\n"
        f"open({str(loaded)!r}, 'w').write(json.dumps([m for m in heavy if m in sys.modules]))\n"
    )
    env = {**os.environ, "CITSEC_CACHE_DIR": str(tmp_path / "cache")}  # no cached seed model to lean on
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(loaded.read_text()) == []
    # The same versions as in a process that has every model module imported.
    versions = [row["version"] for row in json.loads(done.stdout)]
    assert sorted(versions) == sorted([first, second, builtin_seed_version()])


def test_promote_switches_the_promoted_version(registered):
    url, first, second = registered
    result = _invoke(["models", "promote", second, "--db", url])
    assert result.exit_code == 0, result.output
    with Corpus.open(url) as corpus:
        promoted = corpus.promoted_model()
        assert promoted is not None and promoted.version == second


def test_promote_unknown_version_is_a_user_error(registered):
    url, _, _ = registered
    result = _invoke(["models", "promote", "m-nope", "--db", url])
    assert result.exit_code != 0 and "unknown model version" in str(result.exception)


def test_promote_seed_puts_the_builtin_model_into_the_registry(sqlite_url, fitted, monkeypatch):
    builtin = LoadedModel("seed-0badcafe", fitted)
    monkeypatch.setattr("models.registry.seed_model", lambda cache_dir=None: builtin)
    monkeypatch.setattr("models.registry.builtin_seed_version", lambda seed_dir=None: builtin.version)
    Corpus.open(sqlite_url).close()  # an empty store: promote works on a store, it does not create one
    result = _invoke(["models", "promote", "seed", "--db", sqlite_url])
    assert result.exit_code == 0, result.output
    with Corpus.open(sqlite_url) as corpus:
        row = corpus.promoted_model()
        assert row is not None and row.version == "seed-0badcafe"
        assert row.has_artifact and row.metrics["cv_macro_f1"] > 0


def test_evaluate_prints_per_label_and_per_language_scores(registered, tmp_path):
    url, first, _ = registered
    gold = tmp_path / "gold.jsonl"
    enforcement = ["enforcement"]
    rows = [
        {"text": "Police arrested forty gang members in raids across San Salvador.", "labels": enforcement},
        {"text": "La policía detuvo a los jefes de la banda.", "labels": enforcement, "lang": "es"},
        {"text": "Coffee prices rose in May, the ministry said.", "labels": [], "lang": "en"},
    ]
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    result = _invoke(["models", "evaluate", "--gold", str(gold), "--db", url, "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["model"] == first and report["n"] == 3
    assert set(report["per_label"]) == {"prevention", "enforcement", "transnational"}
    assert set(report["per_language"]) == {"en", "es"}
    table = _invoke(["models", "evaluate", "--gold", str(gold), "--db", url])
    assert "macro-F1 es" in table.stdout and "enforcement" in table.stdout
    # Each macro-F1 row: the score under `f1`, the number of passages under `passages` (it was under `pred`).
    header, *lines = table.stdout.splitlines()[1:]
    ends = {m.end(): m.group() for m in re.finditer(r"\S+", header)}  # columns are right-aligned
    for name, n in (("macro-F1", 3), ("macro-F1 en", 2), ("macro-F1 es", 1)):
        (line,) = [line for line in lines if line.split()[:-2] == name.split()]
        score, count = line.split()[-2:]
        assert ends.get(line.index(score) + len(score)) == "f1", table.stdout
        assert (ends.get(len(line.rstrip())), int(count)) == ("passages", n), table.stdout


def test_evaluate_scores_the_tagger_where_the_gold_file_gives_countries_and_programs(registered, tmp_path):
    # An analyst's wish: country and program accuracy on a team's own gold file, not only bench.tagging_eval.
    url, _, _ = registered
    gold = tmp_path / "gold.jsonl"
    rows: list[dict[str, Any]] = [
        {"text": "CARSI funds reached Honduras and Guatemala, the State Department said.", "labels": [],
         "lang": "en", "countries": ["gt", "HN", "US"], "programs": ["CARSI"]},  # codes in any case
        {"text": "La Iniciativa Mérida financió la policía de Chihuahua.", "labels": [], "lang": "es",
         "countries": ["MX"], "programs": []},
        {"text": "Police raided the prison in San Pedro Sula.", "labels": ["enforcement"]},  # labels only
        {"text": "Honduras extradited him.", "labels": [], "countries": None, "programs": None},  # null too
    ]
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    result = _invoke(["models", "evaluate", "--gold", str(gold), "--db", url, "--format", "json"])
    assert result.exit_code == 0, result.output
    tagging = json.loads(result.stdout)["tagging"]
    assert tagging["passages"] == 2
    # The tagger does not read the State Department as the US, nor Chihuahua as Mexico (without --places);
    # it finds the Mérida Initiative where this gold file gives no programme.
    assert {k: tagging["countries"]["all"][k] for k in ("tp", "fp", "fn")} == {"tp": 2, "fp": 0, "fn": 2}
    assert {k: tagging["programs"]["all"][k] for k in ("tp", "fp", "fn")} == {"tp": 1, "fp": 1, "fn": 0}
    assert set(tagging["countries"]) == {"all", "en", "es"}
    table = _invoke(["models", "evaluate", "--gold", str(gold), "--db", url]).stdout
    assert "countries and programs (the tagger), on the 2 passages giving them" in table
    assert re.search(r"^programs\s+all\s+0\.500\s+1\.000\s+0\.667\s+1/1/0$", table, re.MULTILINE), table
    # labels alone: no tagger section
    gold.write_text(json.dumps(rows[2]) + "\n", encoding="utf-8")
    result = _invoke(["models", "evaluate", "--gold", str(gold), "--db", url, "--format", "json"])
    assert "tagging" not in json.loads(result.stdout)
    gold.write_text(json.dumps({**rows[2], "countries": "HN"}) + "\n", encoding="utf-8")
    result = _invoke(["models", "evaluate", "--gold", str(gold), "--db", url])
    assert result.exit_code != 0
    assert 'gold.jsonl:1: "countries" must be a list of strings' in str(result.exception)


def test_evaluate_offers_only_the_formats_it_prints(registered, tmp_path):
    # Its --help listed csv, which it then refused (a user-journey review).
    url, _, _ = registered
    help_text = _invoke(["models", "evaluate", "--help"]).stdout
    assert "table|json|jsonl" in help_text and "csv" not in help_text
    result = _invoke(["models", "evaluate", "--gold", str(tmp_path / "g.jsonl"), "--db", url, "-f", "csv"])
    assert result.exit_code == 2 and "'csv' is not one of" in result.output


def test_evaluate_without_gold_or_labels_says_what_to_do(registered):
    url, _, _ = registered
    result = _invoke(["models", "evaluate", "--db", url])
    assert result.exit_code != 0 and "--gold FILE" in str(result.exception)


def test_evaluate_warns_when_the_gold_passages_are_labeled_in_the_store(registered, tmp_path):
    url, first, _ = registered
    text = "Police arrested forty gang members in raids across San Salvador."
    gold = tmp_path / "gold.jsonl"
    rows = [{"text": text, "labels": ["enforcement"]}, {"text": "Coffee prices rose in May.", "labels": []}]
    gold.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = _invoke(["models", "evaluate", "--gold", str(gold), "--db", url, "--format", "json"])
    assert result.exit_code == 0 and "note:" not in result.stderr
    with Corpus.open(url) as corpus:  # an analyst imported the same text, so a retrain saw it
        # Spacing and case as a retrain ignores them (models.retrain.normalize_text): still the same text.
        corpus.add_text_labels("  " + text.upper(), ["enforcement"], lang="en", origin="import")
    result = _invoke(["models", "evaluate", "--gold", str(gold), "--db", url, "--format", "json"])
    assert result.exit_code == 0, result.output
    note = " ".join(result.stderr.split())
    assert "note: 1 of the 2 gold passages carry human labels in this store" in note
    assert json.loads(result.stdout)["model"] == first
