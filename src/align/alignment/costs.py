"""Cost terms: each scores beads of a shape ``(a, b)`` ending at cells ``(ii, jj)`` (higher is better).

A term is calibrated on the data it aligns, so the programme does not depend on
magic constants that only fit one language pair:

- :class:`SimilarityTerm` — cosine of two window embeddings, rescaled so that
  0 is what random pairs of sentences score and 1 what the best matches
  typically score. The ``embedding`` signal compares source and target
  windows across languages; the ``translation`` signal compares the machine
  translation of one side with the other side, in one language.
- :class:`LengthTerm` — Gale & Church (1993): the log-probability of the
  target length given the source length, with the length ratio measured on the
  texts themselves.
- :class:`LexicalTerm` — numbers and capitalised words (names) spelled alike on
  both sides: a bead earns one point per link between its sentences, so a
  split that separates a number from its counterpart loses it.
- :class:`BracketTerm` — a bead whose sentences on one side open a bracket they
  do not close (or close one they did not open) loses a point: beads are
  self-contained units.

:class:`BeadScorer` sums weighted terms and adds the skip (insertion/deletion)
score, which is calibrated from the same rescaled similarities.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from align.alignment.dp import Shape

if TYPE_CHECKING:
    import numpy as np

    from align.alignment.embed import Embedder, Pooled


# Gale & Church's bead priors (1-1 .89, 1-0/0-1 .0099, 2-1/1-2 .089, 2-2 .011);
# larger beads share what is left.
_GC_PRIOR: dict[Shape, float] = {
    (1, 1): 0.89,
    (1, 0): 0.0099 / 2,
    (0, 1): 0.0099 / 2,
    (2, 1): 0.089 / 2,
    (1, 2): 0.089 / 2,
    (2, 2): 0.011,
}
_GC_OTHER = 0.001


def gc_log_prior(shape: Shape) -> float:
    """Gale & Church's log prior probability of a bead shape."""
    a, b = shape
    # Lengths alone hardly tell a 3-3 bead from 1-1 + 2-2: beads beyond Bertalign's shapes
    # (a + b > 5) are a thousand times rarer per extra sentence.
    other = _GC_OTHER * 0.001 ** max(0, a + b - 5)
    return math.log(_GC_PRIOR.get(shape, other))


def _log_erfc(x: np.ndarray) -> np.ndarray:
    """log(erfc(x)) for x >= 0, vectorised and stable in the tail."""
    import numpy as np

    x = np.asarray(x, dtype=np.float64)
    # Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7) written in log space.
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    out: np.ndarray = np.log(poly) - x * x
    return out


def window_sums(values: np.ndarray) -> np.ndarray:
    """Prefix sums with a leading 0: the sum of ``values[s:e]`` is ``out[e] - out[s]``."""
    import numpy as np

    out = np.zeros(len(values) + 1, dtype=np.float64)
    np.cumsum(values, out=out[1:])
    return out


