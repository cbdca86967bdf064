"""Benchmark: sentence alignment quality (strict/lax F1) on every development set, speed, memory.

Quality, one table for all development sets (each skipped with a reason when absent):

- ``textberg``: Text+Berg German-French development set (../shared/data/textberg-dev).
- ``transread``: 7 English-French novels and Candide English-Spanish
  (../shared/data/alignment-dev/transread; the pair is the end of the folder name).
- ``mac``: 12 chapters of Chinese novels and their English translations (alignment-dev/mac-test).
- ``parice``: 10 English-Icelandic documents (alignment-dev/parice-en-is), a language the
  embeddings do not cover.
- ``wmt``: seeded synthetic tests from three 300-line slices of WMT23 zh-en (adjacent lines
  merged on one side or the other -> 1-2 and 2-1 beads, a few dropped -> 1-0 and 0-1).

Per set and method: strict P/R/F1 and lax F1 (micro-averaged over the set's documents),
seconds of alignment and, separately, seconds spent translating (``translate_s``: the
translation term's cost; near 0 once the translations are cached). Then one summary: strict
F1 per set and the macro mean over the sets a method covers (the figure a change must raise,
with no set dropping by more than 0.003).

Embeddings are cached on disk (``.cache/embeddings``, keyed by the texts and the model) and
translations in the project's sentence cache (``$ALIGN_CACHE_DIR``, here ``.cache``), so
re-running after a change to the programme costs only the programme. ``--no-cache`` encodes
afresh.

Speed: 1,000 x 1,000 lines (wmt23 zh/en, ``embedding``, model load and embedding included) in
a fresh process; target 10 s. ``--reference-src DIR`` (e.g. the ``src`` of a worktree of main)
runs the same worker on that code too, interleaved, and prints the ratio.
Peak memory (max RSS of a fresh process) aligning 10k and 50k sentences per side.

Prints markdown tables; writes bench/results/align.json. Skips (exit 0) when ../shared is absent.
Usage: python bench/bench_align.py [--sets textberg,transread,mac,parice,wmt]
       [--methods auto,embedding,translation,length] [--no-cache] [--skip-speed]
       [--skip-memory] [--reference-src DIR] [--speed-runs N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ALIGN_SHARED_DIR", ROOT.parent / "shared"))
MODELS = Path(os.environ.get("ALIGN_MODELS_DIR", ROOT / "models"))
RESULTS = ROOT / "bench" / "results" / "align.json"
CACHE = ROOT / ".cache"
DEV = SHARED / "data" / "alignment-dev"
METHOD_ORDER = ("auto", "embedding", "translation", "length")
SET_ORDER = ("textberg", "transread", "mac", "parice", "wmt")
PUBLISHED = {"Bertalign (LaBSE, GPU)": 0.936, "Vecalign (LASER)": 0.902}
PUBLISHED_ZH = {
    "Bertalign": 0.911,
    "Vecalign": 0.863,
    "Hunalign": 0.610,
    "Gale-Church": 0.485,
}


# A document: (name, source sentences, target sentences, gold beads, source lang, target lang).
Doc = tuple[str, list[str], list[str], list[Any], str, str]


def _folder_docs(folder: Path, pair: tuple[str, str] | None) -> list[Doc]:
    """Every document (SRC, TGT, GOLD) under ``folder``; the pair from the name when None."""
    from align.alignment import read_beads
    from align.text import read_lines

    docs: list[Doc] = []
    for d in sorted(x for x in folder.iterdir() if (x / "GOLD").is_file()):
        src_lang, tgt_lang = pair or tuple(d.name.rsplit("_", 1)[1].split("-"))
        src, tgt = read_lines(d / "SRC"), read_lines(d / "TGT")
        gold = read_beads(str(d / "GOLD"), src_len=len(src), tgt_len=len(tgt))
        docs.append((d.name, src, tgt, [(b.src, b.tgt) for b in gold], src_lang, tgt_lang))
    return docs


def load_set(name: str, zh_lines: int, zh_starts: list[int], zh_seed: int) -> list[Doc] | str:
    """The documents of one development set, or the reason it is skipped."""
    from align.alignment import read_beads
    from align.alignment.evaluate import synthetic_pairs
    from align.text import read_lines

    if name == "textberg":
        data = SHARED / "data" / "textberg-dev"
        if not (data / "dev.defr").is_file():
            return f"{data} is absent"
        de, fr = read_lines(data / "dev.de"), read_lines(data / "dev.fr")
        gold = [(b.src, b.tgt) for b in read_beads(str(data / "dev.defr"))]
        return [("dev", de, fr, gold, "de", "fr")]
    if name == "wmt":
        data = SHARED / "data" / "wmt23-zh-en"
        if not (data / "src.zh").is_file():
            return f"{data} is absent"
        zh_all, en_all = read_lines(data / "src.zh"), read_lines(data / "ref.en")
        docs: list[Doc] = []
        for k, start in enumerate(zh_starts):
            zh, en = zh_all[start : start + zh_lines], en_all[start : start + zh_lines]
            s, t, g = synthetic_pairs(zh, en, seed=zh_seed + k, src_joiner="")
            docs.append((f"@{start}", s, t, g, "zh", "en"))
        return docs
    folder, pair = {
        "transread": ("transread", None),
        "mac": ("mac-test", ("zh", "en")),
        "parice": ("parice-en-is", ("en", "is")),
    }[name]
    if not (DEV / folder).is_dir():
        return f"{DEV / folder} is absent"
    return _folder_docs(DEV / folder, pair)


def bead_ends(
    beads: Sequence[tuple[Sequence[int], Sequence[int]]],
) -> list[tuple[int, int]]:
    """The point (source, target sentences before it) after each bead: past its highest
    sentence, since a few gold beads are not contiguous (Text+Berg's 291, 293, 294, with
    292 left out after them)."""
    i = j = 0
    out = []
    for s, t in beads:
        i, j = max([i, *(k + 1 for k in s)]), max([j, *(k + 1 for k in t)])
        out.append((i, j))
    return out


def cache_embeddings() -> None:
    """Keep pooled encoder sums on disk (bench only): a rerun encodes nothing it has seen."""
    import numpy as np

    from align.alignment import embed

    original = embed.Embedder.pool
    folder = CACHE / "embeddings"

    def pool(self: Any, sentences: Any) -> Any:
        key = hashlib.sha256(
            (self.signature + "\0" + "\n".join(sentences)).encode("utf-8")
        ).hexdigest()[:32]
        path = folder / f"{key}.npz"
        if path.is_file():
            z = np.load(path)
            return embed.Pooled(z["inner"], z["bos"], z["eos"], z["lens"])
        pooled = original(self, sentences)
        if isinstance(pooled, embed.Pooled):
            folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
            np.savez(tmp, inner=pooled.inner, bos=pooled.bos, eos=pooled.eos, lens=pooled.lens)
            os.replace(tmp, path)
        return pooled

    embed.Embedder.pool = pool  # type: ignore[method-assign]


def run_set(docs: list[Doc], method: str) -> dict[str, Any] | str:
    """Align every document with ``method``; scores micro-averaged over the documents."""
    from align.alignment import align_texts, score_alignments
    from align.errors import AlignError

    pairs = []
    seconds = translate_s = 0.0
    signals: set[str] = set()
    for _name, src, tgt, gold, sl, tl in docs:
        marks: dict[str, float] = {}

        def stage(msg: str, marks: dict[str, float] = marks) -> None:
            marks.setdefault("translating" if msg.startswith("translating") else msg, time.time())

        start = time.time()
        try:
            result = align_texts(
                src, tgt, src_lang=sl, tgt_lang=tl, method=method, models_dir=MODELS,
                on_stage=stage,
            )  # fmt: skip
        except AlignError as exc:
            return f"n/a: {exc.message}"
        end = time.time()
        if "translating" in marks:
            t = marks.get("embedding", marks.get("aligning", end)) - marks["translating"]
            translate_s += t
            seconds -= t
        seconds += end - start
        signals.add("+".join(result.signals))
        pairs.append((gold, [(b.src, b.tgt) for b in result.beads]))
    s = score_alignments(pairs)
    return {
        "docs": len(docs),
        "p_strict": round(s.precision_strict, 4),
        "r_strict": round(s.recall_strict, 4),
        "f1_strict": round(s.f1_strict, 4),
        "f1_lax": round(s.f1_lax, 4),
        "seconds": round(seconds, 1),
        "translate_s": round(translate_s, 1),
        "signals": " / ".join(sorted(signals)),
    }


def quality(
    sets: list[str], methods: list[str], zh_lines: int, zh_starts: list[int], zh_seed: int
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """{set: {method: row or reason}} and {set: reason} for the sets skipped."""
    out: dict[str, dict[str, Any]] = {}
    skipped: dict[str, str] = {}
    for name in sets:
        docs = load_set(name, zh_lines, zh_starts, zh_seed)
        if isinstance(docs, str):
            skipped[name] = docs
            print(f"skipped {name}: {docs}", file=sys.stderr)
            continue
        out[name] = {}
        for method in methods:
            out[name][method] = run_set(docs, method)
            print(f"{name} {method}: {out[name][method]}", file=sys.stderr)
    return out, skipped


def summary(results: dict[str, dict[str, Any]], methods: list[str]) -> list[dict[str, Any]]:
    """Strict F1 per set and the macro mean over the sets each method covers."""
    rows = []
    for method in methods:
        row: dict[str, Any] = {"method": method}
        f1s, lax = [], []
        for name, per in results.items():
            r = per[method]
            if isinstance(r, dict):
                row[name] = f"{r['f1_strict']:.4f}"
                f1s.append(r["f1_strict"])
                lax.append(r["f1_lax"])
            else:
                row[name] = "n/a"
        if f1s:
            row["macro strict F1"] = f"**{sum(f1s) / len(f1s):.4f}**"
            row["macro lax F1"] = f"{sum(lax) / len(lax):.4f}"
            row["sets"] = len(f1s)
        rows.append(row)
    return rows


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


def child(kind: str, size: int, src_dir: Path | None = None) -> dict[str, Any]:
    """One measurement in a fresh interpreter, on this tree's code or on ``src_dir``'s."""
    env = dict(os.environ)
    if src_dir is not None:
        env["PYTHONPATH"] = str(src_dir)
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", kind, str(size)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
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
    parser.add_argument("--sets", default=",".join(SET_ORDER), help="development sets to run")
    parser.add_argument("--methods", default=",".join(METHOD_ORDER), help="methods to run")
    parser.add_argument("--zh-lines", type=int, default=300)
    parser.add_argument("--zh-starts", default="0,600,1200", help="first line of each slice")
    parser.add_argument(
        "--zh-seed", type=int, default=1, help="seed of the first slice (the next ones: +1, +2..)"
    )
    parser.add_argument("--no-cache", action="store_true", help="encode without the disk cache")
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--reference-src", type=Path, help="src/ of the code to compare speed with")
    parser.add_argument(
        "--speed-runs", type=int, default=1, help="speed runs per code, interleaved"
    )
    parser.add_argument("--json", type=Path, default=RESULTS, help="where to write the results")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.worker[0], int(args.worker[1]))
        return 0
    if not (SHARED / "data").is_dir():
        print(f"skipped: {SHARED}/data is absent (../shared data is not on this machine)")
        return 0
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("ALIGN_CACHE_DIR", str(CACHE))  # translations, kept between runs
    if not args.no_cache:
        cache_embeddings()
    sets = [s for s in args.sets.split(",") if s]
    methods = [m for m in args.methods.split(",") if m]
    starts = [int(x) for x in args.zh_starts.split(",") if x]
    results: dict[str, Any] = {"sets": {}, "skipped": {}}

    per_set, skipped = quality(sets, methods, args.zh_lines, starts, args.zh_seed)
    results["sets"], results["skipped"] = per_set, skipped
    if sets:
        cols = ["method", "docs", "p_strict", "r_strict", "f1_strict", "f1_lax", "seconds"]
        cols += ["translate_s", "signals"]
        print("## Strict/lax F1 per development set and method\n")
        rows = []
        for name, per in per_set.items():
            for method, r in per.items():
                rows.append({"set": name, "method": method, **r} if isinstance(r, dict) else
                            {"set": name, "method": method, "signals": r})  # fmt: skip
        print(table(rows, ["set"] + cols) + "\n")
        for name, why in skipped.items():
            print(f"skipped {name}: {why}")
        summ = summary(per_set, methods)
        results["summary"] = summ
        print("## Strict F1 per set, macro mean over sets\n")
        print(table(summ, ["method", *per_set, "macro strict F1", "macro lax F1", "sets"]) + "\n")
        if "textberg" in per_set:
            print(
                "Published, Text+Berg *test* set: "
                + ", ".join(f"{k} {v}" for k, v in PUBLISHED.items())
                + "; on a Chinese-English literary set (MAC, 6 chapters): "
                + ", ".join(f"{k} {v}" for k, v in PUBLISHED_ZH.items())
                + "\n"
            )

    if not args.skip_speed:
        runs: list[dict[str, Any]] = []
        for _ in range(args.speed_runs):
            row = child("speed", 1000)
            row["code"] = "this tree"
            runs.append(row)
            if args.reference_src:
                ref = child("speed", 1000, args.reference_src)
                ref["code"] = f"reference ({args.reference_src})"
                runs.append(ref)
        results["speed_1000"] = runs
        print("## Speed: 1,000 x 1,000 wmt23 lines, embedding, fresh process (target 10 s)\n")
        print(table(runs, ["code", "sentences", "seconds", "peak_mb", "band_cells"]) + "\n")
        if args.reference_src:
            mine = [r["seconds"] for r in runs if r["code"] == "this tree"]
            theirs = [r["seconds"] for r in runs if r["code"] != "this tree"]
            ratio = sum(mine) / sum(theirs)
            results["speed_ratio_vs_reference"] = round(ratio, 3)
            print(f"time ratio this tree / reference: {ratio:.3f} (over {len(mine)} runs each)\n")

    if not args.skip_memory:
        mem = [child("memory", int(n)) for n in args.sizes.split(",") if n]
        base = mem[0]
        for row in mem:
            row["mb per 1k sentences"] = round(1000 * row["peak_mb"] / row["sentences"], 1)
            row["time vs first"] = f"{row['seconds'] / base['seconds']:.2f}"
            row["size vs first"] = f"{row['sentences'] / base['sentences']:.1f}"
        results["memory"] = mem
        print("## Peak memory (max RSS), embedding, n x n Text+Berg sentences\n")
        mem_cols = ["sentences", "seconds", "peak_mb", "mb per 1k sentences", "band_cells"]
        print(table(mem, mem_cols + ["size vs first", "time vs first"]) + "\n")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
