"""Benchmark: `align detect --by line` vs raw langdetect (seeded), accuracy and speed.

Inputs, all from ../shared:
- lines: data/langid-dev/wmt23.tsv (1,200 lines, 150 each of cs de en he ja ru uk zh; the zh
  lines are Simplified, so zh is right only as zh-Hans / zh-cn);
- zh-Hant: the 150 zh lines converted to Traditional by OpenCC (s2t), right only as zh-Hant / zh-tw;
- words and 2-word phrases cut from the dev lines (one of each per line, chosen with a fixed
  seed; for ja and zh, which have no spaces, runs of 2 and 4 characters);
- close groups: tests/data/close_groups.tsv (700 headline-like lines in 28 languages, 20 or
  30 each, written for this project; see tests/data/README.md), with a confusion matrix per
  group of close languages;
- more languages: tests/data/more_languages.tsv (172 lines: 10 in each of the 13 other
  languages langdetect's profiles score, 3 in each script-decided language), written for this
  project too;
- news sentences: tests/data/news_sentences.tsv (150 full news sentences, 6 in each of the 25
  languages of the held-out set's confusions), written for this project, with a confusion
  matrix per group (not pooled into the 55-language table, which stays comparable);
- news headlines: tests/data/news_headlines.tsv (200 short headlines, 3-8 words, 8 in each of
  the same 25 languages, Title Case and ALL CAPS lines among them), written for this project,
  with a confusion matrix per group (not pooled either);
- speed: 10,000 distinct lines of data/wmt23-zh-en (sources, references, system outputs), once
  mixed (zh + en) and once English only.

Our side runs align.detect's line detection (what `align detect --by line` calls) in this
process after a warm-up that loads the profiles (load time reported apart); raw langdetect runs
`langdetect.detect` per line with DetectorFactory.seed = 0, factory loaded before timing. The
CLI end to end (`align detect --by line --format jsonl`, a fresh process) is timed on the 10k
mixed lines too. `und`, `mul` and langdetect errors count as wrong.

Prints a markdown table with ratios; writes bench/results/detect.json.
Usage: python bench/bench_detect.py [--quick]   (--quick skips the 10k-line speed runs)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ALIGN_SHARED_DIR", ROOT.parent / "shared"))
DEV = SHARED / "data" / "langid-dev" / "wmt23.tsv"
WMT = SHARED / "data" / "wmt23-zh-en"
RESULTS = ROOT / "bench" / "results"
CLOSE = ROOT / "tests" / "data" / "close_groups.tsv"
MORE = ROOT / "tests" / "data" / "more_languages.tsv"
NEWS = ROOT / "tests" / "data" / "news_sentences.tsv"
HEADLINES = ROOT / "tests" / "data" / "news_headlines.tsv"
# Close languages measured together (confusions outside a group count as "other").
GROUPS: dict[str, tuple[str, ...]] = {
    "Scandinavian, West Germanic": ("da", "nb", "sv", "de", "nl", "af", "en"),
    "Slavic in Latin": ("hr", "sl", "cs", "sk"),
    "Cyrillic": ("ru", "uk", "bg", "mk"),
    "Indonesian, Tagalog": ("id", "tl"),
    "Devanagari": ("hi", "ne", "mr"),
    "others from the held-out errors": ("et", "fi", "lt", "lv", "ro", "ca", "it", "es"),
}

Item = tuple[str, str]  # (gold edge code, text)


def _raw_code(code: str) -> str:
    """langdetect's names as edge codes (zh-cn -> zh-Hans, no -> nb)."""
    return {"zh-cn": "zh-Hans", "zh-tw": "zh-Hant", "no": "nb"}.get(code, code)


def load_dev() -> list[Item]:
    items = []
    for line in DEV.read_text(encoding="utf-8").splitlines():
        gold, text = line.split("\t", 1)
        items.append(("zh-Hans" if gold == "zh" else gold, text))
    return items


def traditional(items: Sequence[Item]) -> list[Item]:
    from opencc import OpenCC

    conv = OpenCC("s2t")
    return [("zh-Hant", conv.convert(t)) for g, t in items if g == "zh-Hans"]


_WORD = re.compile(r"[^\W\d_]{2,}")
_RUN = re.compile(r"[^\W\d_]+")


