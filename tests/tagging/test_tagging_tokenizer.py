"""The pipelines' tokenizer: spaCy's rule tokenizer with citsec's extra suffixes and infixes, built once."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import spacy

from extractors.tagging.pipeline import PIPELINE_LANGS, _tune_tokenizer, build_nlp

SHARED = Path(os.environ.get("CITSEC_SHARED_DIR", Path(__file__).resolve().parents[3] / "shared"))
TRICKY = [
    "Mexico's US-Mexico border and the U.S.-funded Merida Initiative.",
    "A Lei nº 11.343/2006 e a Lei 13.840/19; o Brasil's (sic) pacote anticrime.",
    "Don't, can't, l'État d'Ávila: e-mail info@unodc.org or https://www.unodc.org/a?b=1 (2019).",
    "El 3,5% de los $40m del Plan Colombia en los 1990s: 1/2, 1-2, EE.UU. y la ONU-Mujeres.",
]


def _real_passages(n: int = 600) -> list[str]:
    path = SHARED / "gold" / "unlabeled_passages.jsonl"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for _, line in zip(range(n), lines, strict=False)]


@pytest.mark.parametrize("lang", PIPELINE_LANGS)
def test_pipeline_tokenizer_splits_as_the_tuned_default_tokenizer(lang):
    # The tokenizer used to be spaCy's default one, given the extra suffixes and infixes afterwards (which
    # reloads its special cases twice: ~0.2 s for English); built with them it must split text the same.
    tuned = spacy.blank(lang)
    _tune_tokenizer(tuned)
    nlp = build_nlp(lang)
    assert nlp.config["nlp"]["tokenizer"]["@tokenizers"] == "citsec.Tokenizer.v1"
    for text in [*TRICKY, *_real_passages()]:
        expected = [(t.text, t.whitespace_) for t in tuned.make_doc(text)]
        assert [(t.text, t.whitespace_) for t in nlp.make_doc(text)] == expected, text
