"""Benchmark: sentence splitting (`align.text.split_sentences`) against gold sentences.

Every document of the aligner's development sets in ../shared is one sentence per line, as
its human alignment segments them (Text+Berg dev de/fr, TransRead en/fr/es, MAC zh/en, ParIce
en/is). The gold files keep no paragraphs, so each side is joined back into paragraphs of 5
consecutive sentences (a space between sentences; nothing between Chinese ones), each split
again, and the predicted sentence ends inside each paragraph are compared with the gold ones
(character offsets, spaces ignored): precision, recall and F1 of the boundaries, per set and
side. (One paragraph per document would let one unclosed quotation mark, which sentencex
reads as quoted speech where it does not cut, silence a whole book.) Side by side in the same
run: sentencex alone (`sentencex.segment`, the library the splitter stands on) and
`split_sentences` (its rules on top: docs/alignment.md, "Sentence splitting").

The gold segments headings and verse lines of their own (`LIVRE I`, no full stop), which no
splitter can find in running text: recall is below 1 for both columns alike; compare the
columns, not the figure with 1.

Usage: python bench/bench_sentences.py [--json bench/results/sentences.json]
Skips (exit 0) when ../shared is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
DEV = SHARED / "alignment-dev"
RESULTS = ROOT / "bench" / "results" / "sentences.json"
NO_SPACE = ("zh", "ja")
PARAGRAPH = 5  # gold sentences joined into one paragraph


def documents() -> list[tuple[str, str, list[list[str]]]]:
    """(set and side, language, documents as lists of gold sentences)."""

    def read(path: Path) -> list[str]:
        return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]

    out: list[tuple[str, str, list[list[str]]]] = []
    tb = SHARED / "textberg-dev"
    out += [
        ("textberg de", "de", [read(tb / "dev.de")]),
        ("textberg fr", "fr", [read(tb / "dev.fr")]),
    ]
    books = sorted(p for p in (DEV / "transread").glob("*_en-*") if p.is_dir())
    out.append(("transread en", "en", [read(b / "SRC") for b in books]))
    for lang in sorted({b.name.rsplit("-", 1)[1] for b in books}):
        out.append(
            (f"transread {lang}", lang, [read(b / "TGT") for b in books if b.name.endswith(lang)])
        )
    chapters = sorted(p for p in (DEV / "mac-test").glob("0*") if p.is_dir())
    out.append(("mac zh", "zh", [read(c / "SRC") for c in chapters]))
    out.append(("mac en", "en", [read(c / "TGT") for c in chapters]))
    docs = sorted(p for p in (DEV / "parice-en-is").iterdir() if (p / "SRC").is_file())
    out.append(("parice en", "en", [read(d / "SRC") for d in docs]))
    out.append(("parice is", "is", [read(d / "TGT") for d in docs]))
    return [(name, lang, [[s for s in d if s] for d in ds]) for name, lang, ds in out]


def _ends(sentences: Iterable[str]) -> set[int]:
    """Offsets (spaces not counted) where each sentence but the last ends."""
    ends, at = [], 0
    for sentence in sentences:
        at += sum(not ch.isspace() for ch in sentence)
        ends.append(at)
    return set(ends[:-1])


def score(
    split: Callable[[str, str], list[str]], lang: str, docs: list[list[str]]
) -> dict[str, float]:
    hit = predicted = gold = 0
    for document in docs:
        for start in range(0, len(document), PARAGRAPH):
            sentences = document[start : start + PARAGRAPH]
            text = ("" if lang in NO_SPACE else " ").join(sentences)
            want, got = _ends(sentences), _ends(split(text, lang))
            hit, predicted, gold = hit + len(want & got), predicted + len(got), gold + len(want)
    p, r = hit / max(predicted, 1), hit / max(gold, 1)
    return {"p": p, "r": r, "f1": 2 * p * r / max(p + r, 1e-12), "gold_ends": gold}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=RESULTS, help="where to write the results")
    args = parser.parse_args()
    if not DEV.is_dir() or not (SHARED / "textberg-dev").is_dir():
        print(f"skipped: {SHARED} is absent (../shared data is not on this machine)")
        return 0
    sys.path.insert(0, str(ROOT / "src"))
    from sentencex import segment

    from align.text import split_sentences

    def library(text: str, lang: str) -> list[str]:
        return [s.strip() for s in segment(lang, text) if s.strip()]

    rows = []
    for name, lang, docs in documents():
        theirs, ours = score(library, lang, docs), score(split_sentences, lang, docs)
        rows.append({"set": name, "lang": lang, "sentencex": theirs, "split_sentences": ours})
    print("| set | gold ends | sentencex P / R / F1 | split_sentences P / R / F1 | F1 change |")
    print("|---|---:|---|---|---:|")
    for row in rows:
        a, b = row["sentencex"], row["split_sentences"]
        print(
            f"| {row['set']} | {a['gold_ends']:,} | {a['p']:.3f} / {a['r']:.3f} / {a['f1']:.3f} "
            f"| {b['p']:.3f} / {b['r']:.3f} / {b['f1']:.3f} | {b['f1'] - a['f1']:+.3f} |"
        )
    macro = {k: sum(r[k]["f1"] for r in rows) / len(rows) for k in ("sentencex", "split_sentences")}
    print(f"| **macro F1** | | {macro['sentencex']:.3f} | {macro['split_sentences']:.3f} | "
          f"{macro['split_sentences'] - macro['sentencex']:+.3f} |")  # fmt: skip
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"sets": rows, "macro_f1": macro}, indent=2) + "\n")
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