def cut(items: Sequence[Item], n_words: int) -> list[Item]:
    """One span of ``n_words`` words per line (2 or 4 characters for ja/zh), fixed seed."""
    rng = random.Random(n_words)
    out = []
    for gold, text in items:
        if gold in ("ja", "zh-Hans", "zh-Hant"):
            size = 2 * n_words
            runs = [r for r in _RUN.findall(text) if len(r) >= size]
            if runs:
                run = rng.choice(runs)
                start = rng.randrange(len(run) - size + 1)
                out.append((gold, run[start : start + size]))
            continue
        words = text.split()
        spans = [
            " ".join(words[i : i + n_words])
            for i in range(len(words) - n_words + 1)
            if all(_WORD.search(w) for w in words[i : i + n_words])
        ]
        if spans:
            out.append((gold, rng.choice(spans).strip(".,;:!?\"'()«»„“”")))
    return out


def load_close(path: Path = CLOSE) -> list[Item]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        gold, text = line.split("\t", 1)
        items.append((gold, text))
    return items


def confusion(items: Sequence[Item], got: Sequence[str], group: Sequence[str]) -> list[str]:
    """Markdown rows: gold language x answer, for the languages of ``group``."""
    counts: Counter[tuple[str, str]] = Counter()
    for (gold, _), lang in zip(items, got, strict=True):
        if gold in group:
            counts[gold, lang if lang in group else "other"] += 1
    cols = [*group, "other"]
    rows = ["| gold \\ answer | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for gold in group:
        cells = [str(counts[gold, c]) if counts[gold, c] else "·" for c in cols]
        rows.append(f"| **{gold}** | " + " | ".join(cells) + " |")
    return rows


# Close pairs for the mixed paragraphs of the paragraph-prior check: 4 sentences of the first
# language and 1 of the second.
MIXED_PAIRS = [
    ("da", "nb"), ("nb", "da"), ("sv", "nb"), ("hr", "sl"), ("sl", "hr"), ("ru", "uk"),
    ("uk", "ru"), ("bg", "mk"), ("mk", "bg"), ("hi", "ne"), ("ne", "hi"), ("id", "tl"),
    ("nl", "af"), ("af", "nl"), ("ca", "es"), ("es", "ca"), ("it", "ca"),
]  # fmt: skip


def paragraph_prior(close: Sequence[Item]) -> dict[str, dict[str, int]]:
    """Sentence accuracy in paragraphs of the close-group lines, with and without the prior.

    Same-language paragraphs: each language's 20 lines as 4 paragraphs of 5 sentences. Mixed:
    for each pair of MIXED_PAIRS, 4 paragraphs of 4 sentences of one language and 1 of the other
    (the odd sentence, which the prior must not outvote).
    """
    import align.detect as detect

    by: dict[str, list[str]] = {}
    for gold, text in close:
        by.setdefault(gold, []).append(text.rstrip("?"))
    same = [([g] * 5, ts[i : i + 5]) for g, ts in by.items() for i in range(0, 20, 5)]
    mixed = [
        ([a] * 4 + [b], by[a][5 * k : 5 * k + 4] + [by[b][5 * k + 4]])
        for a, b in MIXED_PAIRS
        for k in range(4)
    ]
    kept = detect.PARAGRAPH_PRIOR
    out: dict[str, dict[str, int]] = {}
    try:
        for label, prior in (("without", 0.0), ("with", kept)):
            detect.PARAGRAPH_PRIOR = prior
            counts: Counter[str] = Counter()
            for name, paras in (("same", same), ("mixed", mixed)):
                for golds, sents in paras:
                    units = detect.detect_segments(". ".join(sents) + ".", by="sentence")
                    got = [u.detection.lang for u in units]
                    assert len(got) == len(golds), sents
                    counts[name] += sum(x == y for x, y in zip(got, golds, strict=True))
                    counts[name + "_n"] += len(golds)
                    if name == "mixed":
                        counts["odd"] += got[-1] == golds[-1]
                        counts["odd_n"] += 1
            out[label] = dict(counts)
    finally:
        detect.PARAGRAPH_PRIOR = kept
    return out


def ours(texts: Sequence[str]) -> list[str]:
    from align.detect import detect_segments

    return [u.detection.lang for u in detect_segments("\n".join(texts) + "\n", by="line")]


def raw(texts: Sequence[str]) -> list[str]:
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    out = []
    for text in texts:
        try:
            out.append(_raw_code(detect(text)))
        except LangDetectException:
            out.append("und")
    return out


def timed(
    fn: Callable[[Sequence[str]], list[str]], texts: Sequence[str]
) -> tuple[list[str], float]:
    start = time.perf_counter()
    got = fn(texts)
    return got, time.perf_counter() - start


def accuracy(items: Sequence[Item], got: Sequence[str]) -> dict[str, float]:
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for (gold, _), lang in zip(items, got, strict=True):
        total[gold] += 1
        right[gold] += lang == gold
    acc = {lang: right[lang] / total[lang] for lang in sorted(total)}
    acc["overall"] = sum(right.values()) / max(1, sum(total.values()))
    return acc


def speed_lines() -> tuple[list[str], list[str]]:
    """10,000 distinct lines (zh + en), and 10,000 distinct English lines, from WMT23 zh-en."""
    names = ["src.zh", "ref.en"] + sorted(p.name for p in WMT.glob("hyp.*.en"))
    mixed: dict[str, None] = {}
    english: dict[str, None] = {}
    for name in names:
        for line in (WMT / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                mixed.setdefault(line)
                if name.endswith(".en"):
                    english.setdefault(line)
    return list(mixed)[:10000], list(english)[:10000]


def cli_seconds(lines: Sequence[str]) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "lines.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        align = Path(sys.executable).parent / "align"
        cmd = [str(align), "detect", str(path), "--by", "line", "--format", "jsonl", "-q"]
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 10k-line speed runs")
    args = parser.parse_args()
    if not DEV.exists():
        print(f"skipped: {DEV} is absent (../shared data is not on this machine)")
        return 0

    start = time.perf_counter()
    ours(["warm-up"])  # loads langdetect's profiles into the matrix
    ours(["漢字"])  # loads the Han character tables
    ours_load = time.perf_counter() - start
    start = time.perf_counter()
    raw(["warm-up"])
    raw_load = time.perf_counter() - start

    dev = load_dev()
    sets = {
        "lines": dev,
        "zh-Hant lines": traditional(dev),
        "words": cut(dev, 1),
        "2-word phrases": cut(dev, 2),
        "close groups": load_close(),
        "more languages": load_close(MORE),
        "news sentences": load_close(NEWS),
        "news headlines": load_close(HEADLINES),
    }
    answers: dict[str, tuple[list[str], list[str]]] = {}
    results: dict[str, dict[str, object]] = {}
    for name, items in sets.items():
        texts = [t for _, t in items]
        got_ours, t_ours = timed(ours, texts)
        got_raw, t_raw = timed(raw, texts)
        answers[name] = (got_ours, got_raw)
        results[name] = {
            "n": len(items),
            "ours": accuracy(items, got_ours),
            "raw": accuracy(items, got_raw),
            "ours_lines_per_s": len(items) / t_ours,
            "raw_lines_per_s": len(items) / t_raw,
        }

    speed: dict[str, dict[str, float]] = {}
    if not args.quick and WMT.exists():
        mixed, english = speed_lines()
        for name, texts in (("10k lines zh+en", mixed), ("10k lines en", english)):
            _, t_ours = timed(ours, texts)
            _, t_raw = timed(raw, texts)
            speed[name] = {"n": len(texts), "ours_s": t_ours, "raw_s": t_raw}
        speed["10k lines zh+en"]["cli_s"] = cli_seconds(mixed)

    print("## Language detection: align detect --by line vs langdetect (seeded)\n")
    print(f"Profile load, once per process: ours {ours_load:.2f} s, langdetect {raw_load:.2f} s\n")
    langs = sorted({lang for r in results.values() for lang in r["ours"]})  # type: ignore[attr-defined]
    header = "| set | lang | n | align detect | langdetect | difference |"
    print(header + "\n|---|---|---|---|---|---|")
    for name, r in results.items():
        ours_acc, raw_acc = r["ours"], r["raw"]
        assert isinstance(ours_acc, dict) and isinstance(raw_acc, dict)
        for lang in [x for x in langs if x in ours_acc and x != "overall"] + ["overall"]:
            n = r["n"] if lang == "overall" else ""
            a, b = ours_acc[lang], raw_acc[lang]
            print(f"| {name} | {lang} | {n} | {a:.1%} | {b:.1%} | {100 * (a - b):+.1f} pt |")
    # Every line set together (not the cut words and phrases): per language and macro.
    pooled = ("lines", "zh-Hant lines", "close groups", "more languages")
    items_all = [it for name in pooled for it in sets[name]]
    acc_ours = accuracy(items_all, [a for name in pooled for a in answers[name][0]])
    acc_raw = accuracy(items_all, [a for name in pooled for a in answers[name][1]])
    counts = Counter(gold for gold, _ in items_all)
    per = [lang for lang in acc_ours if lang != "overall"]
    macro = {
        "ours": sum(acc_ours[x] for x in per) / len(per),
        "raw": sum(acc_raw[x] for x in per) / len(per),
    }
    print(f"\n### Every line set together: {len(per)} languages, {len(items_all)} lines\n")
    print("| lang | n | align detect | langdetect |\n|---|---|---|---|")
    for lang in per:
        print(f"| {lang} | {counts[lang]} | {acc_ours[lang]:.1%} | {acc_raw[lang]:.1%} |")
    print(f"| **macro** | {len(items_all)} | {macro['ours']:.2%} | {macro['raw']:.2%} |")
    print(
        f"| **overall** | {len(items_all)} | {acc_ours['overall']:.2%} | {acc_raw['overall']:.2%} |"
    )
    below = [x for x in per if acc_ours[x] < acc_raw[x]]
    print(f"\nLanguages below raw langdetect: {', '.join(below) or 'none'}")
    results["all lines"] = {"n": len(items_all), "ours": acc_ours, "raw": acc_raw, "macro": macro}
    matrices: dict[str, dict[str, list[str]]] = {}
    # The close groups keyed by group (as before), the news sentences by "news: " + group,
    # the headlines by "headlines: " + group.
    for title, name, prefix in (
        ("Close groups", "close groups", ""),
        ("News sentences", "news sentences", "news: "),
        ("News headlines", "news headlines", "headlines: "),
    ):
        items, (got_ours, got_raw) = sets[name], answers[name]
        print(f"\n### {title}: confusion matrices (rows: gold, columns: answer)")
        for group, members in GROUPS.items():
            m = matrices[prefix + group] = {
                "ours": confusion(items, got_ours, members),
                "raw": confusion(items, got_raw, members),
            }
            print(f"\n{group}, align detect:\n")
            print("\n".join(m["ours"]))
            print(f"\n{group}, langdetect:\n")
            print("\n".join(m["raw"]))
    close = sets["close groups"]
    prior = paragraph_prior(close)
    print("\n### Paragraph prior (by sentence; the close-group lines as paragraphs)\n")
    print("| paragraph prior | same-language paragraphs | mixed paragraphs | the odd sentence |")
    print("|---|---|---|---|")
    for label, c in prior.items():
        print(
            f"| {label} | {c['same']}/{c['same_n']} | {c['mixed']}/{c['mixed_n']} "
            f"| {c['odd']}/{c['odd_n']} |"
        )
    print("\n| set | align detect lines/s | langdetect lines/s | speed-up |\n|---|---|---|---|")
    for name, r in results.items():
        if "ours_lines_per_s" not in r:
            continue
        a, b = float(r["ours_lines_per_s"]), float(r["raw_lines_per_s"])  # type: ignore[arg-type]
        print(f"| {name} | {a:,.0f} | {b:,.0f} | {a / b:.1f}x |")
    for name, s in speed.items():
        a, b = s["n"] / s["ours_s"], s["n"] / s["raw_s"]
        print(f"| {name} | {a:,.0f} | {b:,.0f} | {a / b:.1f}x |")
    if "10k lines zh+en" in speed:
        s = speed["10k lines zh+en"]
        print(
            f"\n`align detect --by line` CLI end to end (new process, load included) on "
            f"{int(s['n']):,} lines: {s['cli_s']:.1f} s vs langdetect in-process "
            f"{s['raw_s']:.1f} s ({s['raw_s'] / s['cli_s']:.1f}x)."
        )

    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {
        "load_s": {"ours": ours_load, "raw": raw_load},
        "sets": results,
        "speed": speed,
        "close_groups_confusion": matrices,
        "paragraph_prior": prior,
    }
    (RESULTS / "detect.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS / 'detect.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
