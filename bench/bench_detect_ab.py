"""Benchmark: `align detect --by line` of this tree against another tree's, in one run.

The sets are bench_detect.py's (the dev lines, the words and 2-word phrases cut from them,
the close groups and the headlines). Each run is a fresh process per tree, the two trees
interleaved, so that both see the same machine; each process warms up (profiles, Han tables)
before timing, and a set's first unit in a close group starts that group's analysers inside
the timing, as in use. Prints per set the seconds of every run, the time ratio (this tree /
reference, the means) and the number of right answers of each, which must agree unless the
change is meant to change answers.

Usage: python bench/bench_detect_ab.py --reference-src DIR [--runs N]
       (DIR: the src/ of a worktree of main, e.g. `git worktree add /tmp/ref main`)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"


def worker() -> None:
    sys.path.insert(0, str(HERE))
    import bench_detect as b

    b.ours(["warm-up"])
    b.ours(["漢字"])
    dev = b.load_dev()
    sets = {
        "lines": dev,
        "words": b.cut(dev, 1),
        "2-word phrases": b.cut(dev, 2),
        "close groups": b.load_close(),
        "news headlines": b.load_close(b.HEADLINES),
    }
    out = {}
    for name, items in sets.items():
        texts = [t for _, t in items]
        start = time.perf_counter()
        got = b.ours(texts)
        seconds = time.perf_counter() - start
        right = sum(g == gold for g, (gold, _) in zip(got, items, strict=True))
        out[name] = {"s": seconds, "right": right}
    print(json.dumps(out))


def run(src: Path) -> dict[str, dict[str, float]]:
    env = dict(os.environ, PYTHONPATH=str(src))
    proc = subprocess.run(
        [sys.executable, __file__, "--worker"], env=env, capture_output=True, text=True, check=True
    )
    result: dict[str, dict[str, float]] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference-src", type=Path, help="src/ of the code to compare with")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker()
        return 0
    sys.path.insert(0, str(HERE))
    import bench_detect as b

    if not b.DEV.exists():
        print(f"skipped: {b.DEV} is absent (../shared data is not on this machine)")
        return 0
    if args.reference_src is None:  # `make bench` runs every script without arguments
        print("skipped: no --reference-src DIR (the src/ of the tree to compare with)")
        return 0
    if not (args.reference_src / "align").is_dir():
        parser.error(f"--reference-src {args.reference_src} holds no align package")
    ours: list[dict[str, dict[str, float]]] = []
    ref: list[dict[str, dict[str, float]]] = []
    for i in range(args.runs):
        # Alternate which tree goes first, so neither always has the warmer page cache.
        order = [(ours, SRC), (ref, args.reference_src)]
        for results, src in order if i % 2 == 0 else order[::-1]:
            results.append(run(src))
    print(f"`align detect --by line`, this tree against {args.reference_src}, {args.runs} runs\n")
    print("| set | this tree s | reference s | time ratio | right (this / reference) |")
    print("|---|---|---|---|---|")
    for name in ours[0]:
        a = [r[name]["s"] for r in ours]
        c = [r[name]["s"] for r in ref]
        ratio = (sum(a) / len(a)) / (sum(c) / len(c))
        right = f"{int(ours[0][name]['right'])} / {int(ref[0][name]['right'])}"
        print(
            f"| {name} | {' '.join(f'{x:.3f}' for x in a)} | {' '.join(f'{x:.3f}' for x in c)} "
            f"| {ratio:.2f} | {right} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
