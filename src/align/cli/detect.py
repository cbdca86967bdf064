"""``align detect``: the language of each document, paragraph, sentence or line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import click

from align.cli.options import Progress, format_option, quiet_option, show_progress

_TEXT_WIDTH = 40  # characters of a unit's text shown in the table format


def _pairs(pairs: list[tuple[str, float]] | dict[str, float], fmt: str) -> Any:
    items = list(pairs.items()) if isinstance(pairs, dict) else pairs
    if fmt in ("json", "jsonl"):
        return {lang: round(p, 4) for lang, p in items}
    return " ".join(f"{lang}:{p:.3f}".rstrip("0").rstrip(".") for lang, p in items)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _TEXT_WIDTH else text[: _TEXT_WIDTH - 1] + "…"


@click.command()
@click.argument("paths", nargs=-1, type=str)
@click.option(
    "--by",
    type=click.Choice(["document", "paragraph", "sentence", "line"]),
    default="document",
    show_default=True,
    help="Unit: one answer per document (with language shares), or per paragraph/sentence/line.",
)
@click.option(
    "--top", type=click.IntRange(1, 60), default=3, show_default=True, help="Alternatives per unit."
)
@click.option(
    "--langs",
    default=None,
    metavar="CODES",
    help="Comma-separated candidate languages, e.g. en,fr,zh-Hant (default: all detectable).",
)
@format_option(["table", "json", "jsonl", "tsv"], "table")
@click.option("-o", "--output", default=None, help="Write results to this file (atomically).")
@quiet_option
def detect(
    paths: tuple[str, ...],
    by: str,
    top: int,
    langs: str | None,
    fmt: str,
    output: str | None,
    quiet: bool,
) -> None:
    """Detect the language of each PATH (or stdin, or -).

    \b
    align detect speech.txt
    align detect notes.txt --by paragraph --top 2
    align detect lines.txt --by line --format jsonl --langs en,de,fr

    Codes are ISO 639-1, with zh-Hans/zh-Hant for the two Chinese scripts; und means
    too few letters to judge (fewer than 2), mul a unit mixing several scripts. Per unit,
    short says a language was told from too few letters to be sure (under 20, 6 for
    Chinese characters; never for a script of one language, like Greek or kana).
    Exit codes: 0 success, 2 bad input (missing, empty, binary, non-UTF-8 file; unknown code).
    """
    from align.detect import as_row, detect_segments, summarize
    from align.formats import render
    from align.outputs import check_output_file, open_output
    from align.text import read_text

    candidates = [c.strip() for c in langs.split(",")] if langs is not None else None
    inputs = list(paths) or ["-"]
    check_output_file(output, inputs=inputs)
    texts = [(path, read_text(path)) for path in inputs]  # bad input fails before any output

    def rows() -> Iterator[dict[str, Any]]:
        for path, text in texts:
            # A document's shares are summed over its sentences: a paragraph of three lines
            # in three languages is three languages, not the first one.
            segs = detect_segments(
                text, by="sentence" if by == "document" else by, top=top, candidates=candidates
            )
            if by == "document":
                doc = summarize(segs)
                yield {
                    "path": path,
                    "lang": doc.lang,
                    "confidence": round(doc.confidence, 4),
                    "shares": _pairs(doc.shares, fmt),
                    "letters": doc.letters,
                }
                continue
            total = text.count("\n") + 1 if by == "line" else 0
            progress = Progress(f"detecting {path}", total, show_progress(quiet))
            for found in segs:
                row = as_row(found.detection)
                seg = found.segment
                place: dict[str, Any] = {"path": path}
                if by == "line":
                    place["line"] = seg.para + 1
                else:
                    place["para"] = seg.para + 1
                    if by == "sentence":
                        place["sentence"] = seg.index + 1
                yield {
                    **place,
                    "lang": row["lang"],
                    "confidence": row["confidence"],
                    # too few letters to be sure: the confidence is the model's, not a certainty
                    "short": row["short"] if fmt in ("json", "jsonl") else "yes" * row["short"],
                    "alternatives": _pairs(found.detection.alternatives, fmt),
                    "text": _short(seg.text) if fmt == "table" else seg.text,
                }
                progress.update()
            progress.close()

    with open_output(output, inputs=inputs) as out:
        render(rows(), fmt, out)
