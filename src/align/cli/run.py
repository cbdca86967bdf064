"""``align run``: the whole pipeline on one document, with an HTML report."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import click

from align.cli.options import (
    Progress,
    by_option,
    engine_option,
    format_option,
    glossary_from,
    glossary_options,
    mark_unknown_option,
    memory_from,
    memory_options,
    models_dir_option,
    quiet_option,
    show_progress,
    targets_option,
)

if TYPE_CHECKING:
    from align.run.model import RunResult


@click.command()
@click.argument("input_path", metavar="INPUT", type=str)
@targets_option
@click.option(
    "--ref",
    "refs",
    multiple=True,
    metavar="LANG=PATH",
    help="Reference translation for a target (repeatable); its target is added if missing.",
)
@click.option(
    "--from",
    "source",
    default="auto",
    show_default=True,
    metavar="LANG",
    help="Source language, or auto to detect.",
)
@click.option(
    "-o", "--outdir", default=None, help="Output directory  [default: out/INPUT]", metavar="OUTDIR"
)
@engine_option
@click.option(
    "--method",
    default="auto",
    show_default=True,
    metavar="METHOD",
    help="Sentence alignment method for translation <-> reference (see align sentences).",
)
@by_option
@mark_unknown_option
@format_option(("table", "markdown", "json"), "table")
@glossary_options
@memory_options
@models_dir_option
@quiet_option
def run(
    input_path: str,
    targets: tuple[str, ...],
    refs: tuple[str, ...],
    source: str,
    outdir: str | None,
    engine: str,
    method: str,
    by: str,
    mark_unknown: bool,
    fmt: str,
    glossary: str | None,
    keep: tuple[str, ...],
    glossary_ignore_case: bool,
    tm: tuple[str, ...],
    tm_threshold: float,
    tm_fuzzy_use: bool,
    models_dir: str | None,
    quiet: bool,
) -> None:
    """Detect, translate, align and score INPUT; write OUTDIR with report.html.

    \b
    align run speech.zh.txt --to en --ref en=speech.en.txt
    align run speech.zh.txt --to all --ref en=speech.en.txt -o out/speech
    align run notes.txt --from de --to en --to fr

    OUTDIR gets, per target, INPUT.LANG.txt (the translation), .tmx, .beads
    (source <-> translation), .ref.beads (translation <-> reference), .tsv
    (the aligned rows with scores); and scores.json and report.html for the
    run. A second run with the same inputs reuses everything; an interrupted
    run resumes. Exit codes: 0 done, 1 failure, 2 bad input or usage.
    """
    from align.formats import render
    from align.run.inputs import parse_refs
    from align.run.pipeline import run_pipeline
    from align.translate.engine import Engines

    enabled = show_progress(quiet)
    result = run_pipeline(
        input_path,
        targets=targets,
        refs=parse_refs(refs),
        source=source,
        outdir=outdir,
        engines=Engines(engine, models_dir),
        align_method=method,
        by=by,
        progress=lambda label, total: Progress(label, total, enabled),
        mark_unknown=mark_unknown or None,
        glossary=glossary_from(glossary, keep, glossary_ignore_case),
        memory=memory_from(tm, tm_threshold, tm_fuzzy_use),
    )
    for warning in result.warnings:
        click.echo(f"align: warning: {warning}", err=True)
    report = os.path.join(result.outdir, "report.html")
    rows = summary_rows(result)
    for row in rows:
        if fmt == "json":
            row["report"] = report
        else:  # JSON keeps true/false; a table says yes/no, not Python's True/False
            row["reused"] = "yes" if row["reused"] else "no"
            row["estimate"] = "-" if row["estimate"] is None else f"{row['estimate']:.2f}"
    render(rows, fmt, sys.stdout)
    if fmt != "json":
        click.echo(f"\nreport: {report}")


def summary_rows(run: RunResult) -> list[dict[str, Any]]:
    """One row per target for the summary on stdout (what the report's summary table shows)."""
    rows = []
    for t in run.targets:
        metrics = " ".join(
            f"{m.name} {m.score:.{2 if m.name in ('similarity', 'estimate') else 1}f}"
            for m in t.scores.metrics
        )
        rows.append(
            {
                "source": run.source.lang,
                "target": t.lang,
                "engine": t.engine,
                "sentences": len(t.sentences),
                "rows": len(t.rows),
                "seconds": round(sum(v for k, v in t.timings.items() if k != "total"), 1),
                "scores": metrics or "-",
                "estimate": t.estimate,  # the corpus estimate, what targets are ranked by
                "kind": {"reference": "reference", "estimate": "estimate (no reference)"}.get(
                    t.scores.kind, "none"
                ),
                "reused": t.reused,
            }
        )
        if t.terms is not None:
            rows[-1]["terms"] = f"{t.terms['kept']}/{t.terms['found']}"
        if t.memory:  # --tm: the share of the translations the memory gave
            rows[-1]["tm"] = f"{t.memory.get('reused_share', 0):.0%}"
    if any("tm" in row for row in rows):
        for row in rows:
            row.setdefault("tm", "-")

    return rows
