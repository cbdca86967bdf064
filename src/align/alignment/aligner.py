"""``align_texts``: sentence lists in, beads with scores and metadata out.

The method (see docs/alignment.md):

1. Signals: ``embedding`` (USE window embeddings across languages),
   ``translation`` (an installed engine translates one side; its translation is
   compared with the other side in one language), ``overlap`` (the same translation
   against the other side by shared words and character n-grams), ``length``
   (Gale-Church), and the lexical links of numbers and names (with lengths alone for a
   pair nothing else covers). A side in a language the embeddings do not cover, with no
   engine into the other side's language, is translated into the nearest language they
   do cover (a *bridge*: Ukrainian into Russian), and the ``embedding`` term compares that.
2. Anchors: every source sentence's top-k target candidates by sentence
   similarity; the heaviest monotonic chain of confident candidates is the
   1-1 anchor path.
3. A band of cells around the anchors (whole rectangles across unanchored
   gaps), and the many-to-many programme inside it.

Time and memory are linear in the length of the texts, except the candidate
search, which compares each source sentence with a bounded window of the
target for long documents.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from align import languages as langs
from align.alignment.beads import Bead
from align.alignment.costs import (
    BeadScorer,
    BracketTerm,
    Calibration,
    LengthTerm,
    LexicalTerm,
    ParagraphTerm,
    SimilarityTerm,
    internal_boundaries,
)
from align.alignment.dp import (
    Band,
    anchor_chain,
    band_around,
    bead_shapes,
    diagonal_band,
    run_dp,
)
from align.errors import EngineError, InputError, LanguageError, NoTranslationPath

if TYPE_CHECKING:
    import numpy as np

    from align.translate.engine import Engines, Translator

METHODS = ("auto", "embedding", "length", "translation")

# Tuned on the Text+Berg development set and checked on a synthetic WMT23 zh-en set
# (bench/bench_align.py); all are in units of the rescaled similarity (0 random, 1 match).
TOP_K = 3  # candidates per source sentence for the anchor pass
ANCHOR_MIN = 0.5  # a candidate must score above this to be an anchor
BAND_RADIUS = 4  # cells kept on each side of the anchor path
SKIP = -0.1  # score of a 1-0 or 0-1 bead
MARGIN = 1.0  # weight of the window's mean similarity to random sentences, subtracted
# A bead whose similarity rises without one of its edge sentences loses the difference,
# counted by (that sentence's share of a typical sentence) ** PART_POWER: an unrelated whole
# sentence is left out rather than merged; a fragment (a citation's tail) hardly counts.
PART_WEIGHT = 1.0
PART_POWER = 2.0
SKIP_POWER = 1.0  # a skipped sentence shorter than a typical one costs SKIP x its share of one
LENGTH_POWER = 0.5  # a bead earns its similarity times (its length / a typical pair's) ** this
TRANSLATION_WEIGHT = 0.1  # of the translation term, when the embedding term is there too
EMBEDDING_WEIGHT = 0.9  # of the cross-lingual embedding term (the weights are normalised)
# Of the surface overlap of a machine translation with the other side (align.alignment.overlap)
OVERLAP_WEIGHT = 0.3
# Per number or name shared by two sentences of a bead when only lengths are there otherwise
# (``auto`` for a pair nothing else covers), on the scale of Gale-Church log-probabilities.
LENGTH_LEXICAL_WEIGHT = 3.0
ANCHOR_LEAD = "translation"  # the term whose candidates the anchor search starts from
LENGTH_WEIGHT = 0.03  # weight of the Gale-Church log-probability when similarity is there
# Gale-Church bead priors (skips included) join the similarity programme at this weight, but
# only for a document whose anchor chain says it has few skips: at most ONE_SIDED_GAPS of the
# gaps between consecutive anchors have sentences on one side only (a skip leaves such a gap;
# so does a merge, which is why the bar is high). Skip-heavy gold (Text+Berg, WMT) sits above.
PRIOR_WEIGHT = 0.03
ONE_SIDED_GAPS = 0.75
# ... and in such a document a skip costs this much more per typical sentence left out (the
# same evidence, applied to the one bead the priors price too cheaply for a skip-free text).
GATED_SKIP = 0.2
LEXICAL_WEIGHT = 0.6  # per number or name shared by two sentences of a bead (LexicalTerm)
BRACKET_WEIGHT = 0.1  # per side of a bead that leaves a bracket open (BracketTerm)
# Per paragraph boundary a bead's sentences cross on one side (ParagraphTerm): with the
# similarity terms, and on the Gale-Church scale when lengths (and links) are all there is
# (bench/probe_paragraphs.py: 0.5 as good as 1 where paragraphs agree and half the loss
# where a boundary falls inside a true bead; on the length scale 5 and 10 give the same).
PARAGRAPH_WEIGHT = 0.5
PARAGRAPH_LENGTH_WEIGHT = 5.0
# A side on which more than this share of the sentence boundaries are paragraph boundaries is
# laid out a sentence per paragraph (double-spaced lines, one-sentence paragraphs): there a
# translator's merge of two sentences crosses a "paragraph", so its boundaries are not used
# (every sentence its own paragraph on both sides: Text+Berg 0.939 -> 0.706 with the term).
PARAGRAPH_MAX_SHARE = 0.75
# ... and none are used when the two texts' paragraphs are seen not to correspond: of the gaps
# between consecutive 1-1 anchors with a boundary on either side, fewer than this share have
# one on both (paragraphs a translator merged in half the cases sit near 0.5, blank lines
# placed without regard to the translation near 0.2; bench/probe_paragraphs.py), counted
# where at least PARAGRAPH_MIN_GAPS such gaps say so. Lengths alone have no anchor pass: the
# 1-1 beads of a first programme without the paragraphs stand in for the anchors.
PARAGRAPH_MIN_AGREEMENT = 0.4
PARAGRAPH_MIN_GAPS = 5
# Where random pairs and best matches sit (cosine after the margin) for de-fr and zh-en
# alike; short texts are calibrated towards these.
TYPICAL = Calibration(0.0, 0.56)
CALIBRATION_SENTENCES = 50
FULL_SEARCH_CELLS = 40_000_000  # n*m above this: candidate search in a diagonal window
SEARCH_RADIUS = 2_000  # ... of this many target sentences (plus the length difference)
LENGTH_RADIUS = 200  # band half-width for length-only alignment
MAX_MERGE = 5  # default: the most sentences on one side of a bead (shapes a + b <= 6)


@dataclass
class Alignment:
    """The result of :func:`align_texts`."""

    beads: list[Bead]
    src_lang: str
    tgt_lang: str
    method: str  # "auto", "embedding", ...
    signals: tuple[str, ...]  # the cost terms used, e.g. ("embedding", "translation", "length")
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def description(self) -> str:
        """``auto: embedding+lexical+length``, and a bridge's languages (``be via ru``)."""
        out = f"{self.method}: {'+'.join(self.signals)}"
        for code, b in (self.meta.get("bridge") or {}).items():
            if "error" in b:
                out += f", no bridge {code} -> {b['into']} ({b['error']})"
            else:
                out += f", {code} via {b['into']}"
        return out


