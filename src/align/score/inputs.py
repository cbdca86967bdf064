"""The files that are scored: references, named systems, the source, and their checksums.

Every problem with them (missing, directory, binary, non-UTF-8, empty,
line-count mismatch naming both files, two systems with one name) is an
:class:`~align.errors.InputError`. Lines are read as the ``sacrebleu`` command
reads them: trailing whitespace stripped.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from align.errors import InputError
from align.text import read_lines


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
    """Names for systems from their file names: the parts that differ (``hyp.X.en`` -> ``X``).

    The common trailing parts go first (the language), then the common leading ones, and
    every name keeps at least one part: ``hyp.A.en`` and ``hyp.A.v2.en`` are ``A`` and
    ``A.v2``. Files of one name in different folders (``a/hyp.en``, ``b/hyp.en``) are named
    by as many of their folders as tell them apart (``a/hyp.en``, ``b/hyp.en``).
    """
    bases = ["stdin" if p == "-" else Path(p).name for p in paths]
    if len(bases) < 2:
        return bases
    if len(set(bases)) < len(bases):
        return _by_folders(paths, bases)
    parts = [b.split(".") for b in bases]
    trail = 0
    while all(len(p) > trail + 1 for p in parts) and len({p[-1 - trail] for p in parts}) == 1:
        trail += 1
    lead = 0
    while all(len(p) > lead + trail + 1 for p in parts) and len({p[lead] for p in parts}) == 1:
        lead += 1
    names = [".".join(p[lead : len(p) - trail]) for p in parts]
    return names if len(set(names)) == len(names) and all(names) else bases


def _by_folders(paths: Sequence[str], bases: list[str]) -> list[str]:
    """Same file names: each named by its shortest trailing path that no other one shares."""
    split = [Path(os.path.abspath(p)).parts if p != "-" else ("stdin",) for p in paths]
    for depth in range(2, max(len(s) for s in split) + 1):
        names = ["/".join(s[-depth:]) for s in split]
        if len(set(names)) == len(names):
            return names
    return bases


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
