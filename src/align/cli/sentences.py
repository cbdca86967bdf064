"""``align sentences``: align the sentences of two parallel texts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from align.cli.options import Progress, models_dir_option, quiet_option, show_progress

T = TypeVar("T")

METHOD_CHOICE = click.Choice(["auto", "embedding", "length", "translation"])


def with_progress(
    func: Callable[..., T],
    src_sents: list[str],
    tgt_sents: list[str],
    *,
    quiet: bool,
    **kwargs: Any,
) -> T:
    """Run an alignment function with stage messages and the translation progress line on stderr."""
    verbose = show_progress(quiet)
    # Only the translation term takes long enough to need a progress line; its total is the
    # side the aligner translates ("translating FRM -> INTO": the source unless FRM is the
    # target's language).
    progress = Progress("translating", len(src_sents), verbose)

    def stage(msg: str) -> None:
        if msg.startswith("translating "):
            frm = msg.split()[1]
            if frm != kwargs.get("src_lang") and frm == kwargs.get("tgt_lang"):
                progress.total = len(tgt_sents)
            progress.label = msg
            return  # the progress line says it
        click.echo(f"align: {msg}...", err=True)

    result = func(
        src_sents,
        tgt_sents,
        on_stage=stage if verbose else None,
        on_progress=progress.update,
        **kwargs,
    )
    progress.close()  # prints nothing when nothing was translated
    return result


def language_options(f: click.decorators.FC) -> click.decorators.FC:
    """--src-lang, --tgt-lang, --presplit, --method, --max-merge (shared with ``compare``)."""
    for decorator in reversed(
        [
            click.option("--src-lang", default=None, help="Source language (default: detect)."),
            click.option("--tgt-lang", default=None, help="Target language (default: detect)."),
            click.option(
                "--presplit",
                is_flag=True,
                help="Inputs hold one sentence per line; use the lines as they are "
                "(a blank line still ends a paragraph).",
            ),
            click.option(
                "--method",
                type=METHOD_CHOICE,
                default="auto",
                show_default=True,
                help="Signals: auto (all available), embedding, translation, length.",
            ),
            click.option(
                "--max-merge",
                type=click.IntRange(1, 8),
                default=5,
                show_default=True,
                help="Most sentences on one side of a bead.",
            ),
        ]
    ):
        f = decorator(f)
    return f


@click.command()
@click.argument("src", type=str, required=False)
@click.argument("tgt", type=str, required=False)
@language_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["beads", "tsv", "jsonl", "tmx"]),
    default="beads",
    show_default=True,
    help="beads: [i, j]:[k]:score per line; tsv: source, target, score; jsonl; tmx (TMX 1.4).",
)
@click.option(
    "-o", "--output", default=None, help="Output file (default: stdout); with --pairs, a directory."
)
@click.option(
    "--pairs",
    "pairs_path",
    default=None,
    metavar="PAIRS.tsv",
    help="Align many document pairs (SRC<TAB>TGT[<TAB>SRC_LANG<TAB>TGT_LANG] per line) into -o DIR: one file per pair and summary.tsv.",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="With --pairs: where the pairs are aligned, this process or a Ray cluster (one task per pair).",
)
@click.option(
    "--ray-address",
    default=None,
    metavar="ADDR",
    help="Ray cluster to join: auto (the running one) or HOST:PORT  [default: start a local one].",
)
@models_dir_option
@quiet_option
def sentences(
    src: str,
    tgt: str,
    src_lang: str | None,
    tgt_lang: str | None,
    presplit: bool,
    method: str,
    max_merge: int,
    fmt: str,
    output: str | None,
    pairs_path: str | None,
    executor: str,
    ray_address: str | None,
    models_dir: str | None,
    quiet: bool,
) -> None:
    """Align the sentences of SRC and TGT (parallel texts); one bead per line.

    \b
    align sentences dev.de dev.fr --presplit --src-lang de --tgt-lang fr
    align sentences speech.zh.txt speech.en.txt --format tsv -o pairs.tsv
    align sentences a.txt b.txt --format tmx -o memory.tmx
    align sentences --pairs pairs.tsv -o aligned/ --executor ray

    Indices are 0-based; [] on one side marks an insertion or deletion. Paragraphs
    (blank lines) are kept together: a bead takes sentences from two paragraphs of a
    side only when nothing else fits. The signals used (embedding, translation,
    overlap, lexical, length, paragraphs) are reported on stderr and in the TMX
    header. Exit codes: 0 done, 2 bad input or options, 1 failure.
    """
    from align.errors import InputError

    if pairs_path is not None:
        if src or tgt:
            raise InputError("--pairs lists the documents; give no SRC TGT with it")
        if output in (None, "-"):
            raise InputError("--pairs writes one file per pair", "give -o DIR")
        _align_pairs(
            pairs_path,
            output,
            fmt=fmt,
            presplit=presplit,
            method=method,
            max_merge=max_merge,
            models_dir=models_dir,
            executor=executor,
            ray_address=ray_address,
            quiet=quiet,
        )
        return
    if not src or not tgt:
        raise InputError("give SRC and TGT", "or --pairs PAIRS.tsv -o DIR for many pairs")
    if executor != "local":
        raise InputError("--executor ray aligns many pairs", "use it with --pairs PAIRS.tsv")
    from align.alignment import align_texts
    from align.alignment.io import read_side, write_alignment
    from align.outputs import check_output_file, open_output

    check_output_file(output, inputs=[src, tgt])
    src_sents, src_code, src_paras = read_side(src, lang=src_lang, presplit=presplit)
    tgt_sents, tgt_code, tgt_paras = read_side(tgt, lang=tgt_lang, presplit=presplit)
    result = with_progress(
        align_texts,
        src_sents,
        tgt_sents,
        quiet=quiet,
        src_lang=src_code,
        tgt_lang=tgt_code,
        method=method,
        max_merge=max_merge,
        models_dir=models_dir,
        paragraphs=(src_paras, tgt_paras),
    )
    props = {"method": result.description, **_translation_prop(result.meta)}
    with open_output(output, inputs=[src, tgt]) as out:
        write_alignment(
            out,
            fmt,
            result.beads,
            src_sents,
            tgt_sents,
            src_lang=src_code,
            tgt_lang=tgt_code,
            props=props,
        )
    if not quiet:
        click.echo(
            f"align: {len(src_sents)} {src_code} x {len(tgt_sents)} {tgt_code} sentences -> "
            f"{len(result.beads)} beads ({result.description})",
            err=True,
        )


def _translation_prop(meta: dict[str, object]) -> dict[str, str]:
    info = meta.get("translation")
    if isinstance(info, dict):
        return {"translation": f"{info.get('direction')} {info.get('signature')}"}
    return {}


def _align_pairs(pairs_path: str, output: str, *, quiet: bool, **kwargs: Any) -> None:
    """``--pairs``: every pair aligned by the executor (align.executors.pairs)."""
    from align.executors.pairs import align_pairs

    progress = Progress("aligning pairs", 0, show_progress(quiet))
    report = align_pairs(pairs_path, output, on_pair=lambda _: progress.update(1), **kwargs)
    progress.close()
    if not quiet:
        earlier = f", {report.skipped} done by an earlier run" if report.skipped else ""
        click.echo(
            f"align: {report.pairs} pairs aligned into {output}{earlier} "
            f"({report.executor}); summary: {report.summary}",
            err=True,
        )
