"""Paired tests and confidence intervals: sacrebleu's own code over the cached statistics.

sacrebleu's ``PairedTest`` and ``_bootstrap_resample`` are run as they are,
with sacrebleu's seed handling (12345 by default), so p-values, bootstrap means
and intervals match ``sacrebleu --paired-bs/--paired-ar/--confidence`` exactly;
they are handed the statistics already extracted instead of recomputing them.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from align.score.results import MetricScore, SignificanceTest
from align.score.statistics import Stats

if TYPE_CHECKING:
    from sacrebleu.metrics.base import Metric

# sacrebleu's default seed for bootstrap resampling and approximate randomisation.
DEFAULT_SEED = 12345


@contextlib.contextmanager
def sacrebleu_seed(seed: int | None) -> Iterator[None]:
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

    def _extract_corpus_statistics(self, hypotheses: Any, references: Any) -> list[Stats]:
        return [list(s) for s in self._stats[id(hypotheses)]]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._metric, name)


def paired_test(
    kind: str,
    n_samples: int,
    confidence: bool,
    confidence_n: int,
    hyp_lists: dict[str, list[str]],
    stats: dict[str, dict[str, list[Stats]]],
    metric_objs: dict[str, Metric],
    scores: dict[str, dict[str, MetricScore]],
) -> tuple[SignificanceTest, dict[str, str]]:
    """sacrebleu's PairedTest over the cached statistics; fills p-values, means and CIs.

    Returns the test and sacrebleu's signature of each metric (which then names
    the test). Call it inside :func:`sacrebleu_seed`.
    """
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


def confidence_intervals(
    confidence_n: int,
    stats: dict[str, dict[str, list[Stats]]],
    metric_objs: dict[str, Metric],
    scores: dict[str, dict[str, MetricScore]],
) -> None:
    """Bootstrap mean and 95% interval of every system and metric (sacrebleu's resampling).

    Fills ``mean`` and ``ci`` and sets each metric's bootstrap count and seed, so
    its signature says ``bs:N|seed:S``. Call it inside :func:`sacrebleu_seed`.
    """
    from sacrebleu.significance import _bootstrap_resample

    for key, metric in metric_objs.items():
        for name in scores:
            seed_str, resampled = _bootstrap_resample(stats[name][key], metric, confidence_n)
            score = metric._aggregate_and_compute([list(s) for s in stats[name][key]])
            score.estimate_ci(resampled)
            scores[name][key].mean = float(score._mean)
            scores[name][key].ci = float(score._ci)
        metric.n_bootstrap = confidence_n
        metric.seed = seed_str