def align_texts(
    src_sents: Sequence[str],
    tgt_sents: Sequence[str],
    *,
    src_lang: str,
    tgt_lang: str,
    method: str = "auto",
    max_merge: int = MAX_MERGE,
    models_dir: str | os.PathLike[str] | None = None,
    engine: str = "auto",
    engines: Engines | None = None,
    translator: Translator | None = None,
    on_stage: Callable[[str], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    paragraphs: tuple[Sequence[int], Sequence[int]] | None = None,
) -> Alignment:
    """Align two lists of sentences; every sentence ends up in exactly one bead.

    ``method``: ``auto`` (every signal available for the pair), ``embedding``,
    ``translation`` (translation + embedding of the translation; needs a model
    for the pair in either direction) or ``length`` (Gale-Church only).
    ``engines``: the command's engine set for the translation signal (else one is
    built from ``engine`` and ``models_dir``); ``translator`` overrides the model lookup.
    ``on_stage`` hears "translating FRM -> INTO" (only when a side is translated),
    "embedding", "aligning"; ``on_progress`` the number of sentences translated since
    the last call.
    ``paragraphs``: where each side's paragraphs begin (sentence indices, as
    :func:`align.alignment.io.read_side` gives them); a bead that takes sentences from
    two paragraphs of one side is penalised (:class:`ParagraphTerm`).
    Raises :class:`InputError` for an empty side, :class:`LanguageError` when
    the chosen method does not cover the languages, :class:`NoTranslationPath`
    when ``translation`` is asked for and no model covers the pair.
    """
    from align.alignment.embed import blas_threads

    with blas_threads(1):
        return _align(
            src_sents,
            tgt_sents,
            src_lang=src_lang,
            tgt_lang=tgt_lang,
            method=method,
            max_merge=max_merge,
            engines=engines,
            models_dir=models_dir,
            engine=engine,
            translator=translator,
            on_stage=on_stage,
            on_progress=on_progress,
            paragraphs=paragraphs,
        )


def _align(
    src_sents: Sequence[str],
    tgt_sents: Sequence[str],
    *,
    src_lang: str,
    tgt_lang: str,
    method: str,
    max_merge: int,
    engines: Engines | None,
    models_dir: str | os.PathLike[str] | None,
    engine: str,
    translator: Translator | None,
    on_stage: Callable[[str], None] | None,
    on_progress: Callable[[int], None] | None,
    paragraphs: tuple[Sequence[int], Sequence[int]] | None = None,
) -> Alignment:
    if method not in METHODS:
        raise InputError(f"unknown alignment method {method!r}", f"use one of {', '.join(METHODS)}")
    if max_merge < 1:
        raise InputError("--max-merge must be at least 1")
    if not src_sents or not tgt_sents:
        empty = "source" if not src_sents else "target"
        raise InputError(f"the {empty} side has no sentences to align")
    src_code, tgt_code = langs.normalize(src_lang), langs.normalize(tgt_lang)
    stage = on_stage or (lambda _msg: None)

    from align.alignment.embed import Embedder, embedding_supported

    use_embedding = method in ("auto", "embedding") and (
        embedding_supported(src_code) and embedding_supported(tgt_code)
    )
    if method == "embedding" and not use_embedding:
        bad = src_code if not embedding_supported(src_code) else tgt_code
        raise LanguageError(
            f"the sentence embeddings do not cover {bad}",
            "use --method length (or translation when a model is installed)",
        )
    meta: dict[str, Any] = {}
    translated: tuple[int, list[str], str] | None = None  # (side translated, text, into lang)
    bridged: dict[int, list[str]] = {}  # side -> its translation into a covered language
    if method in ("auto", "translation"):
        from align.translate.engine import Engines

        engines = engines or Engines(engine, models_dir)
        translated = _translate_one_side(
            src_sents,
            tgt_sents,
            src_code,
            tgt_code,
            engines,
            translator,
            method,
            meta,
            stage,
            on_progress,
        )
        if translated is None and method == "auto" and not use_embedding:
            bridged = _bridge(
                (src_sents, tgt_sents), (src_code, tgt_code), engines, meta, stage, on_progress
            )
            use_embedding = bool(bridged)

    n, m = len(src_sents), len(tgt_sents)
    src_chars = _char_lengths(src_sents, src_code)
    tgt_chars = _char_lengths(tgt_sents, tgt_code)
    length = LengthTerm(src_chars, tgt_chars)
    meta["length_ratio"] = round(length.ratio, 4)
    terms: list[SimilarityTerm] = []
    embedder = None
    if use_embedding or translated is not None:
        stage("embedding")
        embedder = Embedder()
        meta["embedder"] = embedder.signature
    if embedder is not None:
        # Each list is encoded once (the translation term shares a side with the embedding
        # term), the lists side by side on the cores.
        side = translated[0] if translated is not None else None  # the side translated
        texts: dict[str, Sequence[str]] = {}
        if use_embedding or side == 1:
            texts["src"] = bridged.get(0, src_sents)
        if use_embedding or side == 0:
            texts["tgt"] = bridged.get(1, tgt_sents)
        if translated is not None:
            texts["translated"] = translated[1]
        pooled = dict(zip(texts, embedder.pool_many(list(texts.values())), strict=True))
        if use_embedding:
            terms.append(SimilarityTerm("embedding", embedder, pooled["src"], pooled["tgt"]))
        if side is not None:
            if side == 0:  # source translated into the target language
                pair = (pooled["translated"], pooled["tgt"])
            else:
                pair = (pooled["src"], pooled["translated"])
            # The sharper signal leads the candidate search.
            terms.insert(0, SimilarityTerm("translation", embedder, *pair))
            if OVERLAP_WEIGHT and translated is not None:
                at = 0 if ANCHOR_LEAD == "overlap" else 1
                terms.insert(at, _overlap_term(translated, src_sents, tgt_sents))

    shapes = bead_shapes(max_merge)
    stage("aligning")
    if not terms:
        scorer = BeadScorer(
            [], skip=0.0, length=length, length_weight=1.0, prior_weight=1.0, length_skips=True
        )
        band = diagonal_band(n, m, LENGTH_RADIUS + abs(n - m))
        signals: tuple[str, ...] = ("length",)
        if method == "auto" and LENGTH_LEXICAL_WEIGHT:
            lexical = LexicalTerm(src_sents, tgt_sents, band, max_merge)
            meta["lexical_links"] = len(lexical)
            scorer.additive = [(lexical, LENGTH_LEXICAL_WEIGHT)]
            signals = ("lexical", "length")
        para_weight = PARAGRAPH_LENGTH_WEIGHT
        anchors: list[tuple[int, int]] = []
    else:
        weights = _term_weights(terms)
        anchors = _anchors(terms, n, m, weights)
        meta["anchors"] = len(anchors)
        one_sided = one_sided_gaps(anchors, n, m)
        meta["one_sided_gaps"] = round(one_sided, 4)
        few_skips = one_sided <= ONE_SIDED_GAPS
        meta["bead_priors"] = few_skips
        meta["calibration"] = {
            t.name: {
                "random": round(t.calibration.random, 4),
                "match": round(t.calibration.match, 4),
            }
            for t in terms
        }
        band = band_around(anchors, n, m, BAND_RADIUS)
        scorer = BeadScorer(
            list(zip(terms, weights, strict=True)),
            skip=SKIP - (GATED_SKIP if few_skips else 0.0),
            length=length,
            length_weight=LENGTH_WEIGHT,
            length_power=LENGTH_POWER,
            skip_power=SKIP_POWER,
            part_weight=PART_WEIGHT,
            part_power=PART_POWER,
            prior_weight=PRIOR_WEIGHT if few_skips else 0.0,
        )
        lexical = LexicalTerm(src_sents, tgt_sents, band, max_merge)
        meta["lexical_links"] = len(lexical)
        scorer.additive = [
            (lexical, LEXICAL_WEIGHT),
            (BracketTerm(src_sents, tgt_sents), BRACKET_WEIGHT),
        ]
        signals = tuple(t.name for t in terms) + ("lexical", "length")
        para_weight = PARAGRAPH_WEIGHT
    path: list[Bead] | None = None  # the programme's path, when already run without paragraphs
    if paragraphs is not None and para_weight:
        # Only where both texts have paragraphs: a text that is one block says nothing about
        # how the other's paragraphs were translated.
        src_starts, tgt_starts = (
            starts if _paragraph_share(starts, size) <= PARAGRAPH_MAX_SHARE else []
            for starts, size in zip(paragraphs, (n, m), strict=True)
        )
        if not anchors and src_starts and tgt_starts:
            # Lengths alone have no anchor pass: the 1-1 beads of a first programme without
            # the paragraphs stand in for it. That runs the programme twice when the
            # paragraphs are then used (about 2x the time of lengths alone:
            # bench/probe_paragraphs.py --cost); when they are not, that path is the answer.
            path = run_dp(band, shapes, scorer)
            anchors = [(b.src[0], b.tgt[0]) for b in path if len(b.src) == len(b.tgt) == 1]
        agreement = _paragraph_agreement(anchors, src_starts, tgt_starts)
        if agreement is not None:
            meta["paragraph_agreement"] = round(agreement, 4)
            if agreement < PARAGRAPH_MIN_AGREEMENT:
                src_starts = tgt_starts = []
        kept = ParagraphTerm(src_starts, tgt_starts, n, m)
        if len(kept):
            meta["paragraph_boundaries"] = len(kept)
            scorer.additive = [*scorer.additive, (kept, para_weight)]
            signals = (*signals, "paragraphs")
            path = None  # the scorer changed
    meta["band_cells"] = band.area
    beads = rescore(path if path is not None else run_dp(band, shapes, scorer), scorer)
    return Alignment(beads, src_code, tgt_code, method, signals, meta)


def _paragraph_agreement(
    anchors: Sequence[tuple[int, int]], src_starts: Sequence[int], tgt_starts: Sequence[int]
) -> float | None:
    """Of the gaps between consecutive anchors with a paragraph boundary on either side, the
    share with one on both (None with fewer than PARAGRAPH_MIN_GAPS such gaps): near 1 where
    the two texts' paragraphs correspond, near chance where they have nothing to do with
    each other."""
    import numpy as np

    if len(anchors) < 2 or not src_starts or not tgt_starts:
        return None
    a = np.array(anchors)
    src = np.searchsorted(np.array(sorted(src_starts)), a[:, 0], side="right")
    tgt = np.searchsorted(np.array(sorted(tgt_starts)), a[:, 1], side="right")
    # Boundaries k with i1 < k <= i2 between anchors (i1, j1) and (i2, j2).
    src_gap, tgt_gap = np.diff(src) > 0, np.diff(tgt) > 0
    either = int(np.sum(src_gap | tgt_gap))
    return float(np.sum(src_gap & tgt_gap)) / either if either >= PARAGRAPH_MIN_GAPS else None


def _paragraph_share(starts: Sequence[int], n: int) -> float:
    """The share of a side's n - 1 sentence boundaries that are paragraph boundaries."""
    return len(internal_boundaries(starts, n)) / (n - 1) if n > 1 else 0.0


def rescore(beads: Sequence[Bead], scorer: BeadScorer) -> list[Bead]:
    """Give each bead its reported score (:meth:`BeadScorer.similarity`).

    In blocks of consecutive beads, and per shape inside a block, so the window
    embeddings needed at any time cover a short stretch of the document.
    """
    import numpy as np

    scores = np.zeros(len(beads))
    for b0 in range(0, len(beads), 1024):
        by_shape: dict[tuple[int, int], list[int]] = {}
        for k in range(b0, min(len(beads), b0 + 1024)):
            if beads[k].src and beads[k].tgt:  # insertions and deletions score 0
                by_shape.setdefault(beads[k].shape, []).append(k)
        for shape, ks in by_shape.items():
            ends_i = np.array([beads[k].src[-1] + 1 for k in ks])
            ends_j = np.array([beads[k].tgt[-1] + 1 for k in ks])
            scores[ks] = scorer.similarity(shape, ends_i, ends_j)
    return [Bead(b.src, b.tgt, round(float(s), 4)) for b, s in zip(beads, scores, strict=True)]


def _char_lengths(sents: Sequence[str], lang: str) -> np.ndarray:
    """Characters per sentence (spaces dropped); CJK characters count as 3 (about a word)."""
    import numpy as np

    wide = langs.base(lang) in ("zh", "ja", "ko")
    out = np.empty(len(sents), dtype=np.float64)
    for k, s in enumerate(sents):
        stripped = s.replace(" ", "")
        out[k] = len(stripped) * (3 if wide else 1)
    return out


def _translate_one_side(
    src: Sequence[str],
    tgt: Sequence[str],
    src_code: str,
    tgt_code: str,
    engines: Engines,
    translator: Translator | None,
    method: str,
    meta: dict[str, Any],
    stage: Callable[[str], None],
    on_progress: Callable[[int], None] | None = None,
) -> tuple[int, list[str], str] | None:
    """Translate the side a model covers (source first); None when auto finds no model.

    ``stage`` hears ``translating FRM -> INTO`` only when a side is translated."""
    from align.alignment.embed import embedding_supported

    attempts: list[tuple[int, str, str]] = [(0, src_code, tgt_code), (1, tgt_code, src_code)]
    errors: list[str] = []
    for side, frm, into in attempts:
        if not embedding_supported(into):
            errors.append(f"{frm}->{into}: the embeddings do not cover {into}")
            continue
        t = translator if translator is not None else None
        if t is not None and (langs.normalize(t.source), langs.normalize(t.target)) != (frm, into):
            continue
        if t is None:
            try:
                from align.translate import get_translator

                t = get_translator(frm, into, engines=engines, on_progress=on_progress)
            except (NoTranslationPath, ImportError) as exc:
                errors.append(str(exc))
                continue
        stage(f"translating {frm} -> {into}")
        text = t.translate(list(src if side == 0 else tgt))
        meta["translation"] = {"direction": f"{frm}->{into}", "signature": t.signature}
        return side, text, into
    if method == "translation":
        raise NoTranslationPath(
            f"no translation model covers {src_code} <-> {tgt_code}",
            "install one (align models install ...) or use --method embedding / length",
        )
    meta["translation"] = None
    return None


def _bridge(
    sides: tuple[Sequence[str], Sequence[str]],
    codes: tuple[str, str],
    engines: Engines,
    meta: dict[str, Any],
    stage: Callable[[str], None],
    on_progress: Callable[[int], None] | None = None,
) -> dict[int, list[str]]:
    """Each side whose language the embeddings do not cover, translated into the nearest
    language they do (fewest hops: Ukrainian -> Russian, Afrikaans -> Dutch), so that the
    cross-lingual embedding term can compare it with the other side; {} when some such side
    has no engine into a covered language (lengths and links are all there is then).

    Measured as a simulation on TransRead's English-French books (French translated into
    Spanish by Apertium, then embeddings of English against that): strict F1 0.931, against
    0.935 for the embeddings of the French itself and 0.797 for lengths and links alone
    (``bench/probe_bridge.py``)."""
    from align.alignment.embed import embedding_supported
    from align.translate import get_translator

    out: dict[int, list[str]] = {}
    info: dict[str, Any] = {}
    for side, (sents, code) in enumerate(zip(sides, codes, strict=True)):
        if embedding_supported(code):
            continue
        into = next((c for c in engines.reachable(code) if embedding_supported(c)), None)
        if into is None:
            return {}
        try:
            t = get_translator(code, into, engines=engines, on_progress=on_progress)
        except NoTranslationPath:
            return {}
        stage(f"translating {code} -> {into}")
        try:
            out[side] = t.translate(list(sents))
        except EngineError as exc:  # a bridge is a help, not a must: lengths and links
            meta["bridge"] = {code: {"into": into, "error": exc.message}}
            return {}
        info[code] = {"into": into, "signature": t.signature}
    meta["bridge"] = info
    return out


def _candidates(
    x: np.ndarray, y: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Top-k targets per source row by dot product: (rows, cols, cos, best cos per row).

    Compares all pairs, in row blocks, for small inputs; for long documents each
    source row only looks at a window of targets around the diagonal.
    """
    import numpy as np

    n, m = x.shape[0], y.shape[0]
    k = min(k, m)
    full = n * m <= FULL_SEARCH_CELLS
    radius = SEARCH_RADIUS + abs(n - m)
    rows, cols, vals = [], [], []
    block = 512
    for r0 in range(0, n, block):
        r1 = min(n, r0 + block)
        if full:
            c0, c1 = 0, m
        else:
            c0 = max(0, int(r0 * m / n) - radius)
            c1 = min(m, int(r1 * m / n) + radius)
        sims = x[r0:r1] @ y[c0:c1].T
        kk = min(k, c1 - c0)
        top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
        rows.append(np.repeat(np.arange(r0, r1), kk))
        cols.append((top + c0).ravel())
        vals.append(np.take_along_axis(sims, top, axis=1).ravel())
    r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    best = np.full(n, -1.0)
    np.maximum.at(best, r, v)
    return r, c, v, best


def _overlap_term(
    translated: tuple[int, list[str], str], src: Sequence[str], tgt: Sequence[str]
) -> SimilarityTerm:
    """Surface overlap of the machine translation with the side in its language."""
    from align.alignment.overlap import OverlapEmbedder

    side, text, _into = translated
    ov = OverlapEmbedder()
    left = ov.pool(text if side == 0 else src)
    right = ov.pool(tgt if side == 0 else text)
    ov.fit(left, right)
    # Its vectors are 4x wider than USE's: a quarter of the block keeps the working set.
    return SimilarityTerm("overlap", ov, left, right, block=1024)  # type: ignore[arg-type]


def _term_weights(terms: Sequence[SimilarityTerm]) -> list[float]:
    """Each term's weight (EMBEDDING_WEIGHT, TRANSLATION_WEIGHT, OVERLAP_WEIGHT), normalised."""
    if len(terms) == 1:
        return [1.0]
    raw = {
        "embedding": EMBEDDING_WEIGHT,
        "translation": TRANSLATION_WEIGHT,
        "overlap": OVERLAP_WEIGHT,
    }
    weights = [raw[t.name] for t in terms]
    if "embedding" not in [t.name for t in terms]:  # translation alone keeps its full weight
        weights = [1.0 if t.name == "translation" else raw[t.name] for t in terms]
    total = sum(weights)
    return [w / total for w in weights]


def one_sided_gaps(anchors: Sequence[tuple[int, int]], n: int, m: int) -> float:
    """The share of the gaps of an anchor chain (between consecutive anchors and at both
    ends, wherever a sentence lies between them) that have sentences on one side only.

    An estimate of how often the document leaves a sentence untranslated that does not come
    from the programme's own skips: a skip leaves a one-sided gap, and so does a merge with
    an anchor, but texts with real skips have more of them (0.81-0.92 on the Text+Berg and
    WMT dev documents, gold 5-10 % skips, against 0.24-0.77 on the MAC chapters, gold 0-4 %).
    0 when there is no gap.
    """
    points = [(-1, -1), *anchors, (n, m)]
    gaps = one = 0
    for (i1, j1), (i2, j2) in zip(points, points[1:], strict=False):
        di, dj = i2 - i1 - 1, j2 - j1 - 1
        if di + dj > 0:
            gaps += 1
            one += (di == 0) != (dj == 0)
    return one / gaps if gaps else 0.0


def _anchors(
    terms: Sequence[SimilarityTerm], n: int, m: int, weights: Sequence[float]
) -> list[tuple[int, int]]:
    """Calibrate every term and pick the 1-1 anchor chain from the lead term's candidates."""
    import numpy as np

    lead = terms[0]
    x = lead.windows(0, 1, np.arange(n))
    y = lead.windows(1, 1, np.arange(m))
    rows, cols, _vals, _best = _candidates(x, y, TOP_K)
    if MARGIN:
        for term in terms:
            # On short texts the random sample is mostly the true matches: less margin.
            term.use_margin(MARGIN * min(1.0, min(n, m) / CALIBRATION_SENTENCES))
            term.forget()
    rng = np.random.default_rng(0)
    sample = min(4000, n * m)
    ri, rj = rng.integers(0, n, sample), rng.integers(0, m, sample)
    combined = np.zeros(rows.shape[0])
    for term, weight in zip(terms, weights, strict=True):
        term.windows(0, 1, np.arange(n))
        term.windows(1, 1, np.arange(m))
        random = float(np.mean(term.cosine((1, 1), ri + 1, rj + 1)))
        cand = term.cosine((1, 1), rows + 1, cols + 1)
        # A typical good match: the median of each source sentence's best candidate.
        per_row = np.full(n, -1.0)
        np.maximum.at(per_row, rows, cand)
        # Short texts say little about their own scale: lean on typical values then.
        trust = min(1.0, min(n, m) / CALIBRATION_SENTENCES)
        match = float(np.median(per_row))
        term.calibration = Calibration(
            trust * random + (1 - trust) * TYPICAL.random,
            trust * match + (1 - trust) * TYPICAL.match,
        )
        combined += weight * term.calibration.rescale(cand)
        term.forget()
    del x, y
    return anchor_chain(rows + 0, cols + 0, combined - ANCHOR_MIN, m)


def beads_band(anchors: Sequence[tuple[int, int]], n: int, m: int) -> Band:
    """The band the many-to-many pass searches for a given anchor chain (for tests and tools)."""
    return band_around(anchors, n, m, BAND_RADIUS)
