"""`citsec tag`: ids of any JSON type round-trip, JSON lines and plain text, file and stdin, clear errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli.common import UserError
from flows.cli.tag_cmd import dumps_row, read_inputs

REPO = Path(__file__).resolve().parents[2]
TEXT = "Police arrested the gang's leaders in Honduras and extradited two of them to the United States."
IDS = [
    0, -7, 2**70, 3.25, 1e-300, -0.0, True, False, None, "", "a", "ü → 漢字 🙂", "1", "\ud800",
    [], [1, "two", None, [3.5]], {}, {"doc": "r-1", "seq": 4, "nested": {"ok": [True, None]}},
]


def _canonical(value: object) -> str:
    # JSON text tells 1 from 1.0 from true, which == does not.
    return json.dumps(value, sort_keys=True)


def test_ids_of_every_json_type_round_trip_through_parse_and_write():
    lines = [json.dumps({"id": identifier, "text": TEXT}) for identifier in IDS]
    back = [json.loads(dumps_row({"id": item.id}))["id"] for item in read_inputs(lines)]
    assert [_canonical(b) for b in back] == [_canonical(i) for i in IDS]


def test_plain_text_blocks_get_ids_from_one():
    items = list(read_inputs(["First passage,", "second line.", "", "", "Second passage.", "", "Third."]))
    expected = [(1, "First passage,\nsecond line."), (2, "Second passage."), (3, "Third.")]
    assert [(i.id, i.text) for i in items] == expected


def test_plain_text_opening_with_a_brace_is_text_and_a_broken_first_json_line_an_error():
    text = ["{Editor's note: updated in May.} The ministry expanded the youth programme.", "", "Second."]
    items = list(read_inputs(text))
    assert [(i.id, i.text) for i in items] == [(1, text[0]), (2, "Second.")]
    with pytest.raises(UserError, match="line 1: not valid JSON"):
        list(read_inputs(['{"id": 1, "text": "cut off']))
    assert [i.text for i in read_inputs(['  { "text": "spaced"}'])] == ["spaced"]
    with pytest.raises(UserError, match="line 1: not valid JSON"):
        list(read_inputs(["{'text': 'single quotes'}"]))
    braced = ["{Editor's note}", "The ministry expanded the youth programme."]
    assert [i.text for i in read_inputs(braced)] == ["\n".join(braced)]
    with pytest.raises(UserError, match="line 1: a JSON array; tag reads JSON lines"):
        list(read_inputs(['[{"id": 1, "text": "x"}]']))


def test_json_line_without_id_gets_its_ordinal_and_lang_is_kept():
    items = list(read_inputs(['{"text": "a"}', "", '{"text": "b", "lang": "es"}']))
    assert [(i.id, i.lang) for i in items] == [(1, None), (2, "es")]


def test_lang_is_read_as_passages_store_it():
    # A region or a three-letter code names the language the tagger and the model know ("pt-BR" went to
    # the English pipeline); what is no language code is refused, naming the line.
    lines = ['{"text": "a", "lang": "pt-BR"}', '{"text": "b", "lang": "SPA"}', '{"text": "c", "lang": "fr"}']
    assert [i.lang for i in read_inputs(lines)] == ["pt", "es", "fr"]
    with pytest.raises(UserError, match=r'line 2: "lang": unknown language code \'xx\''):
        list(read_inputs(['{"text": "a"}', '{"text": "b", "lang": "xx"}']))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": 1, "text": "ok"', "line 2: not valid JSON"),
        ('["not", "an object"]', "line 2: expected a JSON object"),
        ('{"id": 1}', 'line 2: "text" is missing'),
        ('{"id": 1, "text": 5}', 'line 2: "text" must be a string'),
        ('{"id": NaN, "text": "x"}', "line 2: not valid JSON"),
        ('{"id": 1e999, "text": "x"}', "line 2: \"id\" holds a number too large"),
        ('{"text": "x", "lang": 3}', 'line 2: "lang" must be a string'),
        ('{"text": "x", "report": [1]}', 'line 2: "report" must be a string or an integer'),
        ('{"text": "x", "report": true}', 'line 2: "report" must be a string or an integer'),
        ('{"text": "x", "report": " "}', 'line 2: "report" is blank'),
        ('{"text": "\\ud800 x"}', r'line 2: "text" is not valid Unicode \(unpaired surrogate \\ud800\)'),
    ],
)
def test_malformed_line_names_its_line_number(line, message):
    with pytest.raises(UserError, match=message):
        list(read_inputs(['{"id": 0, "text": "fine"}', line]))


@pytest.fixture
def store_with_model(tmp_path, fitted):
    """A real SQLite store whose promoted model is the small fitted one (no seed training needed)."""
    from corpus import Corpus
    from models.registry import register_model

    url = f"sqlite:///{tmp_path / 'tag.db'}"
    with Corpus.open(url) as corpus:
        version = register_model(corpus, fitted, promoted=True)
    return url, version


def test_batches_never_split_a_run_of_one_report_and_runs_are_keys():
    from flows.tag import batched, report_runs

    reports = ["a", "a", "a", None, None, 7, 7, "a"]
    items = list(read_inputs([json.dumps({"text": "t", "report": r}) for r in reports]))
    batches = list(batched(items, 2))
    assert [[i.report for i in b] for b in batches] == [["a", "a", "a"], [None, None], [7, 7], ["a"]]
    # The second run of "a" is another report; each input without one is read on its own.
    expected = [(0, "a"), (0, "a"), (0, "a"), (1, None), (2, None), (3, 7), (3, 7), (4, "a")]
    assert report_runs(items) == expected
    assert report_runs(items[3:5]) is None


def test_tag_reads_lines_of_one_report_together(tmp_path, store_with_model):
    import numpy as np

    from models.context import in_context
    from models.labels import LABELS

    url, _ = store_with_model
    texts = [
        "Soldiers raided three towns, arrested 40 cartel members and seized two tons of cocaine.",
        "Prosecutors charged the commanders and the minister promised tougher prison sentences.",
        "Residents say the streets are safer now, though many shops remain closed.",
    ]
    alone = tmp_path / "alone.jsonl"
    alone.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)))
    together = tmp_path / "together.jsonl"
    lines = (json.dumps({"id": i, "text": t, "report": "r"}) + "\n" for i, t in enumerate(texts))
    together.write_text("".join(lines))
    out = {}
    for name, source in [("alone", alone), ("together", together)]:
        result = _invoke(["tag", str(source), "--db", url])
        assert result.exit_code == 0, result.output
        out[name] = [json.loads(line) for line in result.stdout.splitlines()]
    own = np.array([[row["scores"][label] for label in LABELS] for row in out["alone"]])
    expected = in_context(own, ["r"] * 3)
    got = np.array([[row["scores"][label] for label in LABELS] for row in out["together"]])
    np.testing.assert_allclose(got, expected, atol=2e-4)
    assert not np.allclose(got, own, atol=1e-3)
    # --explain shows both sides of the blend for lines read in a report, and nothing more for others.
    result = _invoke(["tag", str(together), "--db", url, "--explain"])
    assert result.exit_code == 0, result.output
    explained = [json.loads(line) for line in result.stdout.splitlines()]
    for row, alone_row in zip(explained, out["alone"], strict=True):
        context = row["context"]
        assert context["passage"] == alone_row["scores"] and context["report_weight"] == 0.2
        for label in LABELS:
            blended = 0.8 * context["passage"][label] + 0.2 * context["report"][label]
            assert row["scores"][label] == pytest.approx(blended, abs=2e-4)
    result = _invoke(["tag", str(alone), "--db", url, "--explain"])
    assert all("context" not in json.loads(line) for line in result.stdout.splitlines())


def test_a_lines_kind_is_judged_as_ingest_judges_it(tmp_path, store_with_model):
    # An analyst's wish: lines could not say what they are, so a reference list tagged with its report lent
    # its titles to the report's context and got labels and countries, which ingest never gives it.
    url, _ = store_with_model
    prose = [
        "Soldiers raided three towns in Honduras, arrested 40 cartel members and seized two tons of cocaine.",
        "Prosecutors charged the commanders and the minister promised tougher prison sentences.",
    ]
    cited = "Dammert, L. (2012). Seguridad y extradición en Colombia: la guerra contra las drogas. Bogotá."
    rows = [{"id": i, "text": t, "report": "r"} for i, t in enumerate(prose)]
    with_reference = [*rows, {"id": 2, "text": cited, "report": "r", "kind": "reference"}]
    out = {}
    for name, lines in [("without", rows), ("with", with_reference)]:
        source = tmp_path / f"{name}.jsonl"
        source.write_text("".join(json.dumps(row) + "\n" for row in lines))
        result = _invoke(["tag", str(source), "--db", url, "--explain"])
        assert result.exit_code == 0, result.output
        out[name] = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["scores"] for r in out["with"][:2]] == [r["scores"] for r in out["without"]]
    reference = out["with"][2]
    assert (reference["labels"], reference["countries"], reference["programs"]) == ([], [], [])
    assert reference["no_label_rule"] == "reference list" and "context" not in reference
    as_text = tmp_path / "as_text.jsonl"
    as_text.write_text(json.dumps({"id": 3, "text": cited}) + "\n")
    result = _invoke(["tag", str(as_text), "--db", url])
    assert json.loads(result.stdout)["countries"] == ["CO"]  # the same words, not said to be a citation
    table = tmp_path / "table.jsonl"
    table.write_text(json.dumps({"id": 4, "text": prose[0], "kind": "table"}) + "\n")
    result = _invoke(["tag", str(table), "--db", url, "--explain"])
    row = json.loads(result.stdout)
    assert row["labels"] == [] and row["no_label_rule"] == "table or listing" and row["countries"] == ["HN"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"text": prose[0]}) + "\n" + json.dumps({"text": "x", "kind": "chart"}))
    result = _invoke(["tag", str(bad), "--db", url])
    assert isinstance(result.exception, UserError)  # the command prints it as one line, exit 2
    assert 'line 2: "kind" must be one of "text", "table", "reference"' in str(result.exception)


def test_tag_passages_refuses_an_unknown_kind():
    from flows.tag import tag_passages

    with pytest.raises(ValueError, match="passage 1: unknown kind 'chart'"):
        tag_passages([{"text": "Police patrols doubled.", "kind": "chart"}])


def test_a_reports_short_fragment_of_figures_is_judged_as_ingest_judges_it(tmp_path, store_with_model):
    # A code review: ingest gave a short run of names and figures no label, and `tag` lines read as one
    # report's passages labeled it. A line on its own is a text the user wants classified, whatever it is.
    url, _ = store_with_model
    caption = "Tabla 3. Capturas 4.120 Allanamientos 388 Incautaciones 2.310 Extradiciones 12"
    source = tmp_path / "in.jsonl"
    rows = [{"id": 1, "text": caption, "report": "r"}, {"id": 2, "text": caption}]
    source.write_text("".join(json.dumps(row) + "\n" for row in rows))
    result = _invoke(["tag", str(source), "--db", url])
    assert result.exit_code == 0, result.output
    in_report, alone = (json.loads(line) for line in result.stdout.splitlines())
    assert alone["labels"] == ["enforcement"] and in_report["labels"] == []


def _invoke(args, stdin=None):
    from flows.cli import _register, app

    _register()
    return CliRunner().invoke(app, args, input=stdin, catch_exceptions=True)


def test_tag_file_round_trips_ids_and_follows_the_contract(tmp_path, store_with_model):
    url, version = store_with_model
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps({"id": i, "text": TEXT}) for i in IDS) + "\n", encoding="utf-8")
    result = _invoke(["tag", str(source), "--db", url])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [_canonical(r["id"]) for r in rows] == [_canonical(i) for i in IDS]
    row = rows[0]
    assert list(row) == ["id", "lang", "labels", "scores", "countries", "programs", "model"]
    assert row["model"] == version and row["lang"] == "en"
    assert set(row["scores"]) == {"prevention", "enforcement", "transnational"}
    assert "enforcement" in row["labels"]
    assert row["countries"] == ["HN", "US"]


def test_json_lines_behind_a_byte_order_mark_are_json_lines(tmp_path, store_with_model):
    # Windows tools save UTF-8 with a BOM (and CRLF): the first line then did not open a JSON object, so
    # every line was read as one plain-text passage (ids lost, countries merged) without a word.
    url, _ = store_with_model
    data = ('\ufeff{"id": "a", "text": "Police arrested gang members in Honduras."}\r\n'
            '{"id": "b", "text": "Youth programmes opened in Colombia."}\r\n').encode("utf-8")
    source = tmp_path / "bom.jsonl"
    source.write_bytes(data)
    for args, stdin in ((["tag", str(source)], None), (["tag", "-"], data)):
        result = _invoke([*args, "--db", url], stdin=stdin)
        assert result.exit_code == 0, result.output
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        assert [(r["id"], r["countries"]) for r in rows] == [("a", ["HN"]), ("b", ["CO"])]


def test_tag_reads_plain_text_from_stdin_and_explains(store_with_model):
    url, _ = store_with_model
    text = f"{TEXT}\n\nThe survey covered 1,200 households in 2019.\n"
    result = _invoke(["tag", "-", "--db", url, "--explain"], stdin=text)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == [1, 2]
    assert rows[1]["labels"] == []
    # and why the survey line has none, whatever its scores
    assert rows[0]["no_label_rule"] is None and rows[1]["no_label_rule"] == "no word of security"
    up = rows[0]["explain"]["enforcement"]["up"]
    assert up and all(isinstance(term, str) and weight > 0 for term, weight in up)


def test_malformed_input_is_one_error_line_and_exit_2(tmp_path, store_with_model):
    url, _ = store_with_model
    source = tmp_path / "bad.jsonl"
    source.write_text('{"id": 1, "text": "fine"}\n{"id": 2, "text": \n', encoding="utf-8")
    env = {**os.environ, "CITSEC_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-m", "flows", "tag", str(source), "--db", url],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=300,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"error: {source}: line 2: not valid JSON (Expecting value)"]
    assert json.loads(done.stdout.splitlines()[0])["id"] == 1  # the good line before it was tagged


@pytest.mark.parametrize("locale", ["C", "C.UTF-8"])
def test_stdin_that_is_not_utf8_is_one_error_line_and_exit_2(tmp_path, store_with_model, locale):
    # Under the C locale Python's own stdin turns bad bytes into surrogates, which used to fail only when
    # the output was written: a traceback.
    url, _ = store_with_model
    env = {**os.environ, "CITSEC_CACHE_DIR": str(tmp_path / "cache"), "LC_ALL": locale, "PYTHONUTF8": "0"}
    latin1 = "Operativo en México: el ejército detuvo a 12 personas.\n".encode("latin-1")
    done = subprocess.run(
        [sys.executable, "-m", "flows", "tag", "--db", url],
        input=latin1, capture_output=True, cwd=REPO, env=env, timeout=300,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.decode().strip().splitlines() == [
        "error: stdin is not UTF-8 text (convert it first, e.g. iconv -f latin1 -t utf-8)"
    ]
    assert done.stdout == b""


def test_a_windows_1252_file_is_read_as_ingest_reads_it(tmp_path, store_with_model):
    # A journalist's review: ingest read a Windows-1252 file right and `tag` refused the same file.
    url, _ = store_with_model
    source = tmp_path / "nota.jsonl"
    text = "Operativo en Perú: la policía detuvo a 12 personas."
    line = json.dumps({"id": 1, "text": text}, ensure_ascii=False)
    source.write_bytes((line + "\n").encode("cp1252"))
    result = _invoke(["tag", str(source), "--db", url])
    assert result.exit_code == 0, result.output
    [row] = [json.loads(out) for out in result.stdout.splitlines()]
    assert row["countries"] == ["PE"]
    assert "is not UTF-8: read as Windows-1252" in result.stderr
    # And a file Windows saved as "Unicode" (UTF-16 with its byte-order mark), as ingest reads it too.
    source.write_bytes((line + "\n").encode("utf-16"))
    result = _invoke(["tag", str(source), "--db", url])
    assert result.exit_code == 0, result.output
    assert [json.loads(out)["countries"] for out in result.stdout.splitlines()] == [["PE"]]


def test_unknown_model_version_is_a_user_error(store_with_model):
    url, _ = store_with_model
    result = _invoke(["tag", "-", "--db", url, "--model", "m-nope"], stdin='{"id": 1, "text": "x"}\n')
    assert result.exit_code != 0
    assert "unknown model version 'm-nope'" in str(result.exception)


def test_a_missing_store_is_named_on_stderr(tmp_path, fitted, monkeypatch):
    import models.registry
    from models.registry import LoadedModel

    monkeypatch.setattr(models.registry, "load_model", lambda *a, **k: LoadedModel("seed-test", fitted))
    typo = tmp_path / "typo.db"
    result = _invoke(["tag", "-", "--db", str(typo)], stdin='{"id": 1, "text": "x y z"}\n')
    assert result.exit_code == 0, result.output
    assert f"no store at {typo}: using the built-in seed model seed-test" in result.stderr
    assert not typo.exists()


@pytest.mark.pg
def test_a_postgresql_database_without_a_store_is_left_as_it_was(pg_url, fitted, monkeypatch):
    # tag reads: pointed at a database that holds no citsec store, it tags with the seed model and creates
    # no tables in it (it used to migrate an empty schema into the database it was given).
    import psycopg

    import models.registry
    from models.registry import LoadedModel

    monkeypatch.setattr(models.registry, "load_model", lambda *a, **k: LoadedModel("seed-test", fitted))
    with_password = pg_url.replace("postgres@", "postgres:pw@", 1)
    result = _invoke(["tag", "-", "--db", with_password], stdin='{"id": 1, "text": "x y z"}\n')
    assert result.exit_code == 0, result.output
    assert "no citsec store in postgresql://postgres:***@" in result.stderr and ":pw@" not in result.stderr
    with psycopg.connect(pg_url) as conn:
        tables = conn.execute("select count(*) from pg_tables where schemaname = 'public'").fetchone()
    assert tables == (0,)


def test_a_folder_is_named_as_a_folder(tmp_path, store_with_model):
    url, _ = store_with_model
    result = _invoke(["tag", str(tmp_path), "--db", url])
    assert result.exit_code != 0
    assert "is a folder; tag reads one file" in str(result.exception)


def test_a_missing_file_fails_before_any_model_is_loaded(tmp_path, monkeypatch):
    # The mistake is the file: no "no store" note before it, and no seconds spent loading a model first.
    def no_model(*args, **kwargs):
        raise AssertionError("loaded a model for a file that does not exist")

    monkeypatch.setattr("models.registry.load_model", no_model)
    result = _invoke(["tag", str(tmp_path / "typo.jsonl"), "--db", str(tmp_path / "none.db")])
    assert result.exit_code != 0
    assert "no such file" in str(result.exception)
    assert "no store" not in result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////tmp/store.db",
        "sqlite:///relative/store.db",
        "sqlite:///~/store.db",
        "sqlite:///with space ünï@b:c#d.db",
        "sqlite:///my%20store.db",
        "sqlite:////tmp/store.db?mode=ro",
        "sqlite:///",
        "sqlite://",
        "sqlite+pysqlite:////tmp/store.db",
        "postgresql://citsec@localhost/citsec",
    ],
)
def test_sqlite_database_reads_a_url_as_sqlalchemy_does(url):
    from sqlalchemy.engine import make_url

    from flows.cli.tag_cmd import sqlite_database

    parsed = make_url(url)
    expected = (parsed.database or "") if parsed.get_backend_name() == "sqlite" else None
    assert sqlite_database(url) == expected


def test_tag_without_a_store_loads_neither_the_store_code_nor_sqlalchemy(tmp_path):
    # They cost ~0.5 s of a one-line `citsec tag`, for nothing when there is no store. A new process, as
    # the command is: what the command's own steps before the model import, batching included (which
    # uses corpus.batches: the store's plain modules may load, its SQL ones may not).
    probe = (
        "import json, sys, flows.cli, models.registry;"
        "from flows.cli.tag_cmd import _store_if_present, batched, read_inputs;"
        f"assert _store_if_present('sqlite:///{tmp_path / 'none.db'}') is None;"
        'assert len(list(batched(read_inputs([\'{"text": "t", "report": 1}\'] * 3), 2))) == 1;'
        "store = ('corpus.store', 'corpus.engine', 'corpus.schema', 'corpus.reports', 'corpus.passage_sql');"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy' or m in store)))"
    )
    command = [sys.executable, "-c", probe]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
    assert not (tmp_path / "none.db").exists()


@pytest.mark.parametrize("frozen_before", [False, True])
def test_tag_leaves_the_garbage_collector_as_it_found_it(store_with_model, frozen_before):
    # The command stops the collector while it loads and sets the loaded objects aside (gc.freeze); a
    # caller in the same process gets the collector back as it had it, objects it froze itself still frozen
    # (flows.limits freezes before forking its workers).
    import gc

    url, _ = store_with_model
    if frozen_before:
        gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        result = _invoke(["tag", "-", "--db", url], stdin=json.dumps({"id": 1, "text": TEXT}) + "\n")
        assert result.exit_code == 0, result.output
        assert gc.isenabled()
        if frozen_before:
            assert gc.get_freeze_count() >= frozen
        else:
            assert gc.get_freeze_count() == 0
        failed = _invoke(["tag", "-", "--db", url], stdin='{"id": 1, "text": \n')
        assert failed.exit_code != 0 and gc.isenabled()
        assert (gc.get_freeze_count() == 0) is not frozen_before
    finally:
        gc.unfreeze()


def test_a_long_report_is_tagged_with_the_collector_running(store_with_model, monkeypatch):
    # The collector is paused while the command loads, up to its first batch; a first batch of one report's
    # many passages (a batch never splits a report) would otherwise run whole with the collector off.
    import gc

    import flows.cli.tag_cmd as tag_cmd

    url, _ = store_with_model
    seen: list[tuple[int, bool]] = []

    def watched(batch, *args, **kwargs):
        seen.append((len(batch), gc.isenabled()))
        return tag_batch(batch, *args, **kwargs)

    tag_batch = tag_cmd.tag_batch
    monkeypatch.setattr(tag_cmd, "tag_batch", watched)
    lines = [json.dumps({"id": i, "text": TEXT, "report": "r"}) for i in range(tag_cmd.BATCH_SIZE + 1)]
    result = _invoke(["tag", "-", "--db", url], stdin="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    assert seen == [(tag_cmd.BATCH_SIZE + 1, True)]


def test_tag_passages_from_python_gives_what_the_command_writes(tmp_path, store_with_model):
    # A researcher had to rebuild the command from load_model, Tagger and detect_language to tag from Python.
    from corpus import CorpusError
    from flows.tag import tag_passages

    url, version = store_with_model
    items: list[dict[str, object]] = [
        {"id": "a", "text": TEXT},
        {"id": ["b", 2], "text": "El gobierno amplió la prevención juvenil en Honduras.", "report": 7},
        {"text": "A polícia prendeu 40 membros da facção no Rio de Janeiro.", "report": 7, "lang": "pt-BR"},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(item) + "\n" for item in items))
    result = _invoke(["tag", str(source), "--db", url, "--explain"])
    assert result.exit_code == 0, result.output
    written = [json.loads(line) for line in result.stdout.splitlines()]
    # (term, weight) pairs are tuples in Python, lists in JSON.
    assert json.loads(json.dumps(tag_passages(items, db=url, explain=True))) == written
    assert written[1]["model"] == version and written[2]["id"] == 3 and written[2]["lang"] == "pt"
    # Plain texts get their positions as ids.
    plain = tag_passages([TEXT, "Otro texto."], db=url)
    assert [row["id"] for row in plain] == [1, 2] and plain[0]["scores"] == written[0]["scores"]
    with pytest.raises(CorpusError, match="no store at"):
        tag_passages([TEXT], db=f"sqlite:///{tmp_path / 'none.db'}")
    with pytest.raises(TypeError, match="passage 2: expected a text"):
        tag_passages([TEXT, {"id": 1}], db=url)
