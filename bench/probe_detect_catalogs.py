"""Probe: `align detect --by line` vs raw langdetect on the machine's own message catalogs.

A source nothing in the detector was built or tuned on, in most of langdetect's 55 languages:
the gettext catalogs (`.mo`) that Debian packages install under /usr/share/locale (GLib, GTK,
PAM, apt, coreutils, ...: whatever this machine has). Each translated message (msgstr, not
the English msgid; country and language names of the iso-codes catalogs left out) is cleaned
of what is not language — printf and brace placeholders, markup, mnemonic underscores,
escapes — and kept when it has at least 3 words and 20 letters and differs from its msgid;
up to 60 distinct messages per language are drawn with a fixed seed. English is the msgids.

User-interface text is its own domain (imperatives, "file", "directory", untranslated product
names, partly translated catalogs in the smaller languages), so this is a check that a change
generalises and a place to look for systematic confusions, not a target. Nothing is copied
into the repository: the catalogs are read where they are installed, and a language whose
catalogs are absent is skipped (so, sw have none on the dev machine).

Usage: python bench/probe_detect_catalogs.py [--per-lang 60] [--langs hi,ne,mr] [--show-errors]

`--per-lang 0` takes every usable message; `--langs` only those languages (and English only
when named), e.g. `--langs hi,ne,mr --per-lang 0` for a whole group's catalogs.
"""

from __future__ import annotations

import argparse
import gettext
import random
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_detect import ours, raw  # noqa: E402

LOCALE = Path("/usr/share/locale")
# Our code -> the locale directories that hold it.
_SINGLE = "af ar bg bn ca cs cy da de el es et fa fi fr gu he hi hr hu id it ja kn ko lt lv mk ml"
_SINGLE += " mr ne nl pa pl ro ru sk sl so sq sv sw ta te th tr uk ur vi"
LANGS: dict[str, tuple[str, ...]] = {
    **{code: (code,) for code in _SINGLE.split(" ")},
    "nb": ("nb", "no"),
    "pt": ("pt", "pt_BR"),
    "tl": ("tl", "fil"),
    "zh-Hans": ("zh_CN",),
    "zh-Hant": ("zh_TW", "zh_HK"),
}
# Languages added to the probe later, drawn after the others with their own seed, so that the
# messages drawn for the first ones stay the same: the languages without a langdetect profile
# that the detector reads off the others (Belarusian, Icelandic, Kazakh, Serbian; be@latin
# and sr@latin left out).
LATER: dict[str, tuple[str, ...]] = {"be": ("be",), "is": ("is",), "kk": ("kk",), "sr": ("sr",)}
_PLACEHOLDER = re.compile(
    r"%(?:\d+\$)?[-+ #0']*(?:\d+|\*)?(?:\.\d+)?(?:hh|h|ll|l|L|q|j|z|t|I64|PRI\w+)?[diouxXeEfgGcsSpm%]"
    r"|\{[^{}]*\}|\$\{?\w+\}?|<[^<>]*>|&\w+;|\\[nt]"
)
_LETTER = re.compile(r"[^\W\d_]")


def clean(text: str) -> str:
    text = _PLACEHOLDER.sub(" ", text.replace("\n", " "))
    text = re.sub(r"(?<![\w])_(?=\w)|(?<=\w)_(?=\w)", "", text)  # mnemonics: _Open, O_pen
    return " ".join(text.split())


def messages(dirs: tuple[str, ...]) -> tuple[set[str], set[str]]:
    """(translations, msgids) of every non-iso catalog in the locale directories."""
    out: set[str] = set()
    ids: set[str] = set()
    for d in dirs:
        for mo in sorted((LOCALE / d / "LC_MESSAGES").glob("*.mo")):
            if mo.name.startswith("iso_"):
                continue
            try:
                with mo.open("rb") as fh:
                    catalog = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
            except Exception:  # a catalog stdlib cannot read (odd charset): not ours to judge
                continue
            for key, value in catalog.items():
                msgid = key[0] if isinstance(key, tuple) else key
                if not msgid or not isinstance(value, str):
                    continue
                ids.add(clean(msgid.split("\x04")[-1]))
                if value and value != msgid:
                    out.add(clean(value))
    return out, ids


