"""The strategy taxonomy (DESIGN.md): the three labels a passage may carry, and their validation."""

from __future__ import annotations

from collections.abc import Iterable

from corpus.errors import CorpusError

LABELS: tuple[str, ...] = ("prevention", "enforcement", "transnational")

# Not a label: the name under which queries and stats group passages that carry no label.
NO_LABEL = "none"

ENTITY_KINDS: tuple[str, ...] = ("country", "program", "organization", "place")


def one_or_many(values: str | Iterable[str]) -> Iterable[str]:
    """A single name given where several may be (`labels="prevention"` from Python) as one name, not as
    its letters."""
    return (values,) if isinstance(values, str) else values


# The labels in Spanish and Portuguese, and other words people type for them, accents folded.
_SAID = {
    "prevencion": "prevention", "prevencao": "prevention", "preventive": "prevention",
    "preventiva": "prevention", "preventivo": "prevention",
    "aplicacion": "enforcement", "represion": "enforcement", "repressao": "enforcement",
    "coercion": "enforcement", "coercao": "enforcement", "control": "enforcement", "punitive": "enforcement",
    "transnacional": "transnational", "controle": "enforcement",
    "ninguna": NO_LABEL, "ninguno": NO_LABEL, "nenhuma": NO_LABEL, "nenhum": NO_LABEL, "nada": NO_LABEL,
}  # fmt: skip


def meant(unknown: Iterable[str], allowed: Iterable[str] = (*LABELS, NO_LABEL)) -> str:
    """ " (did you mean 'prevention'?)" for a label typed in Spanish or Portuguese or misspelt (one or two
    letters off), else "": never a label `allowed` leaves out, nor a near spelling of another word
    ("national" is no "transnational", "presentation" no "prevention")."""
    import difflib
    import unicodedata

    choices = tuple(allowed)
    guesses = []
    for word in unknown:
        folded = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
        close = difflib.get_close_matches(folded, choices, n=1, cutoff=0.85)
        guess = _SAID.get(folded) or (close[0] if close else None)
        if guess is not None and guess in choices and guess not in guesses:
            guesses.append(guess)
    return f" (did you mean {', '.join(map(repr, guesses))}?)" if guesses else ""


def validate_labels(labels: Iterable[str]) -> list[str]:
    """Sorted, unique, lower-cased labels; raises CorpusError naming any label outside the taxonomy."""
    found = {str(label).strip().lower() for label in one_or_many(labels)}
    unknown = sorted(found.difference(LABELS))
    if unknown:
        raise CorpusError(
            f"unknown label {', '.join(map(repr, unknown))}; expected one of {', '.join(LABELS)}"
            + meant(unknown, LABELS)
        )
    return sorted(found)


def validate_label_filter(labels: Iterable[str]) -> list[str]:
    """Like validate_labels, but also accepts "none" (passages without any label)."""
    found = {str(label).strip().lower() for label in one_or_many(labels)}
    has_none = NO_LABEL in found
    unknown = sorted(found.difference(LABELS).difference({NO_LABEL}))
    if unknown:
        expected = f"{', '.join(LABELS)} or {NO_LABEL}"
        raise CorpusError(
            f"unknown label {', '.join(map(repr, unknown))}; expected one of {expected}" + meant(unknown)
        )
    result = validate_labels(found - {NO_LABEL})
    return [*result, NO_LABEL] if has_none else result


def validate_label_set(labels: Iterable[str]) -> list[str]:
    """A label set a person gives: validate_labels, where "none" alone means no strategy (an empty set)."""
    found = {str(label).strip().lower() for label in one_or_many(labels)}
    if NO_LABEL in found:
        if len(found) > 1:
            raise CorpusError(f"'{NO_LABEL}' means no strategy: give it alone, not with other labels")
        return []
    return validate_labels(found)
