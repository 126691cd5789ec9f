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
from models.cues import current_lexicon, fold

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


def _competing() -> tuple[list[tuple[str, str]], re.Pattern[str]]:
    """Every (group, pattern) of the current lexicon, and one alternation of them all with a named group
    per pattern (p0, p1, ...): the patterns compete as they do in models.cues, where at each place the first
    group (and pattern) that matches takes it."""
    patterns = [(group, pattern) for group, alternatives in current_lexicon() for pattern in alternatives]
    alternation = "|".join(f"(?P<p{i}>{p})" for i, (_, p) in enumerate(patterns))
    return patterns, re.compile(rf"\b(?:{alternation})")


def _short(pattern: str) -> str:
    return pattern if len(pattern) <= 30 else pattern[:27] + "..."


def pattern_words(texts: Iterable[str]) -> dict[tuple[str, str], Counter]:
    """For each (group, pattern) of the current lexicon, the words it matched in `texts`, counted, as the
    patterns compete in the model (_competing)."""
    patterns, finder = _competing()
    found: dict[tuple[str, str], Counter] = {key: Counter() for key in patterns}
    for text in texts:
        folded = fold(text)
        for match in finder.finditer(folded):
            words = _WORDS.match(folded, match.start())
            before = _BEFORE.search(folded, max(0, match.start() - 40), match.start())
            shown = f"[{words.group(0) if words else match.group(0)}]"
            found[patterns[int(match.lastgroup[1:])]][f"{before.group(1)} {shown}" if before else shown] += 1  # type: ignore[index]
    return found


def shadowed(texts: Iterable[str]) -> dict[tuple[str, str], Counter]:
    """For each (group, pattern) of the current lexicon, the groups that took the places where the pattern
    alone would match (and the pattern's own group did not), counted: where it is shadowed."""
    patterns, finder = _competing()
    alone = [re.compile(rf"\b(?:{p})") for _, p in patterns]
    taken: dict[tuple[str, str], Counter] = {key: Counter() for key in patterns}
    for text in texts:
        folded = fold(text)
        spans = [(m.start(), m.end(), patterns[int(m.lastgroup[1:])][0]) for m in finder.finditer(folded)]  # type: ignore[index]
        for key, own in zip(patterns, alone, strict=True):
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
                        help="list the patterns whose matches other groups take (~5 minutes here)")
    args = parser.parse_args()
    if args.shadowed:
        for (group, pattern), takers in shadowed(passages(args.lang)).items():
            if takers and (not args.group or group in args.group):
                by = ", ".join(f"{who}: {n}" for who, n in takers.most_common())
                print(f"{group:<18} {_short(pattern):<30} taken by {by}")
        return
    found = pattern_words(passages(args.lang))
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
