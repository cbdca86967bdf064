"""Translation quality scoring with sacrebleu: corpus and segment scores, significance, CI gates.

The numbers are sacrebleu's, to the last digit, with its signature strings:
every metric is a sacrebleu metric object (BLEU, chrF, chrF++, TER) and this
module never does a metric's arithmetic itself. What it adds is around them:

- **Per-segment statistics, computed once.** Each metric's sufficient
  statistics are extracted per segment by sacrebleu's own hooks (the calls its
  ``_extract_corpus_statistics`` makes, references analysed once per segment),
  on all cores for big inputs (TER is pure Python and slow), deduplicated
  across systems, and kept. Corpus scores
  are sacrebleu's aggregation of those statistics in segment order, so they are
  bit-identical to ``sacrebleu``; significance tests, confidence intervals and
  segment-level scores reuse them instead of recomputing.
- **Significance** (paired bootstrap / approximate randomisation) and
  **confidence intervals** run sacrebleu's own implementations over the cached
  statistics, with sacrebleu's default seed (12345), so p-values match
  ``sacrebleu --paired-bs`` exactly.
- **Gates for CI**: thresholds (:func:`check_thresholds`), regressions against
  a saved baseline (:func:`compare_baseline`), a full JSON record
  (:meth:`ScoreResult.to_dict`, :func:`save_result`).
- **A reference-free estimate** (:func:`estimate_quality`): cross-lingual
  embedding similarity of source and hypothesis, always labelled as an
  estimate and kept apart from the reference-based numbers.

sacrebleu and numpy are imported inside the functions that need them.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import statistics
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from align import __version__
from align.errors import InputError
from align.text import read_lines, write_text_atomic

if TYPE_CHECKING:
    from sacrebleu.metrics.base import Metric

# Metric keys at the edge, in display order; sacrebleu names them BLEU, chrF2, chrF2++, TER.
METRICS: tuple[str, ...] = ("bleu", "chrf", "chrf++", "ter")
DEFAULT_METRICS: tuple[str, ...] = ("bleu", "chrf", "ter")
LOWER_IS_BETTER: frozenset[str] = frozenset({"ter"})
# sacrebleu's default seed for bootstrap resampling and approximate randomisation.
DEFAULT_SEED = 12345
TESTS: dict[str, str] = {"bs": "paired bootstrap resampling", "ar": "approximate randomization"}
# Per-segment work (in TER cells or characters) below which a worker pool is not worth starting.
_PARALLEL_MIN_COST = 1_000_000

Stats = list[Any]  # one segment's sufficient statistics, as sacrebleu returns them


# --------------------------------------------------------------------------- metrics


@dataclass(frozen=True)
class MetricConfig:
    """How the metric objects are built; hashable, so worker processes can rebuild them.

    ``tokenize`` is BLEU's tokenizer, already resolved (see :func:`resolve_tokenizer`);
    ``lowercase`` applies to BLEU and chrF (TER is case-insensitive by default,
    as in sacrebleu); ``target_lang`` is what sacrebleu calls ``trg_lang``.
    """

    tokenize: str = "13a"
    lowercase: bool = False
    target_lang: str = ""


def parse_metrics(spec: str | Sequence[str]) -> tuple[str, ...]:
    """``"bleu,chrf,ter"`` (or a list) -> validated keys in the order given, no repeats."""
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    out: list[str] = []
    for item in items:
        key = item.strip().lower().replace("chrf2", "chrf")
        if not key:
            continue
        if key not in METRICS:
            raise InputError(f"unknown metric {item.strip()!r}", f"use {', '.join(METRICS)}")
        if key not in out:
            out.append(key)
    if not out:
        raise InputError("no metric given", f"use one or more of {', '.join(METRICS)}")
    return tuple(out)


def resolve_tokenizer(tokenize: str | None, target_lang: str | None) -> tuple[str, str | None]:
    """BLEU's tokenizer, chosen as sacrebleu does: ``zh``, ``ja-mecab``, ``ko-mecab``, else ``13a``.

    Returns ``(name, note)``; ``note`` says when the language's tokenizer is not
    installed (MeCab) and ``13a`` is used instead. An explicit ``tokenize`` that
    sacrebleu does not know, or cannot load, is an :class:`InputError`.
    """
    from sacrebleu.metrics.bleu import BLEU, _get_tokenizer

    if tokenize is not None:
        if tokenize not in BLEU.TOKENIZERS:
            raise InputError(
                f"unknown tokenizer {tokenize!r}", f"use one of {', '.join(BLEU.TOKENIZERS)}"
            )
        try:
            _get_tokenizer(tokenize)()
        except (ImportError, RuntimeError) as exc:
            raise InputError(
                f"the {tokenize} tokenizer is not installed ({exc})",
                "see sacrebleu's extras, e.g. pip install 'sacrebleu[ja]'",
            ) from exc
        return tokenize, None
    name = BLEU._TOKENIZER_MAP.get(target_lang or "", BLEU.TOKENIZER_DEFAULT)
    if name == BLEU.TOKENIZER_DEFAULT:
        return name, None
    try:
        _get_tokenizer(name)()
    except (ImportError, RuntimeError):
        note = (
            f"sacrebleu's {name} tokenizer for {target_lang} is not installed, BLEU uses "
            f"{BLEU.TOKENIZER_DEFAULT} (install sacrebleu's extras for it)"
        )
        return BLEU.TOKENIZER_DEFAULT, note
    return name, None


def build_metric(key: str, config: MetricConfig, *, sentence: bool = False) -> Metric:
    """The sacrebleu metric object for ``key``; ``sentence``: sentence-BLEU (effective order)."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    if key == "bleu":
        return BLEU(
            lowercase=config.lowercase,
            tokenize=config.tokenize,
            trg_lang=config.target_lang,
            effective_order=sentence,
        )
    if key == "chrf":
        return CHRF(lowercase=config.lowercase)
    if key == "chrf++":
        return CHRF(word_order=2, lowercase=config.lowercase)
    if key == "ter":
        return TER()
    raise InputError(f"unknown metric {key!r}", f"use {', '.join(METRICS)}")


