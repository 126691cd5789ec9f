"""A worker-host handler for tests of the host template: it answers what the host sees of its run. The
host imports it by name, so the test puts this folder on the template's PYTHONPATH."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

LOADED: list[int] = []


def load() -> None:
    """The probe's preload: a template of its own (one per preload), started with the test's PYTHONPATH."""
    LOADED.append(os.getpid())


def probe(variable: str) -> Callable[[Any, Callable[[Any], None]], Any]:
    """Each request is answered, in a worker forked from the host, with the host's view of `variable`, its
    working folder, and the processes that ran the preload (before forking: the template alone)."""

    def handle(request: Any, mark: Callable[[Any], None]) -> Any:
        return os.environ.get(variable), os.getcwd(), LOADED

    return handle


def slow_load() -> None:
    """A preload that takes five seconds."""
    import time

    time.sleep(5)


def sleeper() -> Callable[[Any, Callable[[Any], None]], Any]:
    """Each request is a number of seconds to sleep, as a worker busy with a long file is."""

    def handle(request: Any, mark: Callable[[Any], None]) -> Any:
        import time

        time.sleep(request)

    return handle
