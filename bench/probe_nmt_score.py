"""Probe (issue 15): the zh→en model's own likelihood as a judge of bead boundaries.

The translation term compares the model's *output* with the English side. The model can also
score the English side itself: CTranslate2's ``score_batch`` gives log P(English | Chinese)
token by token (forced decoding). For a stretch of text every segmentation into beads
generates the same English tokens, so the sums of the beads' log-probabilities are
comparable between segmentations, and a split that cuts a sentence from the source it
translates should lose probability.

Tried as a second pass over ``auto``'s path on MAC (and any zh-en set): every two consecutive
beads with sentences on both sides form a rectangle (at most 5 × 6 sentences); each of its
re-segmentations into beads of at most 3 × 4 sentences is scored

    sum over its beads of (log P(English | Chinese) + BETA) + LAM × the programme's bead score

and the best replaces the two beads, left to right. ``--mode shift`` keeps the two beads and
only moves the boundary between them. First, the error regions alone (where gold and the
prediction disagree): how often gold's beads score higher than the prediction's.

Usage: ALIGN_MODELS_DIR=models python bench/probe_nmt_score.py [--sets mac] [--mode any|shift]
           [--beta 0,5,10,15] [--lam 0] [--docs N]
Skips (exit 0) without ../shared or the zh→en model. Scores are cached in
.cache/nmt-scores.pkl (minutes the first time: every candidate bead is one forced decoding).
"""

from __future__ import annotations

import argparse
import collections
import os
import pickle
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_align  # noqa: E402

CACHE = bench_align.ROOT / ".cache" / "nmt-scores.pkl"
MAX_REGION = (5, 6)  # sentences of the two beads together, Chinese × English
MAX_BEAD = (3, 4)

Bead = tuple[tuple[int, ...], tuple[int, ...]]


def segmentations(n: int, m: int) -> Iterator[list[tuple[int, int]]]:
    """Every monotone division of an n × m rectangle into beads with both sides non-empty."""
    if n == 0 and m == 0:
        yield []
        return
    for a in range(1, min(n, MAX_BEAD[0]) + 1):
        for b in range(1, min(m, MAX_BEAD[1]) + 1):
            if (n - a == 0) == (m - b == 0):
                for rest in segmentations(n - a, m - b):
                    yield [(a, b), *rest]


class Scorer:
    """log P(English | Chinese) under the installed zh→en Argos model, cached."""

    def __init__(self, folder: Path) -> None:
        import ctranslate2
        import sentencepiece as spm

        self.sp = spm.SentencePieceProcessor(model_file=str(folder / "sentencepiece.model"))
        self.model = ctranslate2.Translator(
            str(folder / "model"), device="cpu", compute_type="int8", intra_threads=2
        )
        self.cache: dict[tuple[str, str], float] = {}
        if CACHE.is_file():
            self.cache = pickle.loads(CACHE.read_bytes())

    def __call__(self, pairs: list[tuple[str, str]]) -> list[float]:
        todo = list(dict.fromkeys(p for p in pairs if p not in self.cache))
        if todo:
            src = [self.sp.encode(a, out_type=str) for a, _ in todo]
            tgt = [self.sp.encode(b, out_type=str) for _, b in todo]
            for pair, res in zip(todo, self.model.score_batch(src, tgt, max_batch_size=64),
                                 strict=True):  # fmt: skip
                self.cache[pair] = float(sum(res.log_probs))
        return [self.cache[p] for p in pairs]

    def save(self) -> None:
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        tmp = CACHE.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(self.cache))
        os.replace(tmp, CACHE)


