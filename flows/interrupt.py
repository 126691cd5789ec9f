"""Ctrl-C (or SIGTERM) during an ingest run: the run stops at its next step, in citsec's own code.

Python raises KeyboardInterrupt wherever the main thread is when the signal arrives. Inside Prefect's or
pydantic's code it can be swallowed (the run goes on to its end) or wrapped into another error (a
traceback). While `stop_on_interrupt()` is active, the first Ctrl-C only asks the run to stop: the reports
being processed are stopped with their workers at once, and the run raises KeyboardInterrupt at its next
`check_stop()`, before it stores anything more. A second Ctrl-C raises at once, wherever it lands.
SIGTERM (`kill`, `timeout`, systemd, `docker stop`) stops the run the same way, raising Terminated; a
second SIGTERM ends the process at once.

    with stop_on_interrupt(lambda: print("stopping")):
        run_ingest(...)        # its loops call check_stop() before each report is stored

Prefect's flow engine installs a SIGTERM handler of its own for a flow's body, raising TerminationSignal
wherever the main thread is (between a report's store and its count, say): a flow run under
`stop_on_interrupt` takes its handler back with `sigterm_stops_the_run()`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType

_stop = threading.Event()
_stopped_by: list[int] = []  # the signal that asked the run to stop
_handler: list[Callable[[int, FrameType | None], None]] = []  # stop_on_interrupt's, while it is active


class Terminated(KeyboardInterrupt):
    """The run was asked to stop by SIGTERM: `signal` names it, as Prefect's TerminationSignal does."""

    signal = signal.SIGTERM


def stop_requested() -> bool:
    """Whether a Ctrl-C or SIGTERM asked the run to stop."""
    return _stop.is_set()


def stop_signal() -> int | None:
    """The signal that asked the run to stop (SIGINT for a Ctrl-C), None if none did."""
    return _stopped_by[-1] if _stop.is_set() and _stopped_by else None


def check_stop() -> None:
    """KeyboardInterrupt when a Ctrl-C asked the run to stop; Terminated for SIGTERM."""
    if _stop.is_set():
        raise Terminated if stop_signal() == signal.SIGTERM else KeyboardInterrupt


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
        if _stop.is_set():  # a second one, where a library put this handler back (Prefect does)
            if signum == signal.SIGTERM:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                os.kill(os.getpid(), signal.SIGTERM)
                return
            raise KeyboardInterrupt
        _stopped_by.append(signum)
        _stop.set()
        wake.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl-C: at once
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM: at once

    _stop.clear()
    _stopped_by.clear()
    stopper = threading.Thread(target=stop_when_asked, name="citsec-stop", daemon=True)
    stopper.start()
    previous = signal.signal(signal.SIGINT, ask)
    previous_term = signal.signal(signal.SIGTERM, ask)
    _handler.append(ask)
    try:
        yield
    finally:
        _handler.clear()
        signal.signal(signal.SIGINT, previous)
        signal.signal(signal.SIGTERM, previous_term)
        wake.set()
        stopper.join()
        _stop.clear()


@contextlib.contextmanager
def sigterm_stops_the_run() -> Iterator[None]:
    """Within a Prefect flow's body run under `stop_on_interrupt`: SIGTERM asks the run to stop, as it
    does outside the flow, instead of raising Prefect's TerminationSignal wherever the main thread is (a
    report stored and not counted). Elsewhere (a scheduled run, another thread) Prefect's handling stays."""
    if not _handler or threading.current_thread() is not threading.main_thread():
        yield
        return
    if _stop.is_set():  # asked already: a second SIGTERM ends the process at once
        previous = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    else:
        previous = signal.signal(signal.SIGTERM, _handler[-1])
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
