"""A reference-free estimate: cross-lingual embedding similarity of source and hypothesis.

Always labelled as an estimate and kept apart from the reference-based
numbers: it is not a translation metric and not comparable to BLEU or chrF.
The embeddings are the alignment room's (:mod:`align.alignment.embed`),
imported when an estimate is asked for.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from align.errors import InputError

# A segment is flagged when its similarity is this many robust standard deviations
# below the corpus median, or its relative length is outside these bounds.
QE_LOW_Z = -2.5
QE_SHORT = 0.5
QE_LONG = 2.0


@dataclass
class QualityEstimate:
    """Reference-free estimate: cross-lingual embedding similarity of source and hypothesis.

    Not a translation metric and not comparable to BLEU or chrF. Per system and
    segment: cosine similarity (``similarity``), length relative to the
    corpus's usual ratio (``length``), and a flag: ``omission?`` (much
    shorter), ``addition?`` (much longer), ``mistranslation?`` (similarity far
    below the corpus median).
    """

    method: str
    signature: str
    similarity: dict[str, list[float]]
    length: dict[str, list[float]]
    flags: dict[str, list[str]]

    def mean(self, system: str) -> float:
        return statistics.fmean(self.similarity[system]) if self.similarity[system] else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": "estimate",
            "method": self.method,
            "signature": self.signature,
            "systems": {
                name: {
                    "mean_similarity": self.mean(name),
                    "flagged": sum(1 for f in self.flags[name] if f),
                }
                for name in self.similarity
            },
        }


def estimate_quality(
    src: Sequence[str],
    hyps: Mapping[str, Sequence[str]],
    *,
    src_lang: str,
    tgt_lang: str,
) -> QualityEstimate:
    """Per-segment cross-lingual similarity of source and each system's hypotheses (an estimate).

    Uses the multilingual sentence embeddings of :mod:`align.alignment.embed`.
    Empty segments get similarity 0 and are flagged as omissions.
    """
    try:
        from align.alignment.embed import embed_sentences, embedding_supported, model_signature
    except ImportError as exc:  # pragma: no cover - the alignment room is part of the package
        raise InputError("the reference-free estimate needs align.alignment.embed") from exc
    from align.errors import LanguageError

    for lang in (src_lang, tgt_lang):
        if not embedding_supported(lang):
            raise LanguageError(f"the sentence embeddings do not cover {lang!r}; no estimate")
    keep = [i for i, s in enumerate(src) if s.strip()]
    src_vecs = embed_sentences([src[i] for i in keep], src_lang) if keep else None
    sims: dict[str, list[float]] = {}
    lengths: dict[str, list[float]] = {}
    flags: dict[str, list[str]] = {}
    for name, lines in hyps.items():
        both = [i for i in keep if lines[i].strip()]
        sim = [0.0] * len(src)
        if both and src_vecs is not None:
            pos = {i: k for k, i in enumerate(keep)}
            hyp_vecs = embed_sentences([lines[i] for i in both], tgt_lang)
            rows = src_vecs[[pos[i] for i in both]]
            for i, v in zip(both, (rows * hyp_vecs).sum(axis=1), strict=True):
                sim[i] = float(v)
        ratios = [len(lines[i]) / len(src[i]) for i in both]
        usual = statistics.median(ratios) if ratios else 1.0
        rel = [
            (len(lines[i]) / len(src[i]) / usual) if src[i].strip() and usual else 0.0
            for i in range(len(src))
        ]
        values = [sim[i] for i in both]
        med = statistics.median(values) if values else 0.0
        mad = statistics.median([abs(v - med) for v in values]) * 1.4826 if values else 0.0
        row_flags = []
        for i in range(len(src)):
            if not src[i].strip():
                row_flags.append("")
            elif not lines[i].strip() or rel[i] < QE_SHORT:
                row_flags.append("omission?")
            elif rel[i] > QE_LONG:
                row_flags.append("addition?")
            elif mad > 0 and (sim[i] - med) / mad < QE_LOW_Z:
                row_flags.append("mistranslation?")
            else:
                row_flags.append("")
        sims[name], lengths[name], flags[name] = sim, rel, row_flags
    return QualityEstimate(
        method=(
            "reference-free estimate: cosine similarity of multilingual sentence embeddings of "
            "source and hypothesis (not a translation metric, not comparable to BLEU or chrF)"
        ),
        signature=f"estimate:cosine|embed:{model_signature()}|src:{src_lang}|tgt:{tgt_lang}",
        similarity=sims,
        length=lengths,
        flags=flags,
    )