_WORKER_METRICS: dict[tuple[str, MetricConfig], Metric] = {}


def _worker_metric(key: str, config: MetricConfig) -> Metric:
    metric = _WORKER_METRICS.get((key, config))
    if metric is None:
        metric = _WORKER_METRICS[(key, config)] = build_metric(key, config)
    return metric


# One unit of work: a metric, one segment's references, and the distinct hypotheses for them.
Group = tuple[str, tuple[str, ...], list[str]]


def _extract(task: tuple[MetricConfig, list[Group]]) -> list[list[Stats]]:
    """Per-segment statistics of one chunk of groups, by sacrebleu's own hooks (runs in workers).

    The calls are those of sacrebleu's ``_extract_corpus_statistics`` with its
    reference cache: the references of a segment are preprocessed and analysed
    once (``_extract_reference_info``), then each hypothesis is preprocessed and
    matched against them (``_compute_segment_statistics``).
    """
    config, groups = task
    # TER allocates many short-lived tuples; the cyclic collector only slows it down here.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        out = []
        for key, refs, hyps in groups:
            metric = _worker_metric(key, config)
            info = metric._extract_reference_info([metric._preprocess_segment(r) for r in refs])
            out.append(
                [
                    metric._compute_segment_statistics(metric._preprocess_segment(h), info)
                    for h in hyps
                ]
            )
    finally:
        if was_enabled:
            gc.enable()
    return out


# Rough relative cost of one TER edit-distance cell and one BLEU/chrF character
# (measured on WMT23 zh-en: ~36 s of TER vs ~1.4 s of BLEU+chrF per 1,976-line system).
_TER_CELL_COST = 20


def _cost(key: str, hyp: str, refs: Sequence[str]) -> int:
    """A rough work estimate for one segment, to balance chunks across processes."""
    if key == "ter":
        n = len(hyp.split()) + 1
        return _TER_CELL_COST * sum(n * (len(r.split()) + 1) for r in refs)
    return len(hyp) + sum(len(r) for r in refs)


