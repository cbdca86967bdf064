"""Benchmark: how well the reference-free estimate agrees with sentence chrF on WMT23 zh-en.

The judge is sacrebleu's sentence chrF of each hypothesis against ``ref.en``.
For every signal of :mod:`align.score.estimate` and for the combined score, the
script reports Pearson, Spearman and Kendall (tau-b) correlations with it, per
segment, pooled over the systems held out of the fit. The combination's weights
are fitted by least squares on chrF / 100 of two systems (``--fit``, default
ANVITA and GPT4-5shot) and measured on the other three; a leave-one-system-out
cross-validation (fit on four, measure on the fifth) is reported beside it. The
old estimate (the embedding similarity alone) is a row of the table.

    .venv/bin/python bench/bench_estimate.py                  # all 1,976 lines, ~5 minutes
    .venv/bin/python bench/bench_estimate.py --lines 300      # quicker
    .venv/bin/python bench/bench_estimate.py --print-weights  # the weights to put in estimate.py

Prints markdown tables and writes ``bench/results/bench_estimate.json``. Exits 0
with a message when ../shared is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ALIGN_SHARED_DIR", ROOT.parent / "shared"))
DATA = SHARED / "data" / "wmt23-zh-en"
SYSTEMS = ("ANVITA", "GPT4-5shot", "Lan-BridgeMT", "NLLB_Greedy", "ONLINE-B")
FIT = ("ANVITA", "GPT4-5shot")


def lines(path: Path, n: int) -> list[str]:
    out = path.read_text(encoding="utf-8").splitlines()
    return [s.rstrip() for s in (out[:n] if n else out)]


def ranks(x: np.ndarray) -> np.ndarray:
    """Average ranks (ties share their mean rank)."""
    order = np.argsort(x, kind="mergesort")
    r = np.empty(len(x), dtype=np.float64)
    sx = x[order]
    i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and sx[j + 1] == sx[i]:
            j += 1
        r[order[i : j + 1]] = (i + j) / 2.0
        i = j + 1
    return r


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    if np.std(x) == 0 or np.std(y) == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def kendall_tau_b(x: np.ndarray, y: np.ndarray) -> float:
    """Kendall's tau-b, exact, O(n^2) in blocks (n is a few thousand)."""
    n = len(x)
    conc = disc = tx = ty = 0.0
    for start in range(0, n, 512):
        xs, ys = x[start : start + 512, None], y[start : start + 512, None]
        dx = np.sign(xs - x[None, :])
        dy = np.sign(ys - y[None, :])
        prod = dx * dy
        conc += float((prod > 0).sum())
        disc += float((prod < 0).sum())
        tx += float(((dx == 0) & (dy != 0)).sum())
        ty += float(((dy == 0) & (dx != 0)).sum())
    denom = np.sqrt((conc + disc + tx) * (conc + disc + ty))
    return float((conc - disc) / denom) if denom else float("nan")


def correlations(x: np.ndarray, y: np.ndarray, n_systems: int = 1) -> dict[str, float]:
    return {
        "within": within(x, y, n_systems) if n_systems > 1 else float("nan"),
        "pearson": pearson(x, y),
        "spearman": pearson(ranks(x), ranks(y)),
        "kendall": kendall_tau_b(x, y),
    }


# The sign a signal's weight must have: a defect may lower the score, never raise it.
SIGNS = {
    "similarity": 1.0,
    "short": -1.0,
    "long": -1.0,
    "repeated": -1.0,
    "numbers": -1.0,
    "names": -1.0,
}


def fit(
    rows: Sequence[Mapping[str, float]], target: np.ndarray, keys: Sequence[str]
) -> dict[str, float]:
    """Least squares of ``target`` on the signals ``keys`` (with an intercept), sign-constrained:
    a signal whose weight comes out with the wrong sign (a defect that would raise the score,
    which on pooled segments means it stands for something else, such as easier segments) is
    left out (weight 0) and the rest refitted."""
    used = list(keys)
    while True:
        x = np.array([[1.0] + [float(r.get(k, 0.0)) for k in used] for r in rows])
        coef, *_ = np.linalg.lstsq(x, target, rcond=None)
        weights = dict(zip(used, (float(c) for c in coef[1:]), strict=True))
        wrong = [k for k, w in weights.items() if w * SIGNS[k] < 0]
        if not wrong:
            break
        used.remove(min(wrong, key=lambda k: weights[k] * SIGNS[k]))
    return {"intercept": float(coef[0]), **{k: weights.get(k, 0.0) for k in keys}}


