"""Benchmark: the Ray executor against the local one, zh->en, on this machine.

Input: the first N (default 2,000: all 1,976) lines of ../shared/data/wmt23-zh-en/src.zh,
translated zh->en with ``--no-cache`` (beam 4, int8: the defaults), each variant in its own
fresh ``align translate`` process, one after another in the same run:

- plain: ``align translate FILE --by line`` (one document, the path without an executor)
- local: ``--executor local`` (the same shards as Ray, in this process, all cores)
- ray: ``--executor ray`` (a local Ray cluster started by the command: ray.init, one
  actor per core, each loading the model once), wall time including all of that

Prints a markdown table: wall seconds, ratio to ``local`` (target: ray <= 1.15x), the
executor's start-up (cluster + actors + model loads), each worker's model load, and
segments/s per worker; ray's output is checked byte-identical to local's. The machine may
be shared: read the ratios, not the seconds. Usage: python bench/bench_scale.py [--lines N]
[--shard-size 100] [--skip-plain]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_translate import MODELS, PYTHON, ROOT, wmt_slice


def run(args: list[str]) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "ALIGN_MODELS_DIR": str(MODELS)}
    start = time.perf_counter()
    proc = subprocess.run(
        [PYTHON, "-m", "align", "translate", *args], capture_output=True, text=True, env=env
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"align translate {' '.join(args)} failed:\n{proc.stderr}")
    return wall, proc.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--shard-size", type=int, default=100)
    parser.add_argument("--skip-plain", action="store_true")
    ns = parser.parse_args()
    found = wmt_slice(ns.lines)
    if found is None:
        return
    _, src_lines, _ = found
    src_lines = [s for s in src_lines if s.strip()] if src_lines[-1] == "" else src_lines
    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    src = work / "wmt.zh"
    src.write_text("\n".join(src_lines) + "\n", encoding="utf-8")
    common = ["--from", "zh", "--to", "en", "--by", "line", "--no-cache", "-q"]
    rows = []
    results: dict[str, Path] = {}
    variants = (
        [] if ns.skip_plain else [("plain", [str(src), *common, "-o", str(work / "plain.en")])]
    )
    for name in ("local", "ray"):
        out = work / name
        args = [str(src), *common, "-o", str(out), "--executor", name]
        variants.append((name, [*args, "--shard-size", str(ns.shard_size), "-v"]))
    for name, args in variants:
        wall, err = run(args)
        results[name] = work / "plain.en" if name == "plain" else work / name / "wmt.en.txt"
        loads = [float(x) for x in re.findall(r"ready in ([0-9.]+)s", err)]
        up = re.search(r"up in ([0-9.]+)s .* translated in ([0-9.]+)s", err)
        start_s, translate_s = (float(up.group(1)), float(up.group(2))) if up else (0.0, wall)
        workers = max(1, len(loads))
        rows.append(
            {
                "variant": name,
                "wall_s": round(wall, 1),
                "start_s": round(start_s, 1),
                "model_load_s": [round(x, 1) for x in loads],
                "workers": workers,
                "seg_per_s_per_worker": round(len(src_lines) / translate_s / workers, 2),
            }
        )
    local = next(r for r in rows if r["variant"] == "local")["wall_s"]
    identical = results["ray"].read_bytes() == results["local"].read_bytes()
    print(f"{len(src_lines)} lines of WMT23 src.zh, zh->en, beam 4, int8, --no-cache, ")
    print(f"shards of {ns.shard_size}, {os.cpu_count()} cores (possibly shared: read ratios)\n")
    print(
        "| variant | wall s | x local | start-up s | model load s (each worker) | workers | seg/s per worker |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['variant']} | {r['wall_s']} | {r['wall_s'] / local:.2f} | {r['start_s']} | "
            f"{', '.join(map(str, r['model_load_s'])) or '-'} | {r['workers']} | "
            f"{r['seg_per_s_per_worker']} |"
        )
    print(f"\nray output identical to local: {identical}")
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "scale.json").write_text(
        json.dumps({"lines": len(src_lines), "rows": rows, "identical": identical}, indent=1)
    )


if __name__ == "__main__":
    main()
