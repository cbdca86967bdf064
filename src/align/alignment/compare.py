"""The person-facing comparison of two versions of a text: coverage, doubtful pairs, similarity.

Built on :func:`align.alignment.align_texts`: sentences left in insertion or
deletion beads are likely omissions or additions; aligned beads with the
lowest scores, or whose lengths disagree far more than the texts do overall,
are the pairs worth a second look.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from align.alignment.aligner import MAX_MERGE, Alignment, _char_lengths, align_texts
from align.alignment.io import joined

LOW_SCORE = 0.35  # below this calibrated similarity a pair is doubtful (1 ~ a typical match)
LENGTH_FACTOR = 2.0  # ... or when one side is this many times longer than expected


@dataclass(frozen=True)
class Doubt:
    """One place worth checking."""

    kind: str  # "omission" (source only), "addition" (target only), "low score", "length ratio"
    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float
    ratio: float | None  # target length / expected target length
    src_text: str
    tgt_text: str

    def as_row(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "src": list(self.src),
            "tgt": list(self.tgt),
            "score": round(self.score, 3),
            "ratio": None if self.ratio is None else round(self.ratio, 2),
            "src_text": self.src_text,
            "tgt_text": self.tgt_text,
        }


@dataclass
class Comparison:
    """Result of :func:`compare_texts`."""

    alignment: Alignment
    src_sentences: int
    tgt_sentences: int
    coverage_src: float  # share of source sentences aligned to something
    coverage_tgt: float
    similarity: float  # 0..1: mean bead similarity, weighted by sentences, unaligned count 0
    doubts: list[Doubt] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        a = self.alignment
        return {
            "src_lang": a.src_lang,
            "tgt_lang": a.tgt_lang,
            "src_sentences": self.src_sentences,
            "tgt_sentences": self.tgt_sentences,
            "beads": len(a.beads),
            "coverage_src": round(100 * self.coverage_src, 1),
            "coverage_tgt": round(100 * self.coverage_tgt, 1),
            "similarity": round(self.similarity, 3),
            "unaligned_src": sum(1 for d in self.doubts if d.kind == "omission"),
            "unaligned_tgt": sum(1 for d in self.doubts if d.kind == "addition"),
            "method": a.description,
        }


def compare_texts(
    src_sents: Sequence[str],
    tgt_sents: Sequence[str],
    *,
    src_lang: str,
    tgt_lang: str,
    method: str = "auto",
    max_merge: int = MAX_MERGE,
    models_dir: str | os.PathLike[str] | None = None,
    top: int = 10,
    on_stage: Callable[[str], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    paragraphs: tuple[Sequence[int], Sequence[int]] | None = None,
) -> Comparison:
    """Align the two versions and report coverage, similarity and the doubtful places.

    Every unaligned sentence is listed (omission/addition); of the aligned
    beads, the ``top`` lowest-scoring ones below :data:`LOW_SCORE` and those
    whose length ratio is off by more than :data:`LENGTH_FACTOR`.
    """
    result = align_texts(
        src_sents,
        tgt_sents,
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        method=method,
        max_merge=max_merge,
        models_dir=models_dir,
        on_stage=on_stage,
        on_progress=on_progress,
        paragraphs=paragraphs,
    )
    src_len = _char_lengths(src_sents, result.src_lang)
    tgt_len = _char_lengths(tgt_sents, result.tgt_lang)
    total_src, total_tgt = float(src_len.sum()), float(tgt_len.sum())
    expected = total_tgt / total_src if total_src > 0 and total_tgt > 0 else 1.0

    def text(bead_src: Sequence[int], bead_tgt: Sequence[int]) -> tuple[str, str]:
        return (
            joined(src_sents, bead_src, result.src_lang),
            joined(tgt_sents, bead_tgt, result.tgt_lang),
        )

    found: list[tuple[int, Doubt]] = []  # (bead position, doubt)
    aligned_src = aligned_tgt = 0
    weighted = 0.0
    low: list[tuple[int, Doubt]] = []
    for pos, bead in enumerate(result.beads):
        if not bead.src or not bead.tgt:
            kind = "omission" if not bead.tgt else "addition"
            found.append(
                (pos, Doubt(kind, bead.src, bead.tgt, 0.0, None, *text(bead.src, bead.tgt)))
            )
            continue
        aligned_src += len(bead.src)
        aligned_tgt += len(bead.tgt)
        score = 0.0 if bead.score is None else bead.score  # the aligner scores every bead
        weighted += min(max(score, 0.0), 1.0) * (len(bead.src) + len(bead.tgt))
        ls = float(sum(src_len[i] for i in bead.src))
        lt = float(sum(tgt_len[j] for j in bead.tgt))
        ratio = (lt + 1.0) / (expected * ls + 1.0)
        if abs(math.log(ratio)) > math.log(LENGTH_FACTOR):
            kind = "length ratio"
        elif score < LOW_SCORE:
            kind = "low score"
        else:
            continue
        doubt = Doubt(kind, bead.src, bead.tgt, score, ratio, *text(bead.src, bead.tgt))
        (found if kind == "length ratio" else low).append((pos, doubt))
    low.sort(key=lambda item: item[1].score)
    found.extend(low[:top])
    found.sort(key=lambda item: item[0])
    n, m = len(src_sents), len(tgt_sents)
    return Comparison(
        alignment=result,
        src_sentences=n,
        tgt_sentences=m,
        coverage_src=aligned_src / n,
        coverage_tgt=aligned_tgt / m,
        similarity=weighted / (n + m),
        doubts=[d for _pos, d in found],
    )
