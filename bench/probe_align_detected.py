"""Probe: the aligner with the languages it detects itself, as `align sentences A B` runs.

bench_align.py gives every development set its languages; a user who runs
`align sentences A B` without --src-lang/--tgt-lang gets the languages `align detect`
finds in each file (``detect_document``), and the method follows from them (an engine for
the pair, the embeddings, or lengths and links). This probe detects each document's two
languages the same way, prints them, and aligns with them (`auto`), so that a detector
change shows what it does to alignment: strict and lax F1 per set, next to the figure with
the languages given.

Usage: python bench/probe_align_detected.py [--sets parice,textberg,transread,mac,wmt]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_align  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default="parice")
    args = ap.parse_args()
    from align.detect import detect_document

    print(
        "| set | languages detected (documents) | strict F1 detected | strict F1 given | lax detected |"
    )
    print("|---|---|---:|---:|---:|")
    for name in args.sets.split(","):
        docs = bench_align.load_set(name, 300, [0, 700, 1400], 1)
        if isinstance(docs, str):
            print(f"skipped {name}: {docs}", file=sys.stderr)
            continue
        detected = []
        seen: Counter[str] = Counter()
        for doc, src, tgt, gold, _sl, _tl in docs:
            sl, tl = detect_document("\n".join(src)).lang, detect_document("\n".join(tgt)).lang
            seen[f"{sl}-{tl}"] += 1
            detected.append((doc, src, tgt, gold, sl, tl))
        found = bench_align.run_set(detected, "auto")
        given = bench_align.run_set(docs, "auto")
        langs = ", ".join(f"{k} ({v})" for k, v in seen.most_common())
        if isinstance(found, str) or isinstance(given, str):
            print(f"| {name} | {langs} | {found} | {given} | |")
            continue
        print(
            f"| {name} | {langs} | {found['f1_strict']:.4f} | {given['f1_strict']:.4f} "
            f"| {found['f1_lax']:.4f} |"
        )
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
