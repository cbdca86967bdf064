"""Benchmark: what making translations independent of their batch neighbours costs, zh->en.

Input: the first N (default 200) lines of ../shared/data/wmt23-zh-en/src.zh, scored
against ref.en with sacrebleu. Each variant runs in its own fresh process (MKL reads its
environment once) on the installed package translate-zh_en-1_9, int8, beam 4:

- before: one synchronous ``translate_batch`` over the length-sorted lines, 2,048-token
  batches, MKL left to pick its kernels (how `align` translated before).
- cbwr: the same call with ``MKL_CBWR=AVX2,STRICT`` (MKL's conditional numerical
  reproducibility): each row's arithmetic no longer depends on the batch shape.
- cbwr-auto: ``MKL_CBWR=AUTO,STRICT``: strict, on the CPU's best code path (AVX-512 here).
- batch1: every sentence alone (``max_batch_size=1``), the other way to be independent.
- align: `align translate --by line --no-cache` end to end, as it is now (asynchronous
  2,048-token batches, committed to the cache as they finish, ``MKL_CBWR=AUTO,STRICT``).

``--embed`` also translates the first N/2 lines alone in each variant and counts how many
differ from the same lines inside the N-line run (MKL_ENABLE_INSTRUCTIONS=AVX2 emulates
an AVX2-only CPU on an AVX-512 one: ``--avx2``).
Prints a markdown table of seconds, ratios to ``before``, BLEU, chrF and lines differing
from ``before``. Usage: python bench/bench_batching.py [--lines 200] [--embed] [--avx2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_translate import MODELS, PYTHON, ROOT, wmt_slice

CT2_SCRIPT = r"""
import json, os, sys
import ctranslate2, sentencepiece as spm
pkg, src, out, mode, embed = sys.argv[1:6]
sp = spm.SentencePieceProcessor(model_file=os.path.join(pkg, "sentencepiece.model"))
lines = open(src, encoding="utf-8").read().split("\n")[:-1]
model = ctranslate2.Translator(os.path.join(pkg, "model"), device="cpu", compute_type="int8",
                               inter_threads=os.cpu_count(), intra_threads=1)
def run(sents):
    tokens = sp.encode(sents, out_type=str)
    order = sorted(range(len(tokens)), key=lambda i: len(tokens[i]))
    size, kind = (1, "examples") if mode == "batch1" else (2048, "tokens")
    res = model.translate_batch([tokens[i] for i in order], beam_size=4, max_batch_size=size,
                                batch_type=kind, length_penalty=0.2, replace_unknowns=True,
                                max_decoding_length=512)
    done = [""] * len(sents)
    for i, r in zip(order, res):
        done[i] = sp.decode_pieces(r.hypotheses[0]).replace("\u2581", " ").strip()
    return done
hyp = run(lines)
with open(out, "w", encoding="utf-8") as fh:
    fh.write("\n".join(hyp) + "\n")
if embed == "1":
    with open(out + ".alone", "w", encoding="utf-8") as fh:
        fh.write("\n".join(run(lines[: len(lines) // 2])) + "\n")
"""


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[:3]} failed: {proc.stderr.decode()[-2000:]}")
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200)
    parser.add_argument("--embed", action="store_true", help="also count neighbour effects")
    parser.add_argument("--avx2", action="store_true", help="MKL_ENABLE_INSTRUCTIONS=AVX2")
    parser.add_argument("--only", default="", help="comma-separated variants to run")
    args = parser.parse_args()
    inputs = wmt_slice(args.lines)
    if inputs is None:
        return 0
    pkg, src, ref = inputs
    import sacrebleu

    tmp = Path(tempfile.mkdtemp(prefix="bench-batching-"))
    src_file = tmp / "src.zh"
    src_file.write_text("\n".join(src) + "\n", encoding="utf-8")
    base = {k: v for k, v in os.environ.items() if k != "MKL_CBWR"}
    base.update(ALIGN_MODELS_DIR=str(MODELS), ALIGN_CACHE_DIR=str(tmp / "cache"))
    if args.avx2:
        base["MKL_ENABLE_INSTRUCTIONS"] = "AVX2"
    cbwr = dict(base, MKL_CBWR="AVX2,STRICT")
    cbwr_auto = dict(base, MKL_CBWR="AUTO,STRICT")
    embed = "1" if args.embed else "0"
    align_bin = str(Path(PYTHON).parent / "align")

    def ct2(mode: str, out: Path) -> list[str]:
        return [PYTHON, "-c", CT2_SCRIPT, str(pkg), str(src_file), str(out), mode, embed]

    variants = {
        "before": (ct2("batch", tmp / "before.en"), base),
        "cbwr": (ct2("batch", tmp / "cbwr.en"), cbwr),
        "cbwr-auto": (ct2("batch", tmp / "cbwr-auto.en"), cbwr_auto),
        "batch1": (ct2("batch1", tmp / "batch1.en"), base),
        "align": ([align_bin, "translate", str(src_file), "--from", "zh", "--to", "en", "--by",
                   "line", "--no-cache", "-q", "-o", str(tmp / "align.en")], base),
    }  # fmt: skip
    chosen = [v for v in args.only.split(",") if v] or list(variants)
    rows = []
    outputs: dict[str, list[str]] = {}
    for name in chosen:
        cmd, env = variants[name]
        seconds = timed(cmd, env)
        hyp = (tmp / f"{name}.en").read_text(encoding="utf-8").split("\n")[: len(src)]
        outputs[name] = hyp
        row = {
            "variant": name,
            "seconds": seconds,
            "bleu": sacrebleu.corpus_bleu(hyp, [ref]).score,
            "chrf": sacrebleu.corpus_chrf(hyp, [ref]).score,
        }
        alone = tmp / f"{name}.en.alone"
        if alone.is_file():
            half = alone.read_text(encoding="utf-8").split("\n")[: len(src) // 2]
            row["neighbour_diffs"] = sum(a != b for a, b in zip(half, hyp, strict=False))
        rows.append(row)
    first = rows[0]
    print(
        f"zh->en, first {len(src)} lines of WMT23, {os.cpu_count()} cores, "
        f"{'MKL_ENABLE_INSTRUCTIONS=AVX2, ' if args.avx2 else ''}package {pkg.name}\n"
    )
    print(f"| variant | seconds | time vs {first['variant']} | BLEU | chrF | lines differing "
          f"from {first['variant']} | alone vs embedded: lines differing |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        differ = sum(
            a != b for a, b in zip(outputs[r["variant"]], outputs[first["variant"]], strict=True)
        )
        r["differ_from_first"] = differ
        print(
            f"| {r['variant']} | {r['seconds']:.1f} | {r['seconds'] / first['seconds']:.2f}x "
            f"| {r['bleu']:.2f} | {r['chrf']:.2f} | {differ} | {r.get('neighbour_diffs', '-')} |"
        )
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "batching.json").write_text(json.dumps({"lines": len(src), "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
