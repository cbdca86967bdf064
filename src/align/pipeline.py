"""``align run``: detect -> translate -> align -> score on one document, writing OUTDIR.

The data model here (:class:`RunResult` and its parts) is exactly what
``scores.json`` holds and what the HTML report (:mod:`align.report`) shows.
Every stage is done by its own room; this module only wires them together:

- detection: :func:`align.detect.detect_language` (per document, and per
  paragraph to warn about mixed text);
- translation: :func:`align.translate.get_translator` (its sentence cache makes
  a second run fast); the source is translated sentence by sentence, so the
  source <-> translation alignment is known exactly (one source sentence may
  become several translated sentences: a merged bead);
- alignment: :func:`align.alignment.align_texts` aligns the translation with a
  reference; its embeddings give the reference-free estimate per pair;
- scoring: :mod:`align.score` (sacrebleu BLEU, chrF, TER with signatures).

Outputs are written atomically. Each target's finished analysis is
checkpointed in ``OUTDIR/.align-run/``, keyed by everything that determines
it, so an interrupted run resumes and a repeated run reuses all of it.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from align import __version__
from align import languages as langs
from align.errors import AlignError, InputError, LanguageError, NoTranslationPath
from align.text import (
    Segment,
    join_segments,
    read_text,
    segment_text,
    sentence_separator,
    split_sentences,
    write_text_atomic,
)

SCHEMA = "align-run/1"
STATE_DIR = ".align-run"
ALL_TARGETS = "all"

# A row whose translation/source length ratio is this many robust standard
# deviations (median absolute deviation, on log ratios) from the median is an outlier.
RATIO_OUTLIER_Z = 3.0
# Floor of that deviation (log units), so a short text with near-equal ratios flags
# nothing smaller than about 1.8x off the median.
RATIO_MIN_SPREAD = 0.2
# The lowest-scoring rows flagged ``low``: this share of the scored rows (at least one).
LOW_SHARE = 0.1
# Another language holding this share of a document's letters makes it "mixed" (a warning).
MIXED_SHARE = 0.05
# How much of the text the whole-document guess (its alternatives) looks at.
DETECT_CHARS = 20000
NOT_LANGUAGES = ("und", "mul")


# --------------------------------------------------------------------------- data model


@dataclass
class LangScore:
    lang: str
    confidence: float


@dataclass
class SourceInfo:
    """The input document: its language (detected or given) and its sentences."""

    path: str
    name: str  # the INPUT part of output names: the file name without ``.txt`` and ``.LANG``
    lang: str
    confidence: float | None  # None when the language was given with --from
    detected: bool
    alternatives: list[LangScore]
    mixed: bool
    mixed_langs: list[LangScore]  # other languages seen per paragraph, share of paragraphs
    sentences: list[str]
    paragraphs: list[int]  # paragraph index of each sentence


@dataclass
class Bead:
    """A correspondence between sentence groups: ``[0, 1]:[2]`` (empty side: unaligned)."""

    src: list[int]
    tgt: list[int]
    score: float | None = None


@dataclass
class Row:
    """One line of the side-by-side view: source | translation (| reference) sentences."""

    src: list[int]
    tgt: list[int]
    ref: list[int] | None  # None when the target has no reference
    score: float | None  # sentence chrF vs the reference, else the reference-free estimate
    ratio: float | None  # characters of translation / characters of source
    flags: list[str] = field(default_factory=list)  # merged, unaligned, low, ratio-outlier


@dataclass
class Metric:
    name: str
    score: float
    signature: str


@dataclass
class Scores:
    """Corpus scores for one target: reference-based, or a clearly labelled estimate."""

    kind: str  # "reference" or "estimate"
    method: str  # a line a person reads: what the numbers are
    metrics: list[Metric]
    row_metric: str  # what Row.score is: "chrF" or "similarity"
    row_range: tuple[float, float]  # (bad, good) bounds used to colour rows
    segments: int
    row_signature: str = ""  # how Row.score was computed


@dataclass
class TargetResult:
    lang: str
    engine: str
    signature: str  # the translation signature (chains joined by >>)
    models: list[str]  # one line per hop: engine, package, version
    translations: list[str]  # one per source sentence, as the engine returned it
    sentences: list[str]  # the translation cut into sentences
    beads: list[Bead]  # source <-> translation (exact, from translating sentence by sentence)
    reference_path: str | None
    reference: list[str] | None
    ref_beads: list[Bead] | None  # translation <-> reference
    align_method: str
    rows: list[Row]
    scores: Scores
    timings: dict[str, float]
    reused: bool = False
    files: dict[str, str] = field(default_factory=dict)


@dataclass
class RunResult:
    schema: str
    version: str
    created: str
    outdir: str
    source: SourceInfo
    targets: list[TargetResult]
    timings: dict[str, float]
    warnings: list[str]
    files: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _source_from(d: Mapping[str, Any]) -> SourceInfo:
    d = dict(d)
    d["alternatives"] = [LangScore(**a) for a in d["alternatives"]]
    d["mixed_langs"] = [LangScore(**a) for a in d["mixed_langs"]]
    return SourceInfo(**d)


def _target_from(d: Mapping[str, Any]) -> TargetResult:
    d = dict(d)
    d["beads"] = [Bead(**b) for b in d["beads"]]
    if d["ref_beads"] is not None:
        d["ref_beads"] = [Bead(**b) for b in d["ref_beads"]]
    d["rows"] = [Row(**r) for r in d["rows"]]
    s = dict(d["scores"])
    s["metrics"] = [Metric(**m) for m in s["metrics"]]
    s["row_range"] = tuple(s["row_range"])
    d["scores"] = Scores(**s)
    return TargetResult(**d)


def result_from_dict(d: Mapping[str, Any]) -> RunResult:
    """Read back a :class:`RunResult` from ``scores.json``'s content."""
    if d.get("schema") != SCHEMA:
        raise InputError(f"not an align run result (schema {d.get('schema')!r}, want {SCHEMA})")
    out = dict(d)
    out["source"] = _source_from(d["source"])
    out["targets"] = [_target_from(t) for t in d["targets"]]
    return RunResult(**out)


