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
@click.option(
    "--src",
    "src",
    multiple=True,
    metavar="PATH",
    help="Source document (one sentence per line), same order: indices beyond it are refused.",
)
@click.option(
    "--tgt",
    "tgt",
    multiple=True,
    metavar="PATH",
    help="Target document (one sentence per line), same order: indices beyond it are refused.",
)
@format_option(["table", "json", "markdown"], "table")
def eval_align(
    gold: tuple[str, ...],
    pred: tuple[str, ...],
    src: tuple[str, ...],
    tgt: tuple[str, ...],
    fmt: str,
) -> None:
    """Strict and lax precision, recall and F1 of --pred against --gold.

    \b
    align eval-align --gold dev.defr --pred pred.beads
    align eval-align --gold a.gold --gold b.gold --pred a.pred --pred b.pred --format json

    Beads files hold one [i, j]:[k] (optionally :score) per line; a file that is
    not an alignment (a sentence in two beads, []:[], a negative index, an index
    beyond --src/--tgt when given) is refused with its line (exit 2). Counts are
    summed over all file pairs (micro-average). Definitions of Sennrich & Volk
    (2011): recall ignores insertions and deletions; lax accepts a bead that
    overlaps a gold bead on both sides.
    """

    from align.alignment.beads import read_beads
    from align.alignment.evaluate import score_alignments
    from align.errors import InputError
    from align.formats import render, write_json
    from align.text import read_lines

    if len(gold) != len(pred):
        raise InputError(
            f"{len(gold)} --gold file(s) but {len(pred)} --pred file(s)",
            "give one --pred per --gold, in the same order",
        )
    for name, docs in (("--src", src), ("--tgt", tgt)):
        if docs and len(docs) != len(gold):
            raise InputError(
                f"{len(gold)} --gold file(s) but {len(docs)} {name} file(s)",
                f"give one {name} per --gold, in the same order, or none",
            )
    no_sizes: list[int | None] = [None] * len(gold)
    src_lens: list[int | None] = [len(read_lines(d)) for d in src] or no_sizes
    tgt_lens: list[int | None] = [len(read_lines(d)) for d in tgt] or no_sizes
    beads = [
        (
            read_beads(g, src_len=n, tgt_len=m),
            read_beads(p, src_len=n, tgt_len=m),
        )
        for g, p, n, m in zip(gold, pred, src_lens, tgt_lens, strict=True)
    ]
    scores = score_alignments(beads)
    out = sys.stdout
    if fmt == "json":
        write_json({k: _round(v) for k, v in scores.as_dict().items()}, out)
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