def rescore(
    pred: list[Bead], text: Any, nmt: Scorer, bead_score: Any, beta: float, lam: float, mode: str
) -> list[Bead]:
    """The left-to-right second pass described in the module docstring."""
    done: list[Bead] = []
    rest = list(pred)
    i = j = 0
    while rest:
        if len(rest) >= 2 and all(rest[0]) and all(rest[1]):
            n, m = len(rest[0][0]) + len(rest[1][0]), len(rest[0][1]) + len(rest[1][1])
            if n <= MAX_REGION[0] and m <= MAX_REGION[1]:
                current = [(len(rest[0][0]), len(rest[0][1])), (len(rest[1][0]), len(rest[1][1]))]
                segs = [s for s in segmentations(n, m) if mode == "any" or len(s) == 2]
                if current not in segs:
                    segs.append(current)
                spans = []
                for seg in segs:
                    ii, jj, row = i, j, []
                    for a, b in seg:
                        row.append(text(ii, ii + a, jj, jj + b))
                        ii, jj = ii + a, jj + b
                    spans.append(row)
                flat = nmt([p for row in spans for p in row])
                best, best_seg, k = None, current, 0
                for seg, row in zip(segs, spans, strict=True):
                    value = sum(flat[k : k + len(row)]) + beta * len(row)
                    k += len(row)
                    if lam:
                        value += lam * bead_score(i, j, seg)
                    if best is None or value > best + 1e-9:
                        best, best_seg = value, seg
                beads: list[Bead] = []
                ii, jj = i, j
                for a, b in best_seg:
                    beads.append((tuple(range(ii, ii + a)), tuple(range(jj, jj + b))))
                    ii, jj = ii + a, jj + b
                done.append(beads[0])
                i, j = i + best_seg[0][0], j + best_seg[0][1]
                rest = beads[1:] + rest[2:]
                continue
        s, t = rest.pop(0)
        done.append((s, t))
        i, j = i + len(s), j + len(t)
    return done


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="mac")
    ap.add_argument("--mode", choices=("any", "shift"), default="any")
    ap.add_argument("--beta", default="0,5,10,15")
    ap.add_argument("--lam", default="0")
    ap.add_argument("--docs", type=int, default=0, help="only the first N documents of a set")
    args = ap.parse_args()
    import numpy as np

    from align.alignment import align_texts, aligner, score_alignments

    folder = Path(bench_align.MODELS or "models") / "translate-zh_en-1_9"
    if not (folder / "model").is_dir():
        print(f"skipped: no zh→en model in {folder} (make models)")
        return 0
    nmt = Scorer(folder)
    bench_align.cache_embeddings()
    seen: dict[str, Any] = {}
    run_dp = aligner.run_dp

    def spy(band: Any, shapes: Any, scorer: Any, **kw: Any) -> Any:
        seen["scorer"] = scorer
        return run_dp(band, shapes, scorer, **kw)

    aligner.run_dp = spy  # type: ignore[assignment]
    betas = [float(x) for x in args.beta.split(",")]
    lams = [float(x) for x in args.lam.split(",")]
    for name in args.sets.split(","):
        docs = bench_align.load_set(name, 300, [0, 700, 1400], 1)
        if isinstance(docs, str):
            print(f"skipped {name}: {docs}")
            continue
        docs = docs[: args.docs or None]
        base: list[Any] = []
        out: dict[tuple[float, float], list[Any]] = collections.defaultdict(list)
        regions: collections.Counter[str] = collections.Counter()
        for _doc, src, tgt, gold, sl, tl in docs:
            result = align_texts(
                src, tgt, src_lang=sl, tgt_lang=tl, method="auto", models_dir=bench_align.MODELS
            )
            scorer = seen.pop("scorer")
            pred: list[Bead] = [(tuple(b.src), tuple(b.tgt)) for b in result.beads]
            gold_beads: list[Bead] = [(tuple(s), tuple(t)) for s, t in gold]
            base.append((gold_beads, pred))

            def text(i0: int, i1: int, j0: int, j1: int, src: Any = src, tgt: Any = tgt) -> Any:
                return "".join(src[i0:i1]), " ".join(tgt[j0:j1])

            def bead_score(
                i: int, j: int, seg: list[tuple[int, int]], scorer: Any = scorer
            ) -> float:
                total = 0.0
                for a, b in seg:
                    i, j = i + a, j + b
                    total += float(scorer((a, b), np.array([i]), np.array([j]))[0])
                return total

            # the error regions: gold's beads against the prediction's, skips left out
            common, prev = (
                sorted(set(bench_align.bead_ends(gold_beads)) & set(bench_align.bead_ends(pred))),
                (0, 0),
            )
            for c in common:

                def within(beads: list[Bead], c: tuple[int, int] = c, prev: Any = prev) -> Any:
                    return [b for b, e in zip(beads, bench_align.bead_ends(beads), strict=True)
                            if prev[0] <= e[0] <= c[0] and prev[1] <= e[1] <= c[1] and e != prev]  # fmt: skip

                g, p = within(gold_beads), within(pred)
                if g != p and all(s and t for s, t in g + p):
                    gv = sum(nmt([text(s[0], s[-1] + 1, t[0], t[-1] + 1) for s, t in g]))
                    pv = sum(nmt([text(s[0], s[-1] + 1, t[0], t[-1] + 1) for s, t in p]))
                    kind = ("prediction merges" if len(p) < len(g) else
                            "prediction splits" if len(p) > len(g) else "boundary moved")  # fmt: skip
                    regions[f"{kind}: gold {'higher' if gv > pv else 'not higher'}"] += 1
                prev = c
            for beta in betas:
                for lam in lams:
                    new = rescore(pred, text, nmt, bead_score, beta, lam, args.mode)
                    out[(beta, lam)].append((gold_beads, new))
            nmt.save()
        print(f"## {name} ({len(docs)} documents)\n")
        print("error regions without skips, log P(English | Chinese) summed over the beads:")
        for key, count in sorted(regions.items()):
            print(f"  {key}: {count}")
        f1 = score_alignments(base).f1_strict
        print(f"\nstrict F1 of auto: {f1:.4f}")
        for (beta, lam), pairs in out.items():
            new_f1 = score_alignments(pairs).f1_strict
            print(f"  second pass, mode {args.mode}, beta {beta:g}, lam {lam:g}: "
                  f"{new_f1:.4f} ({new_f1 - f1:+.4f})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
