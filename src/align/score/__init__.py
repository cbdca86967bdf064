"""Translation quality scoring with sacrebleu: corpus and segment scores, significance, CI gates.

The numbers are sacrebleu's, to the last digit, with its signature strings:
every metric is a sacrebleu metric object and this package never does a
metric's arithmetic itself. What it adds is around them, one room each:

- :mod:`~align.score.metrics`: the registry, one :class:`MetricSpec` per metric
  (sacrebleu class, default arguments, options, aliases, direction, display
  name, work estimate, segment limit); adding a metric is adding one entry.
- :mod:`~align.score.statistics`: per-segment sufficient statistics by
  sacrebleu's own hooks, computed once, deduplicated across systems, on all
  cores, with the work per segment bounded.
- :mod:`~align.score.results`: the result types and their one versioned JSON
  record (:data:`SCHEMA`, :func:`metric_records`).
- :mod:`~align.score.significance`: sacrebleu's paired bootstrap /
  approximate randomisation and bootstrap intervals over the cached statistics.
- :mod:`~align.score.inputs`: reading and checking the files that are scored.
- :mod:`~align.score.corpus`: :func:`score_corpus` and :func:`score_files`.
- :mod:`~align.score.gates`: thresholds, baselines (:func:`compare_baseline`),
  :func:`save_result`.
- :mod:`~align.score.estimate`: a reference-free estimate, always labelled
  as one and kept apart from the reference-based numbers.

sacrebleu and numpy are imported inside the functions that need them:
``import align.score`` loads neither.
"""

from __future__ import annotations

from align.score.corpus import score_corpus, score_files
from align.score.estimate import QE_LONG, QE_LOW_Z, QE_SHORT, QualityEstimate, estimate_quality
from align.score.gates import (
    GateCheck,
    check_thresholds,
    compare_baseline,
    gate_message,
    load_baseline,
    parse_gate_specs,
    references_mismatch,
    save_result,
)
from align.score.inputs import Inputs, load_inputs, parse_hyp_spec, sha256_file, system_names
from align.score.metrics import (
    DEFAULT_METRICS,
    LOWER_IS_BETTER,
    METRICS,
    TER_MAX_WORDS,
    MetricConfig,
    MetricSpec,
    build_metric,
    higher_is_better,
    parse_metrics,
    resolve_tokenizer,
)
from align.score.results import (
    SCHEMA,
    TESTS,
    MetricScore,
    ScoreResult,
    SignificanceTest,
    SystemScore,
    metric_records,
)
from align.score.significance import DEFAULT_SEED
from align.score.statistics import (
    SegmentTooLong,
    Stats,
    check_segment_lengths,
    default_jobs,
    segment_statistics,
)

__all__ = [
    "DEFAULT_METRICS",
    "DEFAULT_SEED",
    "LOWER_IS_BETTER",
    "METRICS",
    "QE_LONG",
    "QE_LOW_Z",
    "QE_SHORT",
    "SCHEMA",
    "TER_MAX_WORDS",
    "TESTS",
    "GateCheck",
    "Inputs",
    "MetricConfig",
    "MetricScore",
    "MetricSpec",
    "QualityEstimate",
    "ScoreResult",
    "SegmentTooLong",
    "SignificanceTest",
    "Stats",
    "SystemScore",
    "build_metric",
    "check_segment_lengths",
    "check_thresholds",
    "compare_baseline",
    "default_jobs",
    "estimate_quality",
    "gate_message",
    "higher_is_better",
    "load_baseline",
    "load_inputs",
    "metric_records",
    "parse_gate_specs",
    "parse_hyp_spec",
    "parse_metrics",
    "references_mismatch",
    "resolve_tokenizer",
    "save_result",
    "score_corpus",
    "score_files",
    "segment_statistics",
    "sha256_file",
    "system_names",
]
