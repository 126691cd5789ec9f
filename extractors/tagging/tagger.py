"""The public face of tagging: `Tagger.tag(texts, langs) -> list[Tags]`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc

from extractors.tagging.components import GROUPS, KIND_OF_LABEL
from extractors.tagging.pipeline import PIPELINE_LANGS, build_nlp, pipeline_lang, statistical_available


@dataclass(frozen=True)
class Entity:
    """One tag in a text: kind "country" | "place" | "program" | "organization"; `value` is the ISO 3166-1
    alpha-2 code (country, place) or the canonical name (program, organization); text[start:end] == text."""

    kind: str
    text: str
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class Tags:
    """Tags of one text. `countries`: sorted unique ISO codes of countries NAMED in it (places such as
    "Bogotá" are entities of kind "place" and do not count); `programs`: [{"name", "text"}] in order of
    appearance, unique by (name, text)."""

    countries: list[str]
    programs: list[dict[str, str]]
    entities: list[Entity]


def doc_to_tags(doc: Doc) -> Tags:
    """Read a tagged Doc's span groups into a Tags value."""
    entities: list[Entity] = []
    for group in GROUPS.values():
        for span in doc.spans.get(group, []):
            kind = KIND_OF_LABEL[span.label_]
            entities.append(Entity(kind, span.text, span.kb_id_, span.start_char, span.end_char))
    entities.sort(key=lambda e: (e.start, e.end, e.kind, e.value))
    return Tags(countries=doc._.countries, programs=doc._.programs, entities=entities)


class Tagger:
    """Tags countries, places, programs and organizations in passages of English, Spanish and Portuguese.

    >>> Tagger().tag(["El Plan Colombia y los EE.UU."], ["es"])[0].countries
    ['CO', 'US']
    """

    def __init__(
        self, batch_size: int = 64, use_statistical: bool | None = None, max_chars: int | None = None
    ) -> None:
        self.batch_size = batch_size
        self.use_statistical = statistical_available() if use_statistical is None else use_statistical
        # A longer text is tagged in pieces of at most this many characters (default PIECE_CHARS; spaCy
        # refuses a text over its max_length: `citsec tag` with one 1.5 MB line was a traceback).
        self.max_chars = max_chars

    def load(self, langs: Sequence[str] = PIPELINE_LANGS) -> None:
        """Build the pipelines of `langs` now rather than when the first text in each language arrives."""
        for lang in langs:
            build_nlp(pipeline_lang(lang), self.use_statistical)

    def tag(self, texts: Sequence[str], langs: Sequence[str | None] | None = None) -> list[Tags]:
        """Tags for each text, in input order. A missing language is detected from the text."""
        if langs is None:
            langs = [None] * len(texts)
        if len(langs) != len(texts):
            raise ValueError(f"got {len(texts)} texts but {len(langs)} languages")
        by_lang: dict[str, list[int]] = {}
        for index, (text, lang) in enumerate(zip(texts, langs, strict=True)):
            by_lang.setdefault(pipeline_lang(lang or _detect(text)), []).append(index)
        results: list[Tags | None] = [None] * len(texts)
        for lang, indices in by_lang.items():
            nlp = build_nlp(lang, self.use_statistical)
            limit = min(self.max_chars or PIECE_CHARS, nlp.max_length)
            pieces = [(i, start, piece) for i in indices for start, piece in text_pieces(texts[i], limit)]
            docs = nlp.pipe((piece for _, _, piece in pieces), batch_size=self.batch_size)
            parts: dict[int, list[tuple[int, Tags]]] = {}
            for (index, start, _), doc in zip(pieces, docs, strict=True):
                parts.setdefault(index, []).append((start, doc_to_tags(doc)))
            for index, tagged in parts.items():
                results[index] = tagged[0][1] if len(tagged) == 1 else joined_tags(tagged)
        return [r for r in results if r is not None]


# Pieces a long text is tagged in: spaCy refuses a text over nlp.max_length (1,000,000 characters), and some
# rules look at every span once per match, so a dense 1.5 MB line took minutes whole and seconds in pieces.
PIECE_CHARS = 100_000
_SENTENCE_END = re.compile(r"[.!?…][\"”')\]]*\s")


def text_pieces(text: str, limit: int) -> list[tuple[int, str]]:
    """`text` as (start, piece) pieces of at most `limit` characters, each cut in its second half at the
    last line break, else the last sentence's end, else the last space (a name across the cut would be
    lost: the last resort, in a piece with no sentence end in ~50,000 characters), else hard."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        end, half = start + limit, start + limit // 2
        cut = text.rfind("\n", half, end) + 1
        if not cut:
            ends = [m.end() for m in _SENTENCE_END.finditer(text, half, end)]
            cut = ends[-1] if ends else text.rfind(" ", half, end) + 1
        cut = cut or end
        pieces.append((start, text[start:cut]))
        start = cut
    pieces.append((start, text[start:]))
    return pieces


def joined_tags(parts: Sequence[tuple[int, Tags]]) -> Tags:
    """The Tags of a text from those of its pieces (start offset, tags), as Tags of the whole would read."""
    programs: list[dict[str, str]] = []
    for _, tags in parts:
        programs.extend(p for p in tags.programs if p not in programs)
    entities = [
        Entity(e.kind, e.text, e.value, e.start + start, e.end + start)
        for start, tags in parts
        for e in tags.entities
    ]
    return Tags(sorted({c for _, tags in parts for c in tags.countries}), programs, entities)


def _detect(text: str) -> str | None:
    from extractors.language import detect_language  # lingua loads its models lazily; only when needed

    return detect_language(text)
