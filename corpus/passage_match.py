"""Which passage of a report's new version stands for each labeled passage of its older versions.

A report stored again (a changed file at the same URI, or the same file read by newer extractors) gets
new passages, and a person's label on an old passage comes over to the new passage that is that passage
read again. `match_passages` decides which one that is from the texts alone, once, when the new version is
stored (corpus.labelstate.carry_labels_over, which records the label row each copy comes from; counting
the labels left behind and choosing training examples read that record). Two rules, in order:

1. Same words (`same_words`: the text but for whitespace). Every new passage with an old passage's words
   stands for it; where several old passages have those words, the last one labeled speaks for them.
2. Nearly the same words, for a labeled old passage that rule 1 left without a new passage. Words are
   compared as sequences of casefolded word tokens (punctuation ignored) with difflib's ratio,
   2 * matched words / (words of both), and the old passage's label goes to the new passage N closest to
   it when all of these hold:
   - the ratio is at least SIMILAR (0.9), and no other new passage is within NEAR_TIE (0.05) of it;
   - N is not an old passage unchanged (its words are not those of any old passage);
   - N is not the closest new passage of another old passage with a different label, and no old
     passage with another label, or with none, is within NEAR_TIE of being N's closest old passage (so
     a passage deleted from the report does not hand its label to a near-copy of another);
   - the words N has beyond the old passage's are not, for the most part (MERGED), the words of another
     labeled old passage with a different label (N merged two passages of different meaning).
   Old passages with the same label that are all closest to N (near-copies) give it that label together.
   Where a passage stands in the report is not used: two candidates nearly as close are left alone rather
   than told apart by position (a repeated boilerplate paragraph is the usual case, and a wrong guess
   there would go unseen).

What 0.9 lets through, in words: a running header of 7 words dropped from a passage of 32 or more
(0.92 at 40); a glued pair ("Colombiaand") split in a passage of 16 or more (0.903 at 16, 0.923 at 20;
0.897 at 15 does not carry); a hyphenated line break joined in one of 15 or more (0.903 at 15, 0.927 at
20); about one word in ten added or dropped at an end (100 -> 111: 0.95; 100 -> 80: 0.89, which does not
carry); a header, a glued pair and a hyphenated break together in 58 words (0.91). What it
stops: a passage that shares one of its two sentences with the old one (0.63), a passage cut in half
(0.63 to the whole), and one that merged the old passage with another of comparable length (0.67 for two
halves, 0.82 for 36 + 16 words). A label that does not carry is left behind and counted, which a person
sees; a label carried to the wrong passage is not seen, hence the margins.

Cheap on long reports, boilerplate or not: only labeled old passages are compared, each to the new
passages that share one of its RARE_WORDS rarest distinctive words, a distinctive word being one that at
most DISTINCTIVE (30) new passages hold, so at most RARE_WORDS * DISTINCTIVE (300) of them however long the
report and however much of its text every passage shares (a running footer, a template on every page).
Of those, difflib's length and bag-of-words bounds come first, and the full ratio is computed best bound
first, only while a bound can still reach the best ratio found less NEAR_TIE (and SIMILAR - NEAR_TIE): the
rules look at the closest passage and those within NEAR_TIE of it, no others. A passage with fewer than
RARE_WORDS distinctive words is checked against what its common words might hide: a passage holding none
of its distinctive words matches none of their tokens, so when those (and the words no new passage has)
are too few to rule out one as close, the passages holding the rarest of its common words are compared
too, if they are at most RARE_WORDS * DISTINCTIVE more; if they are more, the label is left behind,
counted (fail safe: a near-tie it cannot afford to look for could make any choice wrong). So a passage
with no distinctive word, each of its words in hundreds of passages, has no candidate at all. The same
holds for the rival check the other way (the old passages close to a new one, with the passages
that chose it always among them). So the cost grows with the labeled passages, not with the square of the
report's length, and the result is the one the RARE_WORDS rarest words found before the bound: a prose
passage has words enough that few passages hold, and only a short one made of common words, or a
boilerplate one, is left behind where it would have carried.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import NamedTuple

SIMILAR = 0.9  # least word-sequence ratio for a label to carry
NEAR_TIE = 0.05  # a second candidate this close to the best makes the choice ambiguous: nothing carries
MERGED = 0.5  # share of another labeled passage's words in what the new passage gained: a merge
RARE_WORDS = 10  # candidates must share one of a passage's this many rarest distinctive words
DISTINCTIVE = 30  # a word held by at most this many passages is distinctive: it may find candidates

_WORD = re.compile(r"\w+")


def same_words(text: str) -> str:
    """A passage's text with its whitespace made single spaces: two readings whose lines only break
    differently ("pagan\nextorsion" and "pagan extorsion") are the same passage to a person's label."""
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """The word tokens `match_passages` compares: casefolded, punctuation dropped."""
    return _WORD.findall(text.casefold())


