"""The dynamic programme over a band of cells, its traceback, and the band builders.

Pure: arrays in, beads out. A cell ``(i, j)`` means "the first ``i`` source
and the first ``j`` target sentences are aligned". A bead of shape ``(a, b)``
ending at ``(i, j)`` covers source ``[i-a, i)`` and target ``[j-b, j)``; the
programme maximises the sum of bead scores along a monotonic path from
``(0, 0)`` to ``(n, m)``. Only cells inside a :class:`Band` (one column range
per row) are stored, so memory is the band's area, not ``n x m``.

Coarse-to-fine: :func:`anchor_chain` picks 1-1 anchors (the best monotonic
chain of candidate pairs), :func:`band_around` turns them into a narrow band,
and :func:`run_dp` aligns many-to-many beads inside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from align.alignment.beads import Bead

if TYPE_CHECKING:
    import numpy as np

Shape = tuple[int, int]
# scores(shape, ii, jj) -> score of each bead of that shape ending at cells (ii[k], jj[k]).
ScoreFn = Callable[[Shape, "np.ndarray", "np.ndarray"], "np.ndarray"]

NEG = -1e30


def bead_shapes(max_merge: int) -> list[Shape]:
    """The bead shapes allowed: 1-0, 0-1 and every (a, b) with a, b >= 1 and a + b <= max_merge + 1.

    ``max_merge`` is the most sentences one side of a bead may hold (1: only 1-1 and skips).
    """
    if max_merge < 1:
        raise ValueError("max_merge must be at least 1")
    shapes: list[Shape] = [(1, 0), (0, 1)]
    for total in range(2, max_merge + 2):
        for a in range(1, total):
            shapes.append((a, total - a))
    return shapes


@dataclass
class Band:
    """Cells kept by the programme: row ``i`` holds columns ``lo[i]..hi[i]`` (inclusive).

    ``lo`` and ``hi`` are non-decreasing, ``lo[0] == 0`` and ``hi[-1] == m``.
    """

    lo: np.ndarray
    hi: np.ndarray

    @property
    def rows(self) -> int:
        return int(self.lo.shape[0]) - 1

    @property
    def cols(self) -> int:
        return int(self.hi[-1])

    def offsets(self) -> np.ndarray:
        """Start of each row in a flat array of all cells (length rows + 2)."""
        import numpy as np

        widths = self.hi - self.lo + 1
        out = np.zeros(len(widths) + 1, dtype=np.int64)
        np.cumsum(widths, out=out[1:])
        return out

    @property
    def area(self) -> int:
        return int((self.hi - self.lo + 1).sum())


def full_band(n: int, m: int) -> Band:
    """Every cell: for small inputs and tests."""
    import numpy as np

    return Band(np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64))


def diagonal_band(n: int, m: int, radius: int) -> Band:
    """The cells within ``radius`` columns of the straight line from (0, 0) to (n, m)."""
    import numpy as np

    centre = np.round(np.arange(n + 1) * (m / max(n, 1))).astype(np.int64)
    return _finish(centre - radius, centre + radius, n, m)


def _finish(lo: np.ndarray, hi: np.ndarray, n: int, m: int) -> Band:
    """Clip to the grid, make both edges monotonic and pin the corners."""
    import numpy as np

    lo = np.clip(lo, 0, m).astype(np.int64)
    hi = np.clip(hi, 0, m).astype(np.int64)
    lo[0] = 0
    hi[n] = m
    lo = np.minimum.accumulate(lo[::-1])[::-1].copy()  # lo[i] <= lo[i+1]
    hi = np.maximum.accumulate(hi)
    hi = np.maximum(hi, lo)
    return Band(lo, hi)


def band_around(anchors: Sequence[tuple[int, int]], n: int, m: int, radius: int) -> Band:
    """A band through 1-1 anchors ``(i, j)`` (source i aligned with target j), widened by ``radius``.

    Between two consecutive anchors the band spans the whole rectangle between
    them (the unaligned stretch is searched completely); around each anchor it
    is ``radius`` cells wide in both directions.
    """
    import numpy as np

    # Path corners in cell coordinates: (0, 0), each anchor's cells, (n, m).
    corners: list[tuple[int, int]] = [(0, 0)]
    for i, j in anchors:
        corners.append((i, j))
        corners.append((i + 1, j + 1))
    corners.append((n, m))
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    for (r1, c1), (r2, c2) in zip(corners, corners[1:], strict=False):
        lo[r1 : r2 + 1] = np.minimum(lo[r1 : r2 + 1], c1)
        hi[r1 : r2 + 1] = np.maximum(hi[r1 : r2 + 1], c2)
    # Widen: each row takes the union of the rows within radius, plus radius columns.
    if radius > 0:
        lo = _sliding(lo, radius, np.minimum) - radius
        hi = _sliding(hi, radius, np.maximum) + radius
    return _finish(lo, hi, n, m)


def _sliding(x: np.ndarray, radius: int, op: np.ufunc) -> np.ndarray:
    out = x.copy()
    for k in range(1, radius + 1):
        out[k:] = op(out[k:], x[:-k])
        out[:-k] = op(out[:-k], x[k:])
    return out


def anchor_chain(
    rows: np.ndarray, cols: np.ndarray, weights: np.ndarray, m: int
) -> list[tuple[int, int]]:
    """The heaviest chain of candidate pairs that is strictly increasing in both coordinates.

    Candidates are ``(rows[k], cols[k])`` with ``weights[k]``; only positive
    weights are worth taking. O(P log m) with a Fenwick tree of prefix maxima.
    """
    import numpy as np

    keep = weights > 0
    rows, cols, weights = rows[keep], cols[keep], weights[keep]
    if rows.size == 0:
        return []
    # Process rows in order; inside a row, larger columns first so that two
    # candidates of the same row can never chain together.
    order = np.lexsort((-cols, rows))
    size = m + 1
    tree_val = [0.0] * (size + 1)
    tree_arg = [-1] * (size + 1)
    best = np.zeros(rows.size)
    back = np.full(rows.size, -1, dtype=np.int64)

    def query(pos: int) -> tuple[float, int]:  # max over columns < pos (1-based prefix)
        val, arg = 0.0, -1
        while pos > 0:
            if tree_val[pos] > val:
                val, arg = tree_val[pos], tree_arg[pos]
            pos -= pos & -pos
        return val, arg

    def update(pos: int, val: float, arg: int) -> None:
        while pos <= size:
            if val > tree_val[pos]:
                tree_val[pos], tree_arg[pos] = val, arg
            pos += pos & -pos

    r_list, c_list, w_list = rows.tolist(), cols.tolist(), weights.tolist()
    for k in order.tolist():
        prev_val, prev_arg = query(c_list[k])  # columns strictly smaller
        best[k] = prev_val + w_list[k]
        back[k] = prev_arg
        update(c_list[k] + 1, float(best[k]), k)
    k = int(np.argmax(best))
    chain: list[tuple[int, int]] = []
    while k >= 0:
        chain.append((r_list[k], c_list[k]))
        k = int(back[k])
    chain.reverse()
    return chain


def run_dp(
    band: Band,
    shapes: Sequence[Shape],
    scores: ScoreFn,
    *,
    chunk_rows: int = 2048,
) -> list[Bead]:
    """Best monotonic path through ``band``; returns its beads in order.

    ``scores(shape, ii, jj)`` gives the score of beads of ``shape`` ending at the
    cells ``(ii, jj)``; it is called in bulk, once per shape and row chunk.
    Skips (1-0, 0-1) are shapes like any other: their scores come from the
    same function.
    """
    import numpy as np

    n = band.rows
    lo, hi = band.lo, band.hi
    off = band.offsets()
    total = int(off[-1])
    best = np.full(total, NEG, dtype=np.float64)
    choice = np.full(total, -1, dtype=np.int8)
    gain = np.zeros(total, dtype=np.float32)  # score of the bead chosen at each cell
    best[0] = 0.0  # cell (0, 0)
    shapes = list(shapes)
    ins = shapes.index((0, 1)) if (0, 1) in shapes else -1
    row_shapes = [(k, a, b) for k, (a, b) in enumerate(shapes) if a > 0]

    for c0 in range(0, n + 1, chunk_rows):
        c1 = min(n + 1, c0 + chunk_rows)
        # All cells of this chunk of rows, flattened; and the bead scores there.
        ii = np.repeat(np.arange(c0, c1), (hi[c0:c1] - lo[c0:c1] + 1))
        jj = np.concatenate([np.arange(lo[i], hi[i] + 1) for i in range(c0, c1)])
        table = np.full((len(shapes), ii.size), NEG, dtype=np.float64)
        for k, (a, b) in enumerate(shapes):
            ok = (ii >= a) & (jj >= b)
            if ok.any():
                table[k, ok] = scores((a, b), ii[ok], jj[ok])
        base = off[c0]
        for i in range(max(c0, 0), c1):
            s, e = int(off[i]), int(off[i + 1])
            cols = np.arange(lo[i], hi[i] + 1)
            row_best = best[s:e] if i == 0 else np.full(e - s, NEG)
            row_choice = choice[s:e].copy() if i == 0 else np.full(e - s, -1, dtype=np.int8)
            row_gain = np.zeros(e - s, dtype=np.float64)
            for k, a, b in row_shapes:
                pj = cols - b
                prow = i - a
                if prow < 0:
                    continue
                valid = (pj >= lo[prow]) & (pj <= hi[prow])
                if not valid.any():
                    continue
                prev = np.full(e - s, NEG)
                prev[valid] = best[off[prow] + pj[valid] - lo[prow]]
                cand = prev + table[k, s - base : e - base]
                better = cand > row_best
                if better.any():
                    row_best = np.where(better, cand, row_best)
                    row_choice[better] = k
                    row_gain = np.where(better, table[k, s - base : e - base], row_gain)
            if ins >= 0 and e - s > 1:
                # 0-1 beads stay in the row: best[j] = max(best[j], best[j-1] + skip[j]).
                skip = table[ins, s - base : e - base]
                for t in range(1, e - s):
                    cand = row_best[t - 1] + skip[t]
                    if cand > row_best[t]:
                        row_best[t] = cand
                        row_choice[t] = ins
                        row_gain[t] = skip[t]
            best[s:e] = row_best
            choice[s:e] = row_choice
            gain[s:e] = row_gain
    if best[total - 1] <= NEG / 2:
        raise ValueError("no path through the band")
    return _traceback(band, off, shapes, choice, gain)


def _traceback(
    band: Band, off: np.ndarray, shapes: Sequence[Shape], choice: np.ndarray, gain: np.ndarray
) -> list[Bead]:
    i, j = band.rows, band.cols
    beads: list[Bead] = []
    while i > 0 or j > 0:
        cell = int(off[i] + j - band.lo[i])
        k = int(choice[cell])
        if k < 0:
            raise ValueError(f"broken traceback at cell ({i}, {j})")
        a, b = shapes[k]
        beads.append(Bead(tuple(range(i - a, i)), tuple(range(j - b, j)), float(gain[cell])))
        i, j = i - a, j - b
    beads.reverse()
    return beads
