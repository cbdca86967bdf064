"""Align and score one target of ``align run``.

One translation (a string per source sentence) keeps its source's segmentation:
translated sentence ``i`` is the translation of source sentence ``i``, so the
source <-> translation beads are 1-1 by construction (re-splitting it would turn
"the CEO U.S.G. in 2024." into two sentences and a false "merged" row). It is
aligned with its reference by the alignment room and scored by :mod:`align.score`:
sacrebleu against the reference over the aligned rows, else the reference-free
estimate, clearly labelled. Every target also gets the estimate's corpus score
(``TargetResult.estimate``, what targets are ranked by) and its reasons on the rows
(``Row.reasons``, and their names in ``Row.flags``), with or without a reference.

A translation made with Apertium's unknown-word marks (``--mark-unknown``) keeps them
in ``translations`` and ``sentences``; the words are listed in ``TargetResult.unknown``
and the alignment and scores read the text without the marks.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import fields, replace

from align import languages as langs
from align.errors import AlignError
from align.run.model import Bead, Metric, Scores, SourceInfo, TargetResult
from align.run.rows import compose_rows, exact_beads, flag_rows
from align.text import paragraph_starts, sentence_separator

# Rows are coloured bad below and good above these estimates (calibrated to sentence
# chrF / 100 on WMT23 zh-en: see docs/score.md).
ESTIMATE_RANGE = (0.3, 0.55)


def join_texts(texts: Sequence[str], lang: str) -> str:
    return sentence_separator(langs.base(lang)).join(texts)


# Part of the checkpoint key of a target's analysis (pipeline): a change in how a translation
# is analysed must not reuse analyses made the old way.
ANALYSIS = "translation-keeps-source-segmentation; omission-flag|estimate:v1; paragraphs"


def translated_sentences(translations: Sequence[str]) -> list[list[str]]:
    """The translated sentences of each source sentence: its translation, whole (none when it
    is empty: that source sentence is then unaligned)."""
    return [[t.strip()] if t.strip() else [] for t in translations]


def analyse_target(
    source: SourceInfo,
    target: str,
    translations: Sequence[str],
    *,
    reference: Sequence[str] | None = None,
    reference_paragraphs: Sequence[int] | None = None,
    reference_path: str | None = None,
    signature: str = "",
    engine: str = "",
    models: Sequence[str] = (),
    align_method: str = "auto",
    timings: Mapping[str, float] | None = None,
    pivots: Sequence[str] = (),
) -> TargetResult:
    """Align and score one translation of ``source`` (one translated string per source sentence).

    With ``reference`` (its sentences), the translation is aligned to it and
    scored with sacrebleu over the aligned rows; without, each pair gets the
    reference-free estimate. ``reference_paragraphs``: where the reference's paragraphs
    begin (sentence indices); with them, the translation (which keeps the source's
    paragraphs) and the reference are aligned with their paragraphs kept together.
    ``pivots``: the languages a chain went through (their words left in the translation
    count as untranslated).
    """
    if len(translations) != len(source.sentences):
        raise AlignError(
            f"{len(translations)} translations for {len(source.sentences)} source sentences"
        )
    from align.translate.apertium import marked_words, signature_marks_unknown, strip_marks

    tgt = langs.normalize(target)
    marks = signature_marks_unknown(signature)
    unknown = (
        [marked_words(t, s) for t, s in zip(translations, source.sentences, strict=True)]
        if marks
        else []
    )
    plain = (
        [strip_marks(t, s) for t, s in zip(translations, source.sentences, strict=True)]
        if marks
        else list(translations)
    )
    shown = [s for p in translated_sentences(translations) for s in p]  # marks kept
    pieces = translated_sentences(plain)
    sentences = [s for p in pieces for s in p]
    beads = exact_beads(pieces)
    times = dict(timings or {})

    t0 = time.perf_counter()
    ref_beads: list[Bead] | None = None
    method = "exact (translated sentence by sentence)"
    if reference is not None:
        paragraphs = None
        if reference_paragraphs is not None:
            paras = [source.paragraphs[k] for k, piece in enumerate(pieces) for _ in piece]
            paragraphs = (paragraph_starts(paras), list(reference_paragraphs))
        ref_beads, used = align_sentences(
            sentences, list(reference), tgt, tgt, align_method, paragraphs=paragraphs
        )
        method += f"; translation-reference: {used}"
    rows = compose_rows(beads, ref_beads)
    times["align"] = round(time.perf_counter() - t0, 3)

    def text(ids: Sequence[int], sents: Sequence[str], lang: str) -> str:
        return join_texts([sents[i] for i in ids], lang)

    src_texts = [text(r.src, source.sentences, source.lang) for r in rows]
    tgt_texts = [text(r.tgt, sentences, tgt) for r in rows]
    for r, s, t in zip(rows, src_texts, tgt_texts, strict=True):
        if s and t:
            r.ratio = round(len(t) / len(s), 4)

    t0 = time.perf_counter()
    row_marked = [sorted({w for i in r.src for w in unknown[i]}) if unknown else [] for r in rows]
    est_scores, est_rows, est_reasons, corpus = score_estimate(
        src_texts, tgt_texts, source.lang, tgt, row_marked, pivots
    )
    if reference is not None:
        ref_texts = [text(r.ref or [], reference, tgt) for r in rows]
        scores, row_scores = score_reference(tgt_texts, ref_texts, tgt)
    else:
        scores, row_scores = est_scores, est_rows
    for r, v in zip(rows, row_scores, strict=True):
        r.score = None if v is None else round(v, 3)
    if reference is None:  # one row per bead: the estimate scores the bead
        beads = [replace(b, score=r.score) for b, r in zip(beads, rows, strict=True)]
    times["score"] = round(time.perf_counter() - t0, 3)
    flag_rows(rows, source.lang, list(zip(src_texts, tgt_texts, strict=True)))
    for r, why in zip(rows, est_reasons, strict=True):
        r.reasons = list(why)
        for name in reason_flags(why):
            if name not in r.flags:
                r.flags.append(name)
    return TargetResult(
        lang=tgt,
        engine=engine,
        signature=signature,
        models=list(models),
        translations=list(translations),
        sentences=shown,
        beads=beads,
        reference_path=reference_path,
        reference=list(reference) if reference is not None else None,
        ref_beads=ref_beads,
        align_method=method,
        rows=rows,
        scores=scores,
        timings=times,
        estimate=None if corpus is None else round(corpus, 4),
        unknown=unknown,
    )


def reason_flags(reasons: Sequence[str]) -> list[str]:
    """The flag names of the estimate's reasons: the part before ``:`` (``untranslated``,
    ``length``, ``repeated``, ``numbers-missing``, ``names-missing``, ``low-similarity``)."""
    out: list[str] = []
    for reason in reasons:
        name = reason.split(":", 1)[0].strip()
        if name and name not in out:
            out.append(name)
    return out


def align_sentences(
    src: list[str],
    tgt: list[str],
    src_lang: str,
    tgt_lang: str,
    method: str = "auto",
    paragraphs: tuple[Sequence[int], Sequence[int]] | None = None,
) -> tuple[list[Bead], str]:
    """Align two sentence lists with the alignment room; beads with their scores, and the method.

    Two texts in the same language (a translation and its reference) need no
    translation signal: ``auto`` becomes ``embedding`` (``length`` when the
    embeddings do not cover the language).
    """
    from align.alignment import align_texts
    from align.alignment.embed import embedding_supported

    if method == "auto" and langs.normalize(src_lang) == langs.normalize(tgt_lang):
        method = "embedding" if embedding_supported(src_lang) else "length"
    result = align_texts(
        src, tgt, src_lang=src_lang, tgt_lang=tgt_lang, method=method, paragraphs=paragraphs
    )
    beads = [
        Bead(b.src, b.tgt, None if b.score is None else round(float(b.score), 4))
        for b in result.beads
    ]
    return beads, result.description


def score_reference(
    hyps: Sequence[str], refs: Sequence[str], lang: str
) -> tuple[Scores, list[float | None]]:
    """sacrebleu BLEU, chrF, TER over the aligned rows, and sentence chrF per row."""
    from align.score import metric_records, score_corpus

    # A reference written all in lower case (as the demo's is) would make every
    # capital in the translation an error: then both are lowercased (case:lc).
    lowercase = any(r != r.lower() for r in hyps) and all(r == r.lower() for r in refs)
    from align.score import DEFAULT_METRICS, SegmentTooLong

    metrics = list(DEFAULT_METRICS)
    left_out = ""
    while True:
        try:
            result = score_corpus(
                list(hyps),
                [list(refs)],
                metrics=metrics,
                target_lang=langs.base(lang),
                lowercase=lowercase,
                jobs=1 if len(hyps) < 5000 else None,
            )
            break
        except SegmentTooLong as exc:
            # A metric that cannot take a row this long (TER is quadratic) is left out,
            # and the method says so; the others score every row.
            if exc.key not in metrics or len(metrics) == 1:
                raise
            metrics.remove(exc.key)
            left_out += f"; {exc.key.upper()} left out (row {exc.line} has {exc.words} words)"
    keep = {f.name for f in fields(Metric)}  # a single system has no p_value, mean or ci
    records = [Metric(**{k: v for k, v in r.items() if k in keep}) for r in metric_records(result)]
    segment = result.segment_scores("hyp")
    row_scores: list[float | None] = [
        float(seg["chrf"]) if (h and r) else None
        for h, r, seg in zip(hyps, refs, segment, strict=True)
    ]
    scores = Scores(
        kind="reference",
        method="sacrebleu against the reference, one segment per aligned row "
        "(rows missing a side count as empty)"
        + ("; lowercased, as the reference has no capitals" if lowercase else "")
        + left_out,
        metrics=records,
        row_metric="chrF",
        row_range=(20.0, 70.0),
        segments=len(hyps),
        row_signature=result.segment_signatures()["chrf"],
    )
    return scores, row_scores


def score_estimate(
    src: Sequence[str],
    tgt: Sequence[str],
    src_lang: str,
    tgt_lang: str,
    marked: Sequence[Sequence[str]] | None = None,
    pivots: Sequence[str] = (),
) -> tuple[Scores, list[float | None], list[list[str]], float | None]:
    """The reference-free estimate per row (:func:`align.score.estimate_quality`): the
    Scores of a target without a reference, the row scores, the row reasons, the corpus
    estimate (None when no row has both sides).

    Labelled as an estimate everywhere it is shown. Languages the sentence embeddings
    do not cover get the signals that need none (length, repetition, numbers and
    names, untranslated words).
    """
    from align.score import estimate_quality

    keep = [n for n, (s, t) in enumerate(zip(src, tgt, strict=True)) if s and t]
    row_scores: list[float | None] = [None] * len(src)
    row_reasons: list[list[str]] = [[] for _ in src]
    qe = estimate_quality(
        [src[n] for n in keep],
        {"hyp": [tgt[n] for n in keep]},
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        marked={"hyp": [list(marked[n]) for n in keep]} if marked else None,
        pivots=pivots,
    )
    for n, v, why in zip(keep, qe.score["hyp"], qe.reasons["hyp"], strict=True):
        row_scores[n] = v
        row_reasons[n] = why
    corpus = qe.corpus("hyp") if keep else None
    metrics = [
        Metric(
            key="estimate",
            name="estimate",
            score=corpus or 0.0,
            higher_is_better=True,
            signature=f"{qe.signature}|rows:{len(keep)}",
        )
    ]
    similarity = qe.mean("hyp")
    if similarity is not None:
        metrics.append(
            Metric(
                key="similarity",
                name="similarity",
                score=similarity,
                higher_is_better=True,
                signature=f"{qe.signature}|rows:{len(keep)}",
            )
        )
    scores = Scores(
        kind="estimate",
        method=qe.method,
        metrics=metrics,
        row_metric="estimate",
        row_range=ESTIMATE_RANGE,
        segments=len(keep),
        row_signature=qe.signature,
    )
    return scores, row_scores, row_reasons, corpus
