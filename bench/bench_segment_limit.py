"""Benchmark: the longest segment an Argos hop translates whole (``ARGOS_MAX_SEGMENT_WEIGHT``).

A segment over the limit is cut by :func:`align.text.split_long` and translated in pieces.
For each limit, on the real zh->en package, no translation cache, one unit per line:

- the first 200 lines of ../shared/data/wmt23-zh-en/src.zh against ref.en (news);
- the paragraphs of corpora/yunqi-2024/speech.zh.txt against speech.en.txt (a speech);

prints how many units were cut, chrF and BLEU (sacrebleu), and the output's word count (a
model that drops clauses writes fewer words). Each limit runs in a fresh process
($ALIGN_ARGOS_MAX_SEGMENT). Writes bench/results/segment_limit.json.
Usage: python bench/bench_segment_limit.py [--limits 1000,400,300]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ALIGN_SHARED_DIR", ROOT.parent / "shared"))
CORPUS = ROOT / "corpora" / "yunqi-2024"
RESULTS = ROOT / "bench" / "results" / "segment_limit.json"

WORKER = r"""
import json, sys
import sacrebleu
from align.translate import get_translator

def lines(path):
    return [l for l in open(path, encoding="utf-8").read().splitlines() if l.strip()]

out = {}
for name, src_path, ref_path, n, lower in json.loads(sys.argv[1]):
    src, ref = lines(src_path)[:n], lines(ref_path)[:n]
    tr = get_translator("zh", "en", engine="argos", cache=False)
    hyp = tr.translate(src)
    out[name] = {
        "units": len(src),
        "cut": tr.split,
        "chrf": round(sacrebleu.corpus_chrf(hyp, [ref]).score, 2),
        "bleu": round(sacrebleu.corpus_bleu(hyp, [ref], lowercase=lower).score, 2),
        "words": sum(len(h.split()) for h in hyp),
        "ref_words": sum(len(r.split()) for r in ref),
    }
print(json.dumps(out))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limits", default="1000,400,300")
    args = parser.parse_args()
    wmt = SHARED / "data" / "wmt23-zh-en"
    sets = [
        (
            "speech paragraphs",
            str(CORPUS / "speech.zh.txt"),
            str(CORPUS / "speech.en.txt"),
            10**6,
            True,
        )
    ]
    if (wmt / "src.zh").is_file():
        sets.insert(0, ("WMT23 200 lines", str(wmt / "src.zh"), str(wmt / "ref.en"), 200, False))
    else:
        print(f"{wmt} is absent: the WMT23 rows are left out", file=sys.stderr)
    results: dict[str, dict[str, dict[str, float]]] = {}
    for limit in args.limits.split(","):
        env = {**os.environ, "ALIGN_ARGOS_MAX_SEGMENT": limit.strip()}
        done = subprocess.run(
            [sys.executable, "-c", WORKER, json.dumps(sets)],
            capture_output=True,
            text=True,
            env=env,
        )
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            if "not installed" in done.stderr or "cannot translate" in done.stderr:
                print("the zh->en Argos package is not installed: skipped (run: make models)")
                return 0
            return 1
        results[limit.strip()] = json.loads(done.stdout)
    print("| limit | set | units cut | chrF | BLEU | words (reference) |")
    print("|---:|---|---:|---:|---:|---:|")
    for limit, per_set in results.items():
        for name, r in per_set.items():
            print(
                f"| {limit} | {name} | {r['cut']} of {r['units']} | {r['chrf']:.2f} | "
                f"{r['bleu']:.2f} | {r['words']} ({r['ref_words']}) |"
            )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
