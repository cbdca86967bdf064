"""Scoring systems against references: the two entry points, :func:`score_corpus` and
:func:`score_files`.

The numbers are sacrebleu's, to the last digit: the per-segment statistics of
:mod:`align.score.statistics` are aggregated in segment order by each metric's
own ``_aggregate_and_compute`` (what ``corpus_score`` does), and tests and
intervals are sacrebleu's (:mod:`align.score.significance`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from align.errors import InputError
from align.score.estimate import estimate_quality
from align.score.inputs import load_inputs
from align.score.metrics import (
    DEFAULT_METRICS,
    METRICS,
    MetricConfig,
    build_metric,
    parse_metrics,
    resolve_tokenizer,
)
from align.score.results import (
    TESTS,
    MetricScore,
    ScoreResult,
    SignificanceTest,
    SystemScore,
    references_digest,
)
from align.score.significance import (
    DEFAULT_SEED,
    confidence_intervals,
    paired_test,
    sacrebleu_seed,
)
from align.score.statistics import SegmentTooLong, segment_statistics


def _check_lengths(hyps: Mapping[str, Sequence[str]], refs: Sequence[Sequence[str]]) -> int:
    if not refs:
        raise InputError("no references given", "give at least one reference (--ref)")
    if not hyps:
        raise InputError("no hypotheses given", "give at least one system output (--hyp)")
    n = len(refs[0])
    for k, stream in enumerate(refs[1:], 2):
        if len(stream) != n:
            raise InputError(f"reference {k} has {len(stream)} segments but reference 1 has {n}")
    for name, lines in hyps.items():
        if len(lines) != n:
            raise InputError(
                f"system {name!r} has {len(lines)} segments but the references have {n}"
            )
    if n == 0:
        raise InputError("nothing to score: the references are empty")
    return n


def score_corpus(
    hyps: Mapping[str, Sequence[str]] | Sequence[str],
    refs: Sequence[Sequence[str]],
    *,
    metrics: Sequence[str] = DEFAULT_METRICS,
    target_lang: str | None = None,
    tokenize: str | None = None,
    lowercase: bool = False,
    paired: str | None = None,
    paired_n: int = 0,
    confidence: bool = False,
    confidence_n: int = 1000,
    seed: int | None = DEFAULT_SEED,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ScoreResult:
    """Score one or more systems against the same references with sacrebleu's metrics.

    ``hyps``: ``{system name: lines}`` (a plain list is one system called ``hyp``);
    ``refs``: one or more reference streams, each line-aligned with the hypotheses.
    ``metrics``: keys of :data:`align.score.metrics.METRICS` (``bleu``, ``chrf``,
    ``chrf++``, ``ter``). ``target_lang`` (ISO 639-1) picks BLEU's tokenizer as
    sacrebleu does unless ``tokenize`` is given. ``paired`` (``bs`` or ``ar``)
    tests every system against the first with ``paired_n`` samples (0:
    sacrebleu's defaults, 1000 / 10000); ``confidence`` adds bootstrap 95%
    intervals (``confidence_n`` resamples). ``seed`` is the RNG seed of both
    (sacrebleu's 12345 by default; None: random). ``jobs`` processes extract
    statistics (default: all cores). A segment longer than a metric accepts
    (TER: :data:`~align.score.metrics.TER_MAX_WORDS` words) raises
    :class:`~align.score.statistics.SegmentTooLong` before any work.
    """
    from align import languages as langs

    systems: dict[str, Sequence[str]] = dict(hyps) if isinstance(hyps, Mapping) else {"hyp": hyps}
    keys = parse_metrics(metrics)
    n = _check_lengths(systems, refs)
    if paired is not None and paired not in TESTS:
        raise InputError(f"unknown paired test {paired!r}", "use bs or ar")
    if paired is not None and len(systems) < 2:
        raise InputError("a paired test needs at least two systems", "give another --hyp")
    lang = langs.base(target_lang) if target_lang else ""
    tok, note = resolve_tokenizer(tokenize, lang)
    config = MetricConfig(tokenize=tok, lowercase=lowercase, target_lang=lang)
    notes = [note] if note else []

    streams = [list(stream) for stream in refs]
    hyp_lists = {name: list(lines) for name, lines in systems.items()}
    stats = segment_statistics(hyp_lists, streams, keys, config, jobs=jobs, progress=progress)

    metric_objs = {key: build_metric(key, config) for key in keys}
    for metric in metric_objs.values():
        # sets the reference count the signature reports, without extracting anything heavy
        metric._cache_references([stream[:1] for stream in streams])

    scores: dict[str, dict[str, MetricScore]] = {}
    for name in hyp_lists:
        scores[name] = {}
        for key, metric in metric_objs.items():
            score = metric._aggregate_and_compute([list(s) for s in stats[name][key]])
            scores[name][key] = MetricScore(
                metric=key,
                name=score.name,
                score=float(score.score),
                signature="",
                verbose=score._verbose,
            )

    test: SignificanceTest | None = None
    signatures: dict[str, str] = {}
    with sacrebleu_seed(seed):
        if paired is not None:
            test, signatures = paired_test(
                paired, paired_n, confidence, confidence_n, hyp_lists, stats, metric_objs, scores
            )
        elif confidence:
            confidence_intervals(confidence_n, stats, metric_objs, scores)
    for key, metric in metric_objs.items():
        signatures.setdefault(key, metric.get_signature().format())
        for name in hyp_lists:
            scores[name][key].signature = signatures[key]

    first_key = keys[0]
    sign = -1.0 if METRICS[first_key].higher_is_better else 1.0
    ranked = sorted(hyp_lists, key=lambda s: sign * scores[s][first_key].score)
    first = next(iter(hyp_lists))
    out = [
        SystemScore(name, scores[name], rank=r, baseline=paired is not None and name == first)
        for r, name in enumerate(ranked, 1)
    ]
    return ScoreResult(
        systems=out,
        metric_keys=keys,
        segments=n,
        references=len(streams),
        config=config,
        test=test,
        notes=notes,
        references_sha256=references_digest(streams),
        _stats=stats,
        _hyps=hyp_lists,
        _refs=streams,
    )


def score_files(
    *,
    refs: Sequence[str],
    hyps: Sequence[str],
    src: str | None = None,
    qe: bool = False,
    src_lang: str | None = None,
    **options: Any,
) -> ScoreResult:
    """Read the files (see :func:`~align.score.inputs.load_inputs`) and :func:`score_corpus` them.

    With ``qe`` (needs ``src`` and both languages) the result also carries the
    reference-free :class:`~align.score.estimate.QualityEstimate`. Without
    references, ``qe`` is required and only the estimate is computed. A segment
    over a metric's length limit is an :class:`InputError` naming the file and line.
    """
    inputs = load_inputs(refs=refs, hyps=hyps, src=src)
    if not refs and not qe:
        raise InputError("no references given", "give --ref, or --src with --qe for an estimate")
    if refs:
        try:
            result = score_corpus(inputs.hyps, inputs.refs, **options)
        except SegmentTooLong as exc:
            if exc.side == "ref":
                path = refs[int(exc.where)]
            else:
                path = inputs.record["hyps"][exc.where]["path"]
            raise InputError(*exc.describe(path)) from None
    else:
        result = ScoreResult(
            systems=[SystemScore(name, {}, rank=0) for name in inputs.hyps],
            metric_keys=(),
            segments=len(inputs.src or []),
            references=0,
            config=MetricConfig(),
        )
    result.inputs = inputs.record
    result._hyps, result._src = inputs.hyps, inputs.src
    if qe:
        if inputs.src is None:
            raise InputError("--qe needs the source text", "give --src")
        target = options.get("target_lang")
        if not (src_lang and target):
            raise InputError(
                "--qe needs the source and target languages", "give --lang-pair, e.g. zh-en"
            )
        result.estimate = estimate_quality(
            inputs.src, inputs.hyps, src_lang=src_lang, tgt_lang=target
        )
        if not result.metric_keys:  # no reference: the systems are ranked by the estimate
            est = result.estimate
            result.systems.sort(key=lambda s: -est.corpus(s.name))
            for rank, system in enumerate(result.systems, 1):
                system.rank = rank
    return result
