"""Probe (issue 15): question and exclamation marks as a bead-balance signal, looked at.

Like the bracket term: would a bead whose two sides end different numbers of questions or
exclamations (``?`` ``？`` and ``!`` ``！`` counted per side) be a wrong bead? For every
document of the development sets, align with ``auto`` and count, per set, how often gold's
own beads disagree, and, in each error region (a stretch where gold and prediction cut
differently, between two points both pass through), whether gold has fewer disagreeing
beads than the prediction or more. Not part of ``make bench`` (it measures no speed).

Usage: python bench/probe_punctuation.py [--sets textberg,transread,mac,parice,wmt]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_align  # noqa: E402

Beads = Sequence[tuple[Sequence[int], Sequence[int]]]
MARKS = (frozenset("?？"), frozenset("!！"))


def disagreeing(beads: Beads, src: Sequence[str], tgt: Sequence[str]) -> int:
    """Beads (times mark kinds) whose sides hold different numbers of that mark."""
    out = 0
    for s, t in beads:
        for marks in MARKS:
            a = sum(ch in marks for k in s for ch in src[k])
            b = sum(ch in marks for k in t for ch in tgt[k])
            out += a != b
    return out


def error_regions(gold: Beads, pred: Beads) -> list[tuple[list[int], list[int]]]:
    """The bead indices of gold and prediction between consecutive shared points, where
    the two differ."""
    ge, pe = bench_align.bead_ends(gold), bench_align.bead_ends(pred)
    shared = set(ge) & set(pe)
    regions, g, p = [], [], []
    gi = pi = 0
    for point in sorted(shared):
        while gi < len(ge) and ge[gi] != point:
            g.append(gi)
            gi += 1
        while pi < len(pe) and pe[pi] != point:
            p.append(pi)
            pi += 1
        g.append(gi)
        p.append(pi)
        gi, pi = gi + 1, pi + 1
        if [tuple(map(tuple, gold[k])) for k in g] != [tuple(map(tuple, pred[k])) for k in p]:
            regions.append((g, p))
        g, p = [], []
    return regions


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default="textberg,transread,mac,parice,wmt")
    args = ap.parse_args()
    from align.alignment import align_texts

    bench_align.cache_embeddings()
    print("| set | gold beads | gold disagreements per bead | error regions | "
          "gold fewer | gold more | same |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in args.sets.split(","):
        docs = bench_align.load_set(name, 300, [0, 600, 1200], 1)  # the bench's slices
        if isinstance(docs, str):
            print(f"skipped {name}: {docs}", file=sys.stderr)
            continue
        beads = gold_marks = regions = fewer = more = 0
        for _doc, src, tgt, gold, sl, tl in docs:
            result = align_texts(
                src, tgt, src_lang=sl, tgt_lang=tl, method="auto", models_dir=bench_align.MODELS
            )
            pred = [(b.src, b.tgt) for b in result.beads]
            beads += len(gold)
            gold_marks += disagreeing(gold, src, tgt)
            for g, p in error_regions(gold, pred):
                a = disagreeing([gold[k] for k in g], src, tgt)
                b = disagreeing([pred[k] for k in p], src, tgt)
                regions += 1
                fewer += a < b
                more += a > b
        print(f"| {name} | {beads} | {gold_marks / beads:.3f} | {regions} | {fewer} | {more} | "
              f"{regions - fewer - more} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
