"""``align translate``: translate a document offline into one or more target languages."""

from __future__ import annotations

from typing import Any

import click

from align.cli.options import (
    Progress,
    by_option,
    engine_option,
    glossary_from,
    glossary_options,
    mark_unknown_option,
    memory_from,
    memory_options,
    memory_summary,
    models_dir_option,
    quiet_option,
    show_progress,
    targets_option,
)


@click.command()
@click.argument("path", default="-", type=str)
@click.argument("more_paths", nargs=-1, type=str)
@targets_option
@click.option(
    "--from",
    "source",
    default="auto",
    show_default=True,
    help="Source language, or auto to detect.",
)
@click.option("-o", "--output", default=None, help="Output file, or directory for several targets.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["txt", "jsonl", "tsv", "tmx"]),
    default=None,
    help="Output format of plain text  [default: txt]. Other documents keep their own.",
)
@click.option(
    "--input-format",
    "in_format",
    type=click.Choice(["auto", "text", "xliff", "po", "srt", "vtt", "html", "markdown", "docx"]),
    default="auto",
    show_default=True,
    help="Input format; auto: from the extension (.xlf .xliff .po .pot .srt .vtt .html .md .docx; else text).",
)
@click.option(
    "--overwrite", is_flag=True, help="Retranslate units that already have a translation."
)
@click.option(
    "--strict", is_flag=True, help="Exit 1 when the check of an output finds a unit that failed."
)
@by_option
@engine_option
@click.option(
    "--pivot",
    default="auto",
    show_default=True,
    help="Pivot language when no direct pair exists: auto, none, or a language code.",
)
@click.option(
    "--beam",
    type=click.IntRange(1, 16),
    default=4,
    show_default=True,
    help="Beam size of the Argos models (1: greedy, faster). Bergamot models decode greedily.",
)
@click.option(
    "--threads", type=click.IntRange(0, 256), default=0, help="CPU threads (0: all cores)."
)
@click.option(
    "--compute-type",
    type=click.Choice(["int8", "int8_float32", "float32", "default"]),
    default="int8",
    show_default=True,
    help="CTranslate2 weight type of the Argos models (default: as the model was saved).",
)
@mark_unknown_option
@click.option("--no-cache", is_flag=True, help="Bypass the translation cache ($ALIGN_CACHE_DIR).")
@click.option(
    "-v", "--verbose", is_flag=True, help="Print how each translation was made on stderr."
)
@glossary_options
@memory_options
@models_dir_option
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Where a corpus job's shards run: this process, or a Ray cluster (pip install 'align[ray]'; docs/scale.md).",
)
@click.option(
    "--ray-address",
    default=None,
    metavar="ADDR",
    help="Ray cluster to join: auto (the running one) or HOST:PORT  [default: start a local one].",
)
@click.option(
    "--ray-runtime-env",
    default=None,
    metavar="JSON",
    help="--executor ray: Ray runtime environment of the job, JSON or a JSON file (py_modules, env_vars; docs/scale.md).",
)
@click.option(
    "--field",
    "field_name",
    default=None,
    help="Corpus input: the text field of JSON Lines/Parquet records, or the TSV column (header name or 1-based number)  [default: text].",
)
@click.option(
    "--shard-size",
    type=click.IntRange(1, 1_000_000),
    default=100,
    show_default=True,
    help="Corpus job: segments per shard (the unit of work, of resume and of retries).",
)
@click.option(
    "--worker-cpus",
    type=click.IntRange(1, 256),
    default=1,
    show_default=True,
    help="--executor ray: CPUs (and translation threads) of each Ray worker.",
)
@quiet_option
def translate(
    path: str,
    targets: tuple[str, ...],
    source: str,
    output: str | None,
    fmt: str | None,
    in_format: str,
    overwrite: bool,
    strict: bool,
    by: str,
    engine: str,
    pivot: str,
    beam: int,
    threads: int,
    compute_type: str,
    mark_unknown: bool,
    no_cache: bool,
    verbose: bool,
    glossary: str | None,
    keep: tuple[str, ...],
    glossary_ignore_case: bool,
    tm: tuple[str, ...],
    tm_threshold: float,
    tm_fuzzy_use: bool,
    models_dir: str | None,
    executor: str,
    ray_address: str | None,
    ray_runtime_env: str | None,
    field_name: str | None,
    shard_size: int,
    worker_cpus: int,
    quiet: bool,
    more_paths: tuple[str, ...] = (),
) -> None:
    """Translate PATH (or stdin) offline into each --to language.

    \b
    align translate speech.zh.txt --to en
    align translate doc.txt --from en --to es --to fr -o out/
    align translate test.zh --from zh --to en --by line --format jsonl
    align translate app.xlf --to es -o out/
    align translate speech.zh.txt --to en --glossary terms.tsv --keep Qwen2 -v
    align translate new.zh.txt --to en --tm memory.tmx --format jsonl

    Corpora (docs/scale.md): several files, a directory or a glob, JSON Lines, TSV
    (--field) or Parquet, one segment per line or record, or any input with --executor,
    are cut into shards and translated by --executor local or ray into -o DIR; a rerun
    resumes.

    XLIFF, PO/POT, SRT/WebVTT, HTML, Markdown and DOCX files are written back in their own format, with
    their structure, and checked: one line per output on stderr says what was
    translated and what failed (see docs/formats.md). With several targets, -o DIR gets NAME.LANG.EXT per target; to stdout use --format jsonl.
    Every output records how it was made (engine, package and version, beam, compute type).
    With --tm memory.tmx (e.g. made by align sentences --format tmx), exact matches are reused
    and fuzzy ones attached; each unit's origin is in jsonl/tmx (see docs/glossary-tm.md).
    """
    from align.translate.document import translate_document
    from align.translate.engine import DecodeOptions

    options = DecodeOptions(
        beam=beam, compute_type=compute_type, threads=threads, mark_unknown=mark_unknown or None
    )
    progress = Progress("translating", 0, show_progress(quiet))
    from align.executors.corpus import is_corpus, runtime_env_option

    ctx = click.get_current_context()
    explicit = any(
        ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE
        for name in ("executor", "shard_size")
    )
    if is_corpus((path, *more_paths), executor, field_name, explicit):
        if tm:
            from align.errors import InputError

            raise InputError(
                "--tm is not available for corpus jobs yet (several inputs, --executor, "
                "--shard-size, --field, .jsonl/.parquet)",
                "translate one plain file with --tm, or leave out --tm (docs/scale.md)",
            )
        _translate_corpus(
            (path, *more_paths),
            progress,
            targets=targets,
            source=source,
            output=output,
            fmt=fmt,
            by=by,
            field_name=field_name,
            engine=engine,
            pivot=None if pivot == "none" else pivot,
            options=options,
            models_dir=models_dir,
            cache=not no_cache,
            executor=executor,
            ray_address=ray_address,
            runtime_env=runtime_env_option(ray_runtime_env),
            shard_size=shard_size,
            worker_cpus=worker_cpus,
            verbose=verbose,
            quiet=quiet,
            glossary=glossary_from(glossary, keep, glossary_ignore_case),
        )
        return

    def set_total(total: int) -> None:
        progress.total = total

    report = translate_document(
        path,
        targets=targets,
        source=source,
        output=output,
        fmt=fmt,
        by=by,
        in_format=in_format,
        overwrite=overwrite,
        engine=engine,
        pivot=None if pivot == "none" else pivot,
        options=options,
        models_dir=models_dir,
        cache=not no_cache,
        on_progress=progress.update,
        on_total=set_total if progress.enabled else None,
        glossary=glossary_from(glossary, keep, glossary_ignore_case),
        memory=memory_from(tm, tm_threshold, tm_fuzzy_use),
    )
    progress.close()
    for warning in report.warnings:
        click.echo(f"align: warning: {warning}", err=True)
    if not quiet:
        for target, counts in report.memory.items():
            click.echo(memory_summary(target, counts), err=True)
    if verbose:
        click.echo(f"source language: {report.source}", err=True)
        for target, signature in report.signatures.items():
            click.echo(
                f"{report.source}->{target}: {signature} "
                f"(translated {report.translated[target]}, from cache {report.cache_hits[target]})",
                err=True,
            )
        for target, terms in report.terms.items():
            click.echo(f"{report.source}->{target}: glossary: {terms.summary()}", err=True)
    failed = False
    for check in report.checks.values():
        failed = failed or bool(check.failed)
        if check.failed or not quiet:
            click.echo(f"align: check: {check.summary()}", err=True)
    if strict and failed:
        from align.errors import AlignError

        raise AlignError("--strict: the check found units that failed (see above)")
    if output not in (None, "-") and not quiet:
        # Every file is labelled with how it was made (the engine chain), whatever its format.
        for target, out_path in report.outputs.items():
            click.echo(f"{target}: {out_path}  {report.signatures[target]}", err=True)


