"""The pure core of the aligner: bead shapes, bands, the anchor chain, the programme, evaluation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align.alignment.beads import Bead, format_bead, parse_bead_line
from align.alignment.dp import (
    anchor_chain,
    band_around,
    bead_shapes,
    diagonal_band,
    full_band,
    run_dp,
)
from align.alignment.evaluate import (
    match_counts,
    score_alignments,
    synthetic_pairs,
)
from align.errors import InputError


def test_bead_shapes_for_max_merge_4_are_the_bertalign_set() -> None:
    assert bead_shapes(1) == [(1, 0), (0, 1), (1, 1)]
    assert bead_shapes(4) == [
        (1, 0), (0, 1),
        (1, 1),
        (1, 2), (2, 1),
        (1, 3), (2, 2), (3, 1),
        (1, 4), (2, 3), (3, 2), (4, 1),
    ]  # fmt: skip
    with pytest.raises(ValueError):
        bead_shapes(0)


def _table_scores(gold: list[tuple[tuple[int, ...], tuple[int, ...]]], skip: float = -0.2):
    """A score function that gives 1 to the gold beads, -1 to other beads, ``skip`` to skips."""
    ends = {(s[-1] + 1 if s else None, t[-1] + 1 if t else None, len(s), len(t)) for s, t in gold}

    def scores(shape: tuple[int, int], ii: np.ndarray, jj: np.ndarray) -> np.ndarray:
        a, b = shape
        out = np.empty(ii.shape)
        for k, (i, j) in enumerate(zip(ii.tolist(), jj.tolist(), strict=True)):
            key = (i if a else None, j if b else None, a, b)
            if a == 0 or b == 0:
                out[k] = 1.0 if key in ends else skip
            else:
                out[k] = 1.0 if key in ends else -1.0
        return out

    return scores


GOLD = [
    ((0,), (0,)),
    ((1, 2), (1,)),
    ((3,), (2, 3)),
    ((), (4,)),
    ((4,), ()),
    ((5,), (5,)),
    ((6, 7), (6, 7)),
]


def test_run_dp_recovers_known_beads_including_2_1_1_2_0_1_1_0() -> None:
    beads = run_dp(full_band(8, 8), bead_shapes(4), _table_scores(GOLD))
    assert [(b.src, b.tgt) for b in beads] == GOLD
    assert [b.score for b in beads] == [1.0] * len(GOLD)


def test_run_dp_in_small_row_chunks_gives_the_same_path() -> None:
    beads = run_dp(full_band(8, 8), bead_shapes(4), _table_scores(GOLD), chunk_rows=2)
    assert [(b.src, b.tgt) for b in beads] == GOLD


def test_band_around_anchors_is_monotonic_and_keeps_the_anchors() -> None:
    anchors = [(i, i + 1) for i in range(60) if not 20 <= i < 26]
    band = band_around(anchors, 60, 62, 2)
    assert band.lo[0] == 0 and band.hi[-1] == 62
    assert np.all(np.diff(band.lo) >= 0) and np.all(np.diff(band.hi) >= 0)
    for i, j in anchors:
        assert band.lo[i] <= j <= band.hi[i] and band.lo[i + 1] <= j + 1 <= band.hi[i + 1]
    # Linear, not quadratic: about 4 * radius + 2 cells per row, plus the unanchored gap
    # (the whole grid would be 61 * 63 = 3843 cells).
    assert band.area < 61 * 14
    assert band.hi[23] - band.lo[23] >= 6  # the gap between anchors is searched whole


def test_anchor_chain_is_the_heaviest_strictly_increasing_chain() -> None:
    rows = np.array([0, 1, 1, 2, 3, 4])
    cols = np.array([0, 5, 1, 2, 1, 4])
    weights = np.array([1.0, 0.9, 1.0, 1.0, 5.0, 1.0])
    # (3, 1) is heavy but only (0, 0) can precede it: 1 + 5 + 1 = 7 beats 1 + 1 + 1 + 1 = 4.
    assert anchor_chain(rows, cols, weights, 6) == [(0, 0), (3, 1), (4, 4)]
    assert anchor_chain(rows, cols, -weights, 6) == []


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 12),
    m=st.integers(1, 12),
    seed=st.integers(0, 10_000),
    max_merge=st.integers(1, 4),
    radius=st.integers(0, 3),
)
def test_every_sentence_in_exactly_one_bead_and_beads_are_monotonic(
    n: int, m: int, seed: int, max_merge: int, radius: int
) -> None:
    rng = np.random.default_rng(seed)
    noise = rng.normal(size=(9, 9, 13, 13))

    def scores(shape: tuple[int, int], ii: np.ndarray, jj: np.ndarray) -> np.ndarray:
        a, b = shape
        return noise[a, b, ii, jj]

    band = diagonal_band(n, m, radius + abs(n - m))
    beads = run_dp(band, bead_shapes(max_merge), scores)
    src = [i for b in beads for i in b.src]
    tgt = [j for b in beads for j in b.tgt]
    assert src == list(range(n)) and tgt == list(range(m))
    for b in beads:
        assert b.src or b.tgt
        assert len(b.src) <= max_merge and len(b.tgt) <= max_merge
        assert list(b.src) == list(range(b.src[0], b.src[0] + len(b.src))) if b.src else True


def test_format_bead_round_trip() -> None:
    bead = Bead((3, 4), (), 0.25)
    assert format_bead(bead) == "[3, 4]:[]:0.2500"
    assert parse_bead_line(format_bead(bead)) == Bead((3, 4), (), 0.25)
    assert parse_bead_line("[]:[7]") == Bead((), (7,), None)
    for bad in ("[1]-[2]", "1:2", "[a]:[2]", "[1]:[2]:high"):
        with pytest.raises(InputError):
            parse_bead_line(bad)


# --- evaluation: crafted cases with hand-computed P/R/F1 -------------------------------------


def test_perfect_prediction_scores_one() -> None:
    s = score_alignments([(GOLD, GOLD)])
    assert (s.precision_strict, s.recall_strict, s.f1_strict) == (1.0, 1.0, 1.0)
    assert (s.precision_lax, s.recall_lax, s.f1_lax) == (1.0, 1.0, 1.0)


def test_strict_and_lax_on_a_crafted_case() -> None:
    gold = [((0,), (0,)), ((1, 2), (1,)), ((), (2,)), ((3,), (3,))]
    pred = [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((), (2,)), ((3,), (3,))]
    # Precision over 5 predicted beads: strict hits [0]:[0], []:[2], [3]:[3] -> 3/5;
    # lax also accepts [1]:[1] (overlaps [1, 2]:[1]) -> 4/5 ([2]:[] overlaps nothing on the target).
    # Recall over gold links without insertions (3): strict 2/3; lax 3/3.
    s = score_alignments([(gold, pred)])
    assert s.precision_strict == pytest.approx(3 / 5)
    assert s.recall_strict == pytest.approx(2 / 3)
    assert s.f1_strict == pytest.approx(2 * 0.6 * (2 / 3) / (0.6 + 2 / 3))
    assert s.precision_lax == pytest.approx(4 / 5)
    assert s.recall_lax == pytest.approx(1.0)
    assert s.f1_lax == pytest.approx(2 * 0.8 / 1.8)


def test_counts_are_micro_averaged_over_files() -> None:
    a_gold, a_pred = [((0,), (0,))], [((0,), (0,))]
    b_gold = [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    b_pred = [((0, 1), (0, 1)), ((2,), (2,))]
    s = score_alignments([(a_gold, a_pred), (b_gold, b_pred)])
    # precision: (1 + 1) / (1 + 2) strict; recall: (1 + 1) / (1 + 3) strict.
    assert s.precision_strict == pytest.approx(2 / 3)
    assert s.recall_strict == pytest.approx(2 / 4)
    assert s.files == 2 and s.gold_beads == 4 and s.pred_beads == 3
    assert match_counts(b_gold, b_pred).tp_lax == 2


def test_synthetic_pairs_gold_covers_every_line_once() -> None:
    src_lines = [f"s{k}" for k in range(200)]
    tgt_lines = [f"t{k}" for k in range(200)]
    src, tgt, gold = synthetic_pairs(src_lines, tgt_lines, seed=3, merge=0.1, drop=0.05)
    assert [i for s, _t in gold for i in s] == list(range(len(src)))
    assert [j for _s, t in gold for j in t] == list(range(len(tgt)))
    shapes = {(len(s), len(t)) for s, t in gold}
    assert shapes == {(1, 1), (1, 2), (2, 1), (1, 0), (0, 1)}
    for s, t in gold:  # each bead holds the same original lines on both sides
        if s and t:
            assert " ".join(src[i] for i in s).replace("s", "") == " ".join(
                tgt[j] for j in t
            ).replace("t", "")
    with pytest.raises(InputError):
        synthetic_pairs(["a"], [], seed=0)


def test_skipping_a_fragment_costs_its_share_of_a_typical_sentence() -> None:
    from align.alignment.costs import BeadScorer, LengthTerm

    # Typical sentence: 40 chars; target 1 is a 4-char fragment, target 2 a long sentence.
    length = LengthTerm(np.array([40.0, 40.0, 40.0]), np.array([40.0, 4.0, 76.0]))
    flat = BeadScorer([], skip=-0.1, length=length)
    scaled = BeadScorer([], skip=-0.1, length=length, skip_power=1.0)
    jj = np.array([2, 3])  # 0-1 beads ending after target 1 (the fragment) and target 2
    assert flat((0, 1), np.array([0, 0]), jj).tolist() == [-0.1, -0.1]
    fragment, long = scaled((0, 1), np.array([0, 0]), jj).tolist()
    assert fragment == pytest.approx(-0.1 * 4 / 40)
    assert long == pytest.approx(-0.1)  # never more than a whole sentence's skip


class _TableTerm:
    """A similarity term that looks a bead up by its shape and its last target sentence."""

    def __init__(self, table: dict[tuple[tuple[int, int], int], float]) -> None:
        self.table = table

    def scores(self, shape: tuple[int, int], ii: np.ndarray, jj: np.ndarray) -> np.ndarray:
        return np.array([self.table[(shape, int(j))] for j in jj])


def test_a_whole_sentence_that_lowers_a_beads_similarity_costs_the_difference() -> None:
    from align.alignment.costs import BeadScorer, LengthTerm

    # Source 0 matches target 0 (1.0), not target 1 (0.0); with both it scores 0.6.
    term = _TableTerm({((1, 1), 1): 1.0, ((1, 1), 2): 0.0, ((1, 2), 2): 0.6})
    ii, jj = np.array([1]), np.array([2])  # the 1-2 bead of source 0 and targets 0, 1
    # Typical sentence (target scale): 2 x target chars / sentences; the 1-1 part is 0.4 better.
    whole = LengthTerm(np.array([40.0]), np.array([40.0, 40.0]))  # typical 53.3
    fragment = LengthTerm(np.array([22.0]), np.array([40.0, 4.0]))  # typical 29.3
    for length, dropped in ((whole, 40.0), (fragment, 4.0)):
        scorer = BeadScorer([(term, 1.0)], skip=-0.1, length=length, part_weight=1.0, part_power=3)
        expected = 0.6 - 0.4 * min(1.0, dropped / length.typical) ** 3
        assert scorer((1, 2), ii, jj)[0] == pytest.approx(expected)
        plain = BeadScorer([(term, 1.0)], skip=-0.1, length=length)
        assert plain((1, 2), ii, jj)[0] == pytest.approx(0.6)


def test_shared_tokens_are_numbers_and_capitalised_words() -> None:
    from align.alignment.costs import shared_tokens

    de, zh = shared_tokens(
        ["Am 9.Mai erreichte Imanishi ( Sherpa-Liste Nr.57 ) den Gipfel .", "2023年GDP增长5%"]
    )
    assert de == {"9", "mai", "am", "imanishi", "sherpa", "liste", "nr", "57", "gipfel"}
    assert zh == {"2023", "gdp", "5"}  # Han runs are not words that a translation spells alike
    wide, arabic = shared_tokens(["１９５６年ＧＤＰ", "عام ٢٠٢٤ في Paris"])
    assert wide == {"1956", "gdp"}
    assert arabic == {"2024", "paris"}  # no case in Arabic: only numbers and Latin names


def test_a_number_links_two_sentences_only_when_it_is_unique_nearby() -> None:
    from align.alignment.costs import LexicalTerm
    from align.alignment.dp import full_band

    src = ["Im Jahre 1950 kamen sie an .", "Es regnete .", "1950 war ein gutes Jahr ."]
    tgt = ["Ils arrivèrent en 1950 .", "Il pleuvait .", "Mount Everest , 8848 m ."]
    far = ["Mount Everest ( 8848 m ) ."] + ["..."] * 12 + ["Der Everest , 8848 m ."]
    # "1950" twice in the source within reach: which one is the French 1950 is a guess.
    assert len(LexicalTerm(src, tgt, full_band(3, 3), reach=5)) == 0
    assert len(LexicalTerm(src[:2], tgt, full_band(2, 3), reach=5)) == 1  # (0, 0): 1950
    # "Everest" and "8848" link source 13 and target 2, not source 0: target 2 is out of its
    # reach in the band ("Mount" links nothing for the same reason).
    band = full_band(14, 3)
    band.lo[:] = np.minimum(np.arange(15) // 5, 3)  # row i only reaches columns near i / 5
    band.hi[:] = np.minimum(np.arange(15) // 5 + 1, 3)
    band.hi[-1] = 3
    term = LexicalTerm(far, tgt, band, reach=1)
    assert term.pairs(np.array([13, 0]), np.array([2, 2])).tolist() == [2.0, 0.0]
    assert len(term) == 2


def test_a_split_that_cuts_a_number_from_its_counterpart_loses_the_link() -> None:
    from align.alignment.costs import BeadScorer, LexicalTerm
    from align.alignment.dp import full_band

    # The French sentence boundary falls elsewhere: "1960" crosses a 1-1 + 1-1 split.
    src = ["Um 1950 begann es .", "Um 1960 ging es weiter , 1970 war es vorbei ."]
    tgt = ["Cela commença en 1950 et continua en 1960 .", "En 1970 , tout était fini ."]
    term = LexicalTerm(src, tgt, full_band(2, 2), reach=2)
    assert len(term) == 3
    scorer = BeadScorer([], skip=-1.0, additive=[(term, 1.0)])
    beads = run_dp(full_band(2, 2), bead_shapes(3), scorer)
    assert [(b.src, b.tgt) for b in beads] == [((0, 1), (0, 1))]
    # Without the crossing number the two 1-1 beads keep every link: no reason to merge.
    tgt[0] = "Cela commença en 1950 ."
    term = LexicalTerm(src, tgt, full_band(2, 2), reach=2)
    one_one = term.scores((1, 1), np.array([1, 2]), np.array([1, 2])).sum()
    merged = term.scores((2, 2), np.array([2]), np.array([2])).sum()
    assert one_one == merged == 2


def test_a_bead_that_leaves_a_bracket_open_pays_on_that_side() -> None:
    from align.alignment.costs import BracketTerm

    src = ["Dyhrenfurth : « Dämon Himalaya » ( Basel :", "Benno Schwabe 1935 ) .", "Ende ."]
    tgt = ["Dyhrenfurth , Dämon Himalaya .", "Benno Schwabe , Basel 1935 .", "Fin ."]
    term = BracketTerm(src, tgt)
    one_one = term.scores((1, 1), np.array([1, 2, 3]), np.array([1, 2, 3]))
    assert one_one.tolist() == [-1.0, -1.0, 0.0]  # opened in source 0, closed in source 1
    assert term.scores((2, 2), np.array([2]), np.array([2])).tolist() == [0.0]
    assert term.scores((1, 0), np.array([1]), np.array([0])).tolist() == [-1.0]


def test_a_bead_that_takes_sentences_from_two_paragraphs_pays_per_boundary() -> None:
    from align.alignment.costs import ParagraphTerm

    # Source paragraphs [0, 1] [2] [3, 4]; target [0, 1, 2] [3] (0 and the ends are ignored).
    term = ParagraphTerm([0, 2, 3, 5], [3], 5, 4)
    assert len(term) == 1
    # 2-2 beads ending at (2, 2), (3, 3), (4, 4): source 0-1 inside a paragraph; 1-2 and
    # 2-3 each cross one source boundary; target 1-2 is inside, 2-3 crosses its boundary.
    two_two = term.scores((2, 2), np.array([2, 3, 4]), np.array([2, 3, 4]))
    assert two_two.tolist() == [0.0, -1.0, -2.0]
    # Source 2-4 cross the boundary at 3 (the one at 2 is where the bead starts).
    assert term.scores((3, 1), np.array([5]), np.array([4])).tolist() == [-1.0]
    assert term.scores((1, 1), np.array([3]), np.array([3])).tolist() == [0.0]  # 1-1 never
    assert term.scores((1, 0), np.array([3]), np.array([2])).tolist() == [0.0]


def test_paragraphs_keep_a_merge_inside_its_paragraph() -> None:
    """The short last sentence of a paragraph, which the translation joined to the sentence
    before it: lengths alone give it to the next paragraph's bead; with the paragraphs it
    stays in its own. (Hence the last sentences: a side whose every sentence is its own
    paragraph is taken for a sentence-per-paragraph layout and gives no boundaries.)"""
    from align.alignment import align_texts

    src = ["A long first sentence about the harbour and its boats.", "Yes.",
           "The second paragraph speaks of the town above the harbour.", "It ends here."]  # fmt: skip
    tgt = ["Une longue phrase sur le port et ses bateaux, oui.",
           "Le second paragraphe parle de la ville au-dessus du port.", "Il finit ici."]  # fmt: skip
    plain = align_texts(src, tgt, src_lang="en", tgt_lang="fr", method="length")
    assert [(b.src, b.tgt) for b in plain.beads][:2] == [((0,), (0,)), ((1, 2), (1,))]
    kept = align_texts(
        src, tgt, src_lang="en", tgt_lang="fr", method="length", paragraphs=([0, 2], [0, 1])
    )
    assert [(b.src, b.tgt) for b in kept.beads] == [((0, 1), (0,)), ((2,), (1,)), ((3,), (2,))]
    assert "paragraphs" in kept.signals and "paragraphs" not in plain.signals
    assert kept.meta["paragraph_boundaries"] == 1


def test_window_lookup_with_repeated_starts_is_not_taken_for_the_cached_range() -> None:
    """Cells of one row share a source window: starts like [0, 0, 2] have as many entries as
    the cached range [0, 3) but are not it (the shortcut once returned rows 0, 1, 2)."""
    from align.alignment.costs import SimilarityTerm
    from align.alignment.overlap import OverlapEmbedder

    ov = OverlapEmbedder()
    left = ov.pool(["One red apple.", "Two green pears.", "Three blue plums."])
    right = ov.pool(["Un.", "Deux."])
    ov.fit(left, right)
    term = SimilarityTerm("overlap", ov, left, right, block=2)  # type: ignore[arg-type]
    whole = term.windows(0, 1, np.arange(3))
    picked = term.windows(0, 1, np.array([0, 0, 2]))
    assert np.array_equal(picked, whole[[0, 0, 2]])


def test_one_sided_gaps_counts_the_anchor_gaps_with_one_empty_side() -> None:
    from align.alignment.aligner import one_sided_gaps

    # gaps: before (0,0) none; (0,0)-(2,1): 1-0 one-sided; (2,1)-(4,4): 1-2 two-sided;
    # after (4,4) up to (6,5): 1-0 one-sided
    assert one_sided_gaps([(0, 0), (2, 1), (4, 4)], 6, 5) == pytest.approx(2 / 3)
    assert one_sided_gaps([(0, 0), (1, 1)], 2, 2) == 0.0  # no gap at all
