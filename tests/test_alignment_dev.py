"""The aligner on the hand-aligned development sets of ../shared/data/alignment-dev (real gold).

Floors sit below the figures measured with bench/bench_align.py (given next to each), so
they catch regressions without pinning the exact result. Skipped when ../shared is absent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from align.alignment import align_texts, score_alignments
from align.alignment.beads import read_beads
from align.errors import LanguageError
from align.text import read_lines
from align.translate.engine import Engines
from conftest import shared_path


def _doc(folder: Path, beads: int | None = None) -> tuple[list[str], list[str], list[Any]]:
    """A document's sentences and gold; with ``beads``, only its first ``beads`` gold beads
    and the sentences they cover (the gold covers both sides in order, so that is a prefix)."""
    src, tgt = read_lines(folder / "SRC"), read_lines(folder / "TGT")
    gold = [(b.src, b.tgt) for b in read_beads(str(folder / "GOLD"))]
    if beads is not None:
        gold = gold[:beads]
        n = 1 + max((i for s, _t in gold for i in s), default=-1)
        m = 1 + max((j for _s, t in gold for j in t), default=-1)
        src, tgt = src[:n], tgt[:m]
    return src, tgt, gold


def _textberg() -> tuple[list[str], list[str], list[Any]]:
    """Text+Berg dev: German and French sentences and the gold beads."""
    data = shared_path("data", "textberg-dev")
    gold = [(b.src, b.tgt) for b in read_beads(str(data / "dev.defr"))]
    return read_lines(data / "dev.de"), read_lines(data / "dev.fr"), gold


def _make_paragraphs() -> Any:
    """bench/probe_paragraphs.py's paragraphs from gold (what its figures are measured on)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from probe_paragraphs import make_paragraphs

    return make_paragraphs


def _f1(gold: list[Any], result: Any) -> float:
    return score_alignments([(gold, [(b.src, b.tgt) for b in result.beads])]).f1_strict


@pytest.mark.model
def test_zh_en_machine_translation_is_compared_with_the_english_word_for_word(
    models_dir: Path,
) -> None:
    """A real MAC chapter excerpt (Chinese novel, published English translation): the zh->en
    model's output is compared with the English side by surface overlap as well as by USE."""
    src, tgt, gold = _doc(shared_path("data", "alignment-dev", "mac-test", "001"), beads=40)
    auto = align_texts(src, tgt, src_lang="zh", tgt_lang="en", models_dir=models_dir)
    assert auto.signals == ("translation", "overlap", "embedding", "lexical", "length")
    assert auto.meta["translation"]["direction"] == "zh-Hans->en"
    assert "overlap" in auto.meta["calibration"]
    assert _f1(gold, auto) >= 0.93  # measured 0.963
    alone = align_texts(
        src, tgt, src_lang="zh", tgt_lang="en", method="translation", models_dir=models_dir
    )
    assert alone.signals == ("translation", "overlap", "lexical", "length")
    assert _f1(gold, alone) >= 0.88  # measured 0.927


def test_apertium_bridges_english_spanish_in_auto() -> None:
    """Candide (English -> Spanish, hand-aligned): a rule-based Apertium hop is a usable
    bridge; its output is compared with the Spanish in Spanish."""
    import shutil

    if shutil.which("apertium") is None:
        pytest.skip("apertium is not installed")
    folder = shared_path("data", "alignment-dev", "transread", "Candide_en-es")
    src, tgt, gold = _doc(folder, beads=60)
    auto = align_texts(src, tgt, src_lang="en", tgt_lang="es")
    assert auto.signals[:2] == ("translation", "overlap")
    assert auto.meta["translation"]["direction"] == "en->es"
    embedding = align_texts(src, tgt, src_lang="en", tgt_lang="es", method="embedding")
    # Measured 0.842 with the Apertium terms, 0.807 with embeddings alone.
    assert _f1(gold, auto) >= 0.8
    assert _f1(gold, auto) > _f1(gold, embedding) + 0.01


