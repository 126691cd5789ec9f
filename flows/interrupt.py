"""Ctrl-C during an ingest run: the run stops at its next step, in citsec's own code.

Python raises KeyboardInterrupt wherever the main thread is when the signal arrives. Inside Prefect's or
pydantic's code it can be swallowed (the run goes on to its end) or wrapped into another error (a
traceback). While `stop_on_interrupt()` is active, the first Ctrl-C only asks the run to stop: the reports
being processed are stopped with their workers at once, and the run raises KeyboardInterrupt at its next
`check_stop()`, before it stores anything more. A second Ctrl-C raises at once, wherever it lands.

    with stop_on_interrupt(lambda: print("stopping")):
        run_ingest(...)        # its loops call check_stop() before each report is stored
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType

_stop = threading.Event()


def stop_requested() -> bool:
    """Whether a Ctrl-C asked the run to stop."""
    return _stop.is_set()


def check_stop() -> None:
    """KeyboardInterrupt when a Ctrl-C asked the run to stop."""
    if _stop.is_set():
        raise KeyboardInterrupt


@contextlib.contextmanager
def stop_on_interrupt(on_stop: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Within the block, a first Ctrl-C asks the run to stop (see the module): `on_stop` runs, then the
    workers are stopped, on a thread started with the block and joined when it ends (the signal handler
    itself only sets a flag: starting a thread there could wait on a lock the interrupted code holds).
    Outside the main thread, where signals cannot be handled, the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wake = threading.Event()  # a Ctrl-C, or the end of the block

    def stop_when_asked() -> None:
        from flows.workers import close_pool

        wake.wait()
        if not _stop.is_set():
            return
        try:
            on_stop()
        finally:
            close_pool()  # the reports under way end now: their outcomes are not stored (check_stop)

    def ask(signum: int, frame: FrameType | None) -> None:
        _stop.set()
        wake.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl-C: at once

    _stop.clear()
    stopper = threading.Thread(target=stop_when_asked, name="citsec-stop", daemon=True)
    stopper.start()
    previous = signal.signal(signal.SIGINT, ask)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        wake.set()
        stopper.join()
        _stop.clear()
