"""Paragraphs plus metadata to an ExtractedDocument: passages, languages, report text."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence

from extractors.document import ExtractedDocument, Passage
from extractors.language import detect_language
from extractors.references import mark_reference_lists, split_glued_headings
from extractors.segment import Paragraph, majority_language, paragraphs_to_passages, word_count

# The languages of this field's reports. A short passage detected as another one is nearly always a
# caption, a place name, a table row or a formula that fooled the detector ("Valle del Cauca 55 46,19" as
# Italian, "Figure 3: Massacres (1982)" as French): it is taken to be in the report's language. Short
# passages detected as one of these keep it (an English abstract's keywords in a Spanish article).
REPORT_LANGUAGES = frozenset({"en", "es", "pt"})
SHORT_PASSAGE_WORDS = 60


def in_report_language(passage: Passage, report_language: str) -> str | None:
    """The passage's language once the report's is known: tables and passages too short to tell are in
    the report's language, and so is a short passage detected as a language reports here are not in."""
    if passage.kind == "table" or passage.lang is None:
        return report_language
    if (
        passage.lang not in REPORT_LANGUAGES
        and report_language in REPORT_LANGUAGES
        and word_count(passage.text) < SHORT_PASSAGE_WORDS
    ):
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
) -> ExtractedDocument:
    """Cut paragraphs into passages, detect languages (per passage, and the report's by majority), mark
    reference lists."""
    text, passages = paragraphs_to_passages(split_glued_headings(paragraphs), detect=detect_language)
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
