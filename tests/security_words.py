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


def canonical(value: Any) -> Any:
    """`value` as JSON that is the same in every process (sets sorted), or None for what is not data."""
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
    return None


def constants(module: ModuleType, *leave_out: str) -> list[Any]:
    """Every module-level constant of `module` that is data, by name (but `leave_out`)."""
    found = []
    for name, value in sorted(vars(module).items()):
        if name.lstrip("_").isupper() and name not in ("TYPE_CHECKING", *leave_out):
            data = canonical(value)
            if data is not None:
                found.append([module.__name__, name, data])
    return found


def phrases() -> tuple[tuple[str, ...], ...]:
    """The phrases that count, or that name another field: pairs and triples."""
    return (*st.OTHER_TRIPLES, *st.SECURITY_TRIPLES, *st.SECURITY_PAIRS)


def context_words() -> list[str]:
    """Every word the rules read around a security word (before it, after it, after "de"), sorted."""
    return sorted(
        set().union(
            st.OTHER_FIELD_NEXT, st.OTHER_FIELD_BEFORE, st.OTHER_FIELD_AFTER_DE, st.NOT_ALONE, st._LINKS,
            *st.OTHER_SENSE.values(), *st.OTHER_SENSE_BEFORE.values(), *(w for p in phrases() for w in p),
        )
    )



def security_word_decisions() -> list[Any]:
    """What security_word decides for every word that can count (each stem and word, the first word of each
    phrase, the words with other senses) with each context word after it, before it and after its "de", and
    for each phrase; and the other senses each word takes: how the tagger reads the words around a
    generically named programme."""
    heads = sorted(
        {*st.SECURITY_STEMS, *st.SECURITY_WORDS, *(p[0] for p in phrases()), *st.OTHER_SENSE, *st.NOT_ALONE,
         *st.NAME_ONLY, *st.OTHER_SENSE_BEFORE}
    )  # fmt: skip
    words = ["", *context_words()]

    def decided(head: str, x: str) -> list[bool]:
        return [
            st.security_word(head, x, ""), st.security_word(head, "", "", before=x),
            st.security_word(head, "de", x), st.security_word(head, x, x),
        ]

    by_word = [[head, sorted(st.other_senses(head)), [decided(head, x) for x in words]] for head in heads]
    by_phrase = sorted([" ".join(p), st.security_word(*p, *[""] * (3 - len(p)))] for p in phrases())
    return by_word + by_phrase
