"""Which words each cue pattern matches in real text: the audit behind every edit of models/cues.py.

A cue pattern matches at the start of a word, so "pena" (a penalty) also lights for "Peña Nieto", and
"barrio" for the gang Barrio 18. The script reads the real passages of ../shared/gold (the gold set and the
15k unlabeled ones) as the model does (lower-cased, accents folded), and prints for every pattern how often
it matches and the commonest words it matched, each with the words before and after it ("de [acuerdo con]
el"): read down a group's lines for words that do not mean what the group means.

`--shadowed` lists instead the patterns whose own matches another group takes ("prison terms" was
penal law, but the prison group's "prison" comes first and took every one): a pattern that looks right and
never fires. Some overlaps are meant ("security forces" is a police force before it is a security policy).

    python -m bench.cue_words [--lang en|es|pt] [--group penal_law] [--top 12] [--shadowed]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from bench.common import SHARED, write_results
from models.cues import compiled_lexicon, current_lexicon, fold, literal_first

# The matched word and the word after it, from where a pattern matched; the word before it, up to there.
_WORDS = re.compile(r"[\w-]+(?: [\w-]+)?")
_BEFORE = re.compile(r"([\w-]+)\W*$")


def passages(lang: str | None) -> Iterator[str]:
    """The texts of the real passages in ../shared/gold, each once (the gold passages are among the unlabeled
    ones too), in `lang` only if given (a passage in two languages, "es+en", counts for both)."""
    seen: set[str] = set()
    for name in ("dev.jsonl", "unlabeled_passages.jsonl"):
        with (SHARED / "gold" / name).open(encoding="utf-8") as rows:
            for line in rows:
                row = json.loads(line)
                if row["id"] in seen or (lang is not None and lang not in str(row.get("lang")).split("+")):
                    continue
                seen.add(row["id"])
                yield row["text"]


class _Competition:
    """Where the cue patterns match in folded text as they compete in the model: its own regex
    (models.cues.compiled_lexicon: at each place the first group that matches takes it) finds each match
    and its group, and the group's patterns, tried in order at that place, tell which of them it was (the
    one the regex took: the first that matches there). One alternation with a named group per pattern (622)
    finds the same, but took 57 times as long on 1,500 real passages (ad hoc)."""

    def __init__(self) -> None:
        lexicon = current_lexicon()
        self.regex = compiled_lexicon(lexicon)
        self.patterns = [(group, pattern) for group, alternatives in lexicon for pattern in alternatives]
        # each pattern on its own, compiled as the model compiles it
        self.alone = [re.compile(rf"\b(?:{literal_first(p)})") for _, p in self.patterns]
        numbered = iter(enumerate(self.alone))
        # per group, its patterns with their index in self.patterns, in order
        self._alternatives = [[next(numbered) for _ in alternatives] for _, alternatives in lexicon]

    def matches(self, folded: str) -> Iterator[tuple[re.Match[str], int]]:
        """Each match in `folded` and the index (in self.patterns) of the pattern that made it."""
        for match in self.regex.finditer(folded):
            group = int(match.lastgroup[1:])  # type: ignore[index]
            yield match, next(i for i, own in self._alternatives[group] if own.match(folded, match.start()))


def _any_of(groups: Iterable[str] | None) -> re.Pattern[str] | None:
    """One pattern for every alternative of `groups` on its own: a passage it never matches holds no match
    of theirs, whatever competes (None: every group, no passage skipped)."""
    if not groups:
        return None
    wanted = set(groups)
    alternatives = [literal_first(p) for group, ps in current_lexicon() if group in wanted for p in ps]
    return re.compile(rf"\b(?:{'|'.join(alternatives)})")


def _short(pattern: str) -> str:
    return pattern if len(pattern) <= 30 else pattern[:27] + "..."


def pattern_words(
    texts: Iterable[str], groups: Iterable[str] | None = None
) -> dict[tuple[str, str], Counter]:
    """For each (group, pattern) of the current lexicon, the words it matched in `texts`, counted, as the
    patterns compete in the model (_Competition); with `groups`, only passages where one of theirs could
    match are read (the counts of the other groups are then partial)."""
    competition = _Competition()
    relevant = _any_of(groups)
    found: dict[tuple[str, str], Counter] = {key: Counter() for key in competition.patterns}
    for text in texts:
        folded = fold(text)
        if relevant is not None and relevant.search(folded) is None:
            continue
        for match, index in competition.matches(folded):
            words = _WORDS.match(folded, match.start())
            before = _BEFORE.search(folded, max(0, match.start() - 40), match.start())
            shown = f"[{words.group(0) if words else match.group(0)}]"
            found[competition.patterns[index]][f"{before.group(1)} {shown}" if before else shown] += 1
    return found


def shadowed(texts: Iterable[str]) -> dict[tuple[str, str], Counter]:
    """For each (group, pattern) of the current lexicon, the groups that took the places where the pattern
    alone would match (and the pattern's own group did not), counted: where it is shadowed."""
    competition = _Competition()
    patterns = competition.patterns
    taken: dict[tuple[str, str], Counter] = {key: Counter() for key in patterns}
    for text in texts:
        folded = fold(text)
        spans = [(m.start(), m.end(), patterns[index][0]) for m, index in competition.matches(folded)]
        for key, own in zip(patterns, competition.alone, strict=True):
            for match in own.finditer(folded):
                takers = {group for start, end, group in spans if start <= match.start() < end}
                if key[0] not in takers:
                    taken[key][", ".join(sorted(takers)) or "(nothing: an earlier match ran over it)"] += 1
    return taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=("en", "es", "pt"), help="only passages in this language")
    parser.add_argument("--group", action="append", help="show only this cue group (repeatable; every group "
                        "still competes for the words, as in the model)")
    parser.add_argument("--top", type=int, default=12, help="words shown per pattern")
    parser.add_argument("--shadowed", action="store_true",
                        help="list the patterns whose matches other groups take (~1.5 minutes here)")
    args = parser.parse_args()
    if args.shadowed:
        for (group, pattern), takers in shadowed(passages(args.lang)).items():
            if takers and (not args.group or group in args.group):
                by = ", ".join(f"{who}: {n}" for who, n in takers.most_common())
                print(f"{group:<18} {_short(pattern):<30} taken by {by}")
        return
    found = pattern_words(passages(args.lang), args.group)
    results: dict[str, Any] = {"lang": args.lang, "patterns": []}
    for (group, pattern), words in found.items():
        if not words or (args.group and group not in args.group):
            continue
        common = words.most_common(args.top)
        listed = ", ".join(f"{w}:{n}" for w, n in common)
        print(f"{group:<18} {_short(pattern):<30} {sum(words.values()):>5}  {listed}")
        results["patterns"].append({"group": group, "pattern": pattern, "matches": sum(words.values()),
                                    "words": dict(common)})
    if not args.group:  # a look at some groups leaves the whole audit's file as it was
        path = write_results(f"cue_words_{args.lang or 'all'}", results)
        print(f"-> {path.relative_to(path.parents[2])}")


if __name__ == "__main__":
    main()
