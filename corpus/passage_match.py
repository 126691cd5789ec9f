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

A label given to an old version after the new one was stored (corpus.labelstate's late carry) needs the
answer for that passage alone: `stand_ins` gives the full match's answer for the new passages that are a
few old passages read again (`label_takers`: those that take their labels), looking only at the new
passages they choose and, for each, at the labeled old passages that may choose it too (a superset found by
the same bag-of-words bound) and at its rivals, so its checks see what the full match's see, at a cost that
grows with those few passages rather than with all the labeled ones. On a boilerplate reading nearly every
labeled passage may choose each new passage, so many late labels at once (under half: more run the full
match in any case) would bound sources x labeled pairs; when those come to more than the full match would
bound (CHECKS pairs per labeled passage are always allowed: it bounds at least that), it runs the full
match instead (the same answer). On prose the full match bounds a few hundred new passages for each
labeled one, so checking one by one stays the cheaper.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import NamedTuple

SIMILAR = 0.9  # least word-sequence ratio for a label to carry
NEAR_TIE = 0.05  # a second candidate this close to the best makes the choice ambiguous: nothing carries
MERGED = 0.5  # share of another labeled passage's words in what the new passage gained: a merge
RARE_WORDS = 10  # candidates must share one of a passage's this many rarest distinctive words
DISTINCTIVE = 30  # a word held by at most this many passages is distinctive: it may find candidates
CHECKS = 8  # stand_ins bounds this many candidates per labeled passage before weighing the full match's cost

_FLOOR = SIMILAR - NEAR_TIE  # rule 2 looks no farther: a choice must reach SIMILAR, a near-tie to it this

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
        present, rare = self._rare(tokens)
        near = {*also, *(i for t in rare for i in self.holders[t])}
        found, reach = self._closest(tokens, floor, near)
        common = self._common(tokens, present, rare, reach)
        if common:
            # Texts holding those: compared too when few, else it is left alone (fail safe: nothing comes
            # over to it, and its label stays behind, counted).
            more: set[int] = set()
            for t in common:
                if len(self.holders[t]) > RARE_WORDS * DISTINCTIVE:
                    return []
                more.update(self.holders[t])
                if len(more) > RARE_WORDS * DISTINCTIVE:
                    return []
            found, reach = self._closest(tokens, floor, near | more)
        return sorted((c for c in found if c[0] >= reach), reverse=True)

    def candidates(self, tokens: list[str], floor: float) -> int:
        """About how many texts `close_to(tokens, floor)` bounds: those holding its rare words, and the
        common words it may need (counted once for each word they hold: an upper bound)."""
        present, rare = self._rare(tokens)
        count = sum(len(self.holders[t]) for t in rare)
        more = sum(len(self.holders[t]) for t in self._common(tokens, present, rare, floor))
        return count + (more if more <= RARE_WORDS * DISTINCTIVE else 0)  # more: close_to gives up

    def _rare(self, tokens: list[str]) -> tuple[list[str], list[str]]:
        """The words of `tokens` some text holds, fewest holders first, and its RARE_WORDS rarest
        distinctive ones (held by at most DISTINCTIVE texts)."""
        holders = self.holders
        present = sorted((t for t in set(tokens) if t in holders), key=lambda t: (len(holders[t]), t))
        return present, [t for t in present if len(holders[t]) <= DISTINCTIVE][:RARE_WORDS]

    def _common(self, tokens: list[str], present: list[str], rare: list[str], reach: float) -> list[str]:
        """The common words (in more than DISTINCTIVE texts) passed over whose holders may reach `reach`
        too: a text that reaches it matches at least reach * n / (2 - reach) of the n tokens, so it holds
        one of the rarest words that have more tokens than it may miss (those no text holds coming first,
        then `rare`)."""
        if len(rare) >= min(RARE_WORDS, len(present)):
            return []
        n = len(tokens)
        must = n - (reach * n / (2 - reach) - 1e-9)  # tokens it may miss, less those covered below
        counts = Counter(tokens)
        must -= sum(k for t, k in counts.items() if t not in self.holders)
        must -= sum(counts[t] for t in rare)
        common = []
        for t in present[len(rare) : RARE_WORDS]:  # those a text sharing a rarest word holds
            if must < 0:
                break
            common.append(t)
            must -= counts[t]
        return common

    def may_reach(self, tokens: list[str], reach: float) -> set[int]:
        """The texts whose ratio to `tokens` may reach `reach`, all of them (a superset): a text that
        reaches it matches at least reach * n / (2 - reach) of the n tokens (the bag-of-words bound holds
        both ways), so it holds one of any set of token types that fill more than the rest."""
        n = len(tokens)
        counts = Counter(tokens)
        may_miss = n - (reach * n / (2 - reach) - 1e-9)
        may_miss -= sum(k for t, k in counts.items() if t not in self.holders)
        found: set[int] = set()
        for t in sorted((t for t in counts if t in self.holders), key=lambda t: (len(self.holders[t]), t)):
            if may_miss < 0:
                break
            found.update(self.holders[t])
            may_miss -= counts[t]
        return found if may_miss < 0 else set(range(len(self.texts)))

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
    return _match(_Matching(old, new))


def _match(matching: _Matching) -> Matches:
    """match_passages on the readings `matching` holds (its decisions so far reused)."""
    label_from: dict[int, int] = {}
    through: dict[int, int] = {}
    for key, group in matching.groups.items():
        if group.labeled and key in matching.new_by_words:
            through.update(dict.fromkeys(group.labeled, group.source))
            label_from.update(dict.fromkeys(matching.new_by_words[key], group.source))
    if matching.near():
        chosen: dict[int, list[int]] = defaultdict(list)  # new passage -> the old ones closest to it
        for g in range(len(matching.gone)):
            i = matching.choice(g)
            if i is not None:
                chosen[i].append(g)
        for i, closest_to in chosen.items():
            taken = matching.taken(i, closest_to)
            if taken is not None:
                source, takers = taken
                label_from[matching.new_ids[i]] = source
                through.update((p, source) for p in takers)
    return Matches(label_from, frozenset(through), through)


def label_takers(
    old: Sequence[OldPassage], new: Sequence[tuple[int, str]], sources: Collection[int]
) -> dict[int, int]:
    """The new passages that take the label of one of `sources` (labeled passages of `old`), with the one
    each takes: `match_passages(old, new).label_from` narrowed to `sources`, computed for those alone
    (`stand_ins`: a new passage that takes one's label is one that stands for it)."""
    wanted = set(sources)
    return {pid: source for pid, source in stand_ins(old, new, wanted).items() if source in wanted}


def stand_ins(
    old: Sequence[OldPassage],
    new: Sequence[tuple[int, str]],
    passages: Collection[int],
    held: Collection[int] = (),
) -> dict[int, int | None]:
    """The new passages that are one of `passages` (of `old`, labeled or not) read again, with the old
    passage whose label each takes in `match_passages(old, new)`, or None when it takes none: those with
    its words (rule 1), and the new passage closest to it as rule 2 finds it (unambiguous, close enough,
    not an old passage unchanged), whatever its label says. What a label given to one of `passages` can
    change: the answer for the new passages a late label reaches, and takes back (corpus.labelstate).
    Those of `held` (new passages holding labels the match gave them, or none) that one of `passages` may
    be a near-tie rival of are answered too: a label given to a rival can take theirs away, or, alike now,
    give one.

    For a few labels given to an old reading after the new one was stored (corpus.labelstate's late
    carry): only `passages` look for their closest new passage, and only the new passages they choose are
    checked, against every labeled old passage that may choose them too (found by shared rare words, as
    the full match finds its candidates) and every old passage that may be their rival, so the near-tie,
    rival-label and merge checks see what they see in the full match. The cost grows with `passages`, not
    with the labeled passages of `old` (indexing the words stays linear). It runs the full match instead
    when that costs less: for half the labeled passages or more (an import onto the old reading), and on
    boilerplate, when the labeled passages that may choose the new passages found (they share enough of
    their words) add up to more than the full match would bound (`_Matching.choosers`)."""
    matching = _Matching(old, new)
    wanted = set(passages)
    keys = {same_words(p.text) for p in old if p.id in wanted}
    found: dict[int, int | None] = {}
    for key in keys & matching.new_by_words.keys():
        group = matching.groups[key]
        found.update(dict.fromkeys(matching.new_by_words[key], group.source if group.labeled else None))
    gone = [matching.gone_at[key] for key in keys if key in matching.gone_at]
    if not gone:
        return found
    matching.index()
    closest = sorted({i for i in map(matching.closest, gone) if i is not None} | matching.rivaled(gone, held))
    if not closest or not matching.labeled_gone:
        return found | {matching.new_ids[i]: None for i in closest}
    labeled = sum(passage.labels is not None for passage in old)
    choosers = matching.choosers(closest) if 2 * len(wanted) < labeled else None
    if choosers is None:
        # Most of the labeled passages, or boilerplate (the labeled passages that may choose the new ones
        # are so many that bounding them one by one would cost more): the full match, which reuses the
        # choices made so far.
        label_from = _match(matching).label_from
        return found | {matching.new_ids[i]: label_from.get(matching.new_ids[i]) for i in closest}
    for i, may_reach in choosers.items():
        closest_to = [g for g in matching.may_choose(i, may_reach) if matching.choice(g) == i]
        taken = matching.taken(i, closest_to) if closest_to else None
        found[matching.new_ids[i]] = None if taken is None else taken[0]
    return found


class _Matching:
    """The two versions' passages as the rules read them: old ones grouped by words, new ones indexed, and
    rule 2's decisions, each computed once when first asked for."""

    def __init__(self, old: Sequence[OldPassage], new: Sequence[tuple[int, str]]) -> None:
        self.groups: dict[str, _Group] = {}
        for rank, passage in enumerate(old):
            key = same_words(passage.text)
            group = self.groups.get(key)
            if group is None:
                group = self.groups[key] = _Group([])
            if passage.labels is not None:
                group.labels, group.source, group.rank = passage.labels, passage.id, rank
                group.labeled.append(passage.id)
        self.new_ids = [new_id for new_id, _ in new]
        self.new_words = [same_words(text) for _, text in new]
        self.new_by_words: dict[str, list[int]] = defaultdict(list)
        for new_id, key in zip(self.new_ids, self.new_words, strict=True):
            self.new_by_words[key].append(new_id)
        # Rule 2: only old passages whose words are gone, and only when one of them is labeled.
        self.gone = [group for key, group in self.groups.items() if key not in self.new_by_words]
        self.gone_at = {key: g for g, key in enumerate(k for k in self.groups if k not in self.new_by_words)}
        self.labeled_gone = [group for group in self.gone if group.labeled]
        self._closest: dict[int, int | None] = {}
        self._full_cost: int | None = None
        self._indexed = False

    def near(self) -> bool:
        """Whether rule 2 has anything to do; if so, the words it compares are indexed (once)."""
        if not self.labeled_gone:
            return False
        self.index()
        return True

    def index(self) -> None:
        """Index the words rule 2 compares (once)."""
        if not self._indexed:
            self._indexed = True
            for key, group in self.groups.items():
                if key not in self.new_by_words:
                    group.words = words(key)
            self.unchanged = [key in self.groups for key in self.new_words]
            self.new_index = _Index([words(key) for key in self.new_words])
            self.old_index = _Index([group.words for group in self.gone])

    def choice(self, g: int) -> int | None:
        """The new passage (index) gone old passage `g` chooses: its `closest` when it is labeled."""
        return self.closest(g) if self.gone[g].labeled else None

    def closest(self, g: int) -> int | None:
        """The new passage (index) gone old passage `g` is closest to, when the closest is unambiguous,
        close enough, and not an old passage unchanged."""
        if g not in self._closest:
            self._closest[g] = None
            tokens = self.gone[g].words
            close = self.new_index.close_to(tokens, _FLOOR) if tokens else []
            clear = len(close) == 1 or (len(close) > 1 and close[1][0] < close[0][0] - NEAR_TIE)
            if clear and close[0][0] >= SIMILAR and not self.unchanged[close[0][1]]:
                self._closest[g] = close[0][1]
        return self._closest[g]

    def rivaled(self, gone: Sequence[int], held: Collection[int]) -> set[int]:
        """The new passages (indexes) of `held` (ids; not old passages unchanged) that one of the gone old
        passages `gone` may be a rival of in `taken` (its ratio to them may reach _FLOOR). Each pair is
        bounded while that costs less than the full match would (`full_cost`); past that, all those the
        shared words allow are taken (a superset: `taken` decides, and the full match choosers then picks
        answers them at no extra cost)."""
        if not held:
            return set()
        at = {new_id: i for i, new_id in enumerate(self.new_ids)}
        targets = {at[p] for p in held if p in at and not self.unchanged[at[p]]}
        if not targets:
            return set()
        reach = {g: targets & self.new_index.may_reach(self.gone[g].words, _FLOOR) for g in gone}
        pairs = sum(map(len, reach.values()))
        if pairs > CHECKS * len(self.labeled_gone) and pairs > self.full_cost():
            return set().union(*reach.values())
        found: set[int] = set()
        matcher = SequenceMatcher(None, autojunk=False)
        for g, near in reach.items():
            matcher.set_seq2(self.gone[g].words)
            for i in sorted(near - found):
                matcher.set_seq1(self.new_index.texts[i])
                if matcher.real_quick_ratio() >= _FLOOR and matcher.quick_ratio() >= _FLOOR:
                    found.add(i)
        return found

    def choosers(self, chosen: Sequence[int]) -> dict[int, list[int]] | None:
        """For each of the new passages (indexes) `chosen`: the labeled gone old passages whose ratio to it
        may reach SIMILAR by shared words (`_Index.may_reach`), which `may_choose` bounds one by one; None
        when they add up to more than the full match would bound (`full_cost`), which then costs less
        (boilerplate: most passages share most words, while few words are rare enough to find candidates
        by). Up to CHECKS per labeled gone passage they are taken without counting that."""
        budget = CHECKS * len(self.labeled_gone)
        counted = False
        found: dict[int, list[int]] = {}
        for i in chosen:
            reach = self.old_index.may_reach(self.new_index.texts[i], SIMILAR)
            found[i] = [g for g in sorted(reach) if self.gone[g].labeled]
            budget -= len(found[i])
            if budget < 0 and not counted:
                counted = True
                budget += self.full_cost() - CHECKS * len(self.labeled_gone)
            if budget < 0:
                return None
        return found

    def full_cost(self) -> int:
        """What the full match costs, in bounds `may_choose` computes (measured): for each labeled gone old
        passage, about two for each new passage its closest is looked for among (the bound, then ratios
        and rivals for some), and fifteen to set that up."""
        if self._full_cost is None:
            index = self.new_index
            self._full_cost = sum(
                15 + 2 * index.candidates(group.words, _FLOOR) for group in self.labeled_gone
            )
        return self._full_cost

    def may_choose(self, i: int, may_reach: list[int]) -> list[int]:
        """Those of `may_reach` (labeled gone old passages, from `choosers`) that may have new passage `i`
        as their choice: every one whose ratio to it may reach SIMILAR (a superset; `choice` decides)."""
        matcher = SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(self.new_index.texts[i])
        found = []
        for g in may_reach:
            matcher.set_seq1(self.gone[g].words)
            if matcher.real_quick_ratio() >= SIMILAR and matcher.quick_ratio() >= SIMILAR:
                found.append(g)
        return found

    def taken(self, i: int, closest_to: list[int]) -> tuple[int, list[int]] | None:
        """The old passage whose label new passage `i` takes, given `closest_to` (all the gone old passages
        whose choice it is), and the labeled old passages it then stands for; None when the rival and
        merge checks leave it alone."""
        gone = self.gone
        rivals = self.old_index.close_to(self.new_index.texts[i], _FLOOR, also=closest_to)
        if not rivals:
            return None  # (difflib's ratio is not quite symmetric)
        nearest = [j for ratio, j in rivals if ratio >= rivals[0][0] - NEAR_TIE]
        # The old passages it is closest to, and those closest to it, must all have one label: not two
        # labels, and no unlabeled passage that may be the one it really is.
        if {gone[j].labels for j in [*closest_to, *nearest]} != {gone[closest_to[0]].labels}:
            return None
        tokens = self.new_index.texts[i]
        takers = [gone[j] for j in closest_to if not _merged(gone[j], tokens, self.labeled_gone)]
        if not takers:
            return None
        latest = max(takers, key=lambda g: g.rank)
        return latest.source, [p for g in takers for p in g.labeled]


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