def within(x: np.ndarray, y: np.ndarray, n_systems: int) -> float:
    """Pearson after removing each source segment's mean over the systems: does the signal tell
    the systems apart on the same segment (what ranking targets needs)?"""
    xs, ys = x.reshape(n_systems, -1), y.reshape(n_systems, -1)
    return pearson((xs - xs.mean(0)).ravel(), (ys - ys.mean(0)).ravel())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=0, help="first N lines only (0: all)")
    parser.add_argument("--fit", default=",".join(FIT), help="systems the weights are fitted on")
    parser.add_argument("--print-weights", action="store_true", help="print the fitted weights")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"{DATA} is absent: nothing to measure (needs ../shared)")
        return 0
    from sacrebleu.metrics import CHRF

    from align.score.estimate import FEATURES, combine, estimate_quality

    src = lines(DATA / "src.zh", args.lines)
    ref = lines(DATA / "ref.en", args.lines)
    hyps = {s: lines(DATA / f"hyp.{s}.en", args.lines) for s in SYSTEMS}
    fit_on = tuple(s for s in args.fit.split(",") if s)
    held_out = tuple(s for s in SYSTEMS if s not in fit_on)

    t0 = time.perf_counter()
    chrf = CHRF()
    judge = {
        s: [chrf.sentence_score(h, [r]).score / 100 for h, r in zip(hyps[s], ref, strict=True)]
        for s in SYSTEMS
    }
    t_chrf = time.perf_counter() - t0
    from align.alignment.embed import embed_sentences
    from align.score.estimate import _similarities

    embed_sentences(["warm up"], "en")  # the encoder loads once, before either is timed
    t0 = time.perf_counter()
    _similarities(src, hyps, "zh-Hans", "en")  # the old estimate: the similarity alone
    t_old = time.perf_counter() - t0
    t0 = time.perf_counter()
    qe = estimate_quality(src, hyps, src_lang="zh", tgt_lang="en")
    t_qe = time.perf_counter() - t0

    keep = {
        s: [i for i, (a, h) in enumerate(zip(src, hyps[s], strict=True)) if a.strip()]
        for s in SYSTEMS
    }
    rows = {s: [qe.signals[s][i] for i in keep[s]] for s in SYSTEMS}
    y = {s: np.array([judge[s][i] for i in keep[s]]) for s in SYSTEMS}
    linear = [k for k in FEATURES if k != "untranslated"]
    plain = [k for k in linear if k != "similarity"]

    def pooled(systems: Sequence[str]) -> tuple[list[Mapping[str, float]], np.ndarray]:
        return [r for s in systems for r in rows[s]], np.concatenate([y[s] for s in systems])

    fit_rows, fit_y = pooled(fit_on)
    w_embed = fit(fit_rows, fit_y, linear)
    w_plain = fit(fit_rows, fit_y, plain)
    test_rows, test_y = pooled(held_out)

    table: dict[str, dict[str, float]] = {}
    for key in FEATURES:
        x = np.array([float(r.get(key, 0.0)) for r in test_rows])
        table[key] = correlations(x, test_y, len(held_out))
    table["combined (embeddings)"] = correlations(
        np.array([combine(r, True, w_embed) for r in test_rows]), test_y, len(held_out)
    )
    table["combined (no embeddings)"] = correlations(
        np.array([combine(r, False, w_plain) for r in test_rows]), test_y, len(held_out)
    )
    # Leave one system out: fit on four, measure on the fifth; mean over the five.
    cv: dict[str, list[dict[str, float]]] = {"embeddings": [], "no embeddings": []}
    for out in SYSTEMS:
        tr_rows, tr_y = pooled([s for s in SYSTEMS if s != out])
        we, wp = fit(tr_rows, tr_y, linear), fit(tr_rows, tr_y, plain)
        cv["embeddings"].append(
            correlations(np.array([combine(r, True, we) for r in rows[out]]), y[out])
        )
        cv["no embeddings"].append(
            correlations(np.array([combine(r, False, wp) for r in rows[out]]), y[out])
        )
    cv_mean = {
        k: {m: float(np.mean([c[m] for c in v])) for m in ("pearson", "spearman", "kendall")}
        for k, v in cv.items()
    }
    # System level: the corpus estimate (with the fitted weights) against corpus chrF.
    system_rows = []
    for s in SYSTEMS:
        est = float(np.mean([combine(r, True, w_embed) for r in rows[s]]))
        est_plain = float(np.mean([combine(r, False, w_plain) for r in rows[s]]))
        corpus = chrf.corpus_score(hyps[s], [ref]).score
        system_rows.append(
            {
                "system": s,
                "chrf": corpus,
                "estimate": est,
                "estimate_plain": est_plain,
                "old_similarity": float(np.mean([r.get("similarity", 0.0) for r in rows[s]])),
                "untranslated_segments": sum(1 for r in rows[s] if r.get("untranslated")),
                "reasons": sum(1 for w in qe.reasons[s] if w),
            }
        )

    n_test = len(test_y)
    print(
        f"WMT23 zh-en, {len(src)} lines x {len(SYSTEMS)} systems; weights fitted on {', '.join(fit_on)}; "
        f"correlations with sentence chrF on the {n_test} segments of {', '.join(held_out)}\n"
    )
    print("| signal | Pearson | Spearman | Kendall τ-b | Pearson within a source segment |")
    print("|---|---|---|---|---|")
    label = {
        "similarity": "similarity (the old estimate)",
        "short": "shorter than usual (log ratio)",
        "long": "longer than usual (log ratio)",
        "repeated": "repeated n-grams (share)",
        "numbers": "numbers missing (share)",
        "names": "names missing (share)",
        "untranslated": "untranslated (share of letters)",
    }
    for key, c in table.items():
        print(
            f"| {label.get(key, '**' + key + '**')} | {c['pearson']:+.3f} | {c['spearman']:+.3f} | "
            f"{c['kendall']:+.3f} | {c['within']:+.3f} |"
        )
    print("\nLeave-one-system-out (fit on 4, measured on the 5th; mean of 5):\n")
    print("| combination | Pearson | Spearman | Kendall τ-b |")
    print("|---|---|---|---|")
    for key, c in cv_mean.items():
        print(f"| {key} | {c['pearson']:+.3f} | {c['spearman']:+.3f} | {c['kendall']:+.3f} |")
    print("\nSystem level (corpus estimate = mean segment score):\n")
    print(
        "| system | corpus chrF | estimate | estimate, no embeddings | old: mean similarity | segments with untranslated words | segments with reasons |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in sorted(system_rows, key=lambda r: -r["chrf"]):
        print(
            f"| {r['system']} | {r['chrf']:.2f} | {r['estimate']:.3f} | {r['estimate_plain']:.3f} | "
            f"{r['old_similarity']:.3f} | {r['untranslated_segments']} | {r['reasons']} |"
        )
    sys_tau = {
        k: kendall_tau_b(
            np.array([r["chrf"] for r in system_rows]), np.array([r[k] for r in system_rows])
        )
        for k in ("estimate", "estimate_plain", "old_similarity")
    }
    print(
        f"\nKendall τ of the 5 systems' order: estimate {sys_tau['estimate']:+.2f}, "
        f"no embeddings {sys_tau['estimate_plain']:+.2f}, old similarity {sys_tau['old_similarity']:+.2f}"
    )
    print(
        f"\nseconds (under contention): sentence chrF {t_chrf:.1f}; old estimate (similarity) "
        f"{t_old:.1f}; new estimate (similarity + signals) {t_qe:.1f}; ratio new/old "
        f"{t_qe / t_old:.2f}"
    )
    if args.print_weights:
        print("\nWEIGHTS_EMBED =", json.dumps({k: round(v, 4) for k, v in w_embed.items()}))
        print("WEIGHTS_PLAIN =", json.dumps({k: round(v, 4) for k, v in w_plain.items()}))
    out: dict[str, Any] = {
        "lines": len(src),
        "fit_on": fit_on,
        "held_out": held_out,
        "segments": n_test,
        "weights_embed": w_embed,
        "weights_plain": w_plain,
        "correlations": table,
        "leave_one_system_out": cv_mean,
        "seconds": {"chrf": t_chrf, "old_estimate": t_old, "estimate": t_qe},
        "systems": system_rows,
        "system_kendall": sys_tau,
    }
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "bench_estimate.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