def _parice() -> list[tuple[list[str], list[str], list[Any]]]:
    root = shared_path("data", "alignment-dev", "parice-en-is")
    return [_doc(d) for d in sorted(root.iterdir()) if (d / "GOLD").is_file()]


def test_icelandic_without_an_engine_uses_lexical_links_with_lengths() -> None:
    """ParIce English -> Icelandic with no engine for is (here: Argos only): no embedding
    covers is either, and auto still beats plain Gale-Church with the numbers and names both
    sides spell alike; --method embedding is a clear error."""
    docs = _parice()
    pairs: dict[str, list[Any]] = {"auto": [], "length": []}
    for src, tgt, gold in docs:
        for method in pairs:
            result = align_texts(
                src, tgt, src_lang="en", tgt_lang="is", method=method, engine="argos"
            )
            pairs[method].append((gold, [(b.src, b.tgt) for b in result.beads]))
            if method == "auto":
                assert result.signals == ("lexical", "length")
    auto = score_alignments(pairs["auto"]).f1_strict
    length = score_alignments(pairs["length"]).f1_strict
    # Measured 0.825 (auto) and 0.777 (length) on the 10 documents.
    assert auto >= 0.8
    assert auto > length + 0.02
    src, tgt, _gold = docs[0]
    with pytest.raises(LanguageError, match="do not cover is"):
        align_texts(src, tgt, src_lang="en", tgt_lang="is", method="embedding")


def test_icelandic_through_apertium_compares_english_with_english() -> None:
    """With Debian's Apertium Icelandic -> English pair, auto translates the Icelandic side
    and aligns English with English (the translation and overlap terms)."""
    if not any(p.source == "is" and p.target == "en" for p in Engines("apertium").pairs()):
        pytest.skip("the Apertium is->en pair is not installed (run: make apertium)")
    pairs: dict[str, list[Any]] = {"auto": [], "lexical": []}
    for src, tgt, gold in _parice():
        auto = align_texts(src, tgt, src_lang="en", tgt_lang="is")
        assert auto.signals[:2] == ("translation", "overlap")
        assert auto.meta["translation"]["direction"] == "is->en"
        lexical = align_texts(src, tgt, src_lang="en", tgt_lang="is", engine="argos")
        pairs["auto"].append((gold, [(b.src, b.tgt) for b in auto.beads]))
        pairs["lexical"].append((gold, [(b.src, b.tgt) for b in lexical.beads]))
    # Measured 0.930 with the translation, 0.825 with lengths and links alone.
    f1 = {k: score_alignments(v).f1_strict for k, v in pairs.items()}
    assert f1["auto"] >= 0.9 and f1["auto"] > f1["lexical"] + 0.05, f1


def test_overlap_windows_find_the_translation_among_neighbours() -> None:
    import numpy as np

    from align.alignment.overlap import OverlapEmbedder

    left = ["The doctor lived on the mountain.", "She was twenty-six that year."]
    right = ["That year she was twenty-six.", "The doctor lived up the mountain with her dog."]
    ov = OverlapEmbedder()
    a, b = ov.pool(left), ov.pool(right)
    ov.fit(a, b)
    x = ov.embed_windows(a, np.arange(2), 1)
    y = ov.embed_windows(b, np.arange(2), 1)
    sims = x @ y.T
    assert sims[0, 1] > sims[0, 0] and sims[1, 0] > sims[1, 1]
    assert np.allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-5)
    both = ov.embed_windows(a, np.arange(1), 2)  # the two sentences as one window
    assert float((both @ y.T).min()) > 0.3


def test_bead_priors_only_where_the_anchor_gaps_show_few_skips() -> None:
    """Gale-Church bead priors help a document whose translator leaves nothing out (a MAC
    chapter: gold has no skip) and would hurt one with real skips (Text+Berg dev: 10 % of its
    gold beads have an empty side); the share of one-sided anchor gaps tells them apart."""
    de, fr, gold = _textberg()
    tb = align_texts(de, fr, src_lang="de", tgt_lang="fr", method="embedding")
    assert tb.meta["one_sided_gaps"] > 0.75  # measured 0.92
    assert not tb.meta["bead_priors"]
    assert _f1(gold, tb) >= 0.93  # measured 0.939
    src, tgt, gold = _doc(shared_path("data", "alignment-dev", "mac-test", "009"))
    mac = align_texts(src, tgt, src_lang="zh", tgt_lang="en", method="embedding")
    assert mac.meta["one_sided_gaps"] <= 0.75  # measured 0.36
    assert mac.meta["bead_priors"]
    assert _f1(gold, mac) >= 0.82  # measured 0.854 (0.756 without the priors)


