"""extractors.security_terms as the version fingerprints read it: its data in a form that is the same in
every process, and the words its rules read around a security word. Both the labeling rules
(tests/models/test_label_rules_version.py) and the tagger (tests/tagging/test_tagger_version.py) decide with
these words, so a change to them must bump the version of each that it changes."""

from __future__ import annotations

import json
import re
from types import ModuleType
from typing import Any

from extractors import security_terms as st

# Module-level names in capitals that hold no rule: a cache the process fills as it reads (its contents
# depend on what was read before), a file's place on this machine.
NOT_DATA = ("TYPE_CHECKING", "_DROP_COMBINING", "PROGRAMS_GAZETTEER")


def canonical(value: Any) -> Any:
    """`value` as JSON that is the same in every process (sets sorted); TypeError for a type it does not know,
    so that a word list moved into another container cannot drop out of a fingerprint unseen."""
    if isinstance(value, (frozenset, set)):
        return sorted((canonical(v) for v in value), key=json.dumps)
    if type(value) in (tuple, list):
        return [canonical(v) for v in value]
    if type(value) is dict:
        return sorted(([canonical(k), canonical(v)] for k, v in value.items()), key=json.dumps)
    if isinstance(value, re.Pattern):
        return ["pattern", value.pattern, value.flags]
    if value is None or type(value) in (str, int, float, bool):
        return value
    raise TypeError(f"no canonical form for {type(value).__name__}: add one, or name it in NOT_DATA")


def constants(module: ModuleType, *leave_out: str) -> list[Any]:
    """Every module-level constant of `module` (a name in capitals), by name, but NOT_DATA and `leave_out`."""
    return [
        [module.__name__, name, canonical(value)]
        for name, value in sorted(vars(module).items())
        if name.lstrip("_").isupper() and name not in (*NOT_DATA, *leave_out)
    ]


def phrases() -> tuple[tuple[str, ...], ...]:
    """The phrases that count, or that name another field: pairs and triples."""
    return (*st.OTHER_TRIPLES, *st.SECURITY_TRIPLES, *st.SECURITY_PAIRS)


def context_words() -> list[str]:
    """Every word the rules read around a security word (before it, after it, after a link), sorted."""
    return sorted(
        set().union(
            st.OTHER_FIELD_NEXT, st.OTHER_FIELD_BEFORE, st.OTHER_FIELD_AFTER_DE, st.NOT_ALONE, st._LINKS,
            *st.OTHER_SENSE.values(), *st.OTHER_SENSE_BEFORE.values(), *(w for p in phrases() for w in p),
        )
    )


def links() -> list[str]:
    """The words the rules read between a security word and the word that gives it another sense."""
    return sorted({"de", *st._LINKS})


# Written forms whose accents fold() drops: the tagger folds each token before security_word reads it.
ACCENTED = "tráfico prisión ejército policía seguridad segurança erradicación extorsión violência Fiscalía"


def security_word_decisions() -> list[Any]:
    """What security_word decides for every word that can count (each stem and word, the first word of each
    phrase, the words with other senses) with each context word after it, before it, and after each link
    word; for each phrase; the other senses each word takes; and fold() of accented words: how the tagger
    reads the words around a generically named programme."""
    heads = sorted(
        {*st.SECURITY_STEMS, *st.SECURITY_WORDS, *(p[0] for p in phrases()), *st.OTHER_SENSE, *st.NOT_ALONE,
         *st.NAME_ONLY, *st.OTHER_SENSE_BEFORE}
    )  # fmt: skip
    words = ["", *context_words()]

    def decided(head: str, x: str) -> list[bool]:
        around = [st.security_word(head, x, ""), st.security_word(head, "", "", before=x),
                  st.security_word(head, x, x)]  # fmt: skip
        return around + [st.security_word(head, link, x) for link in links()]

    by_word = [[head, sorted(st.other_senses(head)), [decided(head, x) for x in words]] for head in heads]
    by_phrase = sorted([" ".join(p), st.security_word(*p, *[""] * (3 - len(p)))] for p in phrases())
    folded = [[word, st.fold(word), st.fold(word.upper())] for word in ACCENTED.split()]
    return by_word + by_phrase + folded
