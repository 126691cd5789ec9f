"""`citsec db upgrade`: apply schema migrations explicitly (Corpus.open also does it on first use).
`citsec db retag`: the countries and programs of every stored passage, read again by this citsec's tagger.
`citsec db reclassify`: the strategy labels of every stored passage, given again by the promoted model.
`citsec db copy --to URL`: the whole store copied into an empty one (SQLite to PostgreSQL, or back)."""

from __future__ import annotations

from typing import Annotated

import typer

from flows.cli.common import DbOption, app, passages_bar, said_when_interrupted

db_app = typer.Typer(
    help=(
        "Maintain the store: schema migrations, tags and labels refreshed after an upgrade, a copy into "
        "another database."
    ),
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
    from corpus.accents import NO_UNACCENT, fold_accents
    from corpus.engine import current_revision, display_url, make_engine, upgrade
    from flows.cli.common import err_console

    def reindexing(passages: int) -> None:
        if passages:
            said = f"indexing {passages} passages anew so that search folds accents"
            err_console.print(said, highlight=False)

    engine = make_engine(db)
    try:
        before = current_revision(engine)
        after = upgrade(engine, revision)
        postgres = revision == "head" and engine.dialect.name == "postgresql"
        folded = fold_accents(engine, reindexing) if postgres else 0
    finally:
        engine.dispose()
    url = display_url(engine)
    if before == after:
        typer.echo(f"{url}: schema already at revision {after}")
    else:
        typer.echo(f"{url}: schema upgraded from {before or 'empty'} to revision {after}")
    if folded is None:
        err_console.print(f"warning: {NO_UNACCENT}", highlight=False, soft_wrap=True)
    elif folded:
        typer.echo(f"search now folds accents (unaccent is there): {folded} passages indexed anew")


@db_app.command("retag", epilog="Example: citsec db retag --db sqlite:///citsec.db")
def retag_command(db: DbOption = None) -> None:  # type: ignore[assignment]
    """Tag the countries and programs of every stored passage again, with this version's rules.

    Reports ingested by an older citsec keep the tags it gave them (`passages` and `stats` say so); their
    text is in the store, so nothing is fetched or extracted again. Each report then records this
    version's tagger. Strategy labels and scores are not touched.
    """
    from corpus import Corpus
    from flows.retag import retag_store

    with Corpus.open(db, must_exist=True) as corpus:
        total = corpus.count_passages()
        stopped = (
            "interrupted: the passages tagged so far keep their new tags; the same command again tags "
            "them all"
        )
        with said_when_interrupted(stopped), passages_bar("retag", total) as advance:
            changes = retag_store(corpus, progress=advance)
    kinds = sorted(set(changes.added) | set(changes.removed))
    added, removed = changes.added, changes.removed
    moved = ", ".join(f"{kind} +{added.get(kind, 0)} -{removed.get(kind, 0)}" for kind in kinds)
    typer.echo(f"re-tagged {total} passages: {changes.passages} changed" + (f" ({moved})" if moved else ""))


@db_app.command("reclassify", epilog="Example: citsec db reclassify --db sqlite:///citsec.db")
def reclassify_command(db: DbOption = None) -> None:  # type: ignore[assignment]
    """Label every stored passage again with the promoted model, by this version's rules.

    The model is the same; how its scores become labels can change between citsec versions (a passage
    that never speaks of security now gets no label: see README). Passages keep the labels of the version
    that stored them until this runs. Human labels are left alone; each passage is read in its report, as
    ingest reads it. Promoting another version whose predictions older rules made labels every passage
    again too. `citsec ingest` runs this by itself when the store's labels were given by older rules.
    """
    from corpus import Corpus
    from flows.cli.common import UserError
    from flows.relabel import relabel_store, unavailable_model
    from flows.settings import Settings
    from models.registry import load_model

    with Corpus.open(db, must_exist=True) as corpus:
        if corpus.promoted_model() is None:
            raise UserError("the store has no promoted model to label with (see `citsec models promote`)")
        missing = unavailable_model(corpus)
        if missing is not None:
            raise UserError(missing)
        model = load_model(corpus, cache_dir=Settings.from_env().cache_dir)
        stopped = (
            "interrupted: the passages labeled so far keep their new labels; the same command again labels "
            "them all"
        )
        bar = passages_bar("reclassify", corpus.count_passages())
        with said_when_interrupted(stopped), bar as advance:
            done = relabel_store(corpus, model, progress=advance)
    typer.echo(done.line())


@db_app.command(
    "copy",
    epilog=(
        "Example: citsec db copy --db sqlite:///citsec.db --to postgresql://postgres@127.0.0.1:5432/citsec"
    ),
)
def copy_command(
    to: Annotated[
        str,
        typer.Option(
            "--to",
            help="The store to fill: a SQLite file or a database URL that holds no citsec rows yet.",
            show_default=False,
        ),
    ],
    db: DbOption = None,  # type: ignore[assignment]
) -> None:
    """Copy the whole store into an empty one: from a person's SQLite file to the team's PostgreSQL, or back.

    Everything goes across with its id: reports and passages with their tags, human labels with their
    history, model versions with their artifacts and predictions, sources, ingest runs. The source is read
    as it stands at the start (an ingest running on it meanwhile is not in the copy) and the target is
    written in one transaction: a copy that fails or is stopped leaves it empty.
    """
    from corpus import Corpus
    from corpus.engine import normalize_url
    from corpus.store_copy import copy_store, count_rows
    from flows.cli.common import UserError

    if not to.strip():
        raise UserError("--to is empty: give a SQLite file or a database URL")
    with Corpus.open(db, must_exist=True) as corpus:
        stopped = "interrupted: nothing was copied (the target is left without rows)"
        bar = passages_bar("copy", count_rows(corpus.engine), unit="rows")
        with said_when_interrupted(stopped), bar as advance:
            done = copy_store(corpus.engine, normalize_url(to), progress=advance)
    typer.echo(done.line())
