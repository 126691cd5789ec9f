"""`citsec db upgrade`: apply schema migrations explicitly (Corpus.open also does it on first use)."""

from __future__ import annotations

from typing import Annotated

import typer

from flows.cli.common import DbOption, app

db_app = typer.Typer(
    help="Manage the store's schema.",
    no_args_is_help=True,
    epilog="Example: citsec db upgrade --db postgresql://postgres@127.0.0.1:5432/citsec",
)
app.add_typer(db_app, name="db")


@db_app.command(
    "upgrade",
    epilog="Example: citsec db upgrade --db postgresql://postgres@127.0.0.1:5432/citsec",
)
def upgrade_command(
    db: DbOption = None,  # type: ignore[assignment]
    revision: Annotated[str, typer.Option("--revision", help="Target schema revision.")] = "head",
) -> None:
    """Create or migrate the store's schema to the newest revision (safe to run again)."""
    from corpus.engine import current_revision, display_url, make_engine, upgrade

    engine = make_engine(db)
    try:
        before = current_revision(engine)
        after = upgrade(engine, revision)
    finally:
        engine.dispose()
    url = display_url(engine)
    if before == after:
        typer.echo(f"{url}: schema already at revision {after}")
    else:
        typer.echo(f"{url}: schema upgraded from {before or 'empty'} to revision {after}")