def default_jobs() -> int:
    """The CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def segment_statistics(
    hyps: Mapping[str, Sequence[str]],
    refs: Sequence[Sequence[str]],
    metrics: Sequence[str],
    config: MetricConfig,
    *,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, dict[str, list[Stats]]]:
    """Per-segment statistics ``{system: {metric: [stats per segment]}}``, by sacrebleu.

    Identical (hypothesis, references) pairs are computed once. With ``jobs`` > 1
    and enough work the segments are spread over a process pool, biggest first,
    so that one long TER segment does not hold up the end. ``progress(done, total)``
    is called as work units (segments x metrics) finish.
    """
    jobs = default_jobs() if jobs is None or jobs <= 0 else jobs
    streams = [list(stream) for stream in refs]
    groups: list[Group] = []
    group_of: dict[tuple[str, tuple[str, ...]], int] = {}
    position: list[dict[str, int]] = []  # per group: hypothesis -> index in the group
    layout: dict[str, dict[str, list[tuple[int, int]]]] = {name: {} for name in hyps}
    for key in metrics:
        for name in hyps:
            layout[name][key] = []
        for i in range(len(streams[0]) if streams else 0):
            seg_refs = tuple(stream[i] for stream in streams)
            g = group_of.get((key, seg_refs))
            if g is None:
                g = group_of[(key, seg_refs)] = len(groups)
                groups.append((key, seg_refs, []))
                position.append({})
            for name, lines in hyps.items():
                hyp = lines[i]
                p = position[g].get(hyp)
                if p is None:
                    p = position[g][hyp] = len(groups[g][2])
                    groups[g][2].append(hyp)
                layout[name][key].append((g, p))
    costs = [sum(_cost(k, h, r) for h in hs) for k, r, hs in groups]
    results: list[list[Stats]] = [[] for _ in groups]
    finished = 0
    chunks = _chunks([g[0] for g in groups], costs, jobs)
    tasks = [(config, [groups[g] for g in chunk]) for chunk in chunks]

    def done(chunk: list[int], stats: list[list[Stats]]) -> None:
        nonlocal finished
        for g, s in zip(chunk, stats, strict=True):
            results[g] = s
        finished += len(chunk)
        if progress is not None:
            progress(finished, len(groups))

    if jobs > 1 and len(tasks) > 1 and sum(costs) >= _PARALLEL_MIN_COST:
        import multiprocessing as mp

        methods = mp.get_all_start_methods()
        ctx = mp.get_context("fork" if "fork" in methods else "spawn")
        with ctx.Pool(processes=min(jobs, len(tasks))) as pool:
            for n, stats in pool.imap_unordered(_indexed_extract, list(enumerate(tasks))):
                done(chunks[n], stats)
    else:
        for chunk, task in zip(chunks, tasks, strict=True):
            done(chunk, _extract(task))

    return {
        name: {key: [results[g][p] for g, p in where] for key, where in per_metric.items()}
        for name, per_metric in layout.items()
    }


def _indexed_extract(
    arg: tuple[int, tuple[MetricConfig, list[Group]]],
) -> tuple[int, list[list[Stats]]]:
    n, task = arg
    return n, _extract(task)


def _chunks(keys: Sequence[str], costs: Sequence[int], jobs: int) -> list[list[int]]:
    """Chunks of work-unit indices, one metric each, biggest work first (LPT scheduling)."""
    by_metric: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        by_metric.setdefault(key, []).append(i)
    total = sum(costs)
    # ~32 chunks per worker overall, so the last one to finish is short; a single huge
    # segment becomes a chunk of its own.
    target = max(1, total // max(1, 32 * jobs))
    chunks: list[tuple[int, list[int]]] = []
    for idx in by_metric.values():
        idx = sorted(idx, key=lambda i: -costs[i])
        cur: list[int] = []
        cur_cost = 0
        for i in idx:
            cur.append(i)
            cur_cost += costs[i]
            if cur_cost >= target:
                chunks.append((cur_cost, cur))
                cur, cur_cost = [], 0
        if cur:
            chunks.append((cur_cost, cur))
    chunks.sort(key=lambda c: -c[0])
    return [c for _, c in chunks]


# --------------------------------------------------------------------------- results


@dataclass
class MetricScore:
    """One metric's corpus score for one system, with sacrebleu's name and signature.

    ``p_value`` is set by a paired test (against the baseline, the first
    system); ``mean`` and ``ci`` (half-width of the 95% interval) by bootstrap
    resampling. ``verbose`` is sacrebleu's detail string (BLEU precisions, BP).
    """

    metric: str
    name: str
    score: float
    signature: str
    verbose: str = ""
    p_value: float | None = None
    mean: float | None = None
    ci: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "score": self.score, "signature": self.signature}
        if self.verbose:
            d["verbose"] = self.verbose
        for key in ("p_value", "mean", "ci"):
            value = getattr(self, key)
            if value is not None:
                d[key] = value
        return d


@dataclass
class SystemScore:
    """All metric scores of one system; ``rank`` 1 is best on the first metric."""

    name: str
    scores: dict[str, MetricScore]
    rank: int = 0
    baseline: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "rank": self.rank,
            "baseline": self.baseline,
            "scores": {k: v.to_dict() for k, v in self.scores.items()},
        }


@dataclass
class SignificanceTest:
    """What a paired test was: ``bs`` or ``ar``, its sample count, seed and baseline system."""

    type: str
    samples: int
    seed: str
    baseline: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "name": TESTS[self.type],
            "samples": self.samples,
            "seed": self.seed,
            "baseline": self.baseline,
        }


@dataclass
class ScoreResult:
    """Corpus scores of one or more systems against the same references.

    ``systems`` are ranked on the first metric. The per-segment statistics
    behind the numbers are kept (not serialised), so :meth:`segment_scores`
    costs no new extraction.
    """

    systems: list[SystemScore]
    metric_keys: tuple[str, ...]
    segments: int
    references: int
    config: MetricConfig
    test: SignificanceTest | None = None
    notes: list[str] = field(default_factory=list)
    inputs: dict[str, Any] = field(default_factory=dict)
    estimate: QualityEstimate | None = None
    _stats: dict[str, dict[str, list[Stats]]] = field(default_factory=dict, repr=False)
    _hyps: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _refs: list[list[str]] = field(default_factory=list, repr=False)
    _src: list[str] | None = field(default=None, repr=False)

    @property
    def metrics(self) -> list[MetricScore]:
        """The scores of the first-ranked system (the only one when one system was scored)."""
        return list(self.systems[0].scores.values())

    def system(self, name: str) -> SystemScore:
        """The scores of the system called ``name``."""
        for s in self.systems:
            if s.name == name:
                return s
        raise KeyError(name)

    def segment_scores(self, name: str) -> list[dict[str, float]]:
        """Segment-level scores of system ``name``: one ``{metric: score}`` per segment.

        As ``sacrebleu --sentence-level``: BLEU with effective order (``eff:yes``),
        chrF and TER as at corpus level, each from the cached statistics.
        """
        stats = self._stats[name]
        out: list[dict[str, float]] = [{} for _ in range(self.segments)]
        for key in self.metric_keys:
            metric = build_metric(key, self.config, sentence=True)
            for row, s in zip(out, stats[key], strict=True):
                row[key] = float(metric._compute_score_from_stats(list(s)).score)
        return out

    def segment_rows(self) -> list[dict[str, Any]]:
        """Per-segment rows for people: system, line, scores, estimate, source, hypothesis, refs.

        Scores are those of :meth:`segment_scores`; ``qe_*`` columns appear when
        the result carries a reference-free estimate (clearly prefixed).
        """
        rows: list[dict[str, Any]] = []
        for system in self.systems:
            name = system.name
            scores = self.segment_scores(name) if self.metric_keys else None
            lines = self._hyps.get(name, [])
            for i, hyp in enumerate(lines):
                row: dict[str, Any] = {"system": name, "line": i + 1}
                if scores is not None:
                    row.update(scores[i])
                if self.estimate is not None:
                    row["qe_similarity"] = self.estimate.similarity[name][i]
                    row["qe_length"] = self.estimate.length[name][i]
                    row["qe_flag"] = self.estimate.flags[name][i]
                if self._src is not None:
                    row["src"] = self._src[i]
                row["hyp"] = hyp
                for k, stream in enumerate(self._refs):
                    row["ref" if k == 0 else f"ref{k + 1}"] = stream[i]
                rows.append(row)
        return rows

    def segment_signatures(self) -> dict[str, str]:
        """sacrebleu's signatures of the segment-level scores (sentence-BLEU says ``eff:yes``)."""
        out = {}
        for key in self.metric_keys:
            metric = build_metric(key, self.config, sentence=True)
            metric._cache_references([["x"]] * self.references)
            out[key] = metric.get_signature().format()
        return out

    def to_dict(self) -> dict[str, Any]:
        """Everything needed to reproduce and compare the numbers, JSON-ready."""
        import sacrebleu

        d: dict[str, Any] = {
            "tool": {"name": "align", "version": __version__, "sacrebleu": sacrebleu.__version__},
            "metrics": list(self.metric_keys),
            "segments": self.segments,
            "references": self.references,
            "test": self.test.to_dict() if self.test else None,
            "systems": [s.to_dict() for s in self.systems],
        }
        if self.inputs:
            d["inputs"] = self.inputs
        if self.estimate is not None:
            d["estimate"] = self.estimate.to_dict()
        d["notes"] = list(self.notes)
        return d


