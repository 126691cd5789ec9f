"""Where reports are processed: in this process, in a pool of worker processes, or on Dask workers.

Each worker process loads the tagger and the model once (the pool's initializer, or on first use on a Dask
worker) and then handles report after report. Workers only read the store; the parent writes it.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from flows.fetch import FetchPolicy
from flows.pipeline import Outcome, WorkerContext, load_context, process_report
from flows.sources import ReportRef


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker needs to build its context: plain values, so it pickles to any process."""

    db_url: str
    policy: FetchPolicy
    cache_dir: Path | None = None


_context: WorkerContext | None = None
_context_key: WorkerConfig | None = None
_pool: ProcessPoolExecutor | None = None


def worker_context(config: WorkerConfig) -> WorkerContext:
    """This process's context, loaded on first use and kept for every later report."""
    global _context, _context_key
    if _context is None or _context_key != config:
        _context = load_context(config.db_url, config.policy, config.cache_dir)
        _context_key = config
    return _context


def _init_worker(config: WorkerConfig) -> None:
    worker_context(config).warm()


def _work(ref: ReportRef, config: WorkerConfig) -> Outcome:
    return process_report(ref, worker_context(config))


def run_here(ref: ReportRef, config: WorkerConfig) -> Outcome:
    """Process a report in the pool when one is open in this process, else right here."""
    if _pool is not None:
        return _pool.submit(_work, ref, config).result()
    return _work(ref, config)


def open_pool(workers: int, config: WorkerConfig) -> ProcessPoolExecutor | None:
    """Start `workers` processes (none for one worker: the parent does the work itself)."""
    global _pool
    if workers <= 1:
        return None
    # spawn, not fork: the parent runs Prefect's threads and event loop, which must not be forked.
    _pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(config,),
    )
    # Start one worker and wait for it: if the built-in model still has to be trained, one process trains
    # and caches it, and the workers started later load it from the cache instead of all training it.
    _pool.submit(_noop).result()
    return _pool


def _noop() -> None:
    """Nothing: submitted once so that the first worker starts (and runs the initializer)."""


def close_pool() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None
