"""Corpus translation (``align translate`` with ``--executor``, several inputs, a directory,
a glob, JSON Lines, TSV or Parquet): shards of N segments translated by an executor, kept
in ``OUTDIR/.align-shards`` as they finish, and assembled into the outputs at the end.

The driver (this module) plans the translation once, cuts the inputs into shards, skips
those an earlier run finished (:class:`~align.executors.shards.Manifest`), hands the rest
to the executor — this process, or a pool of Ray actors — and, when every shard is in,
writes each target's output files atomically, in input order, with the writer of
``align translate`` (:mod:`align.translate.document`), so the local and Ray executors
write the same bytes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from align import languages as langs
from align.errors import InputError
from align.executors import check_executor, require_ray
from align.executors.inputs import DEFAULT_OUTPUT, expand_inputs, input_kind, iter_texts
from align.executors.shards import Manifest, Shard, shard_key
from align.executors.worker import WorkerInfo, WorkerSpec
from align.text import Segment, atomic_write
from align.translate.engine import DecodeOptions

if TYPE_CHECKING:
    from align.translate.glossary import GlossaryOptions, TermStats

SHARD_SEGMENTS = 100  # segments per shard: ~10-30 s of one core, a small tail at the end
DETECT_CHARS = 20000


@dataclass
class CorpusReport:
    """What a corpus job did."""

    source: str
    executor: str
    inputs: list[str] = field(default_factory=list)
    segments: int = 0  # per target
    shards: int = 0
    skipped: int = 0  # shards an earlier run had finished
    outputs: dict[str, list[str]] = field(default_factory=dict)  # target -> files
    signatures: dict[str, str] = field(default_factory=dict)
    workers: list[WorkerInfo] = field(default_factory=list)
    start_seconds: float = 0.0  # executor up and every worker's models loaded
    translate_seconds: float = 0.0
    # with a glossary: per target, the term hit rate (occurrences kept / found), as a
    # one-document translate reports it; and the warnings (uncovered targets, missed terms)
    terms: dict[str, TermStats] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Input:
    path: Path
    kind: str

    def texts(self, field_name: str | None) -> Iterator[str]:
        return iter_texts(self.path, self.kind, field_name)


def _shards(
    inputs: Sequence[_Input], field_name: str | None, size: int, signatures: dict[str, str]
) -> Iterator[Shard]:
    for k, item in enumerate(inputs):
        batch: list[str] = []
        index = start = 0
        for text in item.texts(field_name):
            batch.append(text)
            if len(batch) >= size:
                yield Shard(k, index, start, tuple(batch), shard_key(signatures, batch))
                index, start, batch = index + 1, start + len(batch), []
        if batch:
            yield Shard(k, index, start, tuple(batch), shard_key(signatures, batch))


def _detect(inputs: Sequence[_Input], field_name: str | None) -> str:
    from align.detect import detect_language

    sample: list[str] = []
    size = 0
    for text in inputs[0].texts(field_name):
        sample.append(text)
        size += len(text)
        if size >= DETECT_CHARS:
            break
    found = detect_language("\n".join(sample))
    if not found.is_language:
        raise InputError(
            f"{inputs[0].path}: cannot tell the source language", "give it with --from"
        )
    return found.lang


def make_executor(
    executor: str,
    ray_address: str | None = None,
    *,
    worker_cpus: int = 1,
    workers: int = 0,
    runtime_env: dict[str, Any] | None = None,
) -> Any:
    """The executor named: ``local`` (this process) or ``ray`` (imports Ray only here)."""
    if check_executor(executor) == "ray":
        from align.executors.cluster import RayExecutor

        return RayExecutor(
            ray_address, worker_cpus=worker_cpus, workers=workers, runtime_env=runtime_env
        )
    from align.executors.local import LocalExecutor

    return LocalExecutor()


def translate_corpus(
    paths: Sequence[str],
    *,
    targets: Sequence[str],
    output: str,
    source: str = "auto",
    fmt: str | None = None,
    by: str = "line",
    field_name: str | None = None,
    engine: str = "auto",
    pivot: str | None = "auto",
    options: DecodeOptions | None = None,
    models_dir: str | None = None,
    cache: bool = True,
    executor: str = "local",
    ray_address: str | None = None,
    shard_size: int = SHARD_SEGMENTS,
    worker_cpus: int = 1,
    workers: int = 0,
    runtime_env: dict[str, Any] | None = None,
    glossary: GlossaryOptions | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    on_shard: Callable[[Shard, list[WorkerInfo]], None] | None = None,
) -> CorpusReport:
    """Translate every segment of ``paths`` into each target; one output per input and
    target in the directory ``output`` (``NAME.LANG.EXT``), identical whatever the executor.

    Plain text is one segment per line (``by`` must be ``line``); JSON Lines and Parquet
    inputs give the field ``field_name`` (default ``text``) of each record, TSV the column
    ``field_name`` (a header name, or a 1-based number when there is no header). ``fmt``:
    the output format (txt, jsonl, tsv, tmx; default: txt for text, tsv for TSV, jsonl for
    JSON Lines and Parquet). A rerun of an interrupted job skips its finished shards.
    ``on_progress`` hears segments as shards finish, on any node (segments x targets);
    ``on_shard`` each finished shard with the executor's workers. ``runtime_env``: Ray's
    runtime environment for the job (``py_modules``, ``env_vars``; docs/scale.md).
    """
    from align.outputs import check_output_dir, check_outputs_distinct
    from align.translate import get_translator
    from align.translate.document import (
        EXTENSIONS,
        _Writer,
        output_name,
        term_table,
        term_warnings,
    )
    from align.translate.engine import Engines, chain_models
    from align.translate.glossary import TermStats

    if check_executor(executor) == "ray":
        require_ray()  # before any work: without the extra, say how to install it
    if not targets:
        raise InputError("no target language given", "add --to LANG")
    if shard_size < 1:
        raise InputError("--shard-size must be at least 1")
    if fmt is not None and fmt not in EXTENSIONS:
        raise InputError(f"unknown format {fmt!r}", f"use one of {', '.join(EXTENSIONS)}")
    files = expand_inputs(paths, exclude=Path(output))
    inputs = [_Input(p, input_kind(p, field_name)) for p in files]
    if by != "line" and any(i.kind == "txt" for i in inputs):
        raise InputError(
            f"a corpus job translates plain text one line at a time, not by {by}",
            "add --by line (or translate one file without --executor)",
        )
    src = _detect(inputs, field_name) if source == "auto" else langs.normalize(source)
    engines = Engines(engine, models_dir)
    notes: list[str] = []
    target_codes = engines.targets(targets, src, notes=notes)  # the source left out, noted
    outdir = check_output_dir(output, inputs=[])
    planned: dict[str, list[str]] = {}
    signatures: dict[str, str] = {}
    options = options or DecodeOptions()
    terms = glossary.load(src, target_codes) if glossary else None
    tables: dict[str, Any] = {}
    for t in target_codes:
        chain = engines.plan(src, t, pivot)
        planned[t] = chain_models(chain, options)
        planner = get_translator(
            src, t, engines=engines, options=options, chain=chain, cache=False, glossary=terms
        )
        signatures[t] = planner.signature
        if (table := term_table(planner)) is not None:
            tables[t] = table
    out_fmt = {i.path: fmt or DEFAULT_OUTPUT[i.kind] for i in inputs}
    out_paths = {
        t: [outdir / output_name(str(i.path), src, t, out_fmt[i.path]) for i in inputs]
        for t in target_codes
    }
    every = [p for ps in out_paths.values() for p in ps]
    if len({str(p) for p in every}) < len(every):
        raise InputError(
            "two inputs have the same name; their outputs would overwrite each other",
            "rename one, or run them as two jobs with different -o",
        )
    check_outputs_distinct(every, [str(p) for p in files])

    report = CorpusReport(source=src, executor=executor, inputs=[str(p) for p in files])
    report.signatures = signatures
    report.warnings.extend(notes)
    if terms is not None:
        report.warnings.extend(terms.warnings())
    stats = {t: TermStats() for t in tables}
    manifest = Manifest(outdir)
    if on_total is not None:
        on_total(sum(1 for i in inputs for _ in i.texts(field_name)) * len(target_codes))

    def pending() -> Iterator[Shard]:
        for shard in _shards(inputs, field_name, shard_size, signatures):
            report.shards += 1
            report.segments += shard.count
            if manifest.finished(shard) is not None:
                report.skipped += 1
                if on_progress is not None:
                    on_progress(shard.count * len(target_codes))
                continue
            yield shard

    spec = WorkerSpec(
        source=src,
        targets=tuple(target_codes),
        signatures=signatures,
        models=planned,
        engine=engine,
        models_dir=models_dir,
        options=options,
        pivot=pivot,
        cache=cache,
        threads=options.threads,
        glossary=terms,
    )
    began = time.perf_counter()
    runner = make_executor(
        executor, ray_address, worker_cpus=worker_cpus, workers=workers, runtime_env=runtime_env
    )
    try:
        report.workers = runner.start(spec)
        report.start_seconds = time.perf_counter() - began

        def done(shard: Shard, translations: dict[str, list[str]]) -> None:
            manifest.record(shard, translations)
            if on_progress is not None:
                on_progress(shard.count * len(target_codes))
            if on_shard is not None:
                on_shard(shard, report.workers)

        runner.translate(pending(), done)
    finally:
        runner.close()
    report.translate_seconds = time.perf_counter() - began - report.start_seconds

    # Assembly: every output in input order, each file complete or not at all.
    with ExitStack() as stack:
        writers: dict[tuple[str, int], _Writer] = {}
        for t in target_codes:
            for k, item in enumerate(inputs):
                fh = stack.enter_context(atomic_write(out_paths[t][k]))
                writers[t, k] = _Writer(fh, out_fmt[item.path], "line", src, t, signatures[t])
        for shard in _shards(inputs, field_name, shard_size, signatures):
            translations = manifest.load(shard)
            for t in target_codes:
                writer = writers[t, shard.source]
                table = tables.get(t)
                for n, (text, translation) in enumerate(
                    zip(shard.texts, translations[t], strict=True)
                ):
                    hits = table.adherence([text], [translation]) if table else None
                    if hits is not None:
                        stats[t].add(hits)
                    writer.write(Segment(shard.start + n, 0, text), translation, hits)
        for w in writers.values():
            w.close()
    manifest.remove()
    report.terms = stats
    report.warnings.extend(term_warnings(stats))
    report.outputs = {t: [str(p) for p in ps] for t, ps in out_paths.items()}
    return report


def is_corpus(
    paths: Sequence[str], executor: str, field_name: str | None, explicit: bool = False
) -> bool:
    """Whether ``align translate`` runs a corpus job (shards, an executor, an output
    directory) rather than translating one document: an ``--executor`` or ``--shard-size``
    given (``explicit``), several inputs, a directory or a glob, ``--field``, or a JSON
    Lines or Parquet file."""
    if explicit or executor != "local" or len(paths) > 1 or field_name is not None:
        return True
    path = paths[0] if paths else "-"
    if path == "-":
        return False
    if Path(path).is_dir() or (any(c in path for c in "*?[") and not Path(path).exists()):
        return True
    return input_kind(Path(path), None) in ("jsonl", "parquet")


def runtime_env_option(value: str | None) -> dict[str, Any] | None:
    """``--ray-runtime-env``: a JSON object, or a file holding one."""
    import json

    if not value:
        return None
    text = Path(value).read_text(encoding="utf-8") if Path(value).is_file() else value
    try:
        env = json.loads(text)
    except ValueError as exc:
        raise InputError(f"--ray-runtime-env: not JSON ({exc})") from exc
    if not isinstance(env, dict):
        raise InputError('--ray-runtime-env: give a JSON object, e.g. {"env_vars": {...}}')
    return env