def _translate_corpus(
    paths: tuple[str, ...], progress: Progress, *, verbose: bool, quiet: bool, **kwargs: Any
) -> None:
    """A corpus job (align.executors.corpus): shards on an executor, outputs in -o DIR."""
    from align.errors import InputError
    from align.executors.corpus import translate_corpus

    if kwargs["output"] in (None, "-"):
        raise InputError("a corpus job writes files, not stdout", "give -o DIR")

    def set_total(total: int) -> None:
        progress.total = total

    report = translate_corpus(
        paths,
        on_progress=progress.update,
        on_total=set_total if progress.enabled else None,
        **kwargs,
    )
    progress.close()
    for warning in report.warnings:
        click.echo(f"align: warning: {warning}", err=True)
    if verbose:
        for target, stats in report.terms.items():
            click.echo(f"{report.source}->{target}: glossary: {stats.summary()}", err=True)
        for w in report.workers:
            click.echo(
                f"worker {w.pid} on {w.node}: ready in {w.load_seconds:.1f}s (align from {w.package})",
                err=True,
            )
        click.echo(
            f"executor {report.executor}: up in {report.start_seconds:.1f}s (start-up and "
            f"model loads), translated in {report.translate_seconds:.1f}s",
            err=True,
        )
    if not quiet:
        earlier = f", {report.skipped} done by an earlier run" if report.skipped else ""
        click.echo(
            f"align: {report.segments} segments of {len(report.inputs)} inputs in "
            f"{report.shards} shards{earlier} ({report.executor}, "
            f"{len(report.workers)} worker{'s' if len(report.workers) != 1 else ''})",
            err=True,
        )
        for target, files in report.outputs.items():
            where = files[0] if len(files) == 1 else f"{len(files)} files in {kwargs['output']}"
            click.echo(f"{target}: {where}  {report.signatures[target]}", err=True)
