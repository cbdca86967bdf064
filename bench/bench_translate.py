"""Benchmark: `align translate` vs argostranslate's own API vs bare CTranslate2, zh->en.

Input: the first N (default 200) lines of ../shared/data/wmt23-zh-en/src.zh, scored
against ref.en. Each system runs in its own fresh process (wall time and peak RSS of
that process), on the same installed package translate-zh_en-1_9:

- align: `align translate --from zh --to en --by line --no-cache` (the CLI, end to end).
- argos-api: argostranslate.translate's own API, line by line. Its sentence splitter
  needs stanza (torch) or minisbd, which cannot run offline here, so stanza, spacy and
  minisbd are replaced by empty modules and the splitter by a regex one: it splits at
  Chinese/Latin end punctuation, as a sentence splitter would.
- ct2-bare: ctranslate2.Translator.translate_batch on the lines pre-tokenized with the
  package's SentencePiece model, int8, beam 4, one batched call (no splitting, no cache).

Each system runs --repeats times (default 2) and its fastest run is reported.
Prints a markdown table with ratios; writes bench/results/translate.json.
Usage: python bench/bench_translate.py [--lines 200] [--repeats 2]
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

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ALIGN_SHARED_DIR", ROOT.parent / "shared"))
DATA = SHARED / "data" / "wmt23-zh-en"
MODELS = Path(os.environ.get("ALIGN_MODELS_DIR", ROOT / "models"))
PYTHON = sys.executable

ARGOS_SCRIPT = r"""
import os, re, sys, tempfile, types
state = tempfile.mkdtemp()
os.environ.update({"XDG_DATA_HOME": state, "XDG_CONFIG_HOME": state, "XDG_CACHE_HOME": state,
                   "ARGOS_PACKAGES_DIR": sys.argv[1], "ARGOS_DEVICE_TYPE": "cpu"})
# stanza/spacy/minisbd cannot run offline: empty stand-ins so the module imports.
for name in ("stanza", "spacy"):
    sys.modules[name] = types.ModuleType(name)
mini = types.ModuleType("minisbd"); mini.SBDetect = object; mini.models = types.SimpleNamespace()
sys.modules["minisbd"] = mini
from argostranslate import translate

from argostranslate import sbd

def regex_split(self, text):
    parts = re.split(r"(?<=[。！？!?.;；])\s*", text)
    return [p for p in parts if p.strip()] or [text]

# The package ships a stanza model, so argostranslate picks StanzaSentencizer: swap its splitter.
for cls in (sbd.StanzaSentencizer, sbd.MiniSBDSentencizer, sbd.SpacySentencizerSmall):
    cls.split_sentences = regex_split
tr = translate.get_translation_from_codes("zh", "en")
lines = open(sys.argv[2], encoding="utf-8").read().split("\n")[:-1]
with open(sys.argv[3], "w", encoding="utf-8") as out:
    for line in lines:
        out.write((tr.translate(line) if line.strip() else "").replace("\n", " ") + "\n")
"""

CT2_SCRIPT = r"""
import os, sys
import ctranslate2, sentencepiece as spm
pkg = sys.argv[1]
sp = spm.SentencePieceProcessor(model_file=os.path.join(pkg, "sentencepiece.model"))
lines = open(sys.argv[2], encoding="utf-8").read().split("\n")[:-1]
tokens = sp.encode(lines, out_type=str)
model = ctranslate2.Translator(os.path.join(pkg, "model"), device="cpu", compute_type="int8",
                               intra_threads=os.cpu_count())
results = model.translate_batch(tokens, beam_size=4, max_batch_size=2048, batch_type="tokens",
                                length_penalty=0.2, replace_unknowns=True)
with open(sys.argv[3], "w", encoding="utf-8") as out:
    for r in results:
        out.write(sp.decode_pieces(r.hypotheses[0]).replace("\u2581", " ").strip() + "\n")
"""


def wmt_slice(lines: int) -> tuple[Path, list[str], list[str]] | None:
    """The zh->en package and the first ``lines`` WMT23 source/reference lines, or None
    (after saying why) when ../shared or the package is absent."""
    if not (DATA / "src.zh").is_file():
        print(f"skipped: {DATA} is absent (../shared data is not on this machine)")
        return None
    pkgs = sorted(MODELS.glob("translate-zh_en*/metadata.json"))
    if not pkgs:
        print(f"skipped: the zh->en package is not installed in {MODELS} (run: make models)")
        return None
    src = (DATA / "src.zh").read_text(encoding="utf-8").split("\n")[:lines]
    ref = (DATA / "ref.en").read_text(encoding="utf-8").split("\n")[:lines]
    return pkgs[0].parent, src, ref


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run a command in a fresh process: (wall seconds, peak RSS in MiB of that process)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        assert proc.stderr is not None
        raise SystemExit(f"{cmd[:3]} failed: {proc.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200)
    parser.add_argument(
        "--repeats", type=int, default=2, help="runs per system; the fastest is reported"
    )
    args = parser.parse_args()
    inputs = wmt_slice(args.lines)
    if inputs is None:
        return 0
    pkg, src, ref = inputs
    import sacrebleu

    tmp = Path(tempfile.mkdtemp(prefix="bench-translate-"))
    src_file = tmp / "src.zh"
    src_file.write_text("\n".join(src) + "\n", encoding="utf-8")
    env = dict(os.environ, ALIGN_MODELS_DIR=str(MODELS), ALIGN_CACHE_DIR=str(tmp / "cache"))
    align_bin = str(Path(PYTHON).parent / "align")
    systems = {
        "align": [align_bin, "translate", str(src_file), "--from", "zh", "--to", "en",
                  "--by", "line", "--no-cache", "-q", "-o", str(tmp / "align.en")],
        "argos-api": [PYTHON, "-c", ARGOS_SCRIPT, str(MODELS), str(src_file), str(tmp / "argos-api.en")],
        "ct2-bare": [PYTHON, "-c", CT2_SCRIPT, str(pkg), str(src_file), str(tmp / "ct2-bare.en")],
    }  # fmt: skip
    rows = []
    for name, cmd in systems.items():
        wall, rss = min(run(cmd, env) for _ in range(args.repeats))
        hyp = (tmp / f"{name}.en").read_text(encoding="utf-8").split("\n")[: len(src)]
        bleu = sacrebleu.corpus_bleu(hyp, [ref]).score
        chrf = sacrebleu.corpus_chrf(hyp, [ref]).score
        rows.append({"system": name, "seconds": wall, "lines_per_s": len(src) / wall,
                     "peak_rss_mib": rss, "bleu": bleu, "chrf": chrf})  # fmt: skip
    by = {r["system"]: r for r in rows}
    for r in rows:
        r["speedup_vs_argos_api"] = by["argos-api"]["seconds"] / r["seconds"]
        r["time_vs_ct2_bare"] = r["seconds"] / by["ct2-bare"]["seconds"]
    print(
        f"zh->en, first {len(src)} lines of WMT23 src.zh, best of {args.repeats} runs, {os.cpu_count()} cores, package {pkg.name}\n"
    )
    print(
        "| system | seconds | lines/s | peak RSS MiB | BLEU | chrF | speed vs argos API | time vs bare CT2 |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['system']} | {r['seconds']:.1f} | {r['lines_per_s']:.1f} | {r['peak_rss_mib']:.0f} "
            f"| {r['bleu']:.1f} | {r['chrf']:.1f} | {r['speedup_vs_argos_api']:.1f}x "
            f"| {r['time_vs_ct2_bare']:.2f}x |"
        )
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "translate.json").write_text(json.dumps({"lines": len(src), "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
