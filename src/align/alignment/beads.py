"""Beads: the one bead type and its line format, written and read side by side.

A bead pairs a group of source sentences with a group of target sentences,
``[0, 1]:[2]:0.8123`` (0-based indices, ``[]`` for an empty side, the score
omitted when unknown): the format vecalign's ``print_alignments`` writes and
its ``read_alignments`` reads, and the one the published scorers use. The
aligner (:mod:`align.alignment.dp`), ``align sentences``, ``align run`` and
``align eval-align`` all use these, so a file one writes the others read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO

from align.errors import InputError

# Indices past this are not sentence numbers (a document of ten million sentences is not one).
MAX_INDEX = 10_000_000


@dataclass(frozen=True)
class Bead:
    """One alignment bead: source and target sentence indices (0-based, consecutive), a score.

    ``score`` is None when unknown (a bead known exactly, or read without one).
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float | None = None

    def __post_init__(self) -> None:  # lists (from JSON) become tuples
        object.__setattr__(self, "src", tuple(self.src))
        object.__setattr__(self, "tgt", tuple(self.tgt))

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.src), len(self.tgt))


def format_bead(bead: Bead, with_score: bool = True) -> str:
    """``[0, 1]:[2]:0.8730`` (the score omitted when unknown or ``with_score`` is false)."""
    src = ", ".join(str(i) for i in bead.src)
    tgt = ", ".join(str(j) for j in bead.tgt)
    line = f"[{src}]:[{tgt}]"
    return f"{line}:{bead.score:.4f}" if with_score and bead.score is not None else line


def write_beads(out: IO[str], beads: Iterable[Bead], with_score: bool = True) -> None:
    """One :func:`format_bead` line per bead."""
    for bead in beads:
        out.write(format_bead(bead, with_score) + "\n")


def parse_bead_line(line: str, where: str = "") -> Bead:
    """Parse ``[0, 1]:[2]`` or ``[0, 1]:[2]:0.93`` (one line, no checks across lines)."""
    text = line.strip()
    parts = text.split(":")
    if len(parts) not in (2, 3):
        raise InputError(f"{where}not a bead line: {text!r}", "expected [i, j]:[k]")
    sides: list[tuple[int, ...]] = []
    for part in parts[:2]:
        part = part.strip()
        if not (part.startswith("[") and part.endswith("]")):
            raise InputError(f"{where}not a bead line: {text!r}", "expected [i, j]:[k]")
        inner = part[1:-1].strip()
        try:
            side = tuple(int(x) for x in inner.split(",")) if inner else ()
        except ValueError as exc:
            raise InputError(f"{where}bad sentence index in {text!r}") from exc
        for i in side:
            if i < 0 or i > MAX_INDEX:
                raise InputError(
                    f"{where}sentence index {i} out of range in {text!r}",
                    f"indices are 0-based sentence numbers (0..{MAX_INDEX})",
                )
        if len(set(side)) != len(side):
            raise InputError(f"{where}a sentence listed twice in {text!r}")
        sides.append(side)
    if not sides[0] and not sides[1]:
        raise InputError(f"{where}empty bead {text!r}", "a bead holds at least one sentence")
    score = None
    if len(parts) == 3 and parts[2].strip():
        try:
            score = float(parts[2])
        except ValueError as exc:
            raise InputError(f"{where}bad score in {text!r}") from exc
    return Bead(sides[0], sides[1], score)


def read_beads(path: str, *, src_len: int | None = None, tgt_len: int | None = None) -> list[Bead]:
    """Read a beads file (one bead per line; blank lines ignored), checking it is an alignment.

    Raises :class:`InputError` naming the file and line for a line that is not
    a bead, a negative or huge index, ``[]:[]``, a sentence in two beads
    (overlapping or duplicate beads) and, when the document sizes are known
    (``src_len``/``tgt_len``: sentences per side), an index beyond them.
    """
    from align.text import read_lines

    out: list[Bead] = []
    seen: tuple[dict[int, int], dict[int, int]] = ({}, {})
    sizes = (src_len, tgt_len)
    for n, line in enumerate(read_lines(path), start=1):
        if not line.strip():
            continue
        where = f"{path}:{n}: "
        bead = parse_bead_line(line, where)
        for side, (ids, name) in enumerate(((bead.src, "source"), (bead.tgt, "target"))):
            size = sizes[side]
            for i in ids:
                if size is not None and i >= size:
                    raise InputError(
                        f"{where}{name} sentence {i} is beyond the document "
                        f"({size} sentences, indices 0..{size - 1})"
                    )
                if i in seen[side]:
                    raise InputError(
                        f"{where}{name} sentence {i} is already in the bead "
                        f"on line {seen[side][i]}",
                        "each sentence belongs to one bead",
                    )
                seen[side][i] = n
        out.append(bead)
    return out


def bead_pairs(beads: Sequence[Bead]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The beads as ``(src, tgt)`` index tuples, what the evaluation compares."""
    return [(b.src, b.tgt) for b in beads]
