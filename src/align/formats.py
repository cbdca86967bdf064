"""One renderer for tabular results: table, json, jsonl, tsv, markdown.

Commands build rows (plain dicts with the same keys) and hand them here. The
streaming formats (jsonl, tsv) write row by row, so a huge result never has to
sit in memory; ``table``, ``markdown`` and ``json`` collect first.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

FORMATS = ("table", "json", "jsonl", "tsv", "markdown")
STREAMING = ("jsonl", "tsv")

Row = Mapping[str, Any]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e-3 and value else f"{value:.3f}".rstrip("0").rstrip(".")
    if isinstance(value, list | tuple):
        return ",".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def display_width(text: str) -> int:
    """Terminal columns taken by ``text`` (wide CJK characters count twice)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _tsv_cell(value: Any) -> str:
    return _cell(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def render(
    rows: Iterable[Row],
    fmt: str,
    out: IO[str],
    columns: Sequence[str] | None = None,
    *,
    header: bool = True,
) -> None:
    """Write ``rows`` to ``out`` in ``fmt``. ``columns`` fixes the order (default: first row's keys)."""
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(dict(row), ensure_ascii=False) + "\n")
        return
    if fmt == "tsv":
        cols = list(columns) if columns else None
        for row in rows:
            if cols is None:
                cols = list(row)
            if header:
                out.write("\t".join(cols) + "\n")
                header = False
            out.write("\t".join(_tsv_cell(row.get(c)) for c in cols) + "\n")
        if header and cols:
            out.write("\t".join(cols) + "\n")
        return
    data = [dict(r) for r in rows]
    if fmt == "json":
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    cols = list(columns) if columns else (list(data[0]) if data else [])
    cells = [[_cell(r.get(c)) for c in cols] for r in data]
    if fmt == "markdown":
        def esc(s: str) -> str:
            return s.replace("|", "\\|").replace("\n", " ")

        out.write("| " + " | ".join(esc(c) for c in cols) + " |\n")
        out.write("|" + "|".join("---" for _ in cols) + "|\n")
        for line in cells:
            out.write("| " + " | ".join(esc(c) for c in line) + " |\n")
        return
    if fmt == "table":
        widths = [
            max([display_width(c)] + [display_width(line[i]) for line in cells])
            for i, c in enumerate(cols)
        ]
        out.write("  ".join(_pad(c, w) for c, w in zip(cols, widths, strict=True)).rstrip() + "\n")
        out.write("  ".join("-" * w for w in widths) + "\n")
        for line in cells:
            out.write(
                "  ".join(_pad(c, w) for c, w in zip(line, widths, strict=True)).rstrip() + "\n"
            )
        return
    raise ValueError(f"unknown format {fmt!r}")
