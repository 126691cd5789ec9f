"""Paragraphs plus metadata to an ExtractedDocument: passages, languages, report text."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence

from extractors.document import ExtractedDocument
from extractors.language import detect_language
from extractors.segment import Paragraph, majority_language, paragraphs_to_passages


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
    """Cut paragraphs into passages, detect languages (per passage, and the report's by majority)."""
    text, passages = paragraphs_to_passages(paragraphs, detect=detect_language)
    language = majority_language(passages)
    if language:
        # Passages too short to tell are taken to be in the report's language.
        passages = [
            p if p.lang or p.kind == "table" else dataclasses.replace(p, lang=language) for p in passages
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