@contextlib.contextmanager
def _sacrebleu_seed(seed: int | None) -> Iterator[None]:
    """sacrebleu reads its RNG seed from $SACREBLEU_SEED; set it for the duration of a call."""
    old = os.environ.get("SACREBLEU_SEED")
    os.environ["SACREBLEU_SEED"] = "none" if seed is None else str(seed)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SACREBLEU_SEED", None)
        else:
            os.environ["SACREBLEU_SEED"] = old


class _CachedMetric:
    """A sacrebleu metric whose statistics extraction answers from the per-segment cache.

    sacrebleu's significance code asks the metric to extract statistics for a
    system's hypotheses; this hands back the ones already computed (keyed by
    the identity of the hypothesis list) and delegates everything else.
    """

    def __init__(self, metric: Metric, stats: Mapping[int, list[Stats]]) -> None:
        self._metric = metric
        self._stats = stats

    def _extract_corpus_statistics(
        self, hypotheses: Sequence[str], references: Sequence[Sequence[str]] | None
    ) -> list[Stats]:
        return [list(s) for s in self._stats[id(hypotheses)]]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._metric, name)


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
    ``metrics``: any of ``bleu``, ``chrf``, ``chrf++``, ``ter``. ``target_lang``
    (ISO 639-1) picks BLEU's tokenizer as sacrebleu does unless ``tokenize`` is
    given. ``paired`` (``bs`` or ``ar``) tests every system against the first
    with ``paired_n`` samples (0: sacrebleu's defaults, 1000 / 10000);
    ``confidence`` adds bootstrap 95% intervals (``confidence_n`` resamples).
    ``seed`` is the RNG seed of both (sacrebleu's 12345 by default; None: random).
    ``jobs`` processes extract statistics (default: all cores).
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
    with _sacrebleu_seed(seed):
        if paired is not None:
            test, signatures = _paired_test(
                paired, paired_n, confidence, confidence_n, hyp_lists, stats, metric_objs, scores
            )
        elif confidence:
            from sacrebleu.significance import _bootstrap_resample

            for key, metric in metric_objs.items():
                for name in hyp_lists:
                    seed_str, resampled = _bootstrap_resample(
                        stats[name][key], metric, confidence_n
                    )
                    score = metric._aggregate_and_compute([list(s) for s in stats[name][key]])
                    score.estimate_ci(resampled)
                    scores[name][key].mean = float(score._mean)
                    scores[name][key].ci = float(score._ci)
                metric.n_bootstrap = confidence_n
                metric.seed = seed_str
    for key, metric in metric_objs.items():
        signatures.setdefault(key, metric.get_signature().format())
        for name in hyp_lists:
            scores[name][key].signature = signatures[key]

    ranked = sorted(
        hyp_lists,
        key=lambda s: (
            scores[s][keys[0]].score if keys[0] in LOWER_IS_BETTER else -scores[s][keys[0]].score
        ),
    )
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
        _stats=stats,
        _hyps=hyp_lists,
        _refs=streams,
    )


def _paired_test(
    kind: str,
    n_samples: int,
    confidence: bool,
    confidence_n: int,
    hyp_lists: dict[str, list[str]],
    stats: dict[str, dict[str, list[Stats]]],
    metric_objs: dict[str, Metric],
    scores: dict[str, dict[str, MetricScore]],
) -> tuple[SignificanceTest, dict[str, str]]:
    """sacrebleu's PairedTest over the cached statistics; fills p-values, means and CIs."""
    from sacrebleu.significance import PairedTest

    proxies: dict[str, Any] = {}
    for key, metric in metric_objs.items():
        by_id = {id(lines): stats[name][key] for name, lines in hyp_lists.items()}
        proxies[key] = _CachedMetric(metric, by_id)
    named = list(hyp_lists.items())
    ps = PairedTest(
        named,  # type: ignore[arg-type]
        proxies,
        references=None,
        test_type=kind,
        n_samples=n_samples,
        n_ar_confidence=(confidence_n if confidence else -1) if kind == "ar" else -1,
        n_jobs=1,
    )
    sigs, table = ps()
    by_name = {scores[named[0][0]][key].name: key for key in metric_objs}
    signatures: dict[str, str] = {}
    for sb_name, key in by_name.items():
        signatures[key] = sigs[sb_name].format()
        for (name, _), res in zip(named, table[sb_name], strict=True):
            assert not isinstance(res, str)
            ms = scores[name][key]
            ms.p_value = None if res.p_value is None else float(res.p_value)
            ms.mean = None if res.mean is None else float(res.mean)
            ms.ci = None if res.ci is None else float(res.ci)
    seed = "none" if ps._seed is None else str(ps._seed)
    return SignificanceTest(kind, ps.n_samples, seed, named[0][0]), signatures


# --------------------------------------------------------------------------- files


def sha256_file(path: str | os.PathLike[str]) -> str | None:
    """The SHA-256 of a file's bytes, for the record of what was scored (None for stdin)."""
    if str(path) == "-":
        return None
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def parse_hyp_spec(spec: str) -> tuple[str | None, str]:
    """``NAME=PATH`` -> ``(NAME, PATH)``; an existing path (even with ``=``) -> ``(None, PATH)``."""
    if "=" in spec and not os.path.exists(spec):
        name, path = spec.split("=", 1)
        if name.strip() and path:
            return name.strip(), path
    return None, spec


def system_names(paths: Sequence[str]) -> list[str]:
    """Names for systems from their file names: the parts that differ (``hyp.X.en`` -> ``X``)."""
    bases = ["stdin" if p == "-" else Path(p).name for p in paths]
    if len(bases) < 2:
        return bases
    parts = [b.split(".") for b in bases]
    lead = 0
    while all(len(p) > lead + 1 for p in parts) and len({p[lead] for p in parts}) == 1:
        lead += 1
    trail = 0
    while (
        all(len(p) > lead + trail + 1 for p in parts) and len({p[-1 - trail] for p in parts}) == 1
    ):
        trail += 1
    names = [".".join(p[lead : len(p) - trail]) for p in parts]
    return names if len(set(names)) == len(names) and all(names) else bases


def _read_stream(path: str) -> list[str]:
    # sacrebleu's command strips trailing whitespace from every line; so do we
    return [line.rstrip() for line in read_lines(path)]


@dataclass
class Inputs:
    """Files read for scoring: reference streams, named systems, optional source, checksums."""

    refs: list[list[str]]
    hyps: dict[str, list[str]]
    src: list[str] | None
    record: dict[str, Any]


def load_inputs(*, refs: Sequence[str], hyps: Sequence[str], src: str | None = None) -> Inputs:
    """Read reference, hypothesis (``PATH`` or ``NAME=PATH``) and source files; check line counts.

    Every error (missing, directory, binary, non-UTF-8, empty file, line-count
    mismatch naming both files and counts, duplicate system names) is an
    :class:`InputError`.
    """
    if not hyps:
        raise InputError("no hypotheses given", "give at least one --hyp")
    ref_streams = [_read_stream(p) for p in refs]
    specs = [parse_hyp_spec(h) for h in hyps]
    auto = system_names([p for _, p in specs])
    names = [given or auto[i] for i, (given, _) in enumerate(specs)]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise InputError(f"two systems are named {dup!r}", "name them with --hyp NAME=PATH")
    systems = {name: _read_stream(path) for name, (_, path) in zip(names, specs, strict=True)}
    src_lines = _read_stream(src) if src else None
    # the first reference (or the source) sets the expected line count
    first_path, n = (refs[0], len(ref_streams[0])) if refs else (src, len(src_lines or []))
    for path, stream in zip(refs[1:], ref_streams[1:], strict=True):
        if len(stream) != n:
            raise InputError(f"{path} has {len(stream)} lines but {first_path} has {n}")
    for name, (_, path) in zip(names, specs, strict=True):
        if len(systems[name]) != n:
            raise InputError(f"{path} has {len(systems[name])} lines but {first_path} has {n}")
    if src and src_lines is not None and len(src_lines) != n:
        raise InputError(f"{src} has {len(src_lines)} lines but {first_path} has {n}")
    record: dict[str, Any] = {
        "refs": [{"path": p, "sha256": sha256_file(p), "lines": n} for p in refs],
        "hyps": {
            name: {"path": path, "sha256": sha256_file(path)}
            for name, (_, path) in zip(names, specs, strict=True)
        },
    }
    if src:
        record["src"] = {"path": src, "sha256": sha256_file(src)}
    return Inputs(ref_streams, systems, src_lines, record)


def score_files(
    *,
    refs: Sequence[str],
    hyps: Sequence[str],
    src: str | None = None,
    qe: bool = False,
    src_lang: str | None = None,
    **options: Any,
) -> ScoreResult:
    """Read the files (see :func:`load_inputs`) and :func:`score_corpus` them.

    With ``qe`` (needs ``src`` and both languages) the result also carries the
    reference-free :class:`QualityEstimate`. Without references, ``qe`` is
    required and only the estimate is computed.
    """
    inputs = load_inputs(refs=refs, hyps=hyps, src=src)
    if not refs and not qe:
        raise InputError("no references given", "give --ref, or --src with --qe for an estimate")
    if refs:
        result = score_corpus(inputs.hyps, inputs.refs, **options)
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
    return result


# --------------------------------------------------------------------------- gates


@dataclass(frozen=True)
class GateCheck:
    """One gate on one metric of one system: a threshold, or a maximum drop against a baseline."""

    system: str
    metric: str
    score: float
    limit: float  # the threshold, or the allowed drop
    passed: bool
    baseline: float | None = None  # set for baseline checks

    @property
    def drop(self) -> float | None:
        """How much worse than the baseline (positive = worse), for baseline checks."""
        if self.baseline is None:
            return None
        diff = self.score - self.baseline
        return diff if self.metric in LOWER_IS_BETTER else -diff

    def describe(self) -> str:
        """``chrf 47.13 < 55 (short by 7.87)`` or ``chrf dropped 1.52 > 1 (48.65 -> 47.13)``."""
        if self.baseline is None:
            op = ">" if self.metric in LOWER_IS_BETTER else "<"
            gap = abs(self.score - self.limit)
            word = "over" if self.metric in LOWER_IS_BETTER else "short"
            return f"{self.metric} {self.score:.2f} {op} {self.limit:g} ({word} by {gap:.2f})"
        return (
            f"{self.metric} dropped {self.drop:.2f} > {self.limit:g} "
            f"({self.baseline:.2f} -> {self.score:.2f})"
        )


def parse_gate_specs(specs: Sequence[str], option: str = "--fail-under") -> dict[str, float]:
    """``["bleu=30", "chrf=55.5"]`` -> ``{"bleu": 30.0, "chrf": 55.5}``; malformed -> InputError."""
    out: dict[str, float] = {}
    for spec in specs:
        key, sep, value = spec.partition("=")
        try:
            if not sep:
                raise ValueError
            number = float(value)
        except ValueError:
            raise InputError(
                f"{option} {spec!r}: expected METRIC=NUMBER", f"e.g. {option} chrf=55"
            ) from None
        out[parse_metrics(key)[0]] = number
    return out


def _require_metrics(result: ScoreResult, wanted: Mapping[str, float], option: str) -> None:
    for key in wanted:
        if key not in result.metric_keys:
            raise InputError(
                f"{option} names {key}, which was not computed", f"add it to --metrics ({key})"
            )


def check_thresholds(result: ScoreResult, fail_under: Mapping[str, float]) -> list[GateCheck]:
    """Each system's score against each threshold; TER (lower is better) fails *above* its value."""
    _require_metrics(result, fail_under, "--fail-under")
    checks = []
    for system in result.systems:
        for key, limit in fail_under.items():
            score = system.scores[key].score
            passed = score <= limit if key in LOWER_IS_BETTER else score >= limit
            checks.append(GateCheck(system.name, key, score, limit, passed))
    return checks


def load_baseline(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a result saved with ``--save`` (:func:`save_result`); malformed: InputError."""
    from align.text import read_text

    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not a saved score result (invalid JSON: {exc.msg})") from exc
    systems = data.get("systems") if isinstance(data, dict) else None
    if not isinstance(systems, list) or not systems:
        raise InputError(f"{path}: not a saved score result (no systems)", "write one with --save")
    for s in systems:
        ok = (
            isinstance(s, dict)
            and isinstance(s.get("name"), str)
            and isinstance(s.get("scores"), dict)
        )
        if ok:
            for v in s["scores"].values():
                if not (
                    isinstance(v, dict)
                    and isinstance(v.get("score"), int | float)
                    and not isinstance(v.get("score"), bool)
                    and isinstance(v.get("signature", ""), str)
                ):
                    ok = False
        if not ok:
            raise InputError(f"{path}: not a saved score result (malformed system entry)")
    return data


def _strip_version(signature: str) -> str:
    return "|".join(p for p in signature.split("|") if not p.startswith("version:"))


def compare_baseline(
    result: ScoreResult, baseline: Mapping[str, Any], max_drop: Mapping[str, float]
) -> list[GateCheck]:
    """Each system against the baseline system of the same name (or the only one vs the only one).

    A check fails when the metric got worse by more than ``max_drop[metric]``.
    A metric missing from the baseline, or computed differently there (its
    signature differs, the sacrebleu version aside), is an :class:`InputError`.
    """
    _require_metrics(result, max_drop, "--max-drop")
    base_systems = {s["name"]: s for s in baseline["systems"]}
    checks = []
    for system in result.systems:
        base = base_systems.get(system.name)
        if base is None and len(base_systems) == 1 and len(result.systems) == 1:
            base = next(iter(base_systems.values()))
        if base is None:
            raise InputError(
                f"the baseline has no system named {system.name!r}",
                f"it has {', '.join(sorted(base_systems))}; name yours with --hyp NAME=PATH",
            )
        for key, allowed in max_drop.items():
            entry = base["scores"].get(key)
            if entry is None:
                raise InputError(f"the baseline has no {key} score for {base['name']!r}")
            mine = system.scores[key]
            theirs = entry.get("signature", "")
            if theirs and _strip_version(theirs) != _strip_version(mine.signature):
                raise InputError(
                    f"the baseline's {key} was computed differently ({theirs} vs {mine.signature})",
                    "score both with the same options",
                )
            base_score = float(entry["score"])
            diff = mine.score - base_score
            drop = diff if key in LOWER_IS_BETTER else -diff
            checks.append(
                GateCheck(system.name, key, mine.score, allowed, drop <= allowed, base_score)
            )
    return checks


def gate_message(result: ScoreResult, failed: Sequence[GateCheck]) -> str:
    """One line naming every failed gate: ``quality gate failed: sysA: bleu 20.51 < 30 ...``.

    Systems are named when the result has more than one.
    """
    named = len(result.systems) > 1
    parts = [(f"{c.system}: " if named else "") + c.describe() for c in failed]
    return "quality gate failed: " + "; ".join(parts)


def save_result(result: ScoreResult, path: str | os.PathLike[str]) -> None:
    """Write the full result (scores, signatures, versions, checksums) as JSON, atomically."""
    write_text_atomic(path, json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")


# --------------------------------------------------------------------------- estimate


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
