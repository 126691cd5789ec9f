"""The `citsec` command line: a thin layer over the corpus, extractors, models and flows APIs."""

from __future__ import annotations

import importlib
import sys

from flows.cli.common import UserError, app, err_console

# Each module registers its commands on `app` when imported; they import heavy libraries lazily.
_COMMAND_MODULES = (
    "flows.cli.extract_cmd",
    "flows.cli.tag_cmd",
    "flows.cli.ingest_cmd",
    "flows.cli.query_cmd",
    "flows.cli.label_cmd",
    "flows.cli.models_cmd",
    "flows.cli.db_cmd",
)


def _register() -> None:
    for name in _COMMAND_MODULES:
        importlib.import_module(name)


def _user_error_types() -> tuple[type[BaseException], ...]:
    # Evaluated only when an exception reaches main(). Only modules already imported can have raised:
    # importing them here would cost `citsec extract` the store's import (SQLAlchemy, ~1.5 s).
    types: list[type[BaseException]] = [UserError]
    for module, attr in (
        ("corpus.errors", "CorpusError"),
        ("extractors.errors", "ExtractionError"),
        ("models.errors", "ModelError"),
    ):
        loaded = sys.modules.get(module)
        if loaded is not None and hasattr(loaded, attr):
            types.append(getattr(loaded, attr))
    return tuple(types)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: user mistakes become one line on stderr and exit code 2."""
    _register()
    try:
        app(args=argv, standalone_mode=True)
    except _user_error_types() as exc:
        err_console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
