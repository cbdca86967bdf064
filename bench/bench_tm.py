"""Benchmark: `align translate` of 1,000 sentences, plain vs with a 100k-unit translation memory.

The issue's bar: a 100k-unit memory must not make a 1,000-sentence file take more than 2x
its plain translation time. Input: the first N (default 1,000) lines of
../shared/data/wmt23-zh-en/src.zh, one unit per line (`--by line`), zh->en, no cache.

The memory (built in a temporary directory, never in the repo): the other WMT23 lines
and their references, then new units made by shuffling: each source line cut into clauses
(at ，,；;：:) and random clauses of several lines joined, with the same recombination of
reference lines as the target, until there are --units (default 100,000) distinct units.
Recombined clauses of the queried lines are in it too, so the look-up finds fuzzy matches
(attached, the engine still translates), but no unit is an exact match of a queried line:
both runs translate every line, and the difference is the memory's cost.

Systems, each in its own fresh process (wall time, CPU time, peak RSS), alternated
--repeats times (default 2), the fastest kept:

- plain: `align translate --from zh --to en --by line --no-cache`
- with-tm: the same with `--tm memory.tmx` (read, indexed, every line looked up)

and, in this process, the memory alone: reading the TMX, building the index, looking the
N lines up (exact + fuzzy at 0.75), with how many fuzzy matches were found.

Prints a markdown table with ratios; writes bench/results/tm.json. Absolute times depend
on the machine and on what else runs on it; the ratio is the figure.
Usage: python bench/bench_tm.py [--lines 1000] [--units 100000] [--repeats 2]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_translate import DATA, PYTHON, ROOT  # noqa: E402

_CLAUSE = re.compile(r"(?<=[，,；;：:])")


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Run a command in a fresh process: (wall s, CPU s (user + system), peak RSS MiB)."""
    import subprocess

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        assert proc.stderr is not None
        raise SystemExit(f"{cmd[:4]} failed: {proc.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def build_memory(path: Path, queries: list[str], units: int, seed: int = 13) -> int:
    """Write a TMX of ``units`` distinct units (see the module's doc); none equals a query."""
    sys.path.insert(0, str(ROOT / "src"))
    from align.formats import TmxWriter
    from align.translate.memory import normalize

    src = (DATA / "src.zh").read_text(encoding="utf-8").split("\n")
    ref = (DATA / "ref.en").read_text(encoding="utf-8").split("\n")
    pairs = [(s, r) for s, r in zip(src, ref, strict=False) if s.strip() and r.strip()]
    banned = {normalize(q) for q in queries}
    seen: set[str] = set()
    rng = random.Random(seed)
    clauses = [(_CLAUSE.split(s), r.split(", ")) for s, r in pairs]
    with path.open("w", encoding="utf-8") as fh:
        writer = TmxWriter(fh, "zh-CN", "en-US")  # region variants, as other tools write them

        def add(s: str, t: str) -> bool:
            key = normalize(s)
            if not key or key in banned or key in seen:
                return False
            seen.add(key)
            writer.add(s, t)
            return True

        for s, r in pairs[len(queries) :]:
            add(s, r)
        while len(seen) < units:
            k = rng.choice((2, 2, 3))
            picks = [rng.choice(clauses) for _ in range(k)]
            s = "".join(rng.choice(zc) for zc, _ in picks)
            t = ", ".join(rng.choice(ec) for _, ec in picks)
            add(s, t)
        writer.close()
    return len(seen)


def memory_alone(path: Path, queries: list[str]) -> dict[str, float]:
    """Reading, indexing and looking up, timed in this process."""
    from align.translate.memory import Memories, MemoryOptions

    t0 = time.perf_counter()
    memories = Memories(MemoryOptions((str(path),)))
    t1 = time.perf_counter()
    tm = memories.for_pair("zh-Hans", "en")
    t2 = time.perf_counter()
    found = tm.lookup(queries)
    t3 = time.perf_counter()
    return {
        "read_s": round(t1 - t0, 2),
        "index_s": round(t2 - t1, 2),
        "lookup_s": round(t3 - t2, 3),
        "lookup_ms_per_sentence": round((t3 - t2) / len(queries) * 1000, 3),
        "entries": len(tm),
        "fuzzy_found": sum(1 for m in found if m is not None and not m.exact),
        "exact_found": sum(1 for m in found if m is not None and m.exact),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=2, help="runs per system, alternated")
    args = parser.parse_args()
    if not (DATA / "src.zh").is_file():
        print(f"skipped: {DATA} is absent (../shared data is not on this machine)")
        return 0
    models = Path(os.environ.get("ALIGN_MODELS_DIR", ROOT / "models"))
    if not sorted(models.glob("translate-zh_en*/metadata.json")):
        print(f"skipped: the zh->en package is not installed in {models} (run: make models)")
        return 0
    queries = (DATA / "src.zh").read_text(encoding="utf-8").split("\n")[: args.lines]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        inp = work / "input.zh.txt"
        inp.write_text("\n".join(queries) + "\n", encoding="utf-8")
        tmx = work / "memory.tmx"
        t0 = time.perf_counter()
        n = build_memory(tmx, queries, args.units)
        print(
            f"memory: {n} units, {tmx.stat().st_size / 2**20:.1f} MiB, built in "
            f"{time.perf_counter() - t0:.1f} s"
        )
        alone = memory_alone(tmx, queries)
        env = dict(os.environ, ALIGN_MODELS_DIR=str(models), ALIGN_CACHE_DIR=str(work / "cache"))
        base = [
            PYTHON,
            "-m",
            "align",
            "translate",
            str(inp),
            "--from",
            "zh",
            "--to",
            "en",
            "--by",
            "line",
            "--no-cache",
            "-q",
        ]
        # alternated, each --repeats times, the fastest kept: other work on the machine
        # slows whichever run it meets, and CPU time (user + system) is what it changes least
        runs: dict[str, list[tuple[float, float, float]]] = {"plain": [], "with-tm": []}
        for _ in range(args.repeats):
            runs["plain"].append(run([*base, "-o", str(work / "plain.en.txt")], env))
            runs["with-tm"].append(
                run([*base, "-o", str(work / "tm.en.txt"), "--tm", str(tmx)], env)
            )
    best = {
        k: (min(r[0] for r in v), min(r[1] for r in v), max(r[2] for r in v))
        for k, v in runs.items()
    }
    plain, with_tm = best["plain"], best["with-tm"]
    ratio, cpu_ratio = with_tm[0] / plain[0], with_tm[1] / plain[1]
    print(f"\n{args.lines} lines zh->en, memory of {n} units, fastest of {args.repeats}\n")
    print("| system | wall s | CPU s | peak RSS MiB | wall vs plain | CPU vs plain |")
    print("|---|---|---|---|---|---|")
    for name, (wall, cpu, rss) in best.items():
        print(
            f"| {name} | {wall:.1f} | {cpu:.1f} | {rss:.0f} | {wall / plain[0]:.2f}x "
            f"| {cpu / plain[1]:.2f}x |"
        )
    print(
        f"\nmemory alone: read {alone['read_s']} s, index {alone['index_s']} s, "
        f"look-up {alone['lookup_s']} s ({alone['lookup_ms_per_sentence']} ms a sentence, "
        f"{alone['fuzzy_found']} fuzzy matches >= 0.75)"
    )
    out = ROOT / "bench" / "results" / "tm.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "lines": args.lines,
                "units": n,
                "repeats": args.repeats,
                "plain": {
                    "wall_s": round(plain[0], 2),
                    "cpu_s": round(plain[1], 2),
                    "rss_mib": round(plain[2]),
                },
                "with_tm": {
                    "wall_s": round(with_tm[0], 2),
                    "cpu_s": round(with_tm[1], 2),
                    "rss_mib": round(with_tm[2]),
                },
                "ratio": round(ratio, 3),
                "cpu_ratio": round(cpu_ratio, 3),
                "memory_alone": alone,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
