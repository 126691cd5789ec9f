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