class OldPassage(NamedTuple):
    id: int
    text: str
    labels: frozenset[str] | None  # its latest human label; None when nobody labeled it


@dataclass(frozen=True)
class Matches:
    label_from: dict[int, int]  # new passage id -> the old passage whose label it takes
    came_over: frozenset[int]  # labeled old passages a new passage stands for (its label, or its words)
    # each of came_over -> the old passage whose label the new passages standing for it take (itself, or
    # the last labeled of its identical or near copies)
    through: dict[int, int] = field(default_factory=dict, compare=False)


@dataclass
class _Group:
    """Old passages with the same words: one passage to the matching."""

    words: list[str]
    labels: frozenset[str] | None = None  # of the last one labeled
    labeled: list[int] = field(default_factory=list)
    source: int = -1  # the last one labeled
    rank: int = -1  # its place in `old`: later labels win


_Close = tuple[float, int]  # (ratio, index)


class _Index:
    """Which of `texts` contain a word, and in how many: to find a passage's candidates by rare words."""

    def __init__(self, texts: Sequence[list[str]]) -> None:
        self.texts = texts
        self.holders: dict[str, list[int]] = defaultdict(list)
        for i, tokens in enumerate(texts):
            for token in set(tokens):
                self.holders[token].append(i)

    def close_to(self, tokens: list[str], floor: float, also: Sequence[int] = ()) -> list[_Close]:
        """(ratio, index) of the texts whose ratio to `tokens` is at least `floor` and within NEAR_TIE of the
        closest, best first (farther ones are left out: the rules do not look at them), among those in
        `also` and those that share one of its RARE_WORDS rarest distinctive words (held by at most
        DISTINCTIVE texts). Nothing when texts that hold none of those words might be as close and are
        too many to compare (see the module's note on cost)."""
        holders = self.holders
        present = sorted((t for t in set(tokens) if t in holders), key=lambda t: (len(holders[t]), t))
        rare = [t for t in present if len(holders[t]) <= DISTINCTIVE][:RARE_WORDS]
        near = {*also, *(i for t in rare for i in holders[t])}
        found, reach = self._closest(tokens, floor, near)
        if len(rare) < min(RARE_WORDS, len(present)):
            # Common words (in more than DISTINCTIVE texts) were passed over. A text that reaches `reach`
            # matches at least reach * n / (2 - reach) of the n tokens, so it holds one of the rarest words
            # that have more tokens than it may miss (those no text holds coming first, then `rare`).
            n = len(tokens)
            must = n - (reach * n / (2 - reach) - 1e-9)  # tokens it may miss, less those covered below
            counts = Counter(tokens)
            must -= sum(k for t, k in counts.items() if t not in holders)
            must -= sum(counts[t] for t in rare)
            common = []
            for t in present[len(rare) : RARE_WORDS]:  # those a text sharing a rarest word holds
                if must < 0:
                    break
                common.append(t)
                must -= counts[t]
            if common:
                # Texts holding those: compared too when few, else it is left alone (fail safe: nothing
                # comes over to it, and its label stays behind, counted).
                more: set[int] = set()
                for t in common:
                    if len(holders[t]) > RARE_WORDS * DISTINCTIVE:
                        return []
                    more.update(holders[t])
                    if len(more) > RARE_WORDS * DISTINCTIVE:
                        return []
                found, reach = self._closest(tokens, floor, near | more)
        return sorted((c for c in found if c[0] >= reach), reverse=True)

    def _closest(self, tokens: list[str], floor: float, candidates: set[int]) -> tuple[list[_Close], float]:
        """(ratio, index) of the `candidates` that may be the closest to `tokens` or within NEAR_TIE of it,
        and the ratio that takes, max(floor, best - NEAR_TIE). The full ratio is computed only while
        difflib's bound on it (quick_ratio, best first) can still reach that."""
        matcher = SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(tokens)
        bounded = []
        for i in sorted(candidates):
            matcher.set_seq1(self.texts[i])
            if matcher.real_quick_ratio() >= floor:
                bound = matcher.quick_ratio()
                if bound >= floor:
                    bounded.append((bound, i))
        bounded.sort(key=lambda c: c[0], reverse=True)
        found: list[_Close] = []
        best = 0.0
        reach = floor
        for bound, i in bounded:
            if bound < reach:
                break  # ratio <= quick_ratio: none of the rest can reach it
            matcher.set_seq1(self.texts[i])
            ratio = matcher.ratio()
            if ratio >= reach:
                found.append((ratio, i))
                best = max(best, ratio)
                reach = max(floor, best - NEAR_TIE)
        return found, reach