# --------------------------------------------------------------------------- progress


class StageProgress(Protocol):
    def update(self, n: int = 1) -> None: ...

    def close(self) -> None: ...


ProgressFactory = Callable[[str, int], StageProgress]


class _NoProgress:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _no_progress(label: str, total: int) -> StageProgress:
    return _NoProgress()


# --------------------------------------------------------------------------- helpers


def output_name(input_path: str | os.PathLike[str], source_lang: str) -> str:
    """INPUT in ``INPUT.LANG.txt``: ``speech.zh.txt`` -> ``speech`` (the source code is dropped)."""
    name = Path(input_path).name
    if name in ("", "-"):
        return "stdin"
    for ext in (".txt", ".text"):
        if name.lower().endswith(ext):
            name = name[: -len(ext)]
            break
    stem, dot, last = name.rpartition(".")
    if dot and stem:
        try:
            if langs.base(last) == langs.base(source_lang):
                return stem
        except LanguageError:
            pass
    return name


def _hash(*parts: Any) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(json.dumps(p, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()[:24]


def _join(texts: Sequence[str], lang: str) -> str:
    return sentence_separator(langs.base(lang)).join(texts)


def _cut(text: str, lang: str) -> list[str]:
    return split_sentences(text, langs.base(lang)) if text.strip() else []


def parse_refs(specs: Sequence[str]) -> dict[str, str]:
    """``["en=ref.txt"]`` -> ``{"en": "ref.txt"}`` (codes normalised)."""
    refs: dict[str, str] = {}
    for spec in specs:
        lang, eq, path = spec.partition("=")
        if not eq or not lang.strip() or not path.strip():
            raise InputError(f"bad --ref {spec!r}", "write it as LANG=PATH, e.g. en=speech.en.txt")
        code = langs.normalize(lang)
        if code in refs:
            raise InputError(f"two references for {code}")
        refs[code] = path.strip()
    return refs


# --------------------------------------------------------------------------- stage: detect


def detect_source(text: str) -> tuple[str, float, list[LangScore], list[LangScore]]:
    """Detect the document's language, and which other languages it also holds.

    Returns ``(lang, confidence, alternatives, mixed)``: ``lang`` is the language
    with most letters over the paragraphs (``und`` when none), ``alternatives``
    the runner-up guesses for the whole text, ``mixed`` every other language
    holding at least :data:`MIXED_SHARE` of the letters, with its share.
    """
    from align.detect import detect_document, detect_language

    doc = detect_document(text, by="paragraph")
    whole = detect_language(text[:DETECT_CHARS])
    alternatives = [
        LangScore(code, round(float(p), 4))
        for code, p in whole.alternatives
        if code != doc.lang and code not in NOT_LANGUAGES
    ]
    mixed = [
        LangScore(code, round(float(share), 4))
        for code, share in doc.shares.items()
        if code != doc.lang and code not in NOT_LANGUAGES and share >= MIXED_SHARE
    ]
    return doc.lang, float(doc.confidence), alternatives, mixed


# --------------------------------------------------------------------------- stage: targets


def reachable_targets(
    source: str, *, engine: str = "auto", models_dir: str | None = None
) -> list[str]:
    """Every other language the installed engines reach from ``source``, fewest hops first
    (not ``source`` in another script: zh-Hant is not a translation of zh-Hans)."""
    from align.translate import available_pairs
    from align.translate.engine import source_for

    pairs = available_pairs(engine=engine, models_dir=models_dir)
    src = source_for(pairs, source)
    seen = {src}
    hops = {src: 0}
    frontier = [src]
    for depth in range(1, 5):  # plan_chain searches chains of up to four hops
        nxt = []
        for lang in frontier:
            for p in pairs:
                if p.source == lang and p.target not in seen:
                    seen.add(p.target)
                    hops[p.target] = depth
                    nxt.append(p.target)
        frontier = nxt
    # The source's own language in another script or region is not a translation target.
    same = {code for code in seen if langs.base(code) == langs.base(src)}
    return sorted(seen - same, key=lambda code: (hops[code], code))


def resolve_targets(
    targets: Sequence[str],
    refs: Mapping[str, str],
    source: str,
    *,
    engine: str = "auto",
    models_dir: str | None = None,
) -> list[str]:
    """The target codes in order: ``all`` expands to every reachable target; refs add theirs."""
    out: list[str] = []
    for t in targets:
        codes = (
            reachable_targets(source, engine=engine, models_dir=models_dir)
            if t.strip().lower() == ALL_TARGETS
            else [langs.normalize(t)]
        )
        for c in codes:
            if c not in out:
                out.append(c)
    for code in refs:
        if code not in out:
            out.append(code)
    if not out and any(t.strip().lower() == ALL_TARGETS for t in targets):
        raise NoTranslationPath(
            f"no installed engine translates from {source}",
            "install a package: align models install FILE.argosmodel",
        )
    if not out:
        raise InputError("no target language", "give --to LANG (or --to all)")
    for c in out:
        if c == source:
            raise InputError(f"target {c} is the source language", "drop it from --to")
    return out


# --------------------------------------------------------------------------- stage: analyse


def exact_beads(sentences_per_source: Sequence[Sequence[str]]) -> list[Bead]:
    """Source <-> translation beads when source sentence ``i`` became translated sentences."""
    beads: list[Bead] = []
    j = 0
    for i, pieces in enumerate(sentences_per_source):
        beads.append(Bead([i], list(range(j, j + len(pieces)))))
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


def _flag_rows(rows: list[Row], src_lang: str) -> None:
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


def analyse_target(
    source: SourceInfo,
    target: str,
    translations: Sequence[str],
    *,
    reference: Sequence[str] | None = None,
    reference_path: str | None = None,
    signature: str = "",
    engine: str = "",
    models: Sequence[str] = (),
    align_method: str = "auto",
    timings: Mapping[str, float] | None = None,
) -> TargetResult:
    """Align and score one translation of ``source`` (one translated string per source sentence).

    With ``reference`` (its sentences), the translation is aligned to it and
    scored with sacrebleu over the aligned rows; without, each pair gets the
    aligner's cross-lingual similarity as a reference-free estimate.
    """
    if len(translations) != len(source.sentences):
        raise AlignError(
            f"{len(translations)} translations for {len(source.sentences)} source sentences"
        )
    tgt = langs.normalize(target)
    pieces = [_cut(t, tgt) for t in translations]
    sentences = [s for p in pieces for s in p]
    beads = exact_beads(pieces)
    times = dict(timings or {})

    t0 = time.perf_counter()
    ref_beads: list[Bead] | None = None
    method = "exact (translated sentence by sentence)"
    if reference is not None:
        ref_beads, used = align_sentences(sentences, list(reference), tgt, tgt, align_method)
        method += f"; translation-reference: {used}"
    rows = compose_rows(beads, ref_beads)
    times["align"] = round(time.perf_counter() - t0, 3)

    def text(ids: Sequence[int], sents: Sequence[str], lang: str) -> str:
        return _join([sents[i] for i in ids], lang)

    src_texts = [text(r.src, source.sentences, source.lang) for r in rows]
    tgt_texts = [text(r.tgt, sentences, tgt) for r in rows]
    for r, s, t in zip(rows, src_texts, tgt_texts, strict=True):
        if s and t:
            r.ratio = round(len(t) / len(s), 4)

    t0 = time.perf_counter()
    if reference is not None:
        ref_texts = [text(r.ref or [], reference, tgt) for r in rows]
        scores, row_scores = score_reference(tgt_texts, ref_texts, tgt)
    else:
        scores, row_scores = score_estimate(src_texts, tgt_texts, source.lang, tgt)
    for r, v in zip(rows, row_scores, strict=True):
        r.score = None if v is None else round(v, 3)
    if reference is None:  # one row per bead: the estimate scores the bead
        for b, r in zip(beads, rows, strict=True):
            b.score = r.score
    times["score"] = round(time.perf_counter() - t0, 3)
    _flag_rows(rows, source.lang)
    return TargetResult(
        lang=tgt,
        engine=engine,
        signature=signature,
        models=list(models),
        translations=list(translations),
        sentences=sentences,
        beads=beads,
        reference_path=reference_path,
        reference=list(reference) if reference is not None else None,
        ref_beads=ref_beads,
        align_method=method,
        rows=rows,
        scores=scores,
        timings=times,
    )


def align_sentences(
    src: list[str], tgt: list[str], src_lang: str, tgt_lang: str, method: str = "auto"
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
    result = align_texts(src, tgt, src_lang=src_lang, tgt_lang=tgt_lang, method=method)
    beads = [Bead(list(b.src), list(b.tgt), round(float(b.score), 4)) for b in result.beads]
    return beads, result.description


def score_reference(
    hyps: Sequence[str], refs: Sequence[str], lang: str
) -> tuple[Scores, list[float | None]]:
    """sacrebleu BLEU, chrF, TER over the aligned rows, and sentence chrF per row."""
    from align.score import score_corpus

    # A reference written all in lower case (as the demo's is) would make every
    # capital in the translation an error: then both are lowercased (case:lc).
    lowercase = any(r != r.lower() for r in hyps) and all(r == r.lower() for r in refs)
    result = score_corpus(
        list(hyps),
        [list(refs)],
        target_lang=langs.base(lang),
        lowercase=lowercase,
        jobs=1 if len(hyps) < 5000 else None,
    )
    metrics = [Metric(m.name, round(m.score, 2), m.signature) for m in result.metrics]
    segment = result.segment_scores("hyp")
    row_scores: list[float | None] = [
        float(seg["chrf"]) if (h and r) else None
        for h, r, seg in zip(hyps, refs, segment, strict=True)
    ]
    scores = Scores(
        kind="reference",
        method="sacrebleu against the reference, one segment per aligned row "
        "(rows missing a side count as empty)"
        + ("; lowercased, as the reference has no capitals" if lowercase else ""),
        metrics=metrics,
        row_metric="chrF",
        row_range=(20.0, 70.0),
        segments=len(hyps),
        row_signature=result.segment_signatures()["chrf"],
    )
    return scores, row_scores


def score_estimate(
    src: Sequence[str], tgt: Sequence[str], src_lang: str, tgt_lang: str
) -> tuple[Scores, list[float | None]]:
    """Reference-free estimate per row and on average (:func:`align.score.estimate_quality`).

    Labelled as an estimate everywhere it is shown; when the embeddings do not
    cover one of the languages there is no estimate (kind ``none``).
    """
    from align.score import estimate_quality

    keep = [n for n, (s, t) in enumerate(zip(src, tgt, strict=True)) if s and t]
    row_scores: list[float | None] = [None] * len(src)
    try:
        qe = estimate_quality(
            [src[n] for n in keep],
            {"hyp": [tgt[n] for n in keep]},
            src_lang=src_lang,
            tgt_lang=tgt_lang,
        )
    except LanguageError as exc:
        scores = Scores(
            kind="none",
            method=f"no reference, and {exc.message}",
            metrics=[],
            row_metric="similarity",
            row_range=(0.3, 0.8),
            segments=0,
        )
        return scores, row_scores
    sims = qe.similarity["hyp"]
    for n, v in zip(keep, sims, strict=True):
        row_scores[n] = v
    scores = Scores(
        kind="estimate",
        method=qe.method,
        metrics=[
            Metric("similarity", round(qe.mean("hyp"), 4), f"{qe.signature}|rows:{len(sims)}")
        ],
        row_metric="similarity",
        row_range=(0.3, 0.8),
        segments=len(sims),
        row_signature=qe.signature,
    )
    return scores, row_scores


# --------------------------------------------------------------------------- outputs


def format_bead(b: Bead) -> str:
    """One bead per line, vecalign style: ``[0, 1]:[2]:0.8123`` (score omitted when unknown)."""
    line = f"[{', '.join(map(str, b.src))}]:[{', '.join(map(str, b.tgt))}]"
    return line if b.score is None else f"{line}:{b.score:.4f}"


def _write_beads(path: Path, beads: Sequence[Bead]) -> None:
    write_text_atomic(path, "".join(format_bead(b) + "\n" for b in beads))


ROW_COLUMNS = ("row", "src", "tgt", "ref", "score", "flags", "source", "translation", "reference")


def row_records(source: SourceInfo, t: TargetResult) -> list[dict[str, Any]]:
    """The aligned rows as flat records (the ``.tsv`` file), texts joined per side."""
    out = []
    for n, r in enumerate(t.rows):
        out.append(
            {
                "row": n + 1,
                "src": ",".join(map(str, r.src)),
                "tgt": ",".join(map(str, r.tgt)),
                "ref": "" if r.ref is None else ",".join(map(str, r.ref)),
                "score": r.score,
                "flags": ",".join(r.flags),
                "source": _join([source.sentences[i] for i in r.src], source.lang),
                "translation": _join([t.sentences[j] for j in r.tgt], t.lang),
                "reference": ""
                if r.ref is None or t.reference is None
                else _join([t.reference[k] for k in r.ref], t.lang),
            }
        )
    return out


def write_target_files(
    outdir: Path, source: SourceInfo, segments: Sequence[Segment], t: TargetResult
) -> dict[str, str]:
    """Write ``INPUT.LANG.txt``, ``.tmx``, ``.beads``, ``.tsv`` (``.ref.beads``); their names."""
    from align.formats import render, write_tmx
    from align.text import atomic_write

    stem = f"{source.name}.{t.lang}"
    files = {
        "text": f"{stem}.txt",
        "tmx": f"{stem}.tmx",
        "beads": f"{stem}.beads",
        "tsv": f"{stem}.tsv",
    }
    write_text_atomic(outdir / files["text"], join_segments(segments, t.translations, lang=t.lang))
    with atomic_write(outdir / files["tmx"]) as fh:
        props = {"signature": t.signature, "source-file": Path(source.path).name}
        write_tmx(
            fh, zip(source.sentences, t.translations, strict=True), source.lang, t.lang, props
        )
    _write_beads(outdir / files["beads"], t.beads)
    if t.ref_beads is not None:
        files["ref_beads"] = f"{stem}.ref.beads"
        _write_beads(outdir / files["ref_beads"], t.ref_beads)
    with atomic_write(outdir / files["tsv"]) as fh:
        render(row_records(source, t), "tsv", fh, ROW_COLUMNS)
    return files


# --------------------------------------------------------------------------- the run


def _engine_of(signature: str) -> tuple[str, list[str]]:
    """``argos → apertium`` and one readable line per hop (engine: package version, options)."""
    hops = [h.strip("[] ") for h in signature.split(" >> ")] if signature else []
    names, models = [], []
    for h in hops:
        fields = dict(f.split(":", 1) for f in h.split("|") if ":" in f)
        names.append(fields.get("engine", "?"))
        line = f"{fields.get('engine', '?')}: {fields.get('package', h)}"
        if fields.get("pkgver"):
            line += f" {fields['pkgver']}"
        opts = [f"{k} {fields[k]}" for k in ("beam", "compute") if k in fields]
        if opts:
            line += f" ({', '.join(opts)})"
        models.append(line)
    return " → ".join(names), models


def _check_outdir(outdir: Path, inputs: Sequence[str]) -> None:
    if outdir.exists() and not outdir.is_dir():
        raise InputError(f"{outdir}: exists and is not a directory", "give another -o OUTDIR")
    for p in inputs:
        if p != "-" and Path(p).resolve().parent == outdir.resolve():
            raise InputError(
                f"{outdir}: holds the input {p}; outputs could overwrite it",
                "give another -o OUTDIR",
            )


def run_pipeline(
    input_path: str,
    *,
    targets: Sequence[str],
    refs: Mapping[str, str] | None = None,
    source: str = "auto",
    outdir: str | os.PathLike[str] | None = None,
    engine: str = "auto",
    models_dir: str | os.PathLike[str] | None = None,
    align_method: str = "auto",
    progress: ProgressFactory | None = None,
) -> RunResult:
    """Detect, translate into every target, align, score; write OUTDIR; return what was found.

    ``targets`` are language codes (``all``: every target the installed engines
    reach); ``refs`` maps a target code to a reference file (its target is added
    when missing). ``outdir`` defaults to ``out/INPUT``. Raises
    :class:`InputError` for bad input, :class:`NoTranslationPath` when a target
    cannot be reached (before any translating is done).
    """
    from align.report import render_report
    from align.translate import get_translator, plan

    bar = progress or _no_progress
    t_start = time.perf_counter()
    md = str(models_dir) if models_dir else None
    ref_paths = {langs.normalize(k): str(v) for k, v in (refs or {}).items()}
    text = read_text(input_path)
    ref_texts = {k: read_text(v) for k, v in ref_paths.items()}

    # 1. detect
    t0 = time.perf_counter()
    warnings: list[str] = []
    if source.strip().lower() == "auto":
        p = bar("detect", 1)
        lang, conf, alts, mixed = detect_source(text)
        p.update()
        p.close()
        if lang == "und":
            raise InputError(
                f"{input_path}: cannot tell the source language", "give it with --from LANG"
            )
        detected = True
        if mixed:
            others = ", ".join(f"{m.lang} {m.confidence:.0%} of the letters" for m in mixed)
            warnings.append(f"mixed text: mostly {lang}, but {others}")
    else:
        lang, conf, alts, mixed, detected = langs.normalize(source), None, [], [], False
    segments = segment_text(text, lang)
    if not segments:
        raise InputError(f"{input_path}: no sentences found")
    src = SourceInfo(
        path=str(input_path),
        name=output_name(input_path, lang),
        lang=lang,
        confidence=None if conf is None else round(conf, 4),
        detected=detected,
        alternatives=alts,
        mixed=bool(mixed),
        mixed_langs=mixed,
        sentences=[s.text for s in segments],
        paragraphs=[s.para for s in segments],
    )
    timings = {"detect": round(time.perf_counter() - t0, 3)}

    out = Path(outdir) if outdir else Path("out") / src.name
    _check_outdir(out, [str(input_path), *ref_paths.values()])
    codes = resolve_targets(targets, ref_paths, lang, engine=engine, models_dir=md)

    # 2. plan every target before translating anything: a missing model fails fast
    for c in codes:
        plan(lang, c, engine=engine, models_dir=md)

    results: list[TargetResult] = []
    state = out / STATE_DIR
    for code in codes:
        p = bar(f"translate {lang} -> {code}", len(src.sentences))
        translator = get_translator(lang, code, engine=engine, models_dir=md, on_progress=p.update)
        reference = None
        if code in ref_texts:
            reference = [s.text for s in segment_text(ref_texts[code], code)]
            if not reference:
                raise InputError(f"{ref_paths[code]}: no sentences found")
        key = _hash(
            SCHEMA, __version__, src.sentences, code, translator.signature, reference, align_method
        )
        ckpt = state / f"{code}.json"
        result = _load_checkpoint(ckpt, key)
        if result is None:
            t0 = time.perf_counter()
            translations = translator.translate(src.sentences)
            p.close()
            seconds = round(time.perf_counter() - t0, 3)
            engine_name, hops = _engine_of(translator.signature)
            p = bar(f"align and score {code}", 1)
            result = analyse_target(
                src,
                code,
                translations,
                reference=reference,
                reference_path=ref_paths.get(code),
                signature=translator.signature,
                engine=engine_name,
                models=hops,
                align_method=align_method,
                timings={"translate": seconds},
            )
            p.update()
            p.close()
            write_text_atomic(
                ckpt, json.dumps({"key": key, "result": asdict(result)}, ensure_ascii=False)
            )
        else:
            p.close()
            result.reused = True
        result.files = write_target_files(out, src, segments, result)
        results.append(result)

    timings["total"] = round(time.perf_counter() - t_start, 3)
    run = RunResult(
        schema=SCHEMA,
        version=__version__,
        created=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        outdir=str(out),
        source=src,
        targets=results,
        timings=timings,
        warnings=warnings,
        files={"scores": "scores.json", "report": "report.html"},
    )
    write_text_atomic(
        out / "scores.json", json.dumps(run.to_dict(), ensure_ascii=False, indent=1) + "\n"
    )
    write_text_atomic(out / "report.html", render_report(run))
    return run


def _load_checkpoint(path: Path, key: str) -> TargetResult | None:
    """A target's finished analysis from an earlier run with the same inputs, if any."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        return _target_from(data["result"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def summary_rows(run: RunResult) -> list[dict[str, Any]]:
    """One row per target for the summary on stdout (what the report's summary table shows)."""
    rows = []
    for t in run.targets:
        metrics = " ".join(
            f"{m.name} {m.score:.{2 if m.name == 'similarity' else 1}f}" for m in t.scores.metrics
        )
        rows.append(
            {
                "source": run.source.lang,
                "target": t.lang,
                "engine": t.engine,
                "sentences": len(t.sentences),
                "rows": len(t.rows),
                "seconds": round(sum(v for k, v in t.timings.items() if k != "total"), 1),
                "scores": metrics or "-",
                "kind": {"reference": "reference", "estimate": "estimate (no reference)"}.get(
                    t.scores.kind, "none"
                ),
                "reused": t.reused,
            }
        )
    return rows
