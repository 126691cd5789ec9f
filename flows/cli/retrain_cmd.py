"""`citsec retrain`: train on the seed set plus every human label, judge the new model on held-out labels,
promote it per --promote and re-classify the store (flows.retrain)."""

from __future__ import annotations

import contextlib
import enum
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from flows.cli.common import (
    FLAG,
    DbOption,
    NoPrefectOption,
    UserError,
    app,
    check_configured_prefect,
    passages_bar,
    recorded_in_api,
    said_when_interrupted,
)

if TYPE_CHECKING:
    from models.retrain import RetrainResult


class Promote(enum.StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


class RetrainFormat(enum.StrEnum):
    table = "table"
    json = "json"


PromoteOpt = Annotated[
    Promote,
    typer.Option(
        "--promote",
        help="auto: only when not worse on the held-out labels, and only once 20 are held out (about 100 "
        "labels in all); always; never.",
    ),
]


DesignOpt = Annotated[
    str,
    typer.Option(
        "--design",
        help="word+cues-logreg (default: words and the cue lexicon) or word+cues+meaning-logreg (adds each "
        "passage's multilingual sentence-encoder vector: learns more from your labels, ~7 ms more CPU per "
        "passage when tagging and ingesting); see the README.",
    ),
]


def _before_training(db: str, promote: Promote) -> int:
    """How many passages the store holds (what a promoted model re-classifies) and, under auto, say before
    training (~20 s) that it will not promote, rather than only after it. A store that does not exist (a
    mistyped --db) is an error here, not a new empty store with no labels to train on."""
    from corpus import Corpus
    from flows.cli.output import note
    from models.retrain import RetrainConfig, too_few_to_judge

    with Corpus.open(db, must_exist=True) as corpus:
        line = too_few_to_judge(corpus, RetrainConfig()) if promote is Promote.auto else None
        passages = corpus.count_passages()
    if line:
        note(f"note: {line}")
    return passages


@app.command("retrain", epilog="Example: citsec retrain --promote auto")
def retrain_command(
    promote: PromoteOpt = Promote.auto,
    design: DesignOpt = "word+cues-logreg",
    augment: Annotated[
        bool,
        typer.Option(
            "--augment", metavar=FLAG,
            help="Learn where your labels depart from the seed set's convention (feature augmentation, see "
            "the README): for a team whose judgment differs from the seed set's; on labels that follow it, "
            "plain retraining did better.",
        ),
    ] = False,
    db: DbOption = None,  # type: ignore[assignment]
    fmt: Annotated[
        RetrainFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
    ] = RetrainFormat.table,
    no_prefect: NoPrefectOption = False,
) -> None:
    """Retrain the classifier on the seed set plus every human label.

    A human label weighs as much as 5 seed examples. A fixed fifth of the human labels (chosen by a
    hash of the text) is held out and never trained on. The new model is stored with its metrics,
    compared with the current one on those held-out labels and promoted per --promote; a promoted model
    then labels every passage (with --promote never, the store's labels stay as they are)."""
    from models.retrain_report import format_result
    from models.training import DESIGNS

    if design not in DESIGNS:
        raise UserError(f"--design must be one of {', '.join(DESIGNS)}, got {design!r}")
    if not no_prefect:  # before anything is said or done: a server that is down is the one line
        check_configured_prefect(
            "unset PREFECT_API_URL to record the retrain in a temporary API, or use --no-prefect"
        )
    passages = _before_training(db, promote)
    with said_when_interrupted(
        "interrupted: the same command again finishes the work (a model this stored already is taken, not "
        "trained again; `citsec models list` shows it)"
    ):
        result = _retrain(promote, design, augment, db, no_prefect, passages)
    if fmt is RetrainFormat.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print(format_result(result))


def _retrain(
    promote: Promote, design: str, augment: bool, db: str, no_prefect: bool, passages: int
) -> RetrainResult:
    """The retrain itself, with or without Prefect, a progress bar while it re-classifies."""
    bar: contextlib.AbstractContextManager[Callable[[int], None] | None] = (
        passages_bar("reclassify", passages, hidden_until_first=True)
        if promote is not Promote.never
        else contextlib.nullcontext(None)  # no bar where nothing will be re-classified
    )
    if no_prefect:
        from corpus import Corpus
        from flows.settings import Settings
        from models.retrain import retrain, retrain_config

        config = retrain_config(design, augment, Settings.from_env().cache_dir)
        with Corpus.open(db, must_exist=True) as corpus, bar as advance:
            result = retrain(corpus, promote.value, config, progress=advance or (lambda done: None))
    else:
        from flows.prefect_env import quiet_prefect

        quiet_prefect()  # before Prefect is first imported: it reads its settings once
        from flows.prefect_api import temporary_api_unless_configured

        # citsec's temporary API, started before Prefect is imported, instead of Prefect's in-process one.
        with temporary_api_unless_configured() as api:
            from flows.retrain import run_retrain
            from flows.settings import password_to_environment

            db = password_to_environment(db)  # Prefect records the run's parameters: never the password
            with recorded_in_api(api, "set PREFECT_API_URL to a running Prefect server"), bar as advance:
                result = run_retrain(db, promote.value, design, advance, augment)
    return result
