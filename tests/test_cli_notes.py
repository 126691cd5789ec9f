"""The models' notes reach the person at the terminal once, however often the CLI runs in a process."""

from __future__ import annotations

import logging

import flows.cli

NOTES = ("models.registry", "models.retrain")  # the seed model's first training; a retrain's steps


def test_notes_handler_is_added_once():
    loggers = [logging.getLogger(name) for name in NOTES]
    saved = [(list(logger.handlers), logger.level) for logger in loggers]
    try:
        for _ in range(3):
            flows.cli._show_model_notes()
        for logger in loggers:
            ours = [h for h in logger.handlers if getattr(h, "citsec_notes", False)]
            assert len(ours) == 1 and logger.level == logging.INFO, logger.name
            assert logger.propagate  # caplog and any root handler still see the records
    finally:  # other tests read these loggers' records through the root logger (caplog)
        for logger, (handlers, level) in zip(loggers, saved, strict=True):
            logger.handlers[:] = handlers
            logger.setLevel(level)


def test_notes_go_to_the_stderr_of_the_moment(monkeypatch):
    # A notebook or a test replaces sys.stderr between commands: a handler that kept the first one wrote
    # to a closed file ("ValueError: I/O operation on closed file", a logging traceback on stderr).
    import io

    logger = logging.getLogger("models.retrain")
    saved = (list(logger.handlers), logger.level)
    try:
        first, second = io.StringIO(), io.StringIO()
        monkeypatch.setattr("sys.stderr", first)
        flows.cli._show_model_notes()
        logger.info("training on %d examples", 3)
        first.close()
        monkeypatch.setattr("sys.stderr", second)
        flows.cli._show_model_notes()
        logger.info("re-classifying with %s", "m-1")
        assert second.getvalue() == "re-classifying with m-1\n"
    finally:
        logger.handlers[:] = saved[0]
        logger.setLevel(saved[1])