def usable(text: str) -> bool:
    return len(text.split()) >= 3 and len(_LETTER.findall(text)) >= 20


MIN_POOL = 10  # a language with fewer usable texts is skipped


def draw(pool: list[str], rng: random.Random, n: int) -> list[str] | None:
    """Up to ``n`` of ``pool`` (sorted, distinct) with ``rng``; None when it is too small."""
    if len(pool) < MIN_POOL:
        return None
    return rng.sample(pool, min(n, len(pool)))


def report(items: list[tuple[str, str]], show_errors: bool, unit: str) -> None:
    """Both detectors on ``items`` (gold, text): per-language table, macro, confusions."""
    texts = [t for _, t in items]
    got_ours, got_raw = ours(texts), raw(texts)
    langs = sorted({g for g, _ in items})
    right_o: Counter[str] = Counter()
    right_r: Counter[str] = Counter()
    total: Counter[str] = Counter()
    errors: Counter[tuple[str, str]] = Counter()
    for (gold, text), o, r in zip(items, got_ours, got_raw, strict=True):
        total[gold] += 1
        right_o[gold] += o == gold
        right_r[gold] += r == gold
        if o != gold:
            errors[gold, o] += 1
            if show_errors:
                print(f"{gold} -> {o} (langdetect {r}): {text}")
    print(f"\n{len(items)} {unit}, {len(langs)} languages\n")
    print("| lang | n | align detect | langdetect |")
    print("|---|---:|---:|---:|")
    below = []
    for lang in langs:
        print(f"| {lang} | {total[lang]} | {right_o[lang]} | {right_r[lang]} |")
        if right_o[lang] < right_r[lang]:
            below.append(lang)
    macro_o = sum(right_o[g] / total[g] for g in langs) / len(langs)
    macro_r = sum(right_r[g] / total[g] for g in langs) / len(langs)
    print(
        f"| **all** | {sum(total.values())} | {sum(right_o.values())} "
        f"({macro_o:.2%} macro) | {sum(right_r.values())} ({macro_r:.2%} macro) |"
    )
    print("\nbelow raw langdetect: " + (", ".join(below) or "none"))
    print("our confusions: " + ", ".join(f"{g}->{a} {n}" for (g, a), n in errors.most_common()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-lang", type=int, default=60)
    ap.add_argument("--langs", help="comma-separated codes: only these languages")
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args()
    wanted = set(args.langs.split(",")) if args.langs else None
    per_lang = args.per_lang or 10**9
    if not LOCALE.is_dir():
        print(f"skip: {LOCALE} is absent", file=sys.stderr)
        return 0
    rng = random.Random(0)
    items: list[tuple[str, str]] = []
    english: set[str] = set()
    skipped = []
    for code, dirs in sorted(LANGS.items()):
        found, ids = messages(dirs)
        english |= ids
        pool = sorted(t for t in found if usable(t) and t not in ids)
        drawn = draw(pool, rng, per_lang)
        if wanted is not None and code not in wanted:
            continue  # drawn all the same, so the other languages' messages do not change
        if drawn is None:
            skipped.append(f"{code} ({len(pool)})")
            continue
        items += [(code, t) for t in drawn]
    pool = sorted(t for t in english if usable(t))
    sample = rng.sample(pool, min(per_lang, len(pool)))
    if wanted is None or "en" in wanted:
        items += [("en", t) for t in sample]
    for code, dirs in sorted(LATER.items()):
        if wanted is not None and code not in wanted:
            continue
        found, _ = messages(dirs)
        pool = sorted(t for t in found if usable(t) and t not in english)
        drawn = draw(pool, random.Random(code), per_lang)
        if drawn is None:
            skipped.append(f"{code} ({len(pool)})")
            continue
        items += [(code, t) for t in drawn]
    if skipped:
        print(f"skipped (fewer than {MIN_POOL} usable messages): " + ", ".join(skipped))
    report(items, args.show_errors, "messages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
