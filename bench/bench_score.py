"""Benchmark: ``align score`` against the ``sacrebleu`` command on WMT23 zh-en, side by side.

Both commands score the same five systems (1,976 lines each) against ``ref.en``
in one run each, and the script checks that every number they print is the
same. Wall-clock and CPU seconds (children's user+sys) are measured per run;
the ratio is ours / sacrebleu's (below 1 is faster).

    .venv/bin/python bench/bench_score.py            # BLEU+chrF+TER, then paired-bs BLEU+chrF
    .venv/bin/python bench/bench_score.py --lines 300 --quick

Prints a markdown table and writes ``bench/results/bench_score.json``. Exits 0
with a message when ../shared is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ALIGN_SHARED_DIR", ROOT.parent / "shared"))
DATA = SHARED / "data" / "wmt23-zh-en"
SYSTEMS = ("ANVITA", "GPT4-5shot", "Lan-BridgeMT", "NLLB_Greedy", "ONLINE-B")
BIN = Path(sys.executable).parent
WIDTH = 6


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """Run ``cmd``; wall seconds, CPU seconds of the process tree, stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, check=False
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


def sacrebleu_table(text: str) -> dict[str, list[float]]:
    """Scores per system from sacrebleu's multi-system text table (first number of each cell)."""
    rows: dict[str, list[float]] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip("│").split("│")] if line.startswith("│") else []
        if cells and cells[0] and cells[0] != "System":
            name = Path(cells[0].removeprefix("Baseline: ")).name
            rows[name] = [float(re.match(r"-?\d+\.\d+", c)[0]) for c in cells[1:]]  # type: ignore[index]
    return rows


def compare(ours_json: str, theirs: dict[str, list[float]], metrics: list[str]) -> bool:
    """Every score ours printed, rounded as sacrebleu prints it, equals sacrebleu's."""
    data = json.loads(ours_json)
    ok = True
    for system in data["systems"]:
        want = theirs[system["name"]]
        got = [float(f"{system['scores'][k]['score']:.{WIDTH}f}") for k in metrics]
        if got != want:
            print(f"MISMATCH {system['name']}: ours {got} sacrebleu {want}", file=sys.stderr)
            ok = False
    return ok


def run_case(label: str, files: list[str], ref: str, metrics: list[str], paired: bool) -> dict:
    sb_metrics = [m for m in metrics]
    sb = [str(BIN / "sacrebleu"), ref, "-i", *files, "-m", *sb_metrics]
    sb += ["-w", str(WIDTH), "-f", "text", "-q", "--no-color"]
    ours = [str(BIN / "align"), "score", "--ref", ref, "--metrics", ",".join(metrics), "-q"]
    ours += ["--format", "json"]
    for f in files:
        ours += ["--hyp", f"{Path(f).name}={f}"]
    if paired:
        sb.append("--paired-bs")
        ours.append("--paired-bs")
    sb_wall, sb_cpu, sb_out = timed(sb)
    our_wall, our_cpu, our_out = timed(ours)
    same = compare(our_out, sacrebleu_table(sb_out), metrics)
    return {
        "case": label,
        "sacrebleu_wall_s": round(sb_wall, 2),
        "align_wall_s": round(our_wall, 2),
        "ratio_wall": round(our_wall / sb_wall, 3),
        "sacrebleu_cpu_s": round(sb_cpu, 2),
        "align_cpu_s": round(our_cpu, 2),
        "identical": same,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lines", type=int, default=0, help="score only the first N lines (0: all)")
    ap.add_argument("--quick", action="store_true", help="only the BLEU+chrF+TER case")
    args = ap.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} is absent (../shared data is not on this machine)")
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        ref = str(DATA / "ref.en")
        files = [str(DATA / f"hyp.{s}.en") for s in SYSTEMS]
        if args.lines:
            cut = []
            for path in [ref, *files]:
                lines = Path(path).read_text(encoding="utf-8").splitlines(keepends=True)
                dest = Path(tmp) / Path(path).name
                dest.write_text("".join(lines[: args.lines]), encoding="utf-8")
                cut.append(str(dest))
            ref, files = cut[0], cut[1:]
        n = args.lines or len(Path(ref).read_text(encoding="utf-8").splitlines())
        cases = [run_case("BLEU+chrF+TER", files, ref, ["bleu", "chrf", "ter"], paired=False)]
        if not args.quick:
            cases.append(
                run_case("BLEU+chrF --paired-bs", files, ref, ["bleu", "chrf"], paired=True)
            )

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"\n`align score` vs `sacrebleu`: {len(SYSTEMS)} systems x {n} lines, {cores} cores\n")
    print(
        "| case | sacrebleu s | align s | ratio (align/sacrebleu) | CPU s sacrebleu / align | identical |"
    )
    print("|---|---|---|---|---|---|")
    for c in cases:
        print(
            f"| {c['case']} | {c['sacrebleu_wall_s']:.1f} | {c['align_wall_s']:.1f} | "
            f"{c['ratio_wall']:.2f} | {c['sacrebleu_cpu_s']:.1f} / {c['align_cpu_s']:.1f} | "
            f"{'yes' if c['identical'] else 'NO'} |"
        )
    out = ROOT / "bench" / "results" / "bench_score.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "systems": len(SYSTEMS),
        "lines": n,
        "cores": cores,
        "python": platform.python_version(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "cases": cases,
    }
    out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {out.relative_to(ROOT)}")
    return 0 if all(c["identical"] for c in cases) else 1


if __name__ == "__main__":
    sys.exit(main())
