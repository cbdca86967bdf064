"""Benchmark: `align run` end to end vs the same job with the bare reference tools, zh->en.

Input: the first N (default 200) lines of ../shared/data/wmt23-zh-en/src.zh and
ref.en, one paragraph per line. Each system runs in its own fresh process (wall
time, peak RSS):

- align-run-cold: `align run --from zh --to en --ref en=...` with an empty
  translation cache and OUTDIR: segmenting, translating, aligning translation
  and reference, sacrebleu scores, TMX/beads/TSV, scores.json and report.html.
- align-run-warm: the same command again (everything reused from the cache and
  the checkpoints; only the outputs are rewritten).
- reference: the floor of the same job with the bare tools: CTranslate2 on the
  lines in one batched call (bench_translate's ct2-bare script), then the
  sacrebleu command line (BLEU, chrF, TER). No detection, sentence alignment,
  TMX or report.

The scores differ in kind: align scores one segment per aligned row (the
translation is re-aligned to the reference), the reference scores the given lines.

Prints a markdown table with ratios; writes bench/results/run.json.
Usage: python bench/bench_run.py [--lines 200]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_translate import CT2_SCRIPT, MODELS, PYTHON, ROOT, run, wmt_slice  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200)
    args = parser.parse_args()
    inputs = wmt_slice(args.lines)
    if inputs is None:
        return 0
    pkg, src, ref = inputs
    tmp = Path(tempfile.mkdtemp(prefix="bench-run-"))
    (tmp / "doc.zh.txt").write_text("\n\n".join(src) + "\n", encoding="utf-8")
    (tmp / "refs").mkdir()
    (tmp / "refs" / "doc.en.txt").write_text("\n\n".join(ref) + "\n", encoding="utf-8")
    (tmp / "lines.zh").write_text("\n".join(src) + "\n", encoding="utf-8")
    (tmp / "lines.en").write_text("\n".join(ref) + "\n", encoding="utf-8")
    env = dict(os.environ, ALIGN_MODELS_DIR=str(MODELS), ALIGN_CACHE_DIR=str(tmp / "cache"))
    align_bin = str(Path(PYTHON).parent / "align")
    align_cmd = [
        align_bin, "run", str(tmp / "doc.zh.txt"), "--from", "zh", "--to", "en",
        "--ref", f"en={tmp / 'refs' / 'doc.en.txt'}", "-o", str(tmp / "out"), "-q",
    ]  # fmt: skip

    rows = []
    for name in ("align-run-cold", "align-run-warm"):
        wall, rss = run(align_cmd, env)
        data = json.loads((tmp / "out" / "scores.json").read_text(encoding="utf-8"))
        target = data["targets"][0]
        scores = {m["name"]: m["score"] for m in target["scores"]["metrics"]}
        rows.append(
            {
                "system": name,
                "seconds": wall,
                "peak_rss_mib": rss,
                "segments": len(target["rows"]),
                "bleu": scores["BLEU"],
                "chrf": scores["chrF2"],
                "ter": scores["TER"],
                "reused": target["reused"],
            }
        )

    ct2_wall, ct2_rss = run(
        [PYTHON, "-c", CT2_SCRIPT, str(pkg), str(tmp / "lines.zh"), str(tmp / "ct2.en")], env
    )
    sacrebleu_bin = shutil.which("sacrebleu", path=str(Path(PYTHON).parent)) or "sacrebleu"
    score_cmd = [sacrebleu_bin, str(tmp / "lines.en"), "-i", str(tmp / "ct2.en")]
    score_cmd += ["-m", "bleu", "chrf", "ter", "-b", "-w", "2", "-f", "text"]
    score_wall, score_rss = run(score_cmd, env)
    out = subprocess.run(score_cmd, capture_output=True, text=True, check=True).stdout.split()
    bleu, chrf, ter = (float(x) for x in out[:3])
    rows.append(
        {
            "system": "reference (ct2 + sacrebleu CLI)",
            "seconds": ct2_wall + score_wall,
            "peak_rss_mib": max(ct2_rss, score_rss),
            "segments": len(src),
            "bleu": bleu,
            "chrf": chrf,
            "ter": ter,
            "reused": False,
        }
    )
    base = rows[-1]["seconds"]
    for r in rows:
        r["time_vs_reference"] = r["seconds"] / base
    print(
        f"zh->en with reference, first {len(src)} lines of WMT23, {os.cpu_count()} cores, "
        f"package {pkg.name}\n"
    )
    print("| system | seconds | peak RSS MiB | segments | BLEU | chrF | TER | time vs reference |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['system']} | {r['seconds']:.1f} | {r['peak_rss_mib']:.0f} | {r['segments']} "
            f"| {r['bleu']:.1f} | {r['chrf']:.1f} | {r['ter']:.1f} | {r['time_vs_reference']:.2f}x |"
        )
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "run.json").write_text(json.dumps({"lines": len(src), "rows": rows}, indent=2))
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
