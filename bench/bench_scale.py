"""Benchmark: the Ray executor against the local one, zh->en, on this machine.

Input: the first N (default 2,000: all 1,976) lines of ../shared/data/wmt23-zh-en/src.zh,
translated zh->en with ``--no-cache`` (beam 4, int8: the defaults), each variant in its own
fresh ``align translate`` process, one after another in the same run:

- plain: ``align translate FILE --by line`` (one document, the path without an executor)
- local: ``--executor local`` (the same shards as Ray, in this process, all cores)
- ray: ``--executor ray`` (a local Ray cluster started by the command: ray.init, one
  actor per core, each loading the model once), wall time including all of that

The lines are cut into ``--slices`` parts and the variants take turns on each (the first
alternating), so a load that drifts on a shared machine weighs on both alike; ray pays its
cluster start-up once per slice (conservative). Prints a markdown table: wall seconds and
ratio to ``local`` (target: ray <= 1.15x), start-ups (cluster + actors + model loads),
translating seconds and their ratio, each worker's model load, and segments/s per worker;
ray's output is checked byte-identical to local's. Read the ratios, not the seconds.
Usage: python bench/bench_scale.py [--lines N] [--shard-size 100] [--slices 4] [--plain]
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


def parse(err: str, wall: float) -> tuple[list[float], float, float]:
    """Each worker's model load, the executor's start-up and translating seconds (from -v)."""
    loads = [float(x) for x in re.findall(r"ready in ([0-9.]+)s", err)]
    up = re.search(r"up in ([0-9.]+)s .* translated in ([0-9.]+)s", err)
    return loads, *((float(up.group(1)), float(up.group(2))) if up else (0.0, wall))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--shard-size", type=int, default=100)
    parser.add_argument("--slices", type=int, default=4)
    parser.add_argument("--plain", action="store_true", help="also time the one-document path")
    ns = parser.parse_args()
    found = wmt_slice(ns.lines)
    if found is None:
        return
    _, src_lines, _ = found
    src_lines = [s for s in src_lines if s.strip()] if src_lines[-1] == "" else src_lines
    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    common = ["--from", "zh", "--to", "en", "--by", "line", "--no-cache", "-q"]
    names = ["local", "ray"] + (["plain"] if ns.plain else [])
    totals = {
        n: {"wall": 0.0, "start": 0.0, "translate": 0.0, "loads": [], "workers": 1} for n in names
    }
    outputs: dict[str, bytes] = {n: b"" for n in names}
    size = -(-len(src_lines) // ns.slices)
    for k in range(ns.slices):
        part = src_lines[k * size : (k + 1) * size]
        src = work / f"part{k}.zh"
        src.write_text("\n".join(part) + "\n", encoding="utf-8")
        # The machine is shared and its load drifts: the variants take turns on each slice,
        # the first one alternating, so a drift weighs on both alike.
        order = names if k % 2 == 0 else [names[1], names[0], *names[2:]]
        for name in order:
            out = work / f"{name}{k}"
            if name == "plain":
                args = [str(src), *common, "-o", str(out) + ".en"]
            else:
                args = [str(src), *common, "-o", str(out), "--executor", name]
                args += ["--shard-size", str(ns.shard_size), "-v"]
            wall, err = run(args)
            loads, start_s, translate_s = parse(err, wall)
            t = totals[name]
            t["wall"] += wall
            t["start"] += start_s
            t["translate"] += translate_s
            t["loads"] += loads
            t["workers"] = max(1, len(loads))
            path = Path(str(out) + ".en") if name == "plain" else out / f"part{k}.en.txt"
            outputs[name] += path.read_bytes()
            print(f"slice {k + 1}/{ns.slices} {name}: {wall:.1f} s", file=sys.stderr)
    local = totals["local"]
    identical = outputs["ray"] == outputs["local"]
    print(f"{len(src_lines)} lines of WMT23 src.zh, zh->en, beam 4, int8, --no-cache, shards of")
    print(
        f"{ns.shard_size}, in {ns.slices} slices each run by every variant in turn, {os.cpu_count()} cores"
    )
    print("(a shared machine: read the ratios)\n")
    print(
        "| variant | wall s | x local | start-ups s | translating s | x local | model load s per worker | workers | seg/s per worker |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    rows = []
    for name in names:
        t = totals[name]
        loads = t["loads"]
        per_worker = len(src_lines) / t["translate"] / t["workers"]
        load = f"{min(loads):.1f}-{max(loads):.1f}" if loads else "-"
        print(
            f"| {name} | {t['wall']:.1f} | {t['wall'] / local['wall']:.2f} | {t['start']:.1f} | "
            f"{t['translate']:.1f} | {t['translate'] / local['translate']:.2f} | {load} | "
            f"{t['workers']} | {per_worker:.2f} |"
        )
        rows.append({"variant": name, **t, "seg_per_s_per_worker": round(per_worker, 2)})
    print(f"\nray output identical to local: {identical}")
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "scale.json").write_text(
        json.dumps({"lines": len(src_lines), "rows": rows, "identical": identical}, indent=1)
    )


if __name__ == "__main__":
    main()
