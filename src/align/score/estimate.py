"""A reference-free estimate of translation quality: one score per segment in [0, 1], with reasons.

Always labelled as an estimate and kept apart from the reference-based
numbers: it is not a translation metric and not comparable to BLEU or chrF.

What it looks at, per segment (:mod:`align.score.signals` for the details):

- ``similarity``: cosine of the multilingual sentence embeddings of source and
  translation (:mod:`align.alignment.embed`, USE multilingual), when the
  embeddings cover both languages;
- ``short`` / ``long``: how far the length ratio is from this corpus's usual
  ratio (``|log|`` of the relative length, split by direction);
- ``repeated``: the share of repeated n-grams;
- ``numbers`` / ``names``: the share of the source's numbers and names missing;
- ``untranslated``: source-language words left in the output.

The first five are combined linearly, with weights fitted by least squares on
sentence chrF / 100 of WMT23 zh-en systems (``bench/bench_estimate.py``; fitted
on two systems, measured on the other three), and clipped to [0, 1]. There are
two weight sets: with the embedding similarity, and without it for languages
the embeddings do not cover (Catalan, Galician, ...), so every language pair
gets an estimate. Untranslated words then multiply the score by
``(1 - share) * UNTRANSLATED_WORD ** words`` (at most :data:`UNTRANSLATED_CAP`
words counted): a fixed rule, not fitted, because WMT23 zh-en has almost no
untranslated words to fit it on (see docs/score.md), and a reader notices
every word left in the source language.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# A segment is flagged when its similarity is this many robust standard deviations
# below the corpus median, or its relative length is outside these bounds.
QE_LOW_Z = -2.5
QE_SHORT = 0.5
QE_LONG = 2.0
# A segment is flagged ``repeated`` when this share of its n-grams repeat, and the most
# frequent one occurs at least REPEAT_MIN_COUNT times.
REPEAT_SHARE = 0.2
REPEAT_MIN_COUNT = 3

# Least-squares weights on sentence chrF / 100, fitted by bench/bench_estimate.py on
# WMT23 zh-en systems ANVITA and GPT4-5shot (3,952 segments) and measured on the other
# three; see docs/score.md. The fit is sign-constrained: a signal whose weight would
# reward a defect (on pooled segments, longer output and segments with numbers go with
# easier segments) gets 0. The missing-numbers signal still gives a reason and a flag.
WEIGHTS_EMBED: dict[str, float] = {
    "intercept": 0.1178,
    "similarity": 0.5207,
    "short": -0.0693,
    "long": 0.0,
    "repeated": -0.0425,
    "numbers": 0.0,
    "names": -0.0451,
}
WEIGHTS_PLAIN: dict[str, float] = {
    "intercept": 0.4793,
    "short": -0.0358,
    "long": 0.0,
    "repeated": -0.4051,
    "numbers": 0.0,
    "names": -0.0818,
}
# Each distinct untranslated word multiplies the score by this (at most UNTRANSLATED_CAP words).
UNTRANSLATED_WORD = 0.8
UNTRANSLATED_CAP = 5
# The version of the combination, in the signature.
COMBINATION = "v1"
FEATURES = ("similarity", "short", "long", "repeated", "numbers", "names", "untranslated")

# What each reason's row flag means (align run records these beside its own rules, and the
# report shows them as its legend).
ESTIMATE_FLAG_RULES: dict[str, str] = {
    "untranslated": "words left in the source (or a pivot) language: the whole sentence "
    "detected as the source language, the source's script in another script's text, or "
    "words copied from the source that its language's dictionary has and the target's not",
    "length": f"under {QE_SHORT:g}× or over {QE_LONG:g}× the length the text's usual ratio "
    "leads to expect",
    "repeated": "the same word n-gram (character n-gram in unspaced scripts) repeated "
    f"{REPEAT_MIN_COUNT} times or more, over {REPEAT_SHARE:.0%} of the sentence",
    "numbers-missing": "a number of the source (two digits or more) is not in the translation",
    "names-missing": "a name of the source (a capitalised word, not the first, that its "
    "language's dictionary does not have) is not in the translation",
    "low-similarity": f"cross-lingual similarity more than {-QE_LOW_Z:g} robust deviations "
    "below the target's median",
}


@dataclass
class QualityEstimate:
    """Reference-free estimate: a score per segment in [0, 1] with its reasons.

    Not a translation metric and not comparable to BLEU or chrF. Per system and
    segment: the combined ``score``, its ``reasons`` (``untranslated: ...``,
    ``length: ...``, ``repeated: ...``, ``numbers-missing: ...``,
    ``names-missing: ...``, ``low-similarity: ...``), the raw ``signals``, the
    cosine ``similarity`` (empty when the embeddings do not cover a language),
    the length relative to the corpus's usual ratio (``length``), and one
    ``flag``: ``omission?`` (much shorter), ``addition?`` (much longer),
    ``mistranslation?`` (similarity far below the corpus median).
    """

    method: str
    signature: str
    similarity: dict[str, list[float]]
    length: dict[str, list[float]]
    flags: dict[str, list[str]]
    score: dict[str, list[float]] = field(default_factory=dict)
    reasons: dict[str, list[list[str]]] = field(default_factory=dict)
    signals: dict[str, list[dict[str, float]]] = field(default_factory=dict)
    embeddings: bool = True

    def mean(self, system: str) -> float | None:
        """Mean cosine similarity, None when the embeddings do not cover the languages."""
        values = self.similarity.get(system)
        if not self.embeddings or values is None:
            return None
        return statistics.fmean(values) if values else 0.0

    def corpus(self, system: str) -> float:
        """The corpus estimate: the mean segment score (what targets are ranked by)."""
        values = self.score.get(system) or []
        return statistics.fmean(values) if values else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": "estimate",
            "method": self.method,
            "signature": self.signature,
            "embeddings": self.embeddings,
            "systems": {
                name: {
                    "mean_similarity": self.mean(name),
                    "estimate": self.corpus(name),
                    "flagged": sum(1 for f in self.flags[name] if f),
                    "with_reasons": sum(1 for r in self.reasons.get(name, []) if r),
                }
                for name in self.flags
            },
        }


def combine(
    signals: Mapping[str, float], embeddings: bool, weights: Mapping[str, float] | None = None
) -> float:
    """One segment's score in [0, 1] from its signals (see the module docstring); ``weights``
    default to :data:`WEIGHTS_EMBED` or :data:`WEIGHTS_PLAIN`."""
    if weights is None:
        weights = WEIGHTS_EMBED if embeddings else WEIGHTS_PLAIN
    value = weights["intercept"] + sum(
        w * float(signals.get(k, 0.0)) for k, w in weights.items() if k != "intercept"
    )
    value = min(1.0, max(0.0, value))
    share = float(signals.get("untranslated", 0.0))
    words = min(int(signals.get("untranslated_words", 0)), UNTRANSLATED_CAP)
    return value * (1.0 - share) * UNTRANSLATED_WORD**words


def segment_features(
    src: Sequence[str],
    hyp: Sequence[str],
    *,
    src_lang: str,
    tgt_lang: str,
    similarity: Sequence[float] | None = None,
    marked: Sequence[Sequence[str]] | None = None,
    pivots: Sequence[str] = (),
) -> tuple[list[dict[str, float]], list[list[str]], list[float]]:
    """The signals, reasons and relative length of every segment of one system.

    ``similarity``: the cosine per segment (None without embeddings);
    ``marked``: words the engine marked as unknown, per segment; ``pivots``: the languages
    a chain went through.
    """
    from align.score.signals import segment_signals

    ratios = [len(h) / len(s) for s, h in zip(src, hyp, strict=True) if s.strip() and h.strip()]
    usual = statistics.median(ratios) if ratios else 1.0
    sims = list(similarity) if similarity is not None else None
    if sims:
        both = [v for v, s, h in zip(sims, src, hyp, strict=True) if s.strip() and h.strip()]
        med = statistics.median(both) if both else 0.0
        mad = statistics.median([abs(v - med) for v in both]) * 1.4826 if both else 0.0
    feats: list[dict[str, float]] = []
    reasons: list[list[str]] = []
    rels: list[float] = []
    for k, (s, h) in enumerate(zip(src, hyp, strict=True)):
        if not s.strip():
            feats.append({})
            reasons.append([])
            rels.append(0.0)
            continue
        rel = (len(h) / len(s) / usual) if usual else 0.0
        rels.append(rel)
        why: list[str] = []
        if not h.strip():
            feats.append({"short": 5.0, "empty": 1.0})
            reasons.append(["length: empty (omission?)"])
            continue
        sig = segment_signals(
            s, h, src_lang, tgt_lang, marked=marked[k] if marked else (), pivots=pivots
        )
        unt, rep, miss = sig["untranslated"], sig["repeated"], sig["missing"]
        log_rel = math.log(rel) if rel > 0 else -5.0
        f = {
            "short": max(0.0, -log_rel),
            "long": max(0.0, log_rel),
            "repeated": rep.share,
            "numbers": miss.number_share,
            "names": miss.name_share,
            "untranslated": unt.share,
            "untranslated_words": float(len(unt.words)),
        }
        if sims is not None:
            f["similarity"] = sims[k]
        feats.append(f)
        if unt.words or unt.sentence:
            why.append(unt.reason(src_lang))
        if rel < QE_SHORT:
            why.append(f"length: {rel:.2f}× the usual length (omission?)")
        elif rel > QE_LONG:
            why.append(f"length: {rel:.2f}× the usual length (addition?)")
        if rep.share >= REPEAT_SHARE and rep.count >= REPEAT_MIN_COUNT:
            why.append(rep.reason())
        why += miss.reasons()
        if sims is not None and mad > 0 and (sims[k] - med) / mad < QE_LOW_Z:
            why.append(f"low-similarity: {sims[k]:.2f} against a median of {med:.2f}")
        reasons.append(why)
    return feats, reasons, rels


def _old_flag(reasons: Sequence[str], empty: bool) -> str:
    if empty:
        return "omission?"
    for r in reasons:
        if r.startswith("length:"):
            return "omission?" if "omission" in r else "addition?"
    if any(r.startswith("low-similarity:") for r in reasons):
        return "mistranslation?"
    return ""


def estimate_quality(
    src: Sequence[str],
    hyps: Mapping[str, Sequence[str]],
    *,
    src_lang: str,
    tgt_lang: str,
    marked: Mapping[str, Sequence[Sequence[str]]] | None = None,
    pivots: Sequence[str] = (),
) -> QualityEstimate:
    """The reference-free estimate of each system's hypotheses (see the module docstring).

    Uses the multilingual sentence embeddings of :mod:`align.alignment.embed`
    when they cover both languages, and the signals that need none otherwise.
    Empty segments score 0 and are flagged as omissions. ``marked``: per system,
    the words the engine marked as unknown in each segment. ``pivots``: the languages a
    chain of engines went through (their words left in the output are untranslated too).
    """
    from align import languages as langs
    from align.alignment.embed import embedding_supported, model_signature

    src_lang, tgt_lang = langs.normalize(src_lang), langs.normalize(tgt_lang)
    use_embed = embedding_supported(src_lang) and embedding_supported(tgt_lang)
    sims: dict[str, list[float]] = {}
    if use_embed:
        sims = _similarities(src, hyps, src_lang, tgt_lang)
    lengths: dict[str, list[float]] = {}
    flags: dict[str, list[str]] = {}
    scores: dict[str, list[float]] = {}
    reasons: dict[str, list[list[str]]] = {}
    signals: dict[str, list[dict[str, float]]] = {}
    for name, lines in hyps.items():
        feats, why, rel = segment_features(
            src,
            lines,
            src_lang=src_lang,
            tgt_lang=tgt_lang,
            similarity=sims.get(name) if use_embed else None,
            marked=(marked or {}).get(name),
            pivots=pivots,
        )
        scores[name] = [0.0 if (not f or f.get("empty")) else combine(f, use_embed) for f in feats]
        flags[name] = [
            "" if not s.strip() else _old_flag(w, not h.strip())
            for s, h, w in zip(src, lines, why, strict=True)
        ]
        lengths[name], reasons[name], signals[name] = rel, why, feats
    embed = f"embed:{model_signature()}" if use_embed else "embed:none"
    return QualityEstimate(
        method=(
            "reference-free estimate: sentence-embedding similarity"
            + ("" if use_embed else " (not available for these languages)")
            + ", length ratio, repeated n-grams, missing numbers and names, and untranslated "
            "words, combined into one score per segment in [0, 1] (not a translation metric, "
            "not comparable to BLEU or chrF)"
        ),
        signature=(
            f"estimate:{COMBINATION}|{embed}|src:{src_lang}|tgt:{tgt_lang}|fit:wmt23-zh-en-chrf"
        ),
        similarity=sims,
        length=lengths,
        flags=flags,
        score=scores,
        reasons=reasons,
        signals=signals,
        embeddings=use_embed,
    )


def _similarities(
    src: Sequence[str], hyps: Mapping[str, Sequence[str]], src_lang: str, tgt_lang: str
) -> dict[str, list[float]]:
    """Cosine of source and hypothesis embeddings per segment (0 where either is empty)."""
    from align.alignment.embed import embed_sentences

    keep = [i for i, s in enumerate(src) if s.strip()]
    src_vecs = embed_sentences([src[i] for i in keep], src_lang) if keep else None
    pos = {i: k for k, i in enumerate(keep)}
    out: dict[str, list[float]] = {}
    for name, lines in hyps.items():
        both = [i for i in keep if lines[i].strip()]
        sim = [0.0] * len(src)
        if both and src_vecs is not None:
            hyp_vecs = embed_sentences([lines[i] for i in both], tgt_lang)
            rows = src_vecs[[pos[i] for i in both]]
            for i, v in zip(both, (rows * hyp_vecs).sum(axis=1), strict=True):
                sim[i] = float(v)
        out[name] = sim
    return out
