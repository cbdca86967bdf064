"""The rows of ``align run``'s side-by-side view: beads composed into rows, rows flagged.

Source <-> translation beads (exact) and translation <-> reference beads (aligned)
are joined into rows by union-find; each row is then flagged ``merged``,
``unaligned``, ``low`` (among the lowest scores), ``ratio-outlier`` or
``omission`` (likely missing content: see :func:`flag_rows`).
"""

from __future__ import annotations

import math
import re
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
# ``omission``: a row whose translation is short for its source by :func:`length_deviation`,
# below -OMISSION_Z with a score among the lowest OMISSION_LOW_SHARE; or below
# -OMISSION_HARD_Z whatever the score (a similarity barely sees a lost clause). Tuned on WMT23
# zh-en with clauses cut from real systems' rows (bench/bench_omission.py).
OMISSION_Z = 1.5
OMISSION_HARD_Z = 3.0
OMISSION_LOW_SHARE = 0.25
# Characters written wide (CJK ideographs, kana, hangul): one of them carries as much as
# several Latin letters, so a text's length is measured as (wide, other) characters.
WIDE = re.compile(
    r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    r"\uac00-\ud7af\uf900-\ufaff]"
)

# What each flag means, with its thresholds: recorded in scores.json (RunResult.flag_rules)
# and shown as the report's legend, so the numbers there are the ones the run used.
FLAG_RULES: dict[str, str] = {
    "omission": "likely omission: a source or reference sentence with no translation beside "
    "it; or a translation shorter than its source leads to expect (length ratio fitted over "
    "the whole text, CJK characters counted apart, the gap scaled by the square root of the "
    f"length) by more than {OMISSION_Z:g} robust deviations with a score among the lowest "
    f"{OMISSION_LOW_SHARE:.0%}, or by more than {OMISSION_HARD_Z:g} whatever its score",
    "unaligned": "a side of the row is empty: a sentence nothing on the other side matched",
    "low": f"among the lowest {LOW_SHARE:.0%} of the scored rows of this target",
    "ratio-outlier": "translation/source length ratio more than "
    f"{RATIO_OUTLIER_Z:g} robust deviations (median absolute deviation of the log ratios, "
    f"at least {RATIO_MIN_SPREAD:g}) from the median, longer or shorter",
    "merged": "a side holds several sentences (one bead of many to one); not a fault by itself",
}


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


def length_deviation(pairs: Sequence[tuple[str, str]]) -> list[float | None]:
    """How much longer (+) or shorter (-) each row's translation is than expected, in robust
    deviations; ``pairs`` are (text measured against, translation) per row.

    The expected length is fitted over the whole text by least squares on two counts of the
    measured side, wide (CJK) and other characters, so "API" in a Chinese sentence counts
    as three letters, not three ideographs; the gap is divided by the square root of the
    expected length (Gale & Church: longer sentences vary more), then centred on the median
    and divided by the median absolute deviation (scaled to a standard deviation). None for
    a row with an empty side, and for every row when there is too little to measure.
    """
    feats = [(len(WIDE.findall(m)), len(m)) for m, _ in pairs]
    feats = [(w, n - w) for w, n in feats]
    lens = [len(t) for _, t in pairs]
    known = [(w, o, t) for (w, o), t in zip(feats, lens, strict=True) if t and (w or o)]
    if not known:
        return [None] * len(pairs)
    sww = sum(w * w for w, _, _ in known)
    soo = sum(o * o for _, o, _ in known)
    swo = sum(w * o for w, o, _ in known)
    det = sww * soo - swo * swo
    x = y = sum(t for _, _, t in known) / sum(w + o for w, o, _ in known)  # one ratio
    if det > 1e-9 * sww * soo:
        swt = sum(w * t for w, _, t in known)
        sot = sum(o * t for _, o, t in known)
        x2, y2 = (swt * soo - sot * swo) / det, (sot * sww - swt * swo) / det
        if x2 > 0 and y2 > 0:
            x, y = x2, y2
    gaps: list[float | None] = []
    for (w, o), t in zip(feats, lens, strict=True):
        expected = x * w + y * o
        gaps.append((t - expected) / math.sqrt(expected) if t and expected > 0 else None)
    values = [g for g in gaps if g is not None]
    med = statistics.median(values)
    spread = 1.4826 * statistics.median(abs(g - med) for g in values)
    if spread <= 0:
        return [None] * len(pairs)
    return [None if g is None else (g - med) / spread for g in gaps]


def _lowest(rows: Sequence[Row], share: float) -> set[int]:
    """The indices of the lowest-scoring ``share`` of the scored rows (at least one, unless
    every row ties the best score).

    By score, not by position among equal scores: every row tied with the cut-off score is
    in (so the set can be a little larger than the share), except when the cut-off is the
    best score there is — a row as good as the best (chrF 100 from a memory) is never low."""
    scores = sorted(r.score for r in rows if r.score is not None)
    if not scores:
        return set()
    cut = scores[max(1, round(share * len(scores))) - 1]
    top = scores[-1]
    return {
        n
        for n, r in enumerate(rows)
        if r.score is not None and (r.score < cut or (r.score == cut and cut < top))
    }


def flag_rows(
    rows: list[Row],
    src_lang: str,
    texts: Sequence[tuple[str, str]] | None = None,
) -> None:
    """Set ``merged``, ``unaligned``, ``low``, ``ratio-outlier`` and ``omission`` flags in place.

    ``omission`` (the translation likely lost content): a source or reference sentence
    with no translation beside it; or, given ``texts`` (per row: source and translation
    text), a translation short for its source by :func:`length_deviation`: below
    -OMISSION_Z with a score among the lowest OMISSION_LOW_SHARE, or below
    -OMISSION_HARD_Z whatever the score. (Measured against the reference instead, the
    flag found fewer cut clauses: bench/bench_omission.py.)
    """
    logs = [math.log(r.ratio) for r in rows if r.ratio]
    med = statistics.median(logs) if logs else 0.0
    mad = statistics.median(abs(x - med) for x in logs) if logs else 0.0
    spread = max(1.4826 * mad, RATIO_MIN_SPREAD)
    low = _lowest(rows, LOW_SHARE)
    lowish = _lowest(rows, OMISSION_LOW_SHARE)
    short = length_deviation(texts) if texts is not None else [None] * len(rows)
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
        z = short[n]
        missing = not r.tgt and bool(r.src or r.ref)
        if missing or (
            z is not None and (z < -OMISSION_HARD_Z or (z < -OMISSION_Z and n in lowish))
        ):
            flags.append("omission")
        r.flags = flags