def test_a_skip_costs_more_where_the_anchor_gaps_show_few_skips() -> None:
    """MAC chapter 011 has no skip in its gold. With the gate open, the programme left out
    four English sentences that the embeddings find unrelated to the Chinese (short lines
    of dialogue and their tags); the gated skip cost keeps all but one inside a bead."""
    src, tgt, gold = _doc(shared_path("data", "alignment-dev", "mac-test", "011"))
    assert not any(not s or not t for s, t in gold)
    mac = align_texts(src, tgt, src_lang="zh", tgt_lang="en", method="embedding")
    assert mac.meta["bead_priors"]
    skips = sum(1 for b in mac.beads if not b.src or not b.tgt)
    assert skips <= 2  # measured 1 (4 with a skip at its ungated cost)
    assert _f1(gold, mac) >= 0.78  # measured 0.788 (0.774 with a skip at its ungated cost)


def test_paragraphs_both_texts_share_raise_strict_f1_on_real_gold() -> None:
    """Text+Berg dev with paragraphs made from its gold (one ends after a gold bead with
    probability 1/5, as bench/probe_paragraphs.py does; the dev files have none): no
    predicted bead takes sentences from two paragraphs, and strict F1 rises."""
    make_paragraphs = _make_paragraphs()
    de, fr, gold = _textberg()
    paras = make_paragraphs(gold, len(de), len(fr), 5.0, "agree", seed=0)
    assert len(paras[0]) > 50  # 76 source, 79 target boundaries
    plain = align_texts(de, fr, src_lang="de", tgt_lang="fr", method="embedding")
    kept = align_texts(de, fr, src_lang="de", tgt_lang="fr", method="embedding", paragraphs=paras)
    assert kept.meta["paragraph_agreement"] > 0.9  # measured 1.0: gold's paragraphs correspond
    src_starts, tgt_starts = set(paras[0]), set(paras[1])
    for b in kept.beads:
        assert not src_starts & set(b.src[1:]) and not tgt_starts & set(b.tgt[1:]), b
    assert _f1(gold, kept) > _f1(gold, plain)  # measured 0.939 -> 0.949


def test_paragraphs_that_do_not_correspond_are_not_used() -> None:
    """Blank lines placed with no regard to the translation (each sentence boundary of each
    side one with probability 0.3) cost Text+Berg dev 0.08 of strict F1 when used; along
    the anchors they agree far less often than paragraphs that correspond, and then the
    alignment is the one without them."""
    make_paragraphs = _make_paragraphs()
    de, fr, gold = _textberg()
    noise = make_paragraphs(gold, len(de), len(fr), 5.0, "independent:0.3", seed=0)
    plain = align_texts(de, fr, src_lang="de", tgt_lang="fr", method="embedding")
    noisy = align_texts(de, fr, src_lang="de", tgt_lang="fr", method="embedding", paragraphs=noise)
    assert noisy.meta["paragraph_agreement"] < 0.4  # measured 0.23 (1.0 for gold's)
    assert "paragraphs" not in noisy.signals
    assert [(b.src, b.tgt) for b in noisy.beads] == [(b.src, b.tgt) for b in plain.beads]
    # Lengths alone have no anchor pass: a first programme's 1-1 beads stand in for it.
    plain = align_texts(de, fr, src_lang="de", tgt_lang="fr", method="length")
    noisy = align_texts(de, fr, src_lang="de", tgt_lang="fr", method="length", paragraphs=noise)
    assert noisy.meta["paragraph_agreement"] < 0.4  # measured 0.35
    assert [(b.src, b.tgt) for b in noisy.beads] == [(b.src, b.tgt) for b in plain.beads]