def match_passages(old: Sequence[OldPassage], new: Sequence[tuple[int, str]]) -> Matches:
    """Which new passage takes each labeled old passage's label (see the module's rules).

    `old` holds every passage of the older versions, labeled or not (the unlabeled ones keep a label from
    going to a passage that is really theirs), the labeled ones in the order their labels were given;
    `new` the new version's passages (id, text)."""
    groups: dict[str, _Group] = {}
    for rank, passage in enumerate(old):
        key = same_words(passage.text)
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group([])
        if passage.labels is not None:
            group.labels, group.source, group.rank = passage.labels, passage.id, rank
            group.labeled.append(passage.id)
    new_words = [same_words(text) for _, text in new]
    new_by_words: dict[str, list[int]] = defaultdict(list)
    for (new_id, _), key in zip(new, new_words, strict=True):
        new_by_words[key].append(new_id)

    label_from: dict[int, int] = {}
    through: dict[int, int] = {}
    for key, group in groups.items():
        if group.labeled and key in new_by_words:
            through.update(dict.fromkeys(group.labeled, group.source))
            label_from.update(dict.fromkeys(new_by_words[key], group.source))

    # Rule 2: only old passages whose words are gone, and only when one of them is labeled.
    gone = [group for key, group in groups.items() if key not in new_by_words]
    labeled_gone = [group for group in gone if group.labeled]
    if not labeled_gone:
        return Matches(label_from, frozenset(through), through)
    for key, group in groups.items():
        if key not in new_by_words:
            group.words = words(key)
    new_ids = [new_id for new_id, _ in new]
    unchanged = [key in groups for key in new_words]
    new_index = _Index([words(key) for key in new_words])
    old_index = _Index([group.words for group in gone])
    floor = SIMILAR - NEAR_TIE

    chosen: dict[int, list[int]] = defaultdict(list)  # new passage -> the old ones it is closest to (indexes)
    for g, group in enumerate(gone):
        if not group.labeled or not group.words:
            continue
        close = new_index.close_to(group.words, floor)
        if not close or close[0][0] < SIMILAR or unchanged[close[0][1]]:
            continue
        if len(close) > 1 and close[1][0] >= close[0][0] - NEAR_TIE:
            continue  # two new passages nearly as close: ambiguous
        chosen[close[0][1]].append(g)

    for i, closest_to in chosen.items():
        rivals = old_index.close_to(new_index.texts[i], floor, also=closest_to)
        if not rivals:
            continue  # (difflib's ratio is not quite symmetric)
        nearest = [j for ratio, j in rivals if ratio >= rivals[0][0] - NEAR_TIE]
        # The old passages it is closest to, and those closest to it, must all have one label: not two
        # labels, and no unlabeled passage that may be the one it really is.
        if {gone[j].labels for j in [*closest_to, *nearest]} != {gone[closest_to[0]].labels}:
            continue
        tokens = new_index.texts[i]
        takers = [gone[j] for j in closest_to if not _merged(gone[j], tokens, labeled_gone)]
        if takers:
            latest = max(takers, key=lambda g: g.rank)
            label_from[new_ids[i]] = latest.source
            through.update((p, latest.source) for g in takers for p in g.labeled)
    return Matches(label_from, frozenset(through), through)


def _merged(group: _Group, tokens: list[str], labeled: Sequence[_Group]) -> bool:
    """Whether the words `tokens` has beyond `group`'s are mostly those of one of the `labeled` old
    passages whose label differs."""
    matcher = SequenceMatcher(None, group.words, tokens, autojunk=False)
    gained = [t for tag, _, _, j1, j2 in matcher.get_opcodes() if tag != "equal" for t in tokens[j1:j2]]
    for other in labeled:
        if other.labels == group.labels or not other.words:
            continue
        if len(gained) < MERGED * len(other.words):
            continue
        blocks = SequenceMatcher(None, other.words, gained, autojunk=False).get_matching_blocks()
        if sum(block.size for block in blocks) >= MERGED * len(other.words):
            return True
    return False
