"""What scoring returns: scores per metric and system, the test run, segment-level views,
and their one JSON record, versioned as :data:`SCHEMA` (documented in docs/score.md).

The metric record (:meth:`MetricScore.to_dict`, :func:`metric_records`) is the
unit a CI parser reads, the same in ``align score --format json``, ``--save``
files and (for the lead to wire) ``align run``'s scores.json. Segment-level
scores are computed here from the cached per-segment statistics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from align import __version__
from align.score.metrics import METRICS, MetricConfig, build_metric
from align.score.statistics import Stats

if TYPE_CHECKING:
    from align.score.estimate import QualityEstimate

# The name and version of the JSON record; bumped when a field changes meaning or goes away.
SCHEMA = "align-score/1"
TESTS: dict[str, str] = {"bs": "paired bootstrap resampling", "ar": "approximate randomization"}


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

    @property
    def higher_is_better(self) -> bool:
        return METRICS[self.metric].higher_is_better

    def to_dict(self) -> dict[str, Any]:
        """The metric record: ``key``, ``name``, ``score``, ``higher_is_better``, ``signature``,
        and when known ``verbose``, ``p_value``, ``mean``, ``ci`` (full precision)."""
        d: dict[str, Any] = {
            "key": self.metric,
            "name": self.name,
            "score": self.score,
            "higher_is_better": self.higher_is_better,
            "signature": self.signature,
        }
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
    are kept, so segment scores (:meth:`segment_scores`) and further tests
    cost no new extraction. ``references_sha256`` identifies the reference
    segments as scored (what a baseline comparison checks).
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
    references_sha256: str = ""
    _stats: dict[str, dict[str, list[Stats]]] = field(default_factory=dict, repr=False)
    _hyps: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _refs: list[list[str]] = field(default_factory=list, repr=False)
    _src: list[str] | None = field(default=None, repr=False)

    @property
    def metrics(self) -> list[MetricScore]:
        """The scores of the first-ranked system (the only one when one system was scored)."""
        return list(self.systems[0].scores.values())

    @property
    def sacrebleu_keys(self) -> tuple[str, ...]:
        """The metrics computed from sacrebleu's statistics (not the glossary's ``terms``)."""
        return tuple(k for k in self.metric_keys if METRICS[k].measured_by == "sacrebleu")

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
        for key in self.sacrebleu_keys:
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
            scores = self.segment_scores(name) if self.sacrebleu_keys else None
            lines = self._hyps.get(name, [])
            for i, hyp in enumerate(lines):
                row: dict[str, Any] = {"system": name, "line": i + 1}
                if scores is not None:
                    row.update(scores[i])
                if self.estimate is not None:
                    est = self.estimate
                    row["qe_score"] = est.score[name][i]
                    row["qe_similarity"] = est.similarity[name][i] if est.embeddings else None
                    row["qe_length"] = est.length[name][i]
                    row["qe_flag"] = est.flags[name][i]
                    row["qe_reasons"] = "; ".join(est.reasons[name][i])
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
        for key in self.sacrebleu_keys:
            metric = build_metric(key, self.config, sentence=True)
            metric._cache_references([["x"]] * self.references)
            out[key] = metric.get_signature().format()
        return out

    def to_dict(self) -> dict[str, Any]:
        """The versioned JSON record (``schema`` :data:`SCHEMA`): everything needed to
        reproduce and compare the numbers; what ``--format json`` and ``--save`` write."""
        import sacrebleu

        d: dict[str, Any] = {
            "schema": SCHEMA,
            "tool": {"name": "align", "version": __version__, "sacrebleu": sacrebleu.__version__},
            "metrics": list(self.metric_keys),
            "segments": self.segments,
            "references": self.references,
            "references_sha256": self.references_sha256 or None,
            "test": self.test.to_dict() if self.test else None,
            "systems": [s.to_dict() for s in self.systems],
        }
        if self.inputs:
            d["inputs"] = self.inputs
        if self.estimate is not None:
            d["estimate"] = self.estimate.to_dict()
        d["notes"] = list(self.notes)
        return d


def metric_records(result: ScoreResult, system: str | None = None) -> list[dict[str, Any]]:
    """The metric records of one system (default: the first-ranked), in ``--metrics`` order.

    The same dicts as under ``systems[].scores`` in ``--format json`` (there keyed
    by ``key``), for any other JSON that reports scores (``align run``'s scores.json).
    """
    chosen = result.systems[0] if system is None else result.system(system)
    return [chosen.scores[k].to_dict() for k in result.metric_keys if k in chosen.scores]


def references_digest(refs: list[list[str]]) -> str:
    """SHA-256 of the reference segments as scored: each reference's segments joined by
    ``\\n``, references joined by ``\\0`` (what ``--baseline`` compares)."""
    import hashlib

    h = hashlib.sha256()
    for k, stream in enumerate(refs):
        if k:
            h.update(b"\0")
        h.update("\n".join(stream).encode("utf-8"))
    return h.hexdigest()
