"""Diagnostic (issue 15): are the aligner's errors the search's or the scorer's?

For every document of the chosen development sets, align with ``auto`` and score both the
prediction and the gold beads with the programme's own bead scorer, and count the gold
beads whose end cell lies outside the band and those whose shape exceeds ``--max-merge``.
A prediction that outscores gold, with gold inside the band, is a scorer error: no wider
band or deeper search would find gold. Not part of ``make bench`` (it measures no speed).

Usage: python bench/diagnose_align.py [--sets mac,transread]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_align  # noqa: E402


def path_score(beads: Sequence[tuple[Sequence[int], Sequence[int]]], scorer: Any) -> float:
    """Sum of the scorer's bead scores along a path of beads."""
    import numpy as np

    total, i, j = 0.0, 0, 0
    for s, t in beads:
        i, j = i + len(s), j + len(t)
        total += float(scorer((len(s), len(t)), np.array([i]), np.array([j]))[0])
    return total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default="mac,transread")
    args = ap.parse_args()
    from align.alignment import align_texts, aligner

    bench_align.cache_embeddings()
    seen: dict[str, Any] = {}
    run_dp = aligner.run_dp

    def spy(band: Any, shapes: Any, scorer: Any, **kw: Any) -> Any:
        seen.update(band=band, scorer=scorer, shapes=set(shapes))
        return run_dp(band, shapes, scorer, **kw)

    aligner.run_dp = spy  # type: ignore[assignment]
    print("| document | prediction score | gold score | gold ends outside the band | "
          "gold shapes beyond --max-merge |")  # fmt: skip
    print("|---|---:|---:|---:|---:|")
    for name in args.sets.split(","):
        docs = bench_align.load_set(name, 300, [0, 700, 1400], 1)
        if isinstance(docs, str):
            print(f"skipped {name}: {docs}", file=sys.stderr)
            continue
        for doc, src, tgt, gold, sl, tl in docs:
            result = align_texts(
                src, tgt, src_lang=sl, tgt_lang=tl, method="auto", models_dir=bench_align.MODELS
            )
            if "scorer" not in seen:
                continue
            band, scorer, shapes = seen.pop("band"), seen.pop("scorer"), seen.pop("shapes")
            allowed = [(s, t) for s, t in gold if (len(s), len(t)) in shapes]
            outside, i, j = 0, 0, 0
            for s, t in gold:
                i, j = i + len(s), j + len(t)
                outside += not band.lo[i] <= j <= band.hi[i]
            pred = [(b.src, b.tgt) for b in result.beads]
            gold_score = path_score(gold, scorer)
            print(f"| {name}/{doc} | {path_score(pred, scorer):.2f} | {gold_score:.2f} | "
                  f"{outside} | {len(gold) - len(allowed)} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
