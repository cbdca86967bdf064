"""Strict and lax precision/recall/F1 of predicted beads against gold beads.

The definitions are Sennrich & Volk's (2011), the ones the published Text+Berg
figures (Bleualign, Vecalign, Bertalign) use:

- precision runs over the predicted beads (empty beads ignored): *strict*
  counts a bead as correct only when the very same bead is in the gold; *lax*
  also accepts a bead that shares at least one source and one target sentence
  with some gold bead.
- recall is the same computation with the roles swapped, after removing the
  insertions and deletions (beads with an empty side) from both sides.
- counts are summed over all file pairs before dividing (micro-average); F1
  is the harmonic mean of precision and recall.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from align.alignment.beads import Bead
from align.errors import InputError

BeadPair = tuple[tuple[int, ...], tuple[int, ...]]


def _pairs(beads: Sequence[BeadPair | Bead]) -> list[BeadPair]:
    return [(b.src, b.tgt) if isinstance(b, Bead) else b for b in beads]


@dataclass
class Counts:
    """True and false positives, strict and lax."""

    tp_strict: int = 0
    fp_strict: int = 0
    tp_lax: int = 0
    fp_lax: int = 0

    def __iadd__(self, other: Counts) -> Counts:
        self.tp_strict += other.tp_strict
        self.fp_strict += other.fp_strict
        self.tp_lax += other.tp_lax
        self.fp_lax += other.fp_lax
        return self

    def ratio(self, lax: bool) -> float:
        tp = self.tp_lax if lax else self.tp_strict
        fp = self.fp_lax if lax else self.fp_strict
        return tp / (tp + fp) if tp + fp else 0.0


@dataclass(frozen=True)
class Scores:
    """Micro-averaged strict and lax precision, recall and F1 over some file pairs."""

    precision_strict: float
    recall_strict: float
    f1_strict: float
    precision_lax: float
    recall_lax: float
    f1_lax: float
    files: int
    gold_beads: int
    pred_beads: int

    def as_dict(self) -> dict[str, float | int]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def match_counts(gold: Sequence[BeadPair], test: Sequence[BeadPair]) -> Counts:
    """How many ``test`` beads are right, strictly and laxly, judged against ``gold``."""
    exact = {(tuple(s), tuple(t)) for s, t in gold}
    src_to_gold: dict[int, list[int]] = {}
    gold_tgts = [set(t) for _s, t in gold]
    for g, (s, _t) in enumerate(gold):
        for i in s:
            src_to_gold.setdefault(i, []).append(g)
    counts = Counts()
    for s, t in test:
        if not s and not t:
            continue
        if (tuple(s), tuple(t)) in exact:
            counts.tp_strict += 1
            counts.tp_lax += 1
            continue
        counts.fp_strict += 1
        tset = set(t)
        overlap = any(gold_tgts[g] & tset for i in s for g in src_to_gold.get(i, ()))
        if overlap:
            counts.tp_lax += 1
        else:
            counts.fp_lax += 1
    return counts


def score_alignments(
    pairs: Iterable[tuple[Sequence[BeadPair | Bead], Sequence[BeadPair | Bead]]],
) -> Scores:
    """Score ``(gold, predicted)`` bead lists, one pair per document, micro-averaged."""
    prec, rec = Counts(), Counts()
    files = n_gold = n_pred = 0
    for gold_beads, pred_beads in pairs:
        gold, pred = _pairs(gold_beads), _pairs(pred_beads)
        files += 1
        n_gold += len(gold)
        n_pred += len(pred)
        prec += match_counts(gold, pred)
        gold_links = [(s, t) for s, t in gold if s and t]
        pred_links = [(s, t) for s, t in pred if s and t]
        rec += match_counts(pred_links, gold_links)
    ps, rs = prec.ratio(lax=False), rec.ratio(lax=False)
    pl, rl = prec.ratio(lax=True), rec.ratio(lax=True)
    return Scores(ps, rs, _f1(ps, rs), pl, rl, _f1(pl, rl), files, n_gold, n_pred)


def synthetic_pairs(
    src_lines: Sequence[str],
    tgt_lines: Sequence[str],
    *,
    seed: int = 0,
    merge: float = 0.1,
    drop: float = 0.03,
    src_joiner: str = " ",
    tgt_joiner: str = " ",
) -> tuple[list[str], list[str], list[BeadPair]]:
    """An alignment test from line-aligned text, with its gold beads.

    Walking the lines in order (seeded): with probability ``merge`` two
    adjacent lines are merged on the source side (a 2-1 bead) and with
    ``merge`` on the target side (2-1); with probability ``drop`` a line is
    dropped from one side (a 0-1 or 1-0 bead). Everything else stays 1-1.
    """
    import random

    if len(src_lines) != len(tgt_lines):
        raise InputError(f"line counts differ: {len(src_lines)} vs {len(tgt_lines)}")
    rng = random.Random(seed)
    src: list[str] = []
    tgt: list[str] = []
    gold: list[BeadPair] = []
    k, n = 0, len(src_lines)
    while k < n:
        r = rng.random()
        if r < merge and k + 1 < n:  # two source lines merged: one source, two targets
            src.append(src_joiner.join((src_lines[k], src_lines[k + 1])))
            tgt.extend((tgt_lines[k], tgt_lines[k + 1]))
            gold.append(((len(src) - 1,), (len(tgt) - 2, len(tgt) - 1)))
            k += 2
        elif r < 2 * merge and k + 1 < n:  # two target lines merged: two sources, one target
            src.extend((src_lines[k], src_lines[k + 1]))
            tgt.append(tgt_joiner.join((tgt_lines[k], tgt_lines[k + 1])))
            gold.append(((len(src) - 2, len(src) - 1), (len(tgt) - 1,)))
            k += 2
        elif r < 2 * merge + drop:  # the target lacks this line
            src.append(src_lines[k])
            gold.append(((len(src) - 1,), ()))
            k += 1
        elif r < 2 * merge + 2 * drop:  # the source lacks it
            tgt.append(tgt_lines[k])
            gold.append(((), (len(tgt) - 1,)))
            k += 1
        else:
            src.append(src_lines[k])
            tgt.append(tgt_lines[k])
            gold.append(((len(src) - 1,), (len(tgt) - 1,)))
            k += 1
    return src, tgt, gold
