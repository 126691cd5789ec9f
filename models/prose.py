"""Does a passage read as running prose? Tables of figures, contents pages, title blocks, lists of names and
credits do not: the label queue offers them last, and they get no strategy label.

A strategy label says a passage discusses a strategy. A UNODC table of hectares eradicated per
municipality, a contents page listing "Resultados erradicación manual forzosa", a cover's title block or an
acknowledgement naming forty colleagues discusses none, however strongly its words score (the classifier
reads words, and "erradicación" is an enforcement word). On the 26 real reports the seed model gave labels
to 100 such passages (66 tables, most of them UNODC lists of tables and figures, and 34 long listings), all
of them, by eye on a sample of 57, tables, contents pages, title blocks, credits or figure data
(`python -m bench.off_topic`'s "stored" went from 835 to 735); the 156 gold passages, all prose, are
unaffected. A report's short fragments (5 to 19 tokens) are judged the same way: the 167 of the 26 reports
under 40 % lower-case words were every one a caption with its figure's numbers, a table's cell run, a
credit line or a reference, none a passage discussing anything (UNODC's "Figura 8. Resultados de
erradicación por Fases 2012 5.660" was labeled enforcement); fragments with words (a slide bullet
"Kingpin arrests raised homicides") keep their labels, and so does a short text given on its own (a
`citsec tag` line, a headline in title case: the user meant it to be classified).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Prose: a word of lower-case letters, maybe hyphenated or with an apostrophe, maybe in brackets or quotes
# or followed by punctuation. Real passages run at a median of 0.84 such words per token (0.68 at the 5th
# percentile of 15,000 real passages); tables of figures, tables of contents, bibliographies and
# equations run below 0.4.
_PROSE_WORD = re.compile(r"^[(\"“'¿¡]*([^\W\d_]+(?:[-'’][^\W\d_]+)*)[)\"”'.,;:!?]*$")
PROSE_SHARE = 0.4
# Running prose is also long enough to say something: of the 4,225 passages the 26 real reports give, 750
# run under 20 tokens (figure and table captions, headings, keyword lines, slide bullets, OCR fragments
# such as "22 telefonica ,; § = e 2s cobro de piso ."), while the gold passages run 38 words and more.
PROSE_MIN_TOKENS = 20
# A report's passage of this many tokens or more (and a text given on its own of PROSE_MIN_TOKENS or more)
# that is not prose gets no label; under it, nothing can be told ("Plan Colombia", "Resumen").
FRAGMENT_MIN_TOKENS = 5


def prose_share(tokens: Sequence[str]) -> float:
    """The share of `tokens` that are lower-case words (0 for none)."""
    if not tokens:
        return 0.0
    words = sum(1 for t in tokens if _lower_case_word(t))
    return words / len(tokens)


def _lower_case_word(token: str) -> bool:
    if token.isalpha():  # most tokens: a plain word, which _PROSE_WORD matches whole
        return token[0].islower()
    return bool((m := _PROSE_WORD.match(token)) and m.group(1)[0].islower())


def _prose_share_reached(tokens: Sequence[str]) -> bool:
    """prose_share(tokens) >= PROSE_SHARE, read only as far as it takes: a passage of prose gets there
    half-way (counting every token was half of `label queue`'s time on a large store)."""
    needed, words = PROSE_SHARE * len(tokens), 0
    for token in tokens:
        if _lower_case_word(token):
            words += 1
            if words >= needed:
                return True
    return bool(tokens) and words / len(tokens) >= PROSE_SHARE


def is_prose(text: str) -> bool:
    """Whether `text` reads as running prose rather than a table, a contents page, a reference list or
    a fragment (a caption, a heading, a line of OCR)."""
    tokens = text.split()
    return len(tokens) >= PROSE_MIN_TOKENS and _prose_share_reached(tokens)


def is_listing(text: str, kind: str | None = None) -> bool:
    """True for a passage that gets no strategy label because it discusses nothing: a table (extraction's
    kind "table"), or a passage in which fewer than PROSE_SHARE of the tokens are lower-case words (a
    contents page, a title block, credits, rows of figures, a caption with its figure's numbers) and that
    is long enough to judge: FRAGMENT_MIN_TOKENS for a report's passage (any `kind`), PROSE_MIN_TOKENS for a
    text given on its own (`kind` None: a headline to classify)."""
    if kind == "table":
        return True
    tokens = text.split()
    least = PROSE_MIN_TOKENS if kind is None else FRAGMENT_MIN_TOKENS
    return len(tokens) >= least and not _prose_share_reached(tokens)
