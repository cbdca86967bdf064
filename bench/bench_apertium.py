"""Benchmark: Apertium throughput (sentences/s), en->es and the cross-engine chain zh->en->es.

Side by side, in one run, on the same inputs:

- en->es on the English speech (corpora/yunqi-2024/speech.en.txt, cut into sentences):
  - ``apertium-bare``: the reference, ``apertium -u eng-spa`` on the whole document
    (one process, no sentence bookkeeping);
  - ``align``: :class:`align.translate.apertium.ApertiumTranslator` on the sentence list
    (one process, blank-line separators, count check);
  - ``per-sentence``: one ``apertium`` process per sentence, the pattern the engine avoids
    (on the first 30 sentences; its ratio is against the bare time scaled to 30 sentences).
- en->es on the first 1,000 lines of ../shared/data/wmt23-zh-en/ref.en (bare vs align).
- zh->en->es on the Chinese speech (corpora/yunqi-2024/speech.zh.txt): the Argos zh->en hop
  alone (the reference) vs the whole chain (Argos, then Apertium), no translation cache.

Apertium rows take the median of --repeats runs; Argos rows run once each.
Prints a markdown table with ratios; writes bench/results/apertium.json.
Skips (exit 0) with a message when ../shared or Apertium is absent.
Usage: python bench/bench_apertium.py [--repeats 3] [--wmt-lines 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ALIGN_SHARED_DIR", ROOT.parent / "shared"))
CORPUS = ROOT / "corpora" / "yunqi-2024"
MODELS = Path(os.environ.get("ALIGN_MODELS_DIR", ROOT / "models"))
RESULTS = ROOT / "bench" / "results" / "apertium.json"


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median wall time of ``repeats`` calls, and the last result."""
    times = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def bare(mode: str, text: str) -> str:
    proc = subprocess.run(
        ["apertium", "-u", "-f", "txt", mode], input=text, capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise SystemExit(f"apertium {mode} failed: {proc.stderr.strip()}")
    return proc.stdout


def row(
    task: str, system: str, n: int, seconds: float, ref_seconds: float | None
) -> dict[str, Any]:
    return {
        "task": task,
        "system": system,
        "sentences": n,
        "seconds": round(seconds, 3),
        "sentences_per_s": round(n / seconds, 1) if seconds else None,
        "time_vs_reference": round(seconds / ref_seconds, 2) if ref_seconds else 1.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--wmt-lines", type=int, default=1000)
    args = parser.parse_args()

    if not SHARED.is_dir():
        print(f"skipped: {SHARED} is absent (../shared data is not on this machine)")
        return 0
    sys.path.insert(0, str(ROOT / "src"))
    from align.text import read_text, segment_text
    from align.translate.apertium import ApertiumEngine

    engine = ApertiumEngine(None, mark_unknown=False)
    if not engine.available():
        print("skipped: Apertium is not installed (run: make apertium)")
        return 0
    by_dir = {(p.source, p.target): p for p in engine.pairs()}
    if ("en", "es") not in by_dir:
        print("skipped: the Apertium pair en->es (apertium-eng-spa) is not installed")
        return 0
    en_es = engine.translator(by_dir[("en", "es")])
    rows: list[dict[str, Any]] = []

    # 1. en->es on the speech.
    text = read_text(CORPUS / "speech.en.txt")
    sentences = [s.text for s in segment_text(text, "en")]
    n = len(sentences)
    t_bare, _ = timed(lambda: bare("eng-spa", text), args.repeats)
    t_align, out = timed(lambda: en_es.translate(sentences), args.repeats)
    assert len(out) == n
    few = sentences[:30]  # one process each is slow: a sample is enough for the rate
    t_each, _ = timed(lambda: [bare("eng-spa", s) for s in few], 1)
    task = "en->es speech"
    rows += [
        row(task, "apertium-bare (reference)", n, t_bare, None),
        row(task, "align (batched)", n, t_align, t_bare),
        row(
            task,
            f"per-sentence processes (first {len(few)})",
            len(few),
            t_each,
            t_bare * len(few) / n,
        ),
    ]

    # 2. en->es on WMT23 references (a larger document).
    ref = SHARED / "data" / "wmt23-zh-en" / "ref.en"
    if ref.exists():
        lines = [line for line in read_text(ref).splitlines() if line.strip()][: args.wmt_lines]
        doc = "\n\n".join(lines) + "\n"
        t_bare, _ = timed(lambda: bare("eng-spa", doc), args.repeats)
        t_align, out = timed(lambda: en_es.translate(lines), args.repeats)
        assert len(out) == len(lines)
        task = f"en->es wmt23 ref ({len(lines)} lines)"
        rows += [
            row(task, "apertium-bare (reference)", len(lines), t_bare, None),
            row(task, "align (batched)", len(lines), t_align, t_bare),
        ]

    # 3. The cross-engine chain zh->en (Argos) -> es (Apertium).
    has_zh_en = any(
        '"from_code": "zh"' in m.read_text(encoding="utf-8")
        and '"to_code": "en"' in m.read_text(encoding="utf-8")
        for m in MODELS.glob("*/metadata.json")
    )
    chain_signature = ""
    if has_zh_en:
        from align.translate import get_translator

        zh = [s.text for s in segment_text(read_text(CORPUS / "speech.zh.txt"), "zh")]
        argos = get_translator("zh", "en", models_dir=MODELS, engine="argos", cache=False)
        chain = get_translator("zh", "es", models_dir=MODELS, cache=False)
        chain_signature = chain.signature
        argos.translate(zh[:2])  # load the model once, outside the timing, for both
        t_argos, _ = timed(lambda: argos.translate(zh), 1)
        t_chain, out = timed(lambda: chain.translate(zh), 1)
        assert len(out) == len(zh)
        task = "zh->en->es speech"
        rows += [
            row(task, "argos zh->en only (reference)", len(zh), t_argos, None),
            row(task, "chain argos zh->en + apertium en->es", len(zh), t_chain, t_argos),
        ]
    else:
        print(f"note: no zh->en Argos package in {MODELS}: chain rows skipped (run: make models)")

    print("| task | system | sentences | seconds | sentences/s | time vs reference |")
    print("|---|---|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['task']} | {r['system']} | {r['sentences']} | {r['seconds']:.3f} "
            f"| {r['sentences_per_s']} | {r['time_vs_reference']:.2f}x |"
        )
    if chain_signature:
        print(f"\nchain signature: {chain_signature}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "rows": rows,
        "repeats": args.repeats,
        "apertium_pair": by_dir[("en", "es")].name,
        "apertium_pkgver": by_dir[("en", "es")].version,
        "chain_signature": chain_signature,
        "cpus": os.cpu_count(),
    }
    RESULTS.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
