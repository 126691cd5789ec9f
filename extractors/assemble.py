"""Paragraphs plus metadata to an ExtractedDocument: passages, languages, report text."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence

from extractors.document import ExtractedDocument, Passage
from extractors.language import detect_language, language_confidences
from extractors.references import mark_reference_lists, split_glued_headings
from extractors.segment import Paragraph, majority_language, paragraphs_to_passages, word_count

# The languages of this field's reports. A short passage detected as another one is nearly always a
# caption, a place name, a table row or a formula that fooled the detector ("Valle del Cauca 55 46,19" as
# Italian, "Figure 3: Massacres (1982)" as French): it is taken to be in the report's language.
REPORT_LANGUAGES = frozenset({"en", "es", "pt"})
SHORT_PASSAGE_WORDS = 60
# A short passage detected as another of these keeps it only when the detector finds it REPORT_ODDS times
# likelier than the report's language: the report's language is the better bet for a few words (a
# Portuguese cover's title in capitals read as Spanish, a Spanish table header as Portuguese), while an
# English abstract's keywords in a Spanish article, or its Portuguese "palavras chave", are clearly theirs.
# On the 26 real reports this moved 14 short passages to the report's language (12 rightly, by eye; the
# other two are a list of place names and an English heading that was wrong as Portuguese too) and left
# 33 as detected (abstracts, keywords, reference entries in another language).
REPORT_ODDS = 4.0


def in_report_language(passage: Passage, report_language: str) -> str | None:
    """The passage's language once the report's is known: tables and passages too short to tell are in
    the report's language, and so is a short passage detected as a language reports here are not in, or
    as another of theirs without clear odds against the report's (REPORT_ODDS)."""
    if passage.kind == "table" or passage.lang is None:
        return report_language
    if (
        passage.lang == report_language
        or report_language not in REPORT_LANGUAGES
        or word_count(passage.text) >= SHORT_PASSAGE_WORDS
    ):
        return passage.lang
    if passage.lang not in REPORT_LANGUAGES:
        return report_language
    odds = language_confidences(passage.text)
    if odds.get(passage.lang, 0.0) <= REPORT_ODDS * odds.get(report_language, 0.0):
        return report_language
    return passage.lang


def assemble_document(
    paragraphs: Sequence[Paragraph],
    *,
    uri: str,
    sha256: str,
    media_type: str,
    pages: int,
    title: str | None = None,
    published: datetime.date | None = None,
    author: str | None = None,
    warnings: Sequence[str] = (),
    metadata: dict[str, str] | None = None,
    slides: bool = False,
) -> ExtractedDocument:
    """Cut paragraphs into passages, detect languages (per passage, and the report's by majority), mark
    reference lists. A slide deck's passages keep to their slide."""
    text, passages = paragraphs_to_passages(
        split_glued_headings(paragraphs), detect=detect_language, page_breaks=slides
    )
    passages = mark_reference_lists(passages)
    language = majority_language(passages)
    if language:
        passages = [
            p if p.lang == in_report_language(p, language) else dataclasses.replace(p, lang=language)
            for p in passages
        ]
    return ExtractedDocument(
        uri=uri,
        sha256=sha256,
        media_type=media_type,
        pages=pages,
        language=language,
        title=title,
        published=published,
        author=author,
        text=text,
        passages=passages,
        warnings=list(warnings),
        metadata=dict(metadata or {}),
    )
