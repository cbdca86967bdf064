"""Probe (issue 15): would the length model be sharper on the machine translation?

Gale-Church compares the lengths of the two sides across languages (Chinese characters
against English letters). Once ``auto`` has translated one side, both are in one language,
and the translation's length might predict the other side's better. For every gold bead
with sentences on both sides, this prints the spread of log(target length / (ratio x
source length)) — ratio the document's totals, as the aligner's length term uses — once
with the original lengths and once with the translated side's lengths in place of its own.
A smaller spread is a sharper length model. Not part of ``make bench`` (it measures no
speed); translations come from the sentence cache the bench fills.

Usage: python bench/probe_mt_lengths.py [--sets mac,wmt,transread]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_align  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default="mac,wmt,transread")
    args = ap.parse_args()
    os.environ.setdefault("ALIGN_CACHE_DIR", str(bench_align.CACHE))  # the bench's translations
    import numpy as np

    from align import languages as langs
    from align.alignment.aligner import _char_lengths, _translate_one_side
    from align.translate.engine import Engines

    engines = Engines("auto", bench_align.MODELS)
    print(
        "| set | beads | spread, original lengths (std / MAD) | spread, translated side's lengths |"
    )
    print("|---|---:|---:|---:|")
    for name in args.sets.split(","):
        docs = bench_align.load_set(name, 300, [0, 600, 1200], 1)
        if isinstance(docs, str):
            print(f"skipped {name}: {docs}", file=sys.stderr)
            continue
        orig: list[float] = []
        mt: list[float] = []
        for doc, src, tgt, gold, sl, tl in docs:
            sc, tc = langs.normalize(sl), langs.normalize(tl)
            done = _translate_one_side(
                src, tgt, sc, tc, engines, None, "auto", {}, lambda _msg: None
            )
            if done is None:
                print(f"skipped {name}/{doc}: no engine covers {sc}-{tc}", file=sys.stderr)
                continue
            side, text, into = done
            ls, lt = _char_lengths(src, sc), _char_lengths(tgt, tc)
            lm = _char_lengths(text, into)
            a, b = (lm, lt) if side == 0 else (ls, lm)
            r_orig, r_mt = lt.sum() / ls.sum(), b.sum() / a.sum()
            for s, t in gold:
                if not s or not t:
                    continue
                x, y = ls[list(s)].sum(), lt[list(t)].sum()
                xa, yb = a[list(s)].sum(), b[list(t)].sum()
                if min(x, y, xa, yb) > 0:
                    orig.append(math.log(y / (r_orig * x)))
                    mt.append(math.log(yb / (r_mt * xa)))
        if not orig:
            continue
        o, m = np.array(orig), np.array(mt)

        def spread(v: np.ndarray) -> str:
            return f"{v.std():.3f} / {np.median(np.abs(v - np.median(v))):.3f}"

        print(f"| {name} | {len(o)} | {spread(o)} | {spread(m)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
