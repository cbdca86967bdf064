"""``align eval-align``: score predicted sentence alignments against gold beads."""

from __future__ import annotations

import sys

import click

from align.cli.options import format_option


@click.command("eval-align")
@click.option("--gold", "gold", multiple=True, required=True, help="Gold beads file (repeatable).")
@click.option(
    "--pred", "pred", multiple=True, required=True, help="Predicted beads file, same order."
)
@format_option(["table", "json", "markdown"], "table")
def eval_align(gold: tuple[str, ...], pred: tuple[str, ...], fmt: str) -> None:
    """Strict and lax precision, recall and F1 of --pred against --gold.

    \b
    align eval-align --gold dev.defr --pred pred.beads
    align eval-align --gold a.gold --gold b.gold --pred a.pred --pred b.pred --format json

    Beads files hold one [i, j]:[k] (optionally :score) per line. Counts are
    summed over all file pairs (micro-average). Definitions of Sennrich & Volk
    (2011): recall ignores insertions and deletions; lax accepts a bead that
    overlaps a gold bead on both sides.
    """
    import json

    from align.alignment.beads import read_beads
    from align.alignment.evaluate import score_alignments
    from align.errors import InputError
    from align.formats import render

    if len(gold) != len(pred):
        raise InputError(
            f"{len(gold)} --gold file(s) but {len(pred)} --pred file(s)",
            "give one --pred per --gold, in the same order",
        )
    scores = score_alignments(
        (read_beads(g), read_beads(p)) for g, p in zip(gold, pred, strict=True)
    )
    out = sys.stdout
    if fmt == "json":
        out.write(json.dumps({k: _round(v) for k, v in scores.as_dict().items()}, indent=2) + "\n")
        return
    rows = [
        {
            "match": kind,
            "precision": _round(getattr(scores, f"precision_{kind}")),
            "recall": _round(getattr(scores, f"recall_{kind}")),
            "f1": _round(getattr(scores, f"f1_{kind}")),
        }
        for kind in ("strict", "lax")
    ]
    render(rows, fmt, out)


def _round(value: float | int) -> float | int:
    return round(value, 4) if isinstance(value, float) else value
