"""``align compare``: where two versions of a text differ (omissions, additions, doubtful pairs)."""

from __future__ import annotations

import sys

import click

from align.cli.options import (
    format_option,
    models_dir_option,
    quiet_option,
)
from align.cli.sentences import language_options, with_progress

DOUBT_COLUMNS = ["kind", "src", "tgt", "score", "ratio", "src_text", "tgt_text"]


@click.command()
@click.argument("a", type=str)
@click.argument("b", type=str)
@language_options
@format_option(["table", "json", "markdown"], "table")
@click.option(
    "--top",
    type=click.IntRange(0, 10_000),
    default=10,
    show_default=True,
    help="How many low-scoring pairs to list (unaligned sentences are always listed).",
)
@click.option(
    "--fail-under-coverage",
    type=click.FloatRange(0, 100),
    default=None,
    help="Exit 1 when either side has less than PCT% of its sentences aligned.",
)
@click.option(
    "--fail-under-similarity",
    type=click.FloatRange(0, 1),
    default=None,
    help="Exit 1 when the overall similarity (0..1) is below this.",
)
@models_dir_option
@quiet_option
def compare(
    a: str,
    b: str,
    src_lang: str | None,
    tgt_lang: str | None,
    presplit: bool,
    method: str,
    max_merge: int,
    fmt: str,
    top: int,
    fail_under_coverage: float | None,
    fail_under_similarity: float | None,
    models_dir: str | None,
    quiet: bool,
) -> None:
    """Compare two versions A and B of a text (e.g. an original and its translation).

    \b
    align compare speech.zh.txt speech.en.txt
    align compare v1.txt v2.txt --format markdown --top 20
    align compare src.txt translation.txt --fail-under-coverage 95

    Reports coverage (share of each side's sentences aligned; unaligned ones are
    likely omissions or additions), the overall similarity (0..1) and the doubtful
    pairs: unaligned sentences, the lowest scores, length-ratio outliers.
    Exit codes: 0 done, 1 a --fail-under-* gate tripped, 2 bad input.
    """

    from align.alignment.compare import compare_texts
    from align.alignment.io import read_side
    from align.errors import GateFailed
    from align.formats import render, write_json

    src_sents, src_code, src_paras = read_side(a, lang=src_lang, presplit=presplit)
    tgt_sents, tgt_code, tgt_paras = read_side(b, lang=tgt_lang, presplit=presplit)
    result = with_progress(
        compare_texts,
        src_sents,
        tgt_sents,
        quiet=quiet,
        src_lang=src_code,
        tgt_lang=tgt_code,
        method=method,
        max_merge=max_merge,
        models_dir=models_dir,
        top=top,
        paragraphs=(src_paras, tgt_paras),
    )
    summary = result.summary()
    doubts = [d.as_row() for d in result.doubts]
    out = sys.stdout
    if fmt == "json":
        write_json({**summary, "doubtful": doubts}, out)
    else:
        render([{"metric": k, "value": v} for k, v in summary.items()], fmt, out)
        out.write("\n")
        if doubts:
            render(doubts, fmt, out, DOUBT_COLUMNS)
        else:
            out.write("no doubtful pairs\n")
    failed = []
    if fail_under_coverage is not None:
        worst = min(summary["coverage_src"], summary["coverage_tgt"])
        if worst < fail_under_coverage:
            failed.append(f"coverage {worst}% < {fail_under_coverage}%")
    if fail_under_similarity is not None and result.similarity < fail_under_similarity:
        failed.append(f"similarity {result.similarity:.3f} < {fail_under_similarity}")
    if failed:
        raise GateFailed("; ".join(failed))
