"""Probe (issue 15): paragraph boundaries as a term of the programme (ParagraphTerm).

No development set has paragraphs (every SRC/TGT is one sentence per line), so they are
made from gold: after each gold bead both sides end a paragraph with probability 1/K (K = 5
beads; fixed seeds, ``--draws`` draws per document, pooled). Then each column perturbs them
as real translations do, with probability q per boundary:
  agree       the paragraphs agree;
  merged:q    the boundary is dropped on one side (a paragraph the translator merged);
  split:q     a boundary is added on one side at another gold bead's end (a paragraph split);
  random:q    a boundary is added on one side at any sentence boundary, inside a gold bead
              too: the one case the term must pay for (a sentence merged or split across
              paragraphs), so this column is the term's cost where its premise fails;
  independent:q  boundaries that have nothing to do with the translation: each sentence
              boundary of each side is one with probability q, gold ignored (blank lines
              that are not paragraphs);
  layout      every sentence its own paragraph on both sides (double-spaced lines), and
  layout-src  on the source side only: the aligner must recognise the layout and use no
              boundaries there (PARAGRAPH_MAX_SHARE), so these equal the *none* column.
Strict F1 per set, without paragraphs and in each column, in one run. Not part of
``make bench`` (it measures no speed; ten minutes with the caches warm).

Usage: python bench/probe_paragraphs.py [--sets textberg,transread,mac,parice,wmt]
           [--method auto] [--engine auto] [--noise agree,merged:0.5,split:0.5,random:0.25]
           [--k 5] [--draws 3]
The term's weights are the aligner's (PARAGRAPH_WEIGHT, PARAGRAPH_LENGTH_WEIGHT).

``--cost``: instead, the time of ``--method length`` (whose paragraph check runs the
programme twice) on Text+Berg dev repeated 20 times, without and with its gold paragraphs,
twice each, interleaved.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_align  # noqa: E402

Beads = Sequence[tuple[Sequence[int], Sequence[int]]]


def make_paragraphs(
    gold: Beads, n: int, m: int, k: float, noise: str, seed: int
) -> tuple[list[int], list[int]]:
    """Paragraph starts of both sides at gold bead ends, then perturbed by ``noise``."""
    if noise in ("layout", "layout-src"):
        return list(range(n)), (list(range(m)) if noise == "layout" else [0, m // 2])
    rng = random.Random(seed)
    kind, _, q_text = noise.partition(":")
    q = float(q_text or 0)
    if kind == "independent":
        return [k for k in range(1, n) if rng.random() < q], [
            k for k in range(1, m) if rng.random() < q
        ]
    ends = bench_align.bead_ends(gold[:-1])
    src: set[int] = set()
    tgt: set[int] = set()
    for i, j in ends:
        if rng.random() >= 1 / k:
            continue
        side = rng.randrange(2) if kind == "merged" and rng.random() < q else -1
        if side != 0:
            src.add(i)
        if side != 1:
            tgt.add(j)
        if kind in ("split", "random") and rng.random() < q:
            at = rng.randrange(2)
            if kind == "split":  # between two beads, on one side only
                (src if at == 0 else tgt).add(rng.choice(ends)[at])
            else:  # anywhere, inside a gold bead too
                (src if at == 0 else tgt).add(rng.randrange(1, n if at == 0 else m))
    return sorted(src), sorted(tgt)


def cost(k: float) -> int:
    """Seconds of ``--method length`` on Text+Berg dev x 20, without and with paragraphs."""
    import time

    from align.alignment import align_texts

    docs = bench_align.load_set("textberg", 300, [0, 600, 1200], 1)
    if isinstance(docs, str):
        print(f"skipped: {docs}", file=sys.stderr)
        return 0
    _doc, src, tgt, gold, sl, tl = docs[0]
    src_starts, tgt_starts = make_paragraphs(gold, len(src), len(tgt), k, "agree", seed=0)
    times = 20
    big_src, big_tgt = list(src) * times, list(tgt) * times
    paras = (
        [x + r * len(src) for r in range(times) for x in src_starts],
        [x + r * len(tgt) for r in range(times) for x in tgt_starts],
    )
    for run in range(4):
        with_paras = run % 2 == 1
        start = time.perf_counter()
        align_texts(
            big_src, big_tgt, src_lang=sl, tgt_lang=tl, method="length",
            paragraphs=paras if with_paras else None,
        )  # fmt: skip
        label = "with paragraphs" if with_paras else "without"
        print(f"{len(big_src)} x {len(big_tgt)} {label}: {time.perf_counter() - start:.1f} s")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default="textberg,transread,mac,parice,wmt")
    ap.add_argument("--method", default="auto")
    ap.add_argument("--noise", default="agree,merged:0.5,split:0.5,random:0.25")
    ap.add_argument("--k", type=float, default=5.0)
    ap.add_argument("--draws", type=int, default=3, help="paragraph draws per document")
    ap.add_argument("--engine", default="auto", help="as align sentences --engine")
    ap.add_argument("--cost", action="store_true", help="time the length path instead")
    args = ap.parse_args()
    if args.cost:
        return cost(args.k)
    from align.alignment import align_texts, score_alignments

    bench_align.cache_embeddings()
    cols = ["none", *args.noise.split(",")]
    print(
        f"method {args.method}, engine {args.engine}, a paragraph every {args.k:g} gold beads "
        f"on average, {args.draws} draws per document\n"
    )
    print("| set | docs | " + " | ".join(cols) + " |")
    print("|---|---:|" + "---:|" * len(cols))
    agreements = [
        "",
        "paragraph agreement along the anchors (lowest-highest document):",
        "",
        "| set | " + " | ".join(cols) + " |",
        "|---|" + "---|" * len(cols),
    ]
    for name in args.sets.split(","):
        docs = bench_align.load_set(name, 300, [0, 600, 1200], 1)  # the bench's slices
        if isinstance(docs, str):
            print(f"skipped {name}: {docs}", file=sys.stderr)
            continue
        pairs: dict[str, list[tuple[Beads, Beads]]] = {c: [] for c in cols}
        agreement: dict[str, list[float]] = {c: [] for c in cols}
        for d, (_doc, src, tgt, gold, sl, tl) in enumerate(docs):
            for col in cols:
                for draw in range(1 if col in ("none", "layout", "layout-src") else args.draws):
                    paras = None
                    if col != "none":
                        seed = 1000 * draw + d
                        paras = make_paragraphs(gold, len(src), len(tgt), args.k, col, seed)
                    result = align_texts(
                        src, tgt, src_lang=sl, tgt_lang=tl, method=args.method,
                        models_dir=bench_align.MODELS, engine=args.engine, paragraphs=paras,
                    )  # fmt: skip
                    pairs[col].append((gold, [(b.src, b.tgt) for b in result.beads]))
                    if "paragraph_agreement" in result.meta:
                        agreement[col].append(result.meta["paragraph_agreement"])
        f1 = [score_alignments(pairs[c]).f1_strict for c in cols]
        print(f"| {name} | {len(docs)} | " + " | ".join(f"{x:.4f}" for x in f1) + " |")
        spans = [f"{min(a):.2f}-{max(a):.2f}" if a else "-" for a in (agreement[c] for c in cols)]
        agreements.append(f"| {name} | " + " | ".join(spans) + " |")
    print("\n".join(agreements))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
