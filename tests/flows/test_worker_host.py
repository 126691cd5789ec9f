"""The worker host loads, before it forks, everything a report would otherwise load on first use, so no
forked worker pays for its own copy: the language detector, the word lists, the tagger's pipelines for
every language and the model."""

from __future__ import annotations

from orphans import outlives_killed_parent

from flows.fetch import FetchPolicy
from flows.workers import WorkerConfig, report_handler


def test_the_host_loads_what_reports_would_load_lazily(db_url: str) -> None:
    from extractors import PRELOAD_LANGS
    from extractors.hyphenation import _zipf
    from extractors.language import _detector
    from extractors.tagging.pipeline import PIPELINE_LANGS, build_nlp

    _detector.cache_clear()
    _zipf.cache_clear()
    build_nlp.cache_clear()

    report_handler(WorkerConfig(db_url, FetchPolicy()))

    assert _detector.cache_info().currsize == 1
    assert _zipf.cache_info().currsize == len(PRELOAD_LANGS)  # one lookup per word list read
    assert build_nlp.cache_info().currsize == len(PIPELINE_LANGS)


LOADING_PARENT = """
from flows.limits import ResourceLimits, WorkerHost
host = WorkerHost("time:sleep", (600,), ResourceLimits())  # a "load" that takes ten minutes
print(host.process.pid, flush=True)
import time; time.sleep(600)
"""


def test_a_host_still_loading_does_not_outlive_a_killed_parent() -> None:
    # The host reads its socket (where a dead parent shows) only once it has loaded; until then a watch on
    # its parent makes it leave. After 1 s the host has received its factory and is inside the load.
    assert not outlives_killed_parent(LOADING_PARENT, timeout=20, settle=1.0), (
        "the worker host kept loading after its parent was killed"
    )
