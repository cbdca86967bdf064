"""The data model of ``align run``: exactly what ``scores.json`` holds and the report shows.

:class:`RunResult` and its parts are written with :meth:`RunResult.to_dict` and
read back with :func:`result_from_dict` (checked against :data:`SCHEMA`). The
HTML report (:mod:`align.report`) imports only this module of the run wing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from align.alignment.beads import Bead
from align.errors import InputError

__all__ = [
    "SCHEMA",
    "Bead",
    "LangScore",
    "Metric",
    "Row",
    "RunResult",
    "Scores",
    "SourceInfo",
    "TargetResult",
    "result_from_dict",
    "target_from_dict",
]

# align-run/2: metrics are align-score/1 metric records (key, name, score, higher_is_better,
# signature); align-run/1 had name, score (rounded), signature.
SCHEMA = "align-run/2"


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
class Row:
    """One line of the side-by-side view: source | translation (| reference) sentences."""

    src: list[int]
    tgt: list[int]
    ref: list[int] | None  # None when the target has no reference
    score: float | None  # sentence chrF vs the reference, else the reference-free estimate
    ratio: float | None  # characters of translation / characters of source
    # merged, unaligned, low, ratio-outlier, omission (:mod:`align.run.rows` says when); and
    # from the estimate's reasons: untranslated, length, repeated, numbers-missing,
    # names-missing, low-similarity
    flags: list[str] = field(default_factory=list)
    # the estimate's reasons, for people: "untranslated: overestimate, underestimate", ...
    reasons: list[str] = field(default_factory=list)


@dataclass
class Metric:
    """One corpus score: the metric record of ``align score --format json``
    (:func:`align.score.metric_records`), so a CI user parses both with one reader."""

    key: str  # registry key: bleu, chrf, chrf++, ter; similarity for the estimate
    name: str  # sacrebleu's display name: BLEU, chrF2, TER
    score: float
    higher_is_better: bool
    signature: str
    verbose: str = ""


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
    # A chained target's intermediate texts, one entry per pivot language in hop order:
    # {"lang": "en", "engine": "argos", "texts": [one per source sentence]}.
    pivots: list[dict[str, Any]] = field(default_factory=list)
    # The corpus estimate (mean of the rows' reference-free estimates, in [0, 1]), with or
    # without a reference: what targets are ranked by. None in results of older versions.
    estimate: float | None = None
    # Per translation (one per source sentence): the words the engine marked as unknown
    # (Apertium with --mark-unknown); empty when no marks were asked for.
    unknown: list[list[str]] = field(default_factory=list)
    # with --glossary: the term hit rate (found, kept, rate, missed), as TermStats.to_dict
    terms: dict[str, Any] | None = None
    # --tm: each translation's origin (tm-exact, "tm-fuzzy 0.87", or the engine chain's
    # signature), and what the memory gave (counts, share reused, files); empty without --tm
    origins: list[str] = field(default_factory=list)
    memory: dict[str, Any] = field(default_factory=dict)


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
    # flag -> what it means with its thresholds (align.run.rows.FLAG_RULES): the report's legend
    flag_rules: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _source_from(d: Mapping[str, Any]) -> SourceInfo:
    d = dict(d)
    d["alternatives"] = [LangScore(**a) for a in d["alternatives"]]
    d["mixed_langs"] = [LangScore(**a) for a in d["mixed_langs"]]
    return SourceInfo(**d)


def target_from_dict(d: Mapping[str, Any]) -> TargetResult:
    """Read back a :class:`TargetResult` (one entry of ``targets`` in ``scores.json``)."""
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
    out["targets"] = [target_from_dict(t) for t in d["targets"]]
    return RunResult(**out)