@dataclass
class LengthTerm:
    """Gale-Church length score of a bead: log P(delta), delta the normalised length difference.

    ``ratio`` (target chars per source char) defaults to the ratio of the
    totals; ``variance`` is Gale & Church's 6.8 per character.
    """

    src_len: np.ndarray
    tgt_len: np.ndarray
    ratio: float = 0.0
    variance: float = 6.8
    name: str = "length"
    _src_cum: np.ndarray = field(init=False, repr=False)
    _tgt_cum: np.ndarray = field(init=False, repr=False)
    typical: float = field(init=False)  # mean target-side chars of a sentence

    def __post_init__(self) -> None:
        self._src_cum = window_sums(self.src_len)
        self._tgt_cum = window_sums(self.tgt_len)
        n_sents = len(self.src_len) + len(self.tgt_len)
        self.typical = float(self._tgt_cum[-1] * 2) / max(n_sents, 1) or 1.0
        if self.ratio <= 0:
            total_src = float(self._src_cum[-1])
            total_tgt = float(self._tgt_cum[-1])
            self.ratio = total_tgt / total_src if total_src > 0 and total_tgt > 0 else 1.0

    def lengths(
        self, shape: Shape, ii: np.ndarray, jj: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        a, b = shape
        ls = self._src_cum[ii] - self._src_cum[ii - a]
        lt = self._tgt_cum[jj] - self._tgt_cum[jj - b]
        return ls, lt

    def scores(self, shape: Shape, ii: np.ndarray, jj: np.ndarray) -> np.ndarray:
        import numpy as np

        ls, lt = self.lengths(shape, ii, jj)
        mean = (ls * self.ratio + lt) / 2.0
        delta = np.abs(lt - ls * self.ratio) / np.sqrt(self.variance * np.maximum(mean, 1.0))
        return _log_erfc(delta / math.sqrt(2.0))


@dataclass
class Calibration:
    """Where random pairs and good matches sit on the raw cosine scale."""

    random: float
    match: float

    def rescale(self, cos: np.ndarray) -> np.ndarray:
        span = max(self.match - self.random, 1e-3)
        out: np.ndarray = (cos - self.random) / span
        return out


_CELL_BLOCK = 4096


class SimilarityTerm:
    """Rescaled cosine similarity of a source window and a target window.

    ``left``/``right`` are the pooled encoder sums of the two sides
    (:meth:`align.alignment.embed.Embedder.pool`); window embeddings are
    computed on demand for the range of starts a row chunk needs, so memory
    does not grow with the document.
    """

    def __init__(
        self,
        name: str,
        embedder: Embedder,
        left: Pooled | list[str],
        right: Pooled | list[str],
        block: int = _CELL_BLOCK,
    ) -> None:
        """``block``: windows computed ahead and cells compared at a time (wider vectors,
        smaller blocks: the working set is about block x 3 vectors)."""
        self.name = name
        self.block = block
        self.embedder = embedder
        self.left = left
        self.right = right
        self.calibration = Calibration(0.0, 1.0)
        self._cache: dict[tuple[int, int], tuple[int, np.ndarray, Any]] = {}
        self.margin = 0.0
        self._samples: list[np.ndarray] = []

    def use_margin(self, weight: float, k: int = 48, seed: int = 0) -> None:
        """Subtract ``weight`` x the mean similarity of each window to k random sentences
        of the other side (a window similar to everything earns less)."""
        import numpy as np

        rng = np.random.default_rng(seed)
        self.margin = weight
        self._samples = []
        for pooled in (self.right, self.left):  # samples *of the other side*
            size = len(pooled)
            idx = np.sort(rng.choice(size, size=min(k, size), replace=False))
            self._samples.append(self.embedder.embed_windows(pooled, idx, 1))

    def windows(self, side: int, size: int, starts: np.ndarray) -> np.ndarray:
        """Embeddings of windows ``[s, s+size)`` on ``side`` (0 left, 1 right), one row per start."""
        import numpy as np

        lo, hi = int(starts.min()), int(starts.max()) + 1
        hit = self._cache.get((side, size))
        if hit is None or lo < hit[0] or hi > hit[0] + hit[1].shape[0]:
            pooled = self.left if side == 0 else self.right
            # Compute ahead: the programme asks for neighbouring ranges shape after shape.
            end = max(hi, min(len(pooled) - size + 1, lo + self.block))
            rng = np.arange(lo, end)
            emb = self.embedder.embed_windows(pooled, rng, size)
            hub = (emb @ self._samples[side].T).mean(axis=1) if self.margin else None
            hit = (lo, emb, hub)
            self._cache[(side, size)] = hit
        first = int(starts[0]) - hit[0]
        if (
            starts.size == hit[1].shape[0]
            and first == 0
            and int(starts[-1]) == hi - 1
            and bool((np.diff(starts) == 1).all())  # cells repeat rows: same count, not arange
        ):
            out: np.ndarray = hit[1]  # the whole cached range, in order: no copy
            return out
        return hit[1][starts - hit[0]]

    def forget(self) -> None:
        """Drop cached window embeddings (after the anchor pass, before the long one)."""
        self._cache.clear()

    def hubness(self, side: int, size: int, starts: np.ndarray) -> np.ndarray:
        """Mean similarity of each window to random sentences of the other side (after windows())."""
        hit = self._cache[(side, size)]
        out: np.ndarray = hit[2][starts - hit[0]]
        return out

    def cosine(self, shape: Shape, ii: np.ndarray, jj: np.ndarray) -> np.ndarray:
        """Cosine of the source window ending at each ``ii`` and the target window ending at ``jj``."""
        import numpy as np

        a, b = shape
        out = np.empty(ii.shape, dtype=np.float64)
        # In blocks of cells: gathering both windows costs 4 KB per cell.
        for c0 in range(0, ii.size, self.block):
            bi, bj = ii[c0 : c0 + self.block], jj[c0 : c0 + self.block]
            x = self.windows(0, a, bi - a)
            y = self.windows(1, b, bj - b)
            cos = np.einsum("ij,ij->i", x, y)
            if self.margin:
                hub = self.hubness(0, a, bi - a) + self.hubness(1, b, bj - b)
                cos -= self.margin * 0.5 * hub
            out[c0 : c0 + bi.size] = cos
        return out

    def scores(self, shape: Shape, ii: np.ndarray, jj: np.ndarray) -> np.ndarray:
        return self.calibration.rescale(self.cosine(shape, ii, jj))


@dataclass
class BeadScorer:
    """Weighted sum of terms for a bead, plus calibrated skip scores.

    ``skip`` is the score of a 1-0 or 0-1 bead. With ``length_power`` p, a bead
    earns its similarity times (its characters / a typical sentence pair's) ** p
    (a skip keeps its constant score): with p = 0 the
    sum over beads prefers splitting (two 1-1 beads score twice), with p = 1 it
    prefers merging (a merged window is rarely less similar than its parts);
    0.5 sits between, and a short fragment (OCR debris, a caption) adds little
    to the bead it would join.
    """

    terms: Sequence[tuple[Any, float]]
    skip: float
    length: LengthTerm | None = None
    length_weight: float = 0.0
    prior_weight: float = 0.0
    length_skips: bool = False  # score skips by length too (plain Gale-Church)
    length_power: float = 0.0  # credit a bead (its length / a typical pair's) ** length_power
    # A bead loses part_weight x its part gap (see _part_gap); part_power: how fast a
    # sentence's weight in that test falls as it gets shorter than a typical sentence.
    part_weight: float = 0.0
    part_power: float = 1.0
    skip_power: float = 0.0  # a skip shorter than a typical sentence: skip x (its share) ** this
    # Terms added to a bead's score as they are, after the length credit: (term, weight),
    # each with scores(shape, ii, jj) (LexicalTerm, BracketTerm).
    additive: Sequence[tuple[Any, float]] = ()

    def similarity(self, shape: Shape, ii: np.ndarray, jj: np.ndarray) -> np.ndarray:
        """What a bead's ``score`` reports: the weighted rescaled similarity (0 ~ unrelated,
        1 ~ a typical good match), or the Gale-Church probability without similarity terms;
        0 for insertions and deletions."""
        import numpy as np

        a, b = shape
        if a == 0 or b == 0:
            return np.zeros(ii.shape, dtype=np.float64)
        if not self.terms and self.length is not None:
            out: np.ndarray = np.exp(self.length.scores(shape, ii, jj))
            return out
        total = np.zeros(ii.shape, dtype=np.float64)
        weights = 0.0
        for term, weight in self.terms:
            if isinstance(term, SimilarityTerm):
                total += weight * term.scores(shape, ii, jj)
                weights += weight
        return total / weights if weights else total

    def __call__(self, shape: Shape, ii: np.ndarray, jj: np.ndarray) -> np.ndarray:
        import numpy as np

        a, b = shape
        if a == 0 or b == 0:
            out = np.full(ii.shape, self.skip, dtype=np.float64)
            if self.skip_power and self.length is not None:
                # Leaving out a fragment (OCR debris, a stray number) costs its share of a
                # typical sentence: the counterpart of the length credit of a bead.
                ls, lt = self.length.lengths(shape, ii, jj)
                share = (ls * self.length.ratio + lt) / self.length.typical
                out *= np.minimum(share, 1.0) ** self.skip_power
            if self.prior_weight:
                out += self.prior_weight * gc_log_prior(shape)
            if self.length is not None and self.length_skips:
                out += self.length_weight * self.length.scores(shape, ii, jj)
            return out
        total = self._weighted(shape, ii, jj)
        if self.part_weight and self.length is not None and (a > 1 or b > 1):
            total -= self.part_weight * self._part_gap(shape, ii, jj, total)
        if self.length_power and self.length is not None:
            ls, lt = self.length.lengths(shape, ii, jj)
            rel = (ls * self.length.ratio + lt) / (2.0 * self.length.typical)
            total *= np.maximum(rel, 0.05) ** self.length_power
        if self.length is not None and self.length_weight:
            total += self.length_weight * self.length.scores(shape, ii, jj)
        if self.prior_weight:
            total += self.prior_weight * gc_log_prior(shape)
        for term, weight in self.additive:
            total += weight * term.scores(shape, ii, jj)
        return total

    def _weighted(self, shape: Shape, ii: np.ndarray, jj: np.ndarray) -> np.ndarray:
        import numpy as np

        total = np.zeros(ii.shape, dtype=np.float64)
        for term, weight in self.terms:
            total += weight * term.scores(shape, ii, jj)
        return total

    def _part_gap(
        self, shape: Shape, ii: np.ndarray, jj: np.ndarray, full: np.ndarray
    ) -> np.ndarray:
        """How much more similar each many-sentence bead is without its first or last
        sentence on one side, times (that sentence's share of a typical one) ** part_power.

        Positive when a whole sentence makes the bead less similar: it is unrelated to the
        other side and belongs in a skip or in the next bead. Fragments hardly count.
        """
        import numpy as np

        assert self.length is not None
        a, b = shape
        src, tgt, ratio = self.length.src_len, self.length.tgt_len, self.length.ratio
        # (shape without the sentence, its end cell, the sentence's length on the target scale)
        parts: list[tuple[Shape, np.ndarray, np.ndarray, np.ndarray]] = []
        if a > 1:
            parts.append(((a - 1, b), ii, jj, src[ii - a] * ratio))  # without the first
            parts.append(((a - 1, b), ii - 1, jj, src[ii - 1] * ratio))  # without the last
        if b > 1:
            parts.append(((a, b - 1), ii, jj, tgt[jj - b]))
            parts.append(((a, b - 1), ii, jj - 1, tgt[jj - 1]))
        gap = np.zeros(ii.shape, dtype=np.float64)
        for part, pi, pj, dropped in parts:
            share = np.minimum(dropped / self.length.typical, 1.0) ** self.part_power
            gap = np.maximum(gap, (self._weighted(part, pi, pj) - full) * share)
        return gap


# Digit runs, and runs of two or more letters outside the CJK blocks (whose words are not
# separated, and whose names are not spelled like the other side's anyway).
_TOKEN = r"\d+|[^\W\d_\u2e80-\u9fff\uac00-\ud7af\u3040-\u30ff\uf900-\ufaff]{2,}"


def shared_tokens(sentences: Sequence[str]) -> list[set[str]]:
    """Per sentence: what a translation is likely to spell alike — its numbers and,
    lower-cased, its words with an upper-case letter (names; in German every noun).

    Full-width forms are folded (NFKC: "１９５６" and "ＧＤＰ" as "1956" and "gdp") and digits
    of other scripts written as ASCII digits ("٢٠٢٤" as "2024").
    """
    import re
    import unicodedata

    pattern = re.compile(_TOKEN)
    out: list[set[str]] = []
    for sentence in sentences:
        tokens: set[str] = set()
        for tok in pattern.findall(unicodedata.normalize("NFKC", sentence)):
            if tok[0].isdigit():
                tokens.add("".join(str(unicodedata.decimal(ch, 0)) for ch in tok))
            elif any(ch.isupper() for ch in tok):
                tokens.add(tok.lower())
        out.append(tokens)
    return out


class LexicalTerm:
    """Links between source and target sentences that share a number or a name.

    A token links source sentence i and target sentence j when it occurs in both,
    in no other sentence within ``reach`` of either (so "1956" mentioned in three
    neighbouring sentences links nothing: which of them matches which is a guess),
    and j is the only target sentence with it in the band's reach of row i. A bead
    scores the number of links among its sentences: merging beads gains nothing,
    while a split that cuts a sentence from its counterpart (the French sentence
    boundary falling elsewhere) loses the links across the cut.

    Only the links near the band are kept: memory grows with the band, not n x m.
    """

    name = "lexical"

    def __init__(self, src: Sequence[str], tgt: Sequence[str], band: Any, reach: int) -> None:
        import numpy as np

        n, m = len(src), len(tgt)
        self.stride = m + 1
        src_index = _token_index(shared_tokens(src))
        tgt_index = _token_index(shared_tokens(tgt))
        lo, hi = np.asarray(band.lo, dtype=np.int64), np.asarray(band.hi, dtype=np.int64)
        # The target sentences that can share a bead with source sentence i.
        first = np.maximum(lo[:n] - reach, 0)
        last = hi[np.minimum(np.arange(n) + reach, n)]
        keys: list[np.ndarray] = []
        for tok, rows in src_index.items():
            cols = tgt_index.get(tok)
            if cols is None:
                continue
            r = np.asarray(rows, dtype=np.int64)  # increasing, both
            c = np.asarray(cols, dtype=np.int64)
            near_r = np.searchsorted(r, r + reach, "right") - np.searchsorted(r, r - reach, "left")
            near_c = np.searchsorted(c, c + reach, "right") - np.searchsorted(c, c - reach, "left")
            s = np.searchsorted(c, first[r], "left")
            e = np.searchsorted(c, last[r], "right")
            at = np.minimum(s, len(c) - 1)
            ok = (e - s == 1) & (near_r == 1) & (near_c[at] == 1)
            if ok.any():
                keys.append(r[ok] * self.stride + c[at[ok]])
        if keys:
            self.keys, self.links = np.unique(np.concatenate(keys), return_counts=True)
        else:
            self.keys, self.links = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        """The number of links."""
        return int(self.links.sum())

    def pairs(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Links between source sentences ``i`` and target sentences ``j`` (element-wise)."""
        import numpy as np

        if not len(self.keys):
            return np.zeros(i.shape, dtype=np.float64)
        q = i * self.stride + j
        pos = np.minimum(np.searchsorted(self.keys, q), len(self.keys) - 1)
        out: np.ndarray = np.where(self.keys[pos] == q, self.links[pos], 0).astype(np.float64)
        return out

    def scores(self, shape: Shape, ii: np.ndarray, jj: np.ndarray) -> np.ndarray:
        """Links inside each bead of ``shape`` ending at ``(ii, jj)``."""
        import numpy as np

        a, b = shape
        out = np.zeros(ii.shape, dtype=np.float64)
        if not len(self.keys):
            return out
        for p in range(1, a + 1):
            for q in range(1, b + 1):
                out += self.pairs(ii - p, jj - q)
        return out


def _token_index(per_sentence: list[set[str]]) -> dict[str, list[int]]:
    """token -> the sentences it occurs in, in order."""
    index: dict[str, list[int]] = {}
    for k, tokens in enumerate(per_sentence):
        for tok in tokens:
            index.setdefault(tok, []).append(k)
    return index


_OPEN = "([{（［｛"
_CLOSE = ")]}）］｝"


class BracketTerm:
    """-1 for each side of a bead whose sentences open a bracket they do not close, or
    close one they did not open: "( Basel :" belongs with the sentence that closes it."""

    name = "brackets"

    def __init__(self, src: Sequence[str], tgt: Sequence[str]) -> None:
        self.src_depth = window_sums(_bracket_balance(src))
        self.tgt_depth = window_sums(_bracket_balance(tgt))

    def scores(self, shape: Shape, ii: np.ndarray, jj: np.ndarray) -> np.ndarray:
        import numpy as np

        a, b = shape
        out = np.zeros(ii.shape, dtype=np.float64)
        if a:
            out -= (self.src_depth[ii] - self.src_depth[ii - a]) != 0
        if b:
            out -= (self.tgt_depth[jj] - self.tgt_depth[jj - b]) != 0
        return out


def _bracket_balance(sentences: Sequence[str]) -> np.ndarray:
    """Opening minus closing brackets, per sentence."""
    import numpy as np

    return np.array(
        [sum(s.count(ch) for ch in _OPEN) - sum(s.count(ch) for ch in _CLOSE) for s in sentences],
        dtype=np.float64,
    )


class ParagraphTerm:
    """-1 for each paragraph boundary a bead's sentences cross on either side.

    Translators merge and split sentences inside a paragraph, rarely across one, so a
    bead whose sentences come from two paragraphs of one side is almost always a wrong
    merge. Each side is judged on its own boundaries: a boundary the other side lacks (a
    paragraph the translator merged or split) still holds on its own side and asks
    nothing of the other, while boundaries both sides share make every bead end at them,
    which is what a paragraph anchor is. ``src_starts`` / ``tgt_starts``: the sentence
    indices where a paragraph begins (0 and the length of the side are ignored)."""

    name = "paragraphs"

    def __init__(
        self, src_starts: Sequence[int], tgt_starts: Sequence[int], n: int, m: int
    ) -> None:
        self.src_count, self.src_cum = _boundary_counts(src_starts, n)
        self.tgt_count, self.tgt_cum = _boundary_counts(tgt_starts, m)

    def __len__(self) -> int:
        """Internal boundaries on the side that has fewer."""
        return min(self.src_count, self.tgt_count)

    def scores(self, shape: Shape, ii: np.ndarray, jj: np.ndarray) -> np.ndarray:
        import numpy as np

        a, b = shape
        out = np.zeros(ii.shape, dtype=np.float64)
        if a > 1:  # boundaries strictly inside the bead's source sentences
            out -= self.src_cum[ii - 1] - self.src_cum[ii - a]
        if b > 1:
            out -= self.tgt_cum[jj - 1] - self.tgt_cum[jj - b]
        return out


def internal_boundaries(starts: Sequence[int], n: int) -> list[int]:
    """The paragraph starts of a side of ``n`` sentences that are boundaries between two of
    its sentences (0 and ``n`` are not), sorted, once each."""
    return sorted({k for k in starts if 0 < k < n})


def _boundary_counts(starts: Sequence[int], n: int) -> tuple[int, np.ndarray]:
    """How many internal boundaries, and cum[k] = how many are at positions 1..k."""
    import numpy as np

    at = np.zeros(n + 1, dtype=np.float64)
    inside = internal_boundaries(starts, n)
    at[inside] = 1.0
    return len(inside), np.cumsum(at)
