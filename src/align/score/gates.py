"""Gates for CI: thresholds, and regressions against a saved baseline.

A baseline is a result written by :func:`save_result` (the JSON record of
:mod:`align.score.results`, schema ``align-score/1``; files written before the
schema had a name have the same layout and are read too). Comparing against a
baseline scored on other references, or on another number of segments, is an
:class:`~align.errors.InputError` unless the caller allows it; so is a metric
computed with other options, or a score that is not a finite number.
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from align.errors import InputError
from align.score.metrics import METRICS
from align.score.metrics import spec as metric_spec
from align.score.results import SCHEMA, ScoreResult
from align.text import write_text_atomic


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
        return -diff if METRICS[self.metric].higher_is_better else diff

    def describe(self) -> str:
        """``chrf 47.13 < 55 (short by 7.87)`` or ``chrf dropped 1.52 > 1 (48.65 -> 47.13)``."""
        if self.baseline is None:
            higher = METRICS[self.metric].higher_is_better
            op = "<" if higher else ">"
            gap = abs(self.score - self.limit)
            word = "short" if higher else "over"
            return f"{self.metric} {self.score:.2f} {op} {self.limit:g} ({word} by {gap:.2f})"
        return (
            f"{self.metric} dropped {self.drop:.2f} > {self.limit:g} "
            f"({self.baseline:.2f} -> {self.score:.2f})"
        )

    def to_dict(self) -> dict[str, Any]:
        """The gate as JSON: ``kind`` is ``fail-under`` or ``max-drop``."""
        d: dict[str, Any] = {
            "system": self.system,
            "metric": self.metric,
            "kind": "fail-under" if self.baseline is None else "max-drop",
            "score": self.score,
            "limit": self.limit,
            "passed": self.passed,
        }
        if self.baseline is not None:
            d["baseline"] = self.baseline
            d["drop"] = self.drop
        return d


def parse_gate_specs(specs: Sequence[str], option: str = "--fail-under") -> dict[str, float]:
    """``["bleu=30", "chrf=55.5"]`` -> ``{"bleu": 30.0, "chrf": 55.5}``; malformed -> InputError."""
    out: dict[str, float] = {}
    for spec in specs:
        key, sep, value = spec.partition("=")
        try:
            if not sep:
                raise ValueError
            number = float(value)
            if not math.isfinite(number):
                raise ValueError
        except ValueError:
            raise InputError(
                f"{option} {spec!r}: expected METRIC=NUMBER", f"e.g. {option} chrf=55"
            ) from None
        out[metric_spec(key).key] = number  # any metric, ``terms`` too (measured with --glossary)
    return out


def _require_metrics(result: ScoreResult, wanted: Mapping[str, float], option: str) -> None:
    for key in wanted:
        if key not in result.metric_keys:
            how = (
                "give --glossary FILE --src SRC"
                if METRICS[key].measured_by == "glossary"
                else f"add it to --metrics ({key})"
            )
            raise InputError(f"{option} names {key}, which was not computed", how)


def check_thresholds(result: ScoreResult, fail_under: Mapping[str, float]) -> list[GateCheck]:
    """Each system's score against each threshold; TER (lower is better) fails *above* its value."""
    _require_metrics(result, fail_under, "--fail-under")
    checks = []
    for system in result.systems:
        for key, limit in fail_under.items():
            score = system.scores[key].score
            higher = METRICS[key].higher_is_better
            passed = score >= limit if higher else score <= limit
            checks.append(GateCheck(system.name, key, score, limit, passed))
    return checks


def _malformed(path: str | os.PathLike[str], why: str) -> InputError:
    return InputError(f"{path}: not a saved score result ({why})", "write one with --save")


