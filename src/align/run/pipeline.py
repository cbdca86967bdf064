"""``align run``: detect -> translate -> align -> score on one document, writing OUTDIR.

This module holds the order of the stages and nothing else; each stage is done
by its own room:

- inputs and detection: :mod:`align.run.inputs` (per document, and per
  paragraph to warn about mixed text);
- planning and translation: one :class:`align.translate.Engines` for the whole
  run; every target is planned before anything is translated (a missing model
  fails fast), and translated along its plan (the sentence cache makes a second
  run fast); a chained target keeps its pivot texts (:mod:`align.run.pivots`). The
  source is translated sentence by sentence, so the source <->
  translation alignment is known exactly;
- alignment and scoring: :mod:`align.run.analyse`;
- outputs and checkpoints: :mod:`align.run.outputs`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from align import __version__
from align import languages as langs
from align.errors import InputError
from align.run.analyse import ANALYSIS, analyse_target
from align.run.inputs import detect_source, resolve_targets
from align.run.model import SCHEMA, RunResult, SourceInfo, TargetResult
from align.run.outputs import (
    check_outdir,
    checkpoint_key,
    checkpoint_path,
    load_checkpoint,
    output_name,
    save_checkpoint,
    write_run_files,
    write_target_files,
)
from align.run.pivots import translate_pivots
from align.run.rows import FLAG_RULES
from align.score.estimate import ESTIMATE_FLAG_RULES
from align.text import UNITS, paragraph_starts, read_text, segment_units
from align.translate.document import term_table, term_warnings
from align.translate.engine import DecodeOptions, Engines, chain_engines, chain_models
from align.translate.glossary import GlossaryOptions, TermStats
from align.translate.memory import Memories, MemoryOptions, translate_with_memory


class StageProgress(Protocol):
    def update(self, n: int = 1) -> None: ...

    def close(self) -> None: ...


ProgressFactory = Callable[[str, int], StageProgress]


class _NoProgress:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _no_progress(label: str, total: int) -> StageProgress:
    return _NoProgress()


def run_pipeline(
    input_path: str,
    *,
    targets: Sequence[str],
    refs: Mapping[str, str] | None = None,
    source: str = "auto",
    outdir: str | os.PathLike[str] | None = None,
    engine: str = "auto",
    models_dir: str | os.PathLike[str] | None = None,
    engines: Engines | None = None,
    align_method: str = "auto",
    by: str = "sentence",
    progress: ProgressFactory | None = None,
    mark_unknown: bool | None = None,
    glossary: GlossaryOptions | None = None,
    memory: MemoryOptions | None = None,
) -> RunResult:
    """Detect, translate into every target, align, score; write OUTDIR; return what was found.

    ``targets`` are language codes (``all``: every target the installed engines
    reach); ``refs`` maps a target code to a reference file (its target is added
    when missing). ``outdir`` defaults to ``out/INPUT``. ``engines``: the
    command's engine set (else one is built from ``engine`` and ``models_dir``).
    ``by``: the units, as for ``align translate`` (:func:`align.text.segment_units`:
    ``sentence`` keeps the lines, ``paragraph`` joins the lines of a paragraph).
    ``mark_unknown``: keep Apertium's marks on unknown words (None: the engine's default,
    ``ALIGN_APERTIUM_MARK_UNKNOWN``); the words marked are in ``TargetResult.unknown``.
    ``glossary``: terms enforced in every target (its digest is in the signature, so in
    the checkpoint key); each target's term hit rate is in ``TargetResult.terms``.
    ``memory``: translation memories looked up before the engines (``--tm``; each
    translation's origin and the share reused go into ``TargetResult.origins``/``memory``).
    Raises :class:`InputError` for bad input, :class:`NoTranslationPath` when a
    target cannot be reached (before any translating is done).
    """
    from align.translate import get_translator

    if by not in UNITS:
        raise InputError(f"unknown unit {by!r}", f"use one of {', '.join(UNITS)}")
    bar = progress or _no_progress
    engines = engines or Engines(engine, models_dir)
    t_start = time.perf_counter()
    ref_paths = {langs.normalize(k): str(v) for k, v in (refs or {}).items()}
    text = read_text(input_path)
    ref_texts = {k: read_text(v) for k, v in ref_paths.items()}

    # 1. detect
    t0 = time.perf_counter()
    warnings: list[str] = []
    if source.strip().lower() == "auto":
        p = bar("detect", 1)
        lang, conf, alts, mixed = detect_source(text)
        p.update()
        p.close()
        if lang == "und":
            raise InputError(
                f"{input_path}: cannot tell the source language", "give it with --from LANG"
            )
        detected = True
        if mixed:
            others = ", ".join(f"{m.lang} {m.confidence:.0%} of the letters" for m in mixed)
            warnings.append(f"mixed text: mostly {lang}, but {others}")
    else:
        lang, conf, alts, mixed, detected = langs.normalize(source), None, [], [], False
    segments = segment_units(text, lang, by)
    if not segments:
        raise InputError(f"{input_path}: no sentences found")
    src = SourceInfo(
        path=str(input_path),
        name=output_name(input_path, lang),
        lang=lang,
        confidence=None if conf is None else round(conf, 4),
        detected=detected,
        alternatives=alts,
        mixed=bool(mixed),
        mixed_langs=mixed,
        sentences=[s.text for s in segments],
        paragraphs=[s.para for s in segments],
    )
    timings = {"detect": round(time.perf_counter() - t0, 3)}

    out = Path(outdir) if outdir else Path("out") / src.name
    check_outdir(out, [str(input_path), *ref_paths.values()])
    codes = resolve_targets(targets, ref_paths, lang, engines, notes=warnings)
    memories = Memories(memory) if memory else None  # read once, before any translating
    if memories is not None:
        warnings.extend(memories.check_covers(lang, codes))

    # 2. plan every target before translating anything: a missing model fails fast
    plans = {c: engines.plan(lang, c) for c in codes}
    options = DecodeOptions(mark_unknown=mark_unknown)
    terms = glossary.load(lang, codes) if glossary else None
    if terms is not None:
        warnings.extend(terms.warnings())

    # 3. per target: translate along its plan, align and score (or reuse the checkpoint), write
    results: list[TargetResult] = []
    for code in codes:
        chain = plans[code]
        p = bar(f"translate {lang} -> {code}", len(src.sentences))
        translator = get_translator(
            lang,
            code,
            engines=engines,
            chain=chain,
            options=options,
            on_progress=p.update,
            glossary=terms,
        )
        reference = None
        ref_paragraphs = None
        if code in ref_texts:
            ref_units = segment_units(ref_texts[code], code, by)
            reference = [s.text for s in ref_units]
            if not reference:
                raise InputError(f"{ref_paths[code]}: no sentences found")
            if by != "line":  # each line whole is a unit of its own, not a paragraph
                ref_paragraphs = paragraph_starts([s.para for s in ref_units])
        key = checkpoint_key(
            SCHEMA,
            __version__,
            ANALYSIS,
            src.sentences,
            code,
            translator.signature,
            reference,
            align_method,
            # The paragraphs the translation-reference alignment keeps together.
            [src.paragraphs, ref_paragraphs] if ref_paragraphs is not None else None,
            *([memories.key()] if memories is not None else []),
        )
        result = load_checkpoint(checkpoint_path(out, code), key)
        if result is None:
            t0 = time.perf_counter()
            reuse = None
            if memories is None:
                translations = translator.translate(src.sentences)
            else:
                tm = memories.for_pair(lang, code)
                reuse = translate_with_memory(translator, src.sentences, tm, memories.options)
                p.update(len(src.sentences) - reuse.counts["engine"])
                translations = reuse.translations
            p.close()
            seconds = round(time.perf_counter() - t0, 3)
            t0 = time.perf_counter()
            pivots = translate_pivots(chain, src.sentences, engines=engines, options=options)
            pivot_seconds = round(time.perf_counter() - t0, 3)
            p = bar(f"align and score {code}", 1)
            result = analyse_target(
                src,
                code,
                translations,
                reference=reference,
                reference_paragraphs=ref_paragraphs,
                reference_path=ref_paths.get(code),
                signature=translator.signature,
                engine=chain_engines(chain),
                models=chain_models(chain, options),
                align_method=align_method,
                timings={"translate": seconds, **({"pivots": pivot_seconds} if pivots else {})},
                pivots=[p.target for p in chain[:-1]],
            )
            result.pivots = pivots
            p.update()
            p.close()
            table = term_table(translator)
            if table is not None:
                result.terms = table.adherence(src.sentences, translations).to_dict()
            if reuse is not None:
                result.origins = reuse.origins
                result.memory = memories.summary(reuse.counts) if memories else {}
            save_checkpoint(out, result, key)
        else:
            p.close()
            result.reused = True
        result.files = write_target_files(out, src, segments, result, by)
        results.append(result)
        if result.terms:
            warnings += term_warnings({code: TermStats.from_dict(result.terms)})

    timings["total"] = round(time.perf_counter() - t_start, 3)
    run = RunResult(
        schema=SCHEMA,
        version=__version__,
        created=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        outdir=str(out),
        source=src,
        targets=results,
        timings=timings,
        warnings=warnings,
        files={"scores": "scores.json", "report": "report.html"},
        flag_rules={**FLAG_RULES, **ESTIMATE_FLAG_RULES},
    )
    write_run_files(out, run)
    return run
