"""Benchmark: sentence alignment quality (strict/lax F1), speed and peak memory.

Side by side, in one run:

- Text+Berg German-French development set (../shared/data/textberg-dev): strict and
  lax F1 against the gold ``dev.defr`` and seconds, for our ``embedding`` / ``auto``
  methods and for Gale-Church (our ``length`` method, the classic reference that runs
  here). The published figures on the Text+Berg *test* set (Bertalign 0.936, Vecalign
  0.902; they need LaBSE/LASER on a GPU, which cannot run here) are printed as the
  reference rows, and every F1 gets a ratio against Bertalign's.
- Chinese-English from ../shared/data/wmt23-zh-en (line-aligned): seeded synthetic
  tests on three slices of 300 lines (adjacent lines merged on one side or the other
  -> 1-2 and 2-1 beads, a few lines dropped -> 1-0 and 0-1); F1 per method and slice,
  with and without the translation term (the zh->en model must be installed for the
  translation rows).
- Speed: 1,000 x 1,000 lines (wmt23 zh/en, ``embedding``, model load and embedding
  included) in a fresh process; target 10 s.
- Peak memory (max RSS of a fresh process) aligning 10k and 50k sentences per side
  (Text+Berg sentences, each copy numbered so nothing is deduplicated).

Prints markdown tables with ratios; writes bench/results/align.json.
Skips (exit 0) with a message when ../shared is absent.
Usage: python bench/bench_align.py [--zh-lines 300] [--zh-starts 0,600,1200] [--zh-seed 1]
       [--sizes 10000,50000] [--skip-memory]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ALIGN_SHARED_DIR", ROOT.parent / "shared"))
MODELS = Path(os.environ.get("ALIGN_MODELS_DIR", ROOT / "models"))
RESULTS = ROOT / "bench" / "results" / "align.json"
PUBLISHED = {"Bertalign (LaBSE, GPU)": 0.936, "Vecalign (LASER)": 0.902}
PUBLISHED_ZH = {
    "Bertalign": 0.911,
    "Vecalign": 0.863,
    "Hunalign": 0.610,
    "Gale-Church": 0.485,
}


def _score(gold: list[Any], result: Any) -> dict[str, float]:
    from align.alignment import score_alignments

    s = score_alignments([(gold, [(b.src, b.tgt) for b in result.beads])])
    return {
        "p_strict": round(s.precision_strict, 4),
        "r_strict": round(s.recall_strict, 4),
        "f1_strict": round(s.f1_strict, 4),
        "f1_lax": round(s.f1_lax, 4),
    }


def run_one(src: list[str], tgt: list[str], gold: list[Any], **kw: Any) -> dict[str, Any]:
    from align.alignment import align_texts

    start = time.perf_counter()
    result = align_texts(src, tgt, **kw)
    seconds = time.perf_counter() - start
    return {
        **_score(gold, result),
        "seconds": round(seconds, 2),
        "signals": "+".join(result.signals),
    }


def textberg() -> list[dict[str, Any]]:
    from align.alignment import read_beads
    from align.text import read_lines

    data = SHARED / "data" / "textberg-dev"
    de, fr = read_lines(data / "dev.de"), read_lines(data / "dev.fr")
    gold = read_beads(str(data / "dev.defr"))
    rows = []
    for method in ("embedding", "auto", "length"):
        row = run_one(de, fr, gold, src_lang="de", tgt_lang="fr", method=method)
        row["method"] = method if method != "length" else "length (Gale-Church)"
        rows.append(row)
    return rows


def zh_en(lines: int, starts: list[int], seed: int = 1) -> list[dict[str, Any]]:
    """Per method: F1 on each slice of ``lines`` lines (seeds ``seed``, ``seed`` + 1, ...) and
    the mean."""
    from align.alignment.evaluate import synthetic_pairs
    from align.text import read_lines

    data = SHARED / "data" / "wmt23-zh-en"
    zh_all, en_all = read_lines(data / "src.zh"), read_lines(data / "ref.en")
    slices = []
    for k, start in enumerate(starts):
        zh, en = zh_all[start : start + lines], en_all[start : start + lines]
        slices.append(synthetic_pairs(zh, en, seed=seed + k, src_joiner=""))
    plans = [("embedding", "embedding"), ("length", "length (Gale-Church)")]
    if _has_model():
        plans[1:1] = [("translation", "translation"), ("auto", "auto (translation+embedding)")]
    rows = []
    for method, label in plans:
        per = [
            run_one(src, tgt, gold, src_lang="zh", tgt_lang="en", method=method, models_dir=MODELS)
            for src, tgt, gold in slices
        ]
        row: dict[str, Any] = {"method": label, "signals": per[0]["signals"]}
        for k, r in zip(starts, per, strict=True):
            row[f"f1_strict@{k}"] = r["f1_strict"]
        for key in ("p_strict", "r_strict", "f1_strict", "f1_lax", "seconds"):
            row[key] = round(sum(r[key] for r in per) / len(per), 4)
        rows.append(row)
    return rows


def _has_model() -> bool:
    return any(
        '"from_code": "zh"' in p.read_text(encoding="utf-8") for p in MODELS.glob("*/metadata.json")
    )


# --- subprocess workers: a fresh interpreter per measurement -------------------------------


def _worker(kind: str, size: int) -> None:
    """Run one measurement and print JSON (called in a child process)."""
    from align.alignment import align_texts
    from align.text import read_lines

    start = time.perf_counter()
    if kind == "speed":
        data = SHARED / "data" / "wmt23-zh-en"
        src = read_lines(data / "src.zh")[:size]
        tgt = read_lines(data / "ref.en")[:size]
        langs = ("zh", "en")
    else:
        data = SHARED / "data" / "textberg-dev"
        de, fr = read_lines(data / "dev.de"), read_lines(data / "dev.fr")
        src = [f"{de[k % len(de)]} ({k // len(de)})" for k in range(size)]
        tgt = [f"{fr[k % len(fr)]} ({k // len(fr)})" for k in range(size)]
        langs = ("de", "fr")
    result = align_texts(src, tgt, src_lang=langs[0], tgt_lang=langs[1], method="embedding")
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "kind": kind,
                "sentences": size,
                "seconds": round(seconds, 2),
                "peak_mb": round(peak_kb / 1024, 1),
                "beads": len(result.beads),
                "band_cells": result.meta.get("band_cells"),
            }
        )
    )


def child(kind: str, size: int) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", kind, str(size)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"worker {kind} {size} failed:\n{proc.stderr}")
    out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


def table(rows: list[dict[str, Any]], cols: list[str]) -> str:
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(str(r.get(c, "")) for c in cols) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zh-lines", type=int, default=300)
    parser.add_argument("--zh-starts", default="0,600,1200", help="first line of each slice")
    parser.add_argument(
        "--zh-seed", type=int, default=1, help="seed of the first slice (the next ones: +1, +2..)"
    )
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.worker[0], int(args.worker[1]))
        return 0
    if not (SHARED / "data" / "textberg-dev").is_dir():
        print(f"skipped: {SHARED}/data is absent (../shared data is not on this machine)")
        return 0
    sys.path.insert(0, str(ROOT / "src"))
    results: dict[str, Any] = {}

    tb = textberg()
    bert = PUBLISHED["Bertalign (LaBSE, GPU)"]
    for row in tb:
        row["vs Bertalign"] = f"{row['f1_strict'] / bert:.3f}"
    ref_rows = [
        {
            "method": f"{name} (published, test set)",
            "f1_strict": f1,
            "vs Bertalign": f"{f1 / bert:.3f}",
        }
        for name, f1 in PUBLISHED.items()
    ]
    results["textberg_dev"] = tb
    cols = ["method", "signals", "p_strict", "r_strict", "f1_strict", "f1_lax", "seconds"]
    print("## Text+Berg de-fr (dev: 468 x 554 sentences, 422 gold beads)\n")
    print(table(tb + ref_rows, cols + ["vs Bertalign"]) + "\n")

    starts = [int(x) for x in args.zh_starts.split(",") if x]
    zh = zh_en(args.zh_lines, starts, args.zh_seed)
    results["wmt23_zh_en_synthetic"] = {
        "lines": args.zh_lines,
        "starts": starts,
        "seed": args.zh_seed,
        "rows": zh,
    }
    print(
        f"## WMT23 zh-en synthetic: {len(starts)} slices of {args.zh_lines} lines "
        f"(starting at {', '.join(map(str, starts))}; "
        f"seeds {args.zh_seed}..{args.zh_seed + len(starts) - 1}); means\n"
    )
    print(table(zh, cols + [f"f1_strict@{k}" for k in starts]) + "\n")
    print(
        "Published on a Chinese-English literary set (different data, for scale): "
        + ", ".join(f"{k} {v}" for k, v in PUBLISHED_ZH.items())
        + "\n"
    )

    speed = child("speed", 1000)
    speed["target_s"] = 10.0
    speed["vs target"] = f"{speed['seconds'] / 10.0:.2f}"
    results["speed_1000"] = speed
    print("## Speed: 1,000 x 1,000 wmt23 lines, embedding, fresh process\n")
    print(table([speed], ["sentences", "seconds", "target_s", "vs target", "peak_mb"]) + "\n")

    if not args.skip_memory:
        mem = [child("memory", int(n)) for n in args.sizes.split(",") if n]
        base = mem[0]
        for row in mem:
            row["mb per 1k sentences"] = round(1000 * row["peak_mb"] / row["sentences"], 1)
            row["time vs first"] = f"{row['seconds'] / base['seconds']:.2f}"
            row["size vs first"] = f"{row['sentences'] / base['sentences']:.1f}"
        results["memory"] = mem
        print("## Peak memory (max RSS), embedding, n x n Text+Berg sentences\n")
        print(
            table(
                mem,
                [
                    "sentences",
                    "seconds",
                    "peak_mb",
                    "mb per 1k sentences",
                    "band_cells",
                    "size vs first",
                    "time vs first",
                ],
            )  # fmt: skip
            + "\n"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
