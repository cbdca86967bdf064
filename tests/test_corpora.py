"""The embedded demo corpus: the Yunqi 2024 keynote in English and its Chinese rendering.

These checks read the real files in corpora/ and, for provenance, the seed in
../shared: the English text must be the published article minus its page
chrome, and the Chinese rendering must track it paragraph by paragraph and,
closely, sentence by sentence (it is the reference pair for sentence alignment
and for zh->en translation quality).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from align.text import paragraphs, read_text, split_sentences
from conftest import CORPORA, shared_path

SPEECH = CORPORA / "yunqi-2024"
EN = SPEECH / "speech.en.txt"
ZH = SPEECH / "speech.zh.txt"
SEED = ("seeds", "000_0379d5d844665a81.txt")


def _scripts(text: str) -> set[str]:
    """Unicode script families of the letters in ``text`` (first word of the character name)."""
    return {
        unicodedata.name(ch, "?").split()[0] for ch in text if unicodedata.category(ch)[0] == "L"
    }


def _is_chrome(paragraph: str) -> bool:
    """Page chrome in the published article: language menu, photo caption, source line."""
    language_menu = len(_scripts(paragraph) - {"LATIN"}) >= 3
    caption = paragraph.startswith("wu yongming, ceo of alibaba group") and paragraph.endswith(
        ", courtesy of yunqi conference"
    )
    source = paragraph.startswith("source: ")
    return language_menu or caption or source


def _han_share(text: str) -> float:
    """Share of Han ideographs among the letters of ``text``."""
    letters = [ch for ch in text if unicodedata.category(ch)[0] == "L"]
    han = [ch for ch in letters if unicodedata.name(ch, "").startswith("CJK UNIFIED IDEOGRAPH")]
    return len(han) / len(letters)


@pytest.mark.parametrize("path", [EN, ZH], ids=["en", "zh"])
def test_corpus_file_is_clean_utf8_paragraph_text(path: Path) -> None:
    data = path.read_bytes()
    text = data.decode("utf-8")  # strict: raises on any invalid byte
    assert not data.startswith(b"\xef\xbb\xbf"), "no BOM"
    assert "\r" not in text and "\t" not in text
    assert text.endswith("\n") and not text.endswith("\n\n"), "ends with exactly one newline"
    assert not text.startswith("\n"), "no leading blank line"
    # One paragraph per line, paragraphs separated by exactly one blank line,
    # no stray spaces: the file is exactly its paragraphs re-joined.
    paras = paragraphs(text)
    assert text == "\n\n".join(paras) + "\n"
    assert all(p == p.strip() and "  " not in p for p in paras)
    # The project's own reader accepts it unchanged.
    assert read_text(path) == text


def test_english_and_chinese_have_the_same_paragraph_count() -> None:
    en = paragraphs(read_text(EN))
    zh = paragraphs(read_text(ZH))
    assert len(en) == len(zh) == 31


def test_english_is_the_seed_minus_exactly_the_page_chrome() -> None:
    seed = paragraphs(read_text(shared_path(*SEED)))
    en = paragraphs(read_text(EN))

    chrome = [p for p in seed if _is_chrome(p)]
    assert len(chrome) == 3
    menu, caption, source = chrome
    assert {"HANGUL", "CYRILLIC", "GREEK", "CJK", "LATIN"} <= _scripts(menu)
    assert caption.endswith("courtesy of yunqi conference")
    assert source == seed[-1] and source.startswith("source: chao news")

    assert en == [p for p in seed if not _is_chrome(p)]
    # Nothing else changed: same words, same case, as published.
    assert en[0].startswith("alibaba ceo wu yongming: ai's greatest imagination")
    assert en[-1] == "thank you all. i hope you all have a fulfilling and enjoyable time in yunqi."
    assert sum(len(p.split()) for p in en) == 1757


def test_chinese_rendering_is_mostly_han_with_full_width_punctuation() -> None:
    zh = paragraphs(read_text(ZH))
    shares = [_han_share(p) for p in zh]
    assert min(shares) >= 0.7, [(i, round(s, 2)) for i, s in enumerate(shares) if s < 0.7]
    assert _han_share("".join(zh)) >= 0.9
    # Chinese punctuation is full-width: no ASCII , ! ? ; : or quotes, and a
    # full stop only inside a number such as 0.5.
    ascii_punct = re.compile(r"""[,!?;:"']|(?<!\d)\.|\.(?!\d)""")
    offenders = [(i, m.group()) for i, p in enumerate(zh) for m in ascii_punct.finditer(p)]
    assert offenders == []
    # Proper Chinese names for the people and organisations of the speech.
    full = "\n".join(zh)
    for name in ("吴泳铭", "阿里巴巴集团", "阿里云智能集团", "云栖大会", "通义千问", "魔搭社区"):
        assert name in full, name
    # Every paragraph except the headline ends like a sentence.
    assert all(p[-1] in "。！？：" for p in zh[1:])


def test_sentence_counts_per_paragraph_match_within_one() -> None:
    en = paragraphs(read_text(EN))
    zh = paragraphs(read_text(ZH))
    counts = [
        (len(split_sentences(e, "en")), len(split_sentences(z, "zh")))
        for e, z in zip(en, zh, strict=True)
    ]
    close = [abs(a - b) <= 1 for a, b in counts]
    far = [(i, a, b) for i, (a, b) in enumerate(counts) if abs(a - b) > 1]
    assert sum(close) / len(close) >= 0.9, f"paragraphs (index, en, zh) off by more than 1: {far}"
    # The totals stay close too, so a sentence aligner sees nearly 1-1 beads.
    total_en = sum(a for a, _ in counts)
    total_zh = sum(b for _, b in counts)
    assert abs(total_en - total_zh) <= 0.05 * total_en
