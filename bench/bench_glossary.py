"""Benchmark: glossary enforcement techniques on the real zh->en Argos model.

The Chinese speech (corpora/yunqi-2024/speech.zh.txt, cut into sentences) is
translated with the 5-term glossary of issue 14 (阿里云 Alibaba Cloud, 云栖大会
Yunqi Conference, 吴泳铭 Wu Yongming, 通义千问 Tongyi Qianwen, 百炼 Bailian) by
each technique, side by side in one run, no translation cache:

- ``none``: the plain model (the reference for BLEU and time);
- ``codeswitch``: the target term itself written into the Chinese source;
- ``placeholder-only SHAPE``: each term replaced by a placeholder of that shape,
  restored after translation, no retry;
- ``placeholder SHAPE + retry``: with a code-switching retry of the sentences whose
  placeholder was lost (``placeholder ZXQA + retry`` is what ``--glossary`` does).

Term hit rate = occurrences whose target term is in the output / occurrences in
the source (align.translate.glossary.TermTable.adherence); BLEU and chrF are
sacrebleu's, lowercased (the reference is lowercase), on the paragraphs against
corpora/yunqi-2024/speech.en.txt. Prints a markdown table; writes
bench/results/glossary.json. Skips (exit 0) when the model is absent.
Usage: python bench/bench_glossary.py
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpora" / "yunqi-2024"
RESULTS = ROOT / "bench" / "results" / "glossary.json"
GLOSSARY = {
    "阿里云": "Alibaba Cloud",
    "云栖大会": "Yunqi Conference",
    "吴泳铭": "Wu Yongming",
    "通义千问": "Tongyi Qianwen",
    "百炼": "Bailian",
}
SHAPES: dict[str, Callable[[str, int], str]] = {
    "[n]": lambda p, k: f"[{k + 1}]",
    "{n}": lambda p, k: f"{{{k + 1}}}",
    "<n>": lambda p, k: f"<{k + 1}>",
    "__Tn__": lambda p, k: f"__T{k + 1}__",
    "@@n": lambda p, k: f"@@{k + 1}",
    "#n": lambda p, k: f"#{k + 1}",
    "TERMn": lambda p, k: f"TERM{k + 1}",
}


def main() -> int:
    os.environ.setdefault("ALIGN_MODELS_DIR", str(ROOT / "models"))
    sys.path.insert(0, str(ROOT / "src"))
    import sacrebleu

    from align.errors import AlignError
    from align.text import read_text, segment_units
    from align.translate import get_translator
    from align.translate.glossary import Entry, Glossary, GlossaryTranslator, placeholder

    try:
        plain = get_translator("zh", "en", cache=False)
    except AlignError as exc:
        print(f"skipped: {exc}")
        return 0
    segs = segment_units(read_text(CORPUS / "speech.zh.txt"), "zh", "sentence")
    sources = [s.text for s in segs]
    refs = read_text(CORPUS / "speech.en.txt").split("\n\n")
    glossary = Glossary(
        "bench", [Entry({"zh-Hans": k, "en": v}, i) for i, (k, v) in enumerate(GLOSSARY.items())]
    )
    table = glossary.table(["zh-Hans", "en"])
    steps = [plain]

    def paragraphs(out: list[str]) -> list[str]:
        paras: dict[int, list[str]] = {}
        for s, o in zip(segs, out, strict=True):
            paras.setdefault(s.para, []).append(o)
        return [" ".join(v) for _, v in sorted(paras.items())]

    runs: list[tuple[str, Callable[[list[str]], list[str]]]] = [("none", plain.translate)]
    runs.append(("codeswitch", GlossaryTranslator(steps, table, technique="codeswitch").translate))
    for name, shape in SHAPES.items():
        t = GlossaryTranslator(steps, table, technique="placeholder-only", token=shape)
        runs.append((f"placeholder-only {name}", t.translate))
    runs.append(
        (
            "placeholder-only ZXQA",
            GlossaryTranslator(steps, table, technique="placeholder-only").translate,
        )
    )
    runs.append(
        ("placeholder [n] + retry", GlossaryTranslator(steps, table, token=SHAPES["[n]"]).translate)
    )
    runs.append(
        ("placeholder ZXQA + retry", GlossaryTranslator(steps, table, token=placeholder).translate)
    )
    plain.translate(sources[:2])  # load the model before anything is timed
    rows = []
    base_time = None
    for name, fn in runs:
        start = time.perf_counter()
        out = fn(sources)
        seconds = time.perf_counter() - start
        base_time = base_time or seconds
        stats = table.adherence(sources, out)
        hyp = paragraphs(out)
        bleu = sacrebleu.metrics.BLEU(lowercase=True).corpus_score(hyp, [refs]).score
        chrf = sacrebleu.metrics.CHRF(lowercase=True).corpus_score(hyp, [refs]).score
        rows.append(
            {
                "technique": name,
                "kept": stats.kept,
                "found": stats.found,
                "rate": round(stats.rate, 1),
                "bleu": round(bleu, 2),
                "chrf": round(chrf, 2),
                "time_ratio": round(seconds / base_time, 2),
            }
        )
        print(rows[-1], flush=True)
    print()
    print("| technique | terms kept | hit rate | BLEU | chrF | time vs none |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['technique']} | {r['kept']}/{r['found']} | {r['rate']}% | {r['bleu']} | "
            f"{r['chrf']} | {r['time_ratio']}x |"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
