"""The commands that read a whole store, on a large store of real passages: `label queue`, `stats`.

    python -m bench.store_scale [--copies 20] [--repeat 3]

Builds bench/results/store_scale.db once (rebuilt when citsec's seed model, labeling rules or `--copies`
change): the 1,653 InSight Crime articles of ../shared/articles, written as text files to a temporary
folder and ingested by `citsec ingest --no-prefect` (~3 minutes; 1,605 reports, ~4,900 passages, the rest
repeat an article), then every report copied `--copies` times in SQL with its passages, scores, labels and
countries and programs, the full-text index kept by the store's own triggers (~98,000 passages at 20
copies). The copies repeat texts, so they cost what different texts would: every command reads each
passage. Each command then runs in its own process, start-up included, `--repeat` times; the table shows
the best and the median. Writes bench/results/store_scale.json.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from bench.common import REPO, RESULTS, SHARED, write_results

ARTICLES = SHARED / "articles" / "insightcrime_articles.jsonl"
COMMANDS: list[tuple[str, list[str]]] = [
    ("label queue", ["label", "queue"]),
    ("label queue --format json", ["label", "queue", "--format", "json"]),
    ("label queue --lang es", ["label", "queue", "--lang", "es"]),
    ("label queue --n 200", ["label", "queue", "--n", "200"]),
    ("stats --by label", ["stats", "--by", "label"]),
    ("stats --by country", ["stats", "--by", "country"]),
    ("stats --by year,label", ["stats", "--by", "year,label"]),
    ("stats --by report --format json", ["stats", "--by", "report", "--format", "json"]),
    ("passages --label prevention --country MX", ["passages", "--label", "prevention", "--country", "MX"]),
]


def _citsec(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("citsec")), *args]  # the command as installed


def _key(copies: int) -> str:
    """What the built store depends on: the articles, how citsec reads and scores them (extraction, the seed
    model, the labeling rules) and the copies."""
    from extractors import EXTRACTOR_VERSION
    from models.registry import seed_model
    from models.topic import LABEL_RULES_VERSION

    articles = ARTICLES.stat()
    return json.dumps({
        "articles": [articles.st_size, articles.st_mtime_ns], "extractor": EXTRACTOR_VERSION,
        "model": seed_model().version, "rules": LABEL_RULES_VERSION, "copies": copies,
    })  # fmt: skip


def build(db: Path, copies: int) -> float:
    """Ingest the articles into `db`, then copy every report `copies` - 1 more times."""
    started = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        lines = ARTICLES.read_text(encoding="utf-8").splitlines()
        texts = [json.loads(line)["text"] for line in lines if line.strip()]
        for n, text in enumerate(texts):
            Path(folder, f"article_{n:04d}.txt").write_text(text, encoding="utf-8")
        print(f"ingesting {len(texts)} articles ...", file=sys.stderr)
        ingest = subprocess.run(_citsec("ingest", folder, "--db", str(db), "--no-prefect", "--workers", "2"),
                                cwd=REPO, capture_output=True, text=True)  # fmt: skip
        if ingest.returncode:
            raise SystemExit(f"citsec ingest failed:\n{ingest.stderr[-2000:]}")
    copy_reports(db, copies)
    return time.perf_counter() - started


def copy_reports(db: Path, copies: int) -> None:
    """Every report, its passages, predictions, current labels and entities, `copies` - 1 more times, with
    new ids, sha256 and URIs (passages go through the store's full-text triggers)."""
    with closing(sqlite3.connect(db)) as conn:
        _copy(conn, copies)


def _copy(conn: sqlite3.Connection, copies: int) -> None:
    from corpus.engine import add_sqlite_functions

    add_sqlite_functions(conn)  # the triggers stem each passage's words
    conn.execute("PRAGMA synchronous=OFF")
    tables = ("reports", "passages", "entities")
    last = {t: conn.execute(f"SELECT max(id) FROM {t}").fetchone()[0] for t in tables}
    # Each table's rows of the original store, by the column that says which.
    original = {
        "reports": ("id", "reports"), "passages": ("id", "passages"), "entities": ("id", "entities"),
        "predictions": ("passage_id", "passages"), "current_labels": ("passage_id", "passages"),
    }  # fmt: skip
    for k in range(1, copies):
        print(f"  copy {k + 1} of {copies}", file=sys.stderr)
        shift = {t: k * n for t, n in last.items()}
        changed = {
            "report_id": f"report_id + {shift['reports']}", "passage_id": f"passage_id + {shift['passages']}",
            "superseded_by": f"superseded_by + {shift['reports']}", "sha256": f"sha256 || '-{k}'",
            "uri": f"uri || '#{k}'",
        }  # fmt: skip
        for table, (column, counted) in original.items():
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            values = [f"id + {shift[table]}" if c == "id" else changed.get(c, c) for c in columns]
            conn.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {table}"
                f" WHERE {column} <= {last[counted]}"
            )
        conn.commit()
    conn.execute("ANALYZE")
    conn.commit()


def time_commands(db: Path, repeat: int) -> list[dict[str, Any]]:
    results = []
    for name, args in COMMANDS:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            done = subprocess.run(_citsec(*args, "--db", str(db)), cwd=REPO, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)  # fmt: skip
            if done.returncode:
                raise SystemExit(f"citsec {name} failed:\n{done.stderr[-2000:]}")
            times.append(time.perf_counter() - started)
        results.append({"command": name, "best_s": round(min(times), 2),
                        "median_s": round(statistics.median(times), 2), "repeat": repeat})  # fmt: skip
        print(f"{name:<44}{min(times):>8.2f}{statistics.median(times):>10.2f}", flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if not ARTICLES.exists():
        raise SystemExit(f"no articles at {ARTICLES}: this benchmark reads ../shared")
    RESULTS.mkdir(parents=True, exist_ok=True)
    db, key_file = RESULTS / "store_scale.db", RESULTS / "store_scale.key"
    key, built = _key(args.copies), None
    if not db.exists() or not key_file.exists() or key_file.read_text() != key:
        key_file.unlink(missing_ok=True)
        built = round(build(db, args.copies), 1)
        key_file.write_text(key)
    with closing(sqlite3.connect(db)) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("reports", "passages")}
    print(f"{counts['passages']:,} passages in {counts['reports']:,} reports ({db})")
    print(f"{'command (own process, start-up included)':<44}{'best s':>8}{'median s':>10}")
    results = time_commands(db, args.repeat)
    path = write_results("store_scale", {**counts, "copies": args.copies, "built_seconds": built,
                                         "commands": results})  # fmt: skip
    print(f"-> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
