"""``align sentences --pairs PAIRS.tsv -o OUTDIR``: many document pairs aligned, one task per
pair, on the local or the Ray executor.

PAIRS.tsv has one pair per line: ``SRC<TAB>TGT`` and, optionally, ``<TAB>SRC_LANG<TAB>TGT_LANG``
(``-`` or empty: detected); blank lines and lines starting with ``#`` are skipped. The driver
reads both sides (a worker needs no access to the files), each task aligns one pair and
renders its output, and the driver writes it atomically as ``OUTDIR/NAME.EXT`` and, at the
end, ``OUTDIR/summary.tsv`` (one row per pair). A rerun skips the pairs an earlier run
finished (the manifest of :mod:`align.executors.shards`).
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from align import __version__
from align.errors import InputError
from align.executors import check_executor, require_ray
from align.executors.shards import Manifest
from align.text import iter_lines, write_text_atomic

EXTENSIONS = {"beads": "beads", "tsv": "tsv", "jsonl": "jsonl", "tmx": "tmx"}
SUMMARY = "summary.tsv"
SUMMARY_COLUMNS = (
    "name",
    "src",
    "tgt",
    "src_lang",
    "tgt_lang",
    "src_sentences",
    "tgt_sentences",
    "beads",
    "method",
    "output",
)


@dataclass(frozen=True)
class PairJob:
    """One document pair, read by the driver: what a task needs to align it (picklable)."""

    name: str
    src_path: str
    tgt_path: str
    src: tuple[str, ...]
    tgt: tuple[str, ...]
    src_lang: str
    tgt_lang: str
    fmt: str
    method: str
    max_merge: int
    models_dir: str | None
    engine: str = "auto"
    # Where each side's paragraphs begin (sentence indices): kept together by the aligner.
    src_paragraphs: tuple[int, ...] = ()
    tgt_paragraphs: tuple[int, ...] = ()

    @property
    def key(self) -> str:
        digest = hashlib.sha256()
        head = [self.src_lang, self.tgt_lang, self.fmt, self.method, self.max_merge, __version__]
        digest.update(json.dumps([*head, self.engine]).encode())
        for side in (self.src, self.tgt):
            digest.update(b"\x01" + "\x00".join(side).encode())
        digest.update(json.dumps([self.src_paragraphs, self.tgt_paragraphs]).encode())
        return digest.hexdigest()


@dataclass(frozen=True)
class PairResult:
    name: str
    text: str  # the rendered output file
    beads: int
    method: str


@dataclass
class PairsReport:
    executor: str
    pairs: int = 0
    skipped: int = 0
    outputs: list[str] = field(default_factory=list)
    summary: str = ""


def align_pair(job: PairJob) -> PairResult:
    """Align one pair and render its output (runs where the executor puts it)."""
    from align.alignment import align_texts
    from align.alignment.io import write_alignment

    result = align_texts(
        list(job.src),
        list(job.tgt),
        src_lang=job.src_lang,
        tgt_lang=job.tgt_lang,
        method=job.method,
        max_merge=job.max_merge,
        models_dir=job.models_dir,
        engine=job.engine,
        paragraphs=(job.src_paragraphs, job.tgt_paragraphs),
    )
    props = {"method": result.description}
    info = result.meta.get("translation")
    if isinstance(info, dict):
        props["translation"] = f"{info.get('direction')} {info.get('signature')}"
    out = io.StringIO()
    write_alignment(
        out,
        job.fmt,
        result.beads,
        list(job.src),
        list(job.tgt),
        src_lang=job.src_lang,
        tgt_lang=job.tgt_lang,
        props=props,
    )
    return PairResult(job.name, out.getvalue(), len(result.beads), result.description)


def read_pairs(path: str) -> list[tuple[str, str, str | None, str | None]]:
    """The pairs of a PAIRS.tsv: (src, tgt, src_lang or None, tgt_lang or None); relative
    paths are relative to the PAIRS file."""
    base = Path(path).parent
    out = []
    for number, line in enumerate(iter_lines(path), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.rstrip("\r\n").split("\t")]
        if len(cells) not in (2, 4):
            raise InputError(
                f"{path}:{number}: {len(cells)} columns",
                "one pair per line: SRC<TAB>TGT, optionally <TAB>SRC_LANG<TAB>TGT_LANG",
            )
        src, tgt = (str(p if Path(p).is_absolute() else base / p) for p in cells[:2])
        langs = [c if c and c != "-" else None for c in cells[2:]] or [None, None]
        out.append((src, tgt, langs[0], langs[1]))
    if not out:
        raise InputError(f"{path}: lists no document pair")
    return out


def pair_names(pairs: Sequence[tuple[str, str, Any, Any]]) -> list[str]:
    """One distinct output name per pair: the source file's stem, its folder's name with it
    when stems repeat (``n_1.SRC``), a line number when even that repeats."""
    stems = [Path(src).stem for src, *_ in pairs]
    if len(set(stems)) == len(stems):
        return stems
    named = [f"{Path(src).parent.name}.{Path(src).stem}" for src, *_ in pairs]
    if len(set(named)) == len(named):
        return named
    return [f"{i + 1:04d}.{n}" for i, n in enumerate(named)]


def align_pairs(
    pairs_path: str,
    output: str,
    *,
    fmt: str = "beads",
    presplit: bool = False,
    method: str = "auto",
    max_merge: int = 5,
    models_dir: str | None = None,
    executor: str = "local",
    ray_address: str | None = None,
    worker_cpus: int = 1,
    on_pair: Callable[[PairResult], None] | None = None,
) -> PairsReport:
    """Align every pair of ``pairs_path`` into ``output`` (a directory), one task per pair."""
    from align.alignment.io import read_side
    from align.executors.corpus import make_executor
    from align.outputs import check_output_dir, check_outputs_distinct

    if check_executor(executor) == "ray":
        require_ray()
    if fmt not in EXTENSIONS:
        raise InputError(f"unknown format {fmt!r}", f"use one of {', '.join(EXTENSIONS)}")
    pairs = read_pairs(pairs_path)
    outdir = check_output_dir(output)
    names = pair_names(pairs)
    targets = [outdir / f"{n}.{EXTENSIONS[fmt]}" for n in names]
    check_outputs_distinct(
        [*targets, outdir / SUMMARY], [pairs_path, *(p for s, t, *_ in pairs for p in (s, t))]
    )
    jobs = []
    for name, (src, tgt, src_lang, tgt_lang) in zip(names, pairs, strict=True):
        src_sents, src_code, src_paras = read_side(src, lang=src_lang, presplit=presplit)
        tgt_sents, tgt_code, tgt_paras = read_side(tgt, lang=tgt_lang, presplit=presplit)
        jobs.append(
            PairJob(
                name,
                src,
                tgt,
                tuple(src_sents),
                tuple(tgt_sents),
                src_code,
                tgt_code,
                fmt,
                method,
                max_merge,
                models_dir,
                src_paragraphs=tuple(src_paras),
                tgt_paragraphs=tuple(tgt_paras),
            )
        )
    report = PairsReport(executor=executor, pairs=len(jobs))
    manifest = Manifest(outdir)
    results: dict[str, dict[str, Any]] = {}
    todo = []
    for job, target in zip(jobs, targets, strict=True):
        kept = manifest.payload(job.name, job.key)
        if kept is not None and target.is_file():
            results[job.name] = kept
            report.skipped += 1
        else:
            todo.append((job, target))
    if todo:
        runner = make_executor(executor, ray_address, worker_cpus=worker_cpus)
        try:
            for (job, target), result in zip(
                todo, runner.map(align_pair, [j for j, _ in todo]), strict=True
            ):
                write_text_atomic(target, result.text)
                kept = {"beads": result.beads, "method": result.method}
                manifest.keep(job.name, job.key, kept)
                results[job.name] = kept
                if on_pair is not None:
                    on_pair(result)
        finally:
            runner.close()
    lines = ["\t".join(SUMMARY_COLUMNS)]
    for job, target in zip(jobs, targets, strict=True):
        kept = results[job.name]
        row = [job.name, job.src_path, job.tgt_path, job.src_lang, job.tgt_lang]
        row += [str(len(job.src)), str(len(job.tgt)), str(kept["beads"]), str(kept["method"])]
        lines.append("\t".join([*row, target.name]))
    summary = outdir / SUMMARY
    write_text_atomic(summary, "\n".join(lines) + "\n")
    manifest.remove()
    report.outputs = [str(t) for t in targets]
    report.summary = str(summary)
    return report
