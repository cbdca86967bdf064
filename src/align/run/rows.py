"""The rows of ``align run``'s side-by-side view: beads composed into rows, rows flagged.

Source <-> translation beads (exact) and translation <-> reference beads (aligned)
are joined into rows by union-find; each row is then flagged ``merged``,
``unaligned``, ``low`` (among the lowest scores) or ``ratio-outlier``.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

from align.run.model import Bead, Row

# A row whose translation/source length ratio is this many robust standard
# deviations (median absolute deviation, on log ratios) from the median is an outlier.
RATIO_OUTLIER_Z = 3.0
# Floor of that deviation (log units), so a short text with near-equal ratios flags
# nothing smaller than about 1.8x off the median.
RATIO_MIN_SPREAD = 0.2
# The lowest-scoring rows flagged ``low``: this share of the scored rows (at least one).
LOW_SHARE = 0.1


def exact_beads(sentences_per_source: Sequence[Sequence[str]]) -> list[Bead]:
    """Source <-> translation beads when source sentence ``i`` became translated sentences."""
    beads: list[Bead] = []
    j = 0
    for i, pieces in enumerate(sentences_per_source):
        beads.append(Bead((i,), tuple(range(j, j + len(pieces)))))
        j += len(pieces)
    return beads


def compose_rows(beads: Sequence[Bead], ref_beads: Sequence[Bead] | None) -> list[Row]:
    """Join source<->translation and translation<->reference beads into view rows.

    Rows are the connected groups of the two bead sets, in document order; a
    reference sentence aligned to nothing becomes a row of its own.
    """
    if ref_beads is None:
        return [Row(list(b.src), list(b.tgt), None, None, None) for b in beads]
    # union-find over ("s", i), ("t", j), ("r", k)
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x: tuple[str, int]) -> tuple[str, int]:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(nodes: list[tuple[str, int]]) -> None:
        if not nodes:
            return
        root = find(nodes[0])
        for n in nodes[1:]:
            parent[find(n)] = root

    for b in beads:
        union([("s", i) for i in b.src] + [("t", j) for j in b.tgt])
    for b in ref_beads:
        union([("t", j) for j in b.src] + [("r", k) for k in b.tgt])
    groups: dict[tuple[str, int], dict[str, list[int]]] = {}
    for node in list(parent):
        g = groups.setdefault(find(node), {"s": [], "t": [], "r": []})
        g[node[0]].append(node[1])
    # order: by first translation sentence; groups without one go after their predecessor
    last_t_of_r: dict[int, int] = {}
    last_t_of_s: dict[int, int] = {}
    for g in groups.values():
        top = max(g["t"]) if g["t"] else None
        for k in g["r"]:
            last_t_of_r[k] = top if top is not None else -1
        for i in g["s"]:
            last_t_of_s[i] = top if top is not None else -1

    def key(g: dict[str, list[int]]) -> tuple[float, int, int]:
        if g["t"]:
            return (float(min(g["t"])), min(g["s"], default=-1), min(g["r"], default=-1))
        before = -1
        if g["r"]:
            k = min(g["r"])
            before = max((last_t_of_r.get(x, -1) for x in range(k)), default=-1)
        elif g["s"]:
            i = min(g["s"])
            before = max((last_t_of_s.get(x, -1) for x in range(i)), default=-1)
        return (before + 0.5, min(g["s"], default=-1), min(g["r"], default=-1))

    ordered = sorted(groups.values(), key=key)
    return [Row(sorted(g["s"]), sorted(g["t"]), sorted(g["r"]), None, None) for g in ordered]


def flag_rows(rows: list[Row], src_lang: str) -> None:
    """Set ``merged``, ``unaligned``, ``low`` and ``ratio-outlier`` flags in place."""
    logs = [math.log(r.ratio) for r in rows if r.ratio]
    med = statistics.median(logs) if logs else 0.0
    mad = statistics.median(abs(x - med) for x in logs) if logs else 0.0
    spread = max(1.4826 * mad, RATIO_MIN_SPREAD)
    scored = sorted((r.score, n) for n, r in enumerate(rows) if r.score is not None)
    n_low = max(1, round(LOW_SHARE * len(scored))) if scored else 0
    low = {n for _, n in scored[:n_low]}
    for n, r in enumerate(rows):
        flags: list[str] = []
        sides = [r.src, r.tgt] + ([r.ref] if r.ref is not None else [])
        if any(len(s) > 1 for s in sides):
            flags.append("merged")
        if any(not s for s in sides):
            flags.append("unaligned")
        if n in low:
            flags.append("low")
        if r.ratio and spread and abs(math.log(r.ratio) - med) / spread > RATIO_OUTLIER_Z:
            flags.append("ratio-outlier")
        r.flags = flags
