"""Probe: `align detect --by line` vs raw langdetect on the machine's translated manual pages.

A second source nothing in the detector was built or tuned on, beside the gettext catalogs
(probe_detect_catalogs.py): the manual pages Debian packages install under
/usr/share/man/<language>/ (manpages-l10n, dpkg, apt, coreutils' translations...: whatever
this machine has). Running prose this time, not UI strings: each page's roff is reduced to
its text (macros dropped, the words of font macros such as ``.B`` and ``.IR`` kept, escapes
removed), cut into paragraphs at paragraph macros and into sentences at a full stop, question
or exclamation mark followed by a space; a sentence is kept when it has at least 4 words (10
letters for Chinese, Japanese and Korean) and 25 letters, when letters are at least 3/5 of
its other characters (not a command line), and when no English page has it (untranslated
text). Up to 60 distinct sentences per language are drawn with a fixed seed; English is drawn
from the untranslated pages.

Nothing is copied into the repository: the pages are read where they are installed, and a
language with fewer than 10 usable sentences is skipped.

Usage: python bench/probe_detect_manpages.py [--per-lang 60] [--show-errors]
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from probe_detect_catalogs import MIN_POOL, draw, report  # noqa: E402

MAN = Path("/usr/share/man")
# Our code -> the man directories that hold it (pt_BR counts as Portuguese).
_SINGLE = "cs da de es fi fr hr hu id it ja ko nl pl ro ru sl sv tr uk"
LANGS: dict[str, tuple[str, ...]] = {
    **{c: (c,) for c in _SINGLE.split(" ")},
    "pt": ("pt", "pt_BR"),
    "sr": ("sr",),
    "zh-Hans": ("zh_CN",),
    "zh-Hant": ("zh_TW",),
}
_CJK = {"ja", "ko", "zh-Hans", "zh-Hant"}
_FONT_MACROS = {"B", "I", "BI", "BR", "IB", "IR", "RB", "RI", "SM", "SB"}
_BREAK_MACROS = {"PP", "LP", "P", "SH", "SS", "TP", "IP", "HP", "sp", "br", "TH", "RS", "RE"}
_ESCAPES = re.compile(
    r"\\f(?:\[[^\]]*\]|\(..|.)"  # fonts
    r"|\\\*(?:\[[^\]]*\]|\(..|.)"  # strings
    r"|\\s[+-]?\d+"  # sizes
    r"|\\\(..|\\\[[^\]]*\]"  # special characters
    r"|\\[&%|^:c]"  # zero-width
)
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")
_LETTER = re.compile(r"[^\W\d_]")


def page_text(path: Path) -> list[str]:
    """The paragraphs of one roff page, as plain text."""
    try:
        raw_text = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except (OSError, EOFError, gzip.BadGzipFile):
        return []
    text = raw_text.decode("utf-8", "replace")
    paragraphs: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.startswith((".", "'")):
            macro, _, rest = line[1:].strip().partition(" ")
            if macro in _FONT_MACROS:
                current.append(rest.replace('"', ""))
            elif macro in _BREAK_MACROS:
                if current:
                    paragraphs.append(" ".join(current))
                current = []
            continue
        current.append(line)
    if current:
        paragraphs.append(" ".join(current))
    out = []
    for para in paragraphs:
        para = _ESCAPES.sub("", para).replace("\\-", "-").replace("\\e", "\\")
        para = " ".join(para.replace("\\ ", " ").split())
        if para:
            out.append(para)
    return out


def sentences(dirs: tuple[str, ...]) -> set[str]:
    out: set[str] = set()
    for d in dirs:
        for page in sorted((MAN / d).glob("man*/*")):
            if page.is_file():
                for para in page_text(page):
                    out.update(s.strip() for s in _SENTENCE_END.split(para))
    return out


def usable(text: str, lang: str) -> bool:
    letters = len(_LETTER.findall(text))
    others = len(text.replace(" ", ""))
    if letters < 25 and not (lang in _CJK and letters >= 10):
        return False
    if lang not in _CJK and len(text.split()) < 4:
        return False
    return letters * 5 >= others * 3


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-lang", type=int, default=60)
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args()
    if not (MAN / "man1").is_dir():
        print(f"skip: {MAN}/man1 is absent", file=sys.stderr)
        return 0
    english = sentences(("man1", "man5", "man7", "man8"))
    rng = random.Random(0)
    items: list[tuple[str, str]] = []
    skipped = []
    for code, dirs in sorted(LANGS.items()):
        pool = sorted(s for s in sentences(dirs) if usable(s, code) and s not in english)
        drawn = draw(pool, rng, args.per_lang)
        if drawn is None:
            skipped.append(f"{code} ({len(pool)})")
            continue
        items += [(code, t) for t in drawn]
    pool = sorted(s for s in english if usable(s, "en"))
    items += [("en", t) for t in rng.sample(pool, min(args.per_lang, len(pool)))]
    if skipped:
        print(f"skipped (fewer than {MIN_POOL} usable sentences): " + ", ".join(skipped))
    report(items, args.show_errors, "sentences")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
