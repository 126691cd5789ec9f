"""The models' notes reach the person at the terminal once, however often the CLI runs in a process."""

from __future__ import annotations

import logging

import flows.cli


def test_notes_handler_is_added_once():
    logger = logging.getLogger("models.registry")
    saved = (list(logger.handlers), logger.level)
    try:
        for _ in range(3):
            flows.cli._show_model_notes()
        ours = [h for h in logger.handlers if getattr(h, "citsec_notes", False)]
        assert len(ours) == 1 and logger.level == logging.INFO
        assert logger.propagate  # caplog and any root handler still see the records
    finally:  # other tests read this logger's records through the root logger (caplog)
        logger.handlers[:] = saved[0]
        logger.setLevel(saved[1])
