"""A corpus job's inputs: files, directories and globs expanded, and each file's segments
streamed from its format — plain text one segment per line, JSON Lines (a text field),
TSV (a column, by header name or 1-based number) or Parquet (a column, read with pyarrow
in record batches).
"""

from __future__ import annotations

import glob
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

from align.errors import InputError
from align.text import iter_lines

KINDS = ("txt", "jsonl", "tsv", "parquet")
DEFAULT_FIELD = "text"
# The output format of each input kind unless --format says otherwise.
DEFAULT_OUTPUT = {"txt": "txt", "jsonl": "jsonl", "tsv": "tsv", "parquet": "jsonl"}
PARQUET_BATCH = 4096


def expand_inputs(paths: Sequence[str], exclude: Path | None = None) -> list[Path]:
    """Files, in order, each once: a directory gives its files (recursively, sorted, not
    hidden ones nor those under a hidden folder), a glob (``'data/*.zh'``, ``**`` too) its
    matches. Nothing under ``exclude`` (the output directory: a rerun must not read the
    outputs of the last one)."""
    out: list[Path] = []
    skip = exclude.resolve() if exclude is not None else None
    for raw in paths:
        if any(c in raw for c in "*?[") and not Path(raw).exists():
            found = [Path(m) for m in sorted(glob.glob(raw, recursive=True)) if Path(m).is_file()]
            if not found:
                raise InputError(f"{raw}: the pattern matches no file")
        elif Path(raw).is_dir():
            root = Path(raw)
            found = sorted(
                p
                for p in root.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(root).parts)
            )
            if not found:
                raise InputError(f"{raw}: the directory holds no file")
        elif Path(raw).is_file():
            found = [Path(raw)]
        else:
            raise InputError(f"{raw}: no such file")
        for path in found:
            if skip is not None and path.resolve().is_relative_to(skip):
                continue
            if all(path.resolve() != seen.resolve() for seen in out):
                out.append(path)
    if not out:
        raise InputError("no input given", "give files, a directory or a glob")
    return out


def input_kind(path: Path, field: str | None) -> str:
    """``jsonl`` (.jsonl, .ndjson), ``parquet`` (.parquet), ``tsv`` (.tsv with a --field),
    else ``txt``: one segment per line."""
    ext = path.suffix.lower()
    if ext in (".jsonl", ".ndjson"):
        return "jsonl"
    if ext in (".parquet", ".pq"):
        return "parquet"
    if ext == ".tsv" and field is not None:
        return "tsv"
    return "txt"


def iter_texts(path: Path, kind: str, field: str | None = None) -> Iterator[str]:
    """The segments of one input, in order (a blank line of text is an empty segment)."""
    name = field or DEFAULT_FIELD
    if kind == "txt":
        for line in iter_lines(path):
            yield line.strip()
    elif kind == "jsonl":
        yield from _jsonl(path, name)
    elif kind == "tsv":
        yield from _tsv(path, name)
    elif kind == "parquet":
        yield from _parquet(path, name)
    else:
        raise InputError(f"unknown input kind {kind!r}", f"use one of {', '.join(KINDS)}")


def _jsonl(path: Path, name: str) -> Iterator[str]:
    for number, line in enumerate(iter_lines(path), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise InputError(f"{path}:{number}: not a JSON record ({exc})") from exc
        value = record.get(name) if isinstance(record, dict) else None
        if not isinstance(value, str):
            raise InputError(
                f"{path}:{number}: no text field {name!r}", "name the field with --field"
            )
        yield value.strip()


def _tsv(path: Path, name: str) -> Iterator[str]:
    lines = iter_lines(path)
    if name.isdigit() and int(name) >= 1:
        column, header = int(name) - 1, False
    else:
        first = next(lines, None)
        cells = first.rstrip("\r\n").split("\t") if first is not None else []
        if name not in cells:
            raise InputError(
                f"{path}: no column {name!r} in its header ({', '.join(cells) or 'empty'})",
                "give --field NAME from the first line, or its 1-based number",
            )
        column, header = cells.index(name), True
    for number, line in enumerate(lines, 2 if header else 1):
        cells = line.rstrip("\r\n").split("\t")
        if column >= len(cells):
            raise InputError(f"{path}:{number}: has no column {column + 1}")
        yield cells[column].strip()


def _parquet(path: Path, name: str) -> Iterator[str]:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise InputError(
            f"{path}: reading Parquet needs pyarrow", "pip install 'align[ray]'"
        ) from exc
    try:
        reader = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow's ArrowInvalid and friends
        raise InputError(f"{path}: not a Parquet file ({exc})") from exc
    if name not in reader.schema_arrow.names:
        raise InputError(
            f"{path}: no column {name!r} ({', '.join(reader.schema_arrow.names)})",
            "name the column with --field",
        )
    for batch in reader.iter_batches(batch_size=PARQUET_BATCH, columns=[name]):
        for value in batch.column(0).to_pylist():
            if value is not None and not isinstance(value, str):
                raise InputError(f"{path}: column {name!r} is not text")
            yield (value or "").strip()