def load_baseline(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a result saved with ``--save`` (:func:`save_result`); malformed: InputError.

    Files of schema ``align-score/1`` and older unversioned ones (the same
    layout) are read; a newer schema, a score that is not a finite number
    (NaN, Infinity) or any other shape is an :class:`InputError`.
    """
    from align.text import read_text

    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not a saved score result (invalid JSON: {exc.msg})") from exc
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema is not None and schema != SCHEMA:
        if isinstance(schema, str) and schema.startswith("align-score/"):
            raise InputError(
                f"{path}: saved with schema {schema}, this align reads {SCHEMA}",
                "score the baseline again with this version, or upgrade align",
            )
        raise _malformed(path, f"unknown schema {schema!r}")
    systems = data.get("systems") if isinstance(data, dict) else None
    if not isinstance(systems, list) or not systems:
        raise _malformed(path, "no systems")
    segments = data.get("segments")
    if segments is not None and (not isinstance(segments, int) or isinstance(segments, bool)):
        raise _malformed(path, "segments is not a number")
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
        for key, v in s["scores"].items():
            if not math.isfinite(v["score"]):
                raise InputError(
                    f"{path}: the {key} score of {s['name']!r} is {v['score']}, not a number",
                    "a baseline needs finite scores; save it again with --save",
                )
    return data


def _strip_version(signature: str) -> str:
    return "|".join(p for p in signature.split("|") if not p.startswith("version:"))


def _ref_checksums(record: Mapping[str, Any]) -> list[str] | None:
    """The SHA-256 of each reference file in an ``inputs`` record, if all are known."""
    refs = record.get("refs") if isinstance(record, Mapping) else None
    if not isinstance(refs, list) or not refs:
        return None
    sums = [r.get("sha256") if isinstance(r, Mapping) else None for r in refs]
    return (
        [s for s in sums if isinstance(s, str)] if all(isinstance(s, str) for s in sums) else None
    )


def references_mismatch(
    result: ScoreResult, baseline: Mapping[str, Any], name: str = "the baseline"
) -> str | None:
    """Why ``baseline`` (called ``name`` in the message) was not scored on the references of
    ``result``, or None if it was.

    Compared: the segment count, then the digest of the reference segments
    (``references_sha256``), or for files saved before it existed the SHA-256
    of the reference files. A baseline that records neither is a mismatch too.
    """
    segments = baseline.get("segments")
    if isinstance(segments, int) and segments != result.segments:
        return f"{name} was scored on {segments} segments, these references have {result.segments}"
    theirs = baseline.get("references_sha256")
    if isinstance(theirs, str) and result.references_sha256:
        if theirs != result.references_sha256:
            return (
                f"{name} was scored on other references "
                f"(sha256 {theirs[:12]}… vs {result.references_sha256[:12]}…)"
            )
        return None
    old, new = _ref_checksums(baseline.get("inputs") or {}), _ref_checksums(result.inputs)
    if old is not None and new is not None:
        if Counter(old) != Counter(new):
            return f"{name} was scored on other reference files (their SHA-256 differ)"
        return None
    return f"{name} does not record which references it was scored on"


def compare_baseline(
    result: ScoreResult,
    baseline: Mapping[str, Any],
    max_drop: Mapping[str, float],
    *,
    allow_different_refs: bool = False,
    name: str = "the baseline",
) -> list[GateCheck]:
    """Each system against the baseline system of the same name (or the only one vs the only one).

    A check fails when the metric got worse by more than ``max_drop[metric]``.
    A metric missing from the baseline, or computed differently there (its
    signature differs, the sacrebleu version aside), is an :class:`InputError`;
    so is a baseline scored on other references or another segment count
    (:func:`references_mismatch`) unless ``allow_different_refs``; ``name``
    names the baseline in that message (e.g. its path).
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
            drop = -diff if METRICS[key].higher_is_better else diff
            checks.append(
                GateCheck(system.name, key, mine.score, allowed, drop <= allowed, base_score)
            )
    if not allow_different_refs and (why := references_mismatch(result, baseline, name)):
        raise InputError(why, "compare on the same test set, or give --allow-different-refs")
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
