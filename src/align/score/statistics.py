"""Per-segment sufficient statistics, extracted once by sacrebleu's own hooks, on all cores.

Each metric's statistics are computed by the calls sacrebleu's
``_extract_corpus_statistics`` makes with its reference cache (references
analysed once per segment), deduplicated across systems, and spread over a
process pool for big inputs (TER is pure Python and slow), biggest work first.
Segments longer than a metric's limit (:attr:`MetricSpec.max_words`) are
refused before any work starts, so the work per segment is bounded.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from align.errors import InputError
from align.score.metrics import METRICS, MetricConfig, build_metric

if TYPE_CHECKING:
    from sacrebleu.metrics.base import Metric

Stats = list[Any]  # one segment's sufficient statistics, as sacrebleu returns them
# Per-segment work (in TER cells or characters) below which a worker pool is not worth starting.
_PARALLEL_MIN_COST = 1_000_000


class SegmentTooLong(InputError):
    """A segment is longer than a metric accepts (see :attr:`MetricSpec.max_words`).

    ``side`` is ``"hyp"`` (``where`` a system name) or ``"ref"`` (``where`` the
    reference's index, 0-based); ``line`` is 1-based.
    """

    def __init__(self, side: str, where: str | int, line: int, words: int, key: str) -> None:
        self.side, self.where, self.line, self.words, self.key = side, where, line, words, key
        label = f"system {where!r}" if side == "hyp" else f"reference {int(where) + 1}"
        super().__init__(*self.describe(label))

    def describe(self, label: str) -> tuple[str, str]:
        """The message and hint naming the file (or stream) as ``label``."""
        spec = METRICS[self.key]
        return (
            f"{label}: line {self.line} has {self.words:,} words, over {spec.name}'s limit of "
            f"{spec.max_words:,} words per segment",
            f"split it into sentences, or leave {self.key} out of --metrics",
        )


def _too_many_words(line: str, limit: int) -> int:
    """The word count of ``line`` if it is over ``limit``, else 0 (cheap for short lines)."""
    if len(line) <= 2 * limit:  # n words need at least 2n - 1 characters
        return 0
    words = len(line.split())
    return words if words > limit else 0


def check_segment_lengths(
    hyps: Mapping[str, Sequence[str]], refs: Sequence[Sequence[str]], metrics: Sequence[str]
) -> None:
    """Raise :class:`SegmentTooLong` for the first segment over a limit of one of ``metrics``."""
    limits = [(k, METRICS[k].max_words) for k in metrics if METRICS[k].max_words is not None]
    for key, limit in limits:
        assert limit is not None
        for k, stream in enumerate(refs):
            for i, line in enumerate(stream):
                if words := _too_many_words(line, limit):
                    raise SegmentTooLong("ref", k, i + 1, words, key)
        for name, lines in hyps.items():
            for i, line in enumerate(lines):
                if words := _too_many_words(line, limit):
                    raise SegmentTooLong("hyp", name, i + 1, words, key)


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
    is called as work units (segments x metrics) finish. A segment over a
    metric's length limit raises :class:`SegmentTooLong` before any work.
    """
    check_segment_lengths(hyps, refs, metrics)
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
    costs = [sum(METRICS[k].cost(h, r) for h in hs) for k, r, hs in groups]
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
        with ctx.Pool(processes=min(jobs, len(tasks)), initializer=_quiet_worker) as pool:
            for n, stats in pool.imap_unordered(_indexed_extract, list(enumerate(tasks))):
                done(chunks[n], stats)
            pool.close()  # finished: let the workers exit, rather than terminate() them
            pool.join()
    else:
        for chunk, task in zip(chunks, tasks, strict=True):
            done(chunk, _extract(task))

    return {
        name: {key: [results[g][p] for g, p in where] for key, where in per_metric.items()}
        for name, per_metric in layout.items()
    }


def _quiet_worker() -> None:
    """A pool worker leaves signals to the parent: forked from the CLI it would inherit
    its SIGTERM handler (which raises KeyboardInterrupt) and print a traceback when the
    pool ends; SIGINT (Ctrl-C reaches the whole process group) is the parent's to act on."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


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
