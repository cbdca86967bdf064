"""Benchmark: `align detect --by line` vs raw langdetect on the other sentences in ../shared.

The aligner's gold sets are real sentences of known language, never used to build or tune
the detector: Text+Berg dev (de, fr), WMT23 zh-en (src.zh, ref.en), alignment-dev transread
(English novels and their French / Spanish translations) and mac-test (Chinese novels and
their English translations). Lines with fewer than 20 letters (chapter numbers, stray
punctuation) are left out. parice-en-is (English documents and their Icelandic
translations) comes last, apart from the total of the others ("all but ParIce", the figure
of the rounds before the detector read Icelandic; no langdetect profile covers it). Some
lines are in another language than their file (a German quotation in the French Text+Berg
file), so 100% is not reachable.

Usage: python bench/bench_detect_shared.py [--ours-only]. Skips (exit 0) without ../shared.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_detect import SHARED, ours, raw  # noqa: E402

DATA = SHARED / "data"
PARICE = "parice-en-is"


def sets() -> list[tuple[str, str, list[str]]]:
    def read(path: Path) -> list[str]:
        return path.read_text(encoding="utf-8").splitlines()

    out = [
        ("textberg dev.de", "de", read(DATA / "textberg-dev" / "dev.de")),
        ("textberg dev.fr", "fr", read(DATA / "textberg-dev" / "dev.fr")),
        ("wmt23 src.zh", "zh-Hans", read(DATA / "wmt23-zh-en" / "src.zh")),
        ("wmt23 ref.en", "en", read(DATA / "wmt23-zh-en" / "ref.en")),
    ]
    for book in sorted((DATA / "alignment-dev" / "transread").glob("*_en-*")):
        out.append((f"transread {book.name} SRC", "en", read(book / "SRC")))
        out.append((f"transread {book.name} TGT", book.name.rsplit("-", 1)[1], read(book / "TGT")))
    zh: list[str] = []
    en: list[str] = []
    for chapter in sorted((DATA / "alignment-dev" / "mac-test").glob("0*")):
        zh += read(chapter / "SRC")
        en += read(chapter / "TGT")
    out += [("mac-test SRC", "zh-Hans", zh), ("mac-test TGT", "en", en)]
    src: list[str] = []
    tgt: list[str] = []
    for doc in sorted((DATA / "alignment-dev" / "parice-en-is").glob("*_*")):
        src += read(doc / "SRC")
        tgt += read(doc / "TGT")
    out += [(PARICE + " SRC", "en", src), (PARICE + " TGT", "is", tgt)]
    return [(n, g, [t for t in ls if sum(c.isalpha() for c in t) >= 20]) for n, g, ls in out]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ours-only", action="store_true", help="skip raw langdetect")
    args = parser.parse_args()
    if not (DATA / "textberg-dev").exists():
        print(f"skipped: {DATA} is absent (../shared data is not on this machine)")
        return 0
    print("| set | lang | n | align detect | langdetect | align detect's wrong answers |")
    print("|---|---|---|---|---|---|")
    total: Counter[str] = Counter()

    def total_row(label: str) -> str:
        raw_total = "" if args.ours_only else f"{total['raw'] / total['n']:.2%}"
        return f"| {label} | | {total['n']} | {total['ours'] / total['n']:.2%} | {raw_total} | |"

    before_parice = True
    for name, gold, lines in sets():
        if before_parice and name.startswith(PARICE):
            before_parice = False
            print(total_row("all but ParIce"))
        if not lines:
            continue
        got = ours(lines)
        right = sum(g == gold for g in got)
        raw_right = -1 if args.ours_only else sum(g == gold for g in raw(lines))
        wrong = ", ".join(
            f"{k} {v}" for k, v in Counter(g for g in got if g != gold).most_common(4)
        )
        total["n"] += len(lines)
        total["ours"] += right
        total["raw"] += raw_right
        raw_cell = "" if args.ours_only else f"{raw_right / len(lines):.2%}"
        print(
            f"| {name} | {gold} | {len(lines)} | {right / len(lines):.2%} | {raw_cell} | {wrong} |"
        )
    print(total_row("**all**"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
