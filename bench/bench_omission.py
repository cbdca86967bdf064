"""Benchmark: the ``omission`` row flag of ``align run`` on clauses cut from real translations.

The five WMT23 zh->en submissions (../shared/data/wmt23-zh-en), first ``--lines`` rows:
in a seeded tenth of the rows of six words or more, the translation is cut to its first
half (a lost clause). Each system is then analysed as ``align run`` analyses a target
(:func:`align.run.analyse.analyse_target`), without a reference (the reference-free
estimate) and with ``ref.en`` (sentence chrF); the lengths are the translation's and the
source's in both. Printed: how many rows were cut, how many flagged, and
the precision and recall of the flag against the cut rows. An unmodified row can be a
real omission of the system's, so precision is a lower bound.

Usage: python bench/bench_omission.py [--lines 400] [--seed 1] [--z Z]
Skips (exit 0) with a message when ../shared is absent.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ALIGN_SHARED_DIR", ROOT.parent / "shared"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--z", type=float, help="override rows.OMISSION_Z")
    args = ap.parse_args()
    data = SHARED / "data" / "wmt23-zh-en"
    if not data.exists():
        print(f"bench_omission: {data} is absent; skipped")
        return 0

    from align.run import rows
    from align.run.analyse import analyse_target
    from align.run.model import SourceInfo

    if args.z is not None:
        rows.OMISSION_Z = args.z
    n = args.lines
    src = (data / "src.zh").read_text(encoding="utf-8").splitlines()[:n]
    ref = (data / "ref.en").read_text(encoding="utf-8").splitlines()[:n]
    source = SourceInfo("src.zh", "src", "zh-Hans", None, False, [], False, [], src, [0] * n)
    print(
        f"omission flag, WMT23 zh-en first {n} lines, a tenth of the rows cut in half "
        f"(seed {args.seed}); thresholds z {rows.OMISSION_Z}, hard {rows.OMISSION_HARD_Z}, "
        f"lowest share {rows.OMISSION_LOW_SHARE}\n"
    )
    print("| system | scored by | cut | flagged | precision | recall |")
    print("|---|---|---:|---:|---:|---:|")
    totals: dict[str, list[int]] = {"estimate": [0, 0, 0], "reference": [0, 0, 0]}
    for path in sorted(data.glob("hyp.*.en")):
        system = path.name[len("hyp.") : -len(".en")]
        hyp = path.read_text(encoding="utf-8").splitlines()[:n]
        rng = random.Random(f"{args.seed}:{system}")
        cut: set[int] = set()
        for i in rng.sample(range(n), n // 10):
            words = hyp[i].split()
            if len(words) >= 6:
                hyp[i] = " ".join(words[: len(words) // 2]) + "."
                cut.add(i)
        for mode, reference in (("estimate", None), ("reference", ref)):
            target = analyse_target(source, "en", hyp, reference=reference)
            flagged = {i for r in target.rows if "omission" in r.flags for i in r.src}
            hit = len(flagged & cut)
            t = totals[mode]
            t[0], t[1], t[2] = t[0] + len(cut), t[1] + len(flagged), t[2] + hit
            print(
                f"| {system} | {mode} | {len(cut)} | {len(flagged)} | "
                f"{hit / max(1, len(flagged)):.2f} | {hit / max(1, len(cut)):.2f} |"
            )
    for mode, (c, f, h) in totals.items():
        print(f"| all five | {mode} | {c} | {f} | {h / max(1, f):.2f} | {h / max(1, c):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
