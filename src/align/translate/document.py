"""Translating documents: segment, translate into several targets, write outputs atomically.

The input is streamed in groups of units (lines, sentences or paragraphs), so
a 100k-line file is translated with bounded memory; each group goes through
every target's (cached) translator and is appended to that target's
temporary output, renamed into place only when the whole document is done.
Interrupted runs resume from the sentence cache.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from align import languages as langs
from align.documents import Check
from align.documents import input_format as find_format
from align.documents.inline import Translated, Unit, plain
from align.errors import InputError
from align.text import (
    MAX_SEGMENT_WEIGHT,
    Segment,
    atomic_write,
    iter_lines,
    iter_paragraphs,
    sentence_separator,
    split_sentences,
)
from align.translate import get_translator
from align.translate.engine import DecodeOptions, Engines, Translator
from align.translate.glossary import GlossaryOptions, TermStats
from align.translate.memory import Memories, MemoryOptions, Reuse, count, translate_with_memory

UNITS = ("sentence", "line", "paragraph")
FORMATS = ("txt", "jsonl", "tsv", "tmx")
EXTENSIONS = {"txt": "txt", "jsonl": "jsonl", "tsv": "tsv", "tmx": "tmx"}
# Units translated per group: bounds memory on huge inputs, keeps batches large.
GROUP_UNITS = 2000
# How much text `--from auto` looks at.
DETECT_CHARS = 20000


def iter_units(lines: Iterator[str], by: str, lang: str | None) -> Iterator[Segment]:
    """Units of a streamed document.

    ``sentence`` (the default): the sentences of each line, ``Segment.para`` the
    line's index (a line break is a boundary; blank lines have no units and stay
    blank). ``paragraph``: the sentences of each blank-line separated paragraph,
    its lines joined (hard-wrapped prose). ``line``: every line whole, one unit.
    """
    if by == "line":
        for i, line in enumerate(lines):
            yield Segment(i, 0, line.strip())
        return
    if by == "sentence":
        for i, line in enumerate(lines):
            if line.strip():
                for j, sent in enumerate(split_sentences(line, lang)):
                    yield Segment(i, j, sent)
        return
    for p, para in enumerate(iter_paragraphs(lines)):
        for j, sent in enumerate(split_sentences(para, lang)):
            yield Segment(p, j, sent)


def _groups(units: Iterator[Segment], size: int) -> Iterator[list[Segment]]:
    group: list[Segment] = []
    for unit in units:
        group.append(unit)
        if len(group) >= size:
            yield group
            group = []
    if group:
        yield group


def detect_source(path: str, candidates: Sequence[str] | None = None) -> str:
    """The language of a document, from its first :data:`DETECT_CHARS` characters."""
    from align.detect import detect_language

    sample: list[str] = []
    size = 0
    for line in iter_lines(path):
        sample.append(line)
        size += len(line)
        if size >= DETECT_CHARS:
            break
    found = detect_language("\n".join(sample), candidates=candidates)
    if not found.is_language:
        why = "mixed languages" if found.lang == "mul" else "too little text"
        raise InputError(f"{path}: cannot tell the source language ({why})", "give it with --from")
    return found.lang


def output_name(input_path: str, source: str, target: str, fmt: str, ext: str | None = None) -> str:
    """``speech.zh.txt`` -> ``speech.en.txt``; ``doc.txt`` -> ``doc.fr.tsv``; stdin -> ``stdin.en.txt``.

    ``ext`` (``.xlf``, ``.po``): the extension of a structured document's output instead."""
    if input_path == "-":
        stem = "stdin"
    else:
        stem = Path(input_path).name
        if "." in stem:
            stem = stem.rsplit(".", 1)[0]
        if "." in stem:
            head, tail = stem.rsplit(".", 1)
            try:
                if langs.normalize(tail) == langs.normalize(source):
                    stem = head
            except InputError:
                pass
    code = langs.normalize(target)
    # zh-Hans is plain "zh" in file names; regional variants keep their full code
    # (ca and ca-valencia, pt and pt-BR must not overwrite each other).
    label = "zh" if code == "zh-Hans" else code
    return f"{stem}.{label}{ext}" if ext else f"{stem}.{label}.{EXTENSIONS[fmt]}"


class _Writer:
    """One target's output in one format, written unit group by unit group."""

    def __init__(self, out: IO[str], fmt: str, by: str, source: str, target: str, signature: str):
        from align.formats import TmxWriter

        self.out = out
        self.fmt = fmt
        self.by = by
        self.source = source
        self.target = target
        self.signature = signature
        self.last_para: int | None = None
        self.count = 0
        self.tmx = (
            TmxWriter(out, source, target, {"signature": signature}) if fmt == "tmx" else None
        )
        if fmt == "tsv":
            out.write("id\tsource\ttranslation\n")
        self.sep = sentence_separator(target)

    def write(
        self,
        unit: Segment,
        translation: str,
        terms: TermStats | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """``terms``: this unit's glossary hits; ``extra``: the memory's fields of this unit
        (``origin``, ``tm``, ``review``), in jsonl records and as TMX ``<prop>`` s."""
        fmt, out = self.fmt, self.out
        if fmt == "txt":
            if self.by == "line":
                out.write(translation + "\n")
            elif self.by == "sentence":  # para is the line: gaps are blank lines
                if self.last_para is None:
                    out.write("\n" * unit.para + translation)
                elif unit.para != self.last_para:
                    out.write("\n" * (unit.para - self.last_para) + translation)
                else:
                    out.write(self.sep + translation)
            elif self.last_para is None:
                out.write(translation)
            elif unit.para != self.last_para:
                out.write("\n\n" + translation)
            else:
                out.write(self.sep + translation)
        elif fmt == "jsonl":
            record = {
                "id": self.count,
                "para": unit.para,
                "source": unit.text,
                "source_lang": self.source,
                "target_lang": self.target,
                "translation": translation,
                "signature": self.signature,
            }
            if terms is not None:  # with a glossary: this unit's term occurrences, and kept
                record["terms"] = {"found": terms.found, "kept": terms.kept}
            record.update(extra or {})
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif fmt == "tsv":
            from align.formats import tsv_cell

            out.write(f"{self.count}\t{tsv_cell(unit.text)}\t{tsv_cell(translation)}\n")
        elif self.tmx is not None and unit.text.strip():
            props = {}
            if extra:
                props["origin"] = str(extra["origin"])
                if extra.get("review"):
                    props["review"] = "yes"
            self.tmx.add(unit.text, translation, props)
        self.last_para = unit.para
        self.count += 1

    def close(self) -> None:
        if self.fmt == "txt" and self.by != "line" and self.last_para is not None:
            self.out.write("\n")
        if self.tmx is not None:
            self.tmx.close()


@dataclass
class TranslationReport:
    """What a document translation did: per target, its signature, output and counts."""

    source: str
    units: int = 0
    outputs: dict[str, str] = field(default_factory=dict)  # target -> path ("-" for stdout)
    signatures: dict[str, str] = field(default_factory=dict)
    cache_hits: dict[str, int] = field(default_factory=dict)
    translated: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # structured documents (XLIFF, PO, ...): the format and, per target, the check of its output
    input_format: str = "text"
    checks: dict[str, Check] = field(default_factory=dict)
    # with a glossary: per target, the term hit rate (occurrences kept / found)
    terms: dict[str, TermStats] = field(default_factory=dict)
    # --tm: per target, segments reused exact / fuzzy found / fuzzy used / by the engine
    memory: dict[str, dict[str, int]] = field(default_factory=dict)


def _translators(
    src: str,
    targets: Sequence[str],
    engines: Engines,
    options: DecodeOptions | None,
    pivot: str | None,
    cache: bool,
    on_progress: Callable[[int], None] | None,
    glossary: GlossaryOptions | None = None,
    notes: list[str] | None = None,
) -> dict[str, Translator]:
    """One translator per target, all planned with the same engine set (fails before any
    translating when a target cannot be reached); ``glossary`` read and checked once (its
    warnings appended to ``notes``)."""
    loaded = glossary.load(src, targets) if glossary else None
    if loaded is not None and notes is not None:
        notes.extend(loaded.warnings())
    return {
        t: get_translator(
            src,
            t,
            engines=engines,
            options=options,
            pivot=pivot,
            cache=cache,
            on_progress=on_progress,
            glossary=loaded,
        )
        for t in targets
    }


def term_table(translator: Translator) -> Any:
    """The glossary terms a translator enforces (its :class:`TermTable`), or ``None``."""
    inner = getattr(translator, "inner", None)
    return getattr(inner, "table", None)


def term_warnings(terms: dict[str, TermStats]) -> list[str]:
    """One warning per target whose output misses glossary terms (never silently dropped)."""
    return [
        f"glossary: {t}: {s.found - s.kept} of {s.found} term occurrences not kept "
        f"({', '.join(f'{k} x{n}' for k, n in s.missed.most_common(5))})"
        for t, s in terms.items()
        if s.kept < s.found
    ]


def _output_paths(
    input_path: str,
    output: str | None,
    src: str,
    targets: Sequence[str],
    fmt: str,
    ext: str | None = None,
) -> dict[str, Path]:
    """Each target's output file (none for stdout), checked before anything is translated."""
    from align.outputs import check_output_dir, check_output_file, check_outputs_distinct, is_stdout

    if is_stdout(output):
        return {}
    assert output is not None
    out = Path(output)
    if len(targets) > 1 or out.is_dir() or output.endswith(os.sep):
        if out.exists() and not out.is_dir():
            raise InputError(
                f"{output}: is a file, but {len(targets)} targets need a directory",
                "give -o DIR (one NAME.LANG.EXT per target), or one --to",
            )
        check_output_dir(out)
        paths = {t: out / output_name(input_path, src, t, fmt, ext) for t in targets}
        check_outputs_distinct(paths.values(), [input_path])
        return paths
    check_output_file(out, inputs=[input_path])
    return {targets[0]: out}


def translate_document(
    input_path: str,
    *,
    targets: Sequence[str],
    source: str = "auto",
    output: str | None = None,
    fmt: str | None = None,
    by: str = "sentence",
    in_format: str = "auto",
    overwrite: bool = False,
    engine: str = "auto",
    pivot: str | None = "auto",
    options: DecodeOptions | None = None,
    models_dir: str | None = None,
    cache: bool = True,
    stdout: IO[str] | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    group_units: int = GROUP_UNITS,
    glossary: GlossaryOptions | None = None,
    memory: MemoryOptions | None = None,
) -> TranslationReport:
    """Translate a document into each target language.

    ``output``: ``None`` writes to ``stdout`` (one target, or jsonl for several);
    a directory (or several targets) gets ``NAME.LANG.EXT`` per target; otherwise
    the file itself. Outputs are written atomically: complete, or not at all.
    ``on_progress`` hears the number of units translated since its last call (per
    batch); ``on_total``, when given and the input is a file, hears first how many
    there are in all (units x targets; counting them is a pass over the file).

    ``in_format``: ``auto`` (from the extension: :func:`align.documents.input_format`),
    ``text``, or a structured format (``xliff``, ``po``, ``srt``, ``vtt``), which is
    written back in its own format and checked (``report.checks``); ``overwrite``
    replaces the translations such a file already has. ``glossary``: terms enforced in
    every target (docs/glossary-tm.md); their hit rate is in ``report.terms``.

    ``memory``: translation memories looked up before the engines
    (:mod:`align.translate.memory`): exact matches are reused, fuzzy ones attached (or used
    with ``fuzzy_use``); every unit's origin goes into jsonl/tmx records, the counts into
    ``report.memory``.
    """
    kind = find_format(input_path, in_format) if input_path != "-" else in_format
    if kind not in ("auto", "text"):
        if fmt is not None:
            raise InputError(
                f"--format {fmt} is for plain text; a {kind} file is written as {kind}",
                "leave out --format",
            )
        return _translate_structured(
            input_path,
            kind,
            targets=targets,
            source=source,
            output=output,
            engine=engine,
            pivot=pivot,
            options=options,
            models_dir=models_dir,
            cache=cache,
            stdout=stdout,
            on_progress=on_progress,
            on_total=on_total,
            overwrite=overwrite,
            glossary=glossary,
            memory=memory,
        )
    fmt = fmt or "txt"
    if by not in UNITS:
        raise InputError(f"unknown unit {by!r}", f"use one of {', '.join(UNITS)}")
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}", f"use one of {', '.join(FORMATS)}")
    if not targets:
        raise InputError("no target language given", "add --to LANG")
    if input_path != "-" and not Path(input_path).exists():
        raise InputError(f"{input_path}: no such file")
    to_stdout = output is None or output == "-"
    if source == "auto":
        if input_path == "-":
            raise InputError("--from auto needs a file, not stdin", "give the language with --from")
        src = detect_source(input_path)
    else:
        src = langs.normalize(source)
    engines = Engines(engine, models_dir)  # one engine set, scanned once, for every target
    notes: list[str] = []
    # --to all: every reachable target; the source itself left out (with a note)
    target_codes = engines.targets(targets, src, notes=notes)
    if to_stdout and len(target_codes) > 1 and fmt != "jsonl":
        raise InputError(
            "several targets to stdout need --format jsonl", "or write files with -o DIR"
        )
    paths = _output_paths(input_path, output, src, target_codes, fmt)
    memories = Memories(memory) if memory else None  # read once, before any translating
    translators = _translators(
        src, target_codes, engines, options, pivot, cache, on_progress, glossary, notes
    )
    report = TranslationReport(source=src)
    report.warnings.extend(notes)
    report.signatures = {t: tr.signature for t, tr in translators.items()}
    tables = {t: table for t, tr in translators.items() if (table := term_table(tr)) is not None}
    report.terms = {t: TermStats() for t in tables}
    if memories is not None:
        report.warnings.extend(memories.check_covers(src, target_codes))

    if on_total is not None and input_path != "-":
        on_total(sum(1 for _ in iter_units(iter_lines(input_path), by, src)) * len(target_codes))
    with ExitStack() as stack:
        writers: dict[str, _Writer] = {}
        for t in target_codes:
            if to_stdout:
                fh: IO[str] = stdout or sys.stdout
            else:
                fh = stack.enter_context(atomic_write(paths[t]))
            writers[t] = _Writer(fh, fmt, by, src, t, report.signatures[t])
        for group in _groups(iter_units(iter_lines(input_path), by, src), group_units):
            texts = [u.text for u in group]
            for t in target_codes:
                table = tables.get(t)
                if memories is None:
                    done = translators[t].translate(texts)
                    extras: list[dict[str, Any] | None] = [None] * len(done)
                else:
                    reuse = _reuse(memories, src, t, translators[t], texts, on_progress)
                    count(reuse, report.memory.setdefault(t, {}))
                    done = reuse.translations
                    extras = [reuse.extra(k) for k in range(len(done))]
                for unit, translation, extra in zip(group, done, extras, strict=True):
                    terms = table.adherence([unit.text], [translation]) if table else None
                    if terms is not None:
                        report.terms[t].add(terms)
                    writers[t].write(unit, translation, terms, extra)
            report.units += len(group)
        for w in writers.values():
            w.close()
    for t, tr in translators.items():
        report.outputs[t] = str(paths[t]) if t in paths else "-"
        report.cache_hits[t] = getattr(tr, "hits", 0)
        report.translated[t] = getattr(tr, "misses", 0)
    from align.translate.argos import ARGOS_MAX_SEGMENT_WEIGHT

    split = max((getattr(tr, "split", 0) for tr in translators.values()), default=0)
    if split:
        report.warnings.append(
            f"{split} segment{'s' if split > 1 else ''} too long for the engine (over "
            f"{MAX_SEGMENT_WEIGHT} characters, {ARGOS_MAX_SEGMENT_WEIGHT} for an Argos model; "
            "a Chinese or Japanese one counts 2.5) translated in pieces cut at sentence ends, "
            "clauses or spaces"
        )
    report.warnings += term_warnings(report.terms)
    return report


def _reuse(
    memories: Memories,
    src: str,
    target: str,
    translator: Translator,
    texts: Sequence[str],
    on_progress: Callable[[int], None] | None,
) -> Reuse:
    """The memory's look-up, then the engine for the rest; progress counts the reused too."""
    reuse = translate_with_memory(
        translator, texts, memories.for_pair(src, target), memories.options
    )
    reused = len(texts) - reuse.counts["engine"]
    if on_progress is not None and reused:
        on_progress(reused)
    return reuse


def _translate_structured(
    input_path: str,
    kind: str,
    *,
    targets: Sequence[str],
    source: str,
    output: str | None,
    engine: str,
    pivot: str | None,
    options: DecodeOptions | None,
    models_dir: str | None,
    cache: bool,
    stdout: IO[str] | None,
    on_progress: Callable[[int], None] | None,
    on_total: Callable[[int], None] | None,
    overwrite: bool,
    glossary: GlossaryOptions | None = None,
    memory: MemoryOptions | None = None,
) -> TranslationReport:
    """A structured document (XLIFF, PO, subtitles): its units translated into each target,
    written back in its format only when the written bytes parse and check."""
    from align.detect import detect_language
    from align.documents import check_document, read_document, to_translate, write_bytes_atomic
    from align.documents.inline import split_parts, translate_units

    if not targets:
        raise InputError("no target language given", "add --to LANG")
    doc = read_document(input_path, kind)
    if source != "auto":
        src = langs.normalize(source)
    elif doc.source_lang:
        src = langs.normalize(doc.source_lang)
    else:
        sample = "\n".join(u.plain() for u in doc.units if u.translate)[:DETECT_CHARS]
        found = detect_language(sample)
        if not found.is_language:
            raise InputError(
                f"{input_path}: cannot tell the source language", "give it with --from"
            )
        src = found.lang
    engines = Engines(engine, models_dir)
    notes: list[str] = []
    # --to all: every reachable target; the source itself left out (with a note)
    target_codes = engines.targets(targets, src, notes=notes)
    if (output is None or output == "-") and (len(target_codes) > 1 or kind == "docx"):
        what = "a .docx" if kind == "docx" else f"several targets of a {kind} file"
        raise InputError(f"{what} cannot go to stdout", "give -o FILE or -o DIR/")
    paths = _output_paths(input_path, output, src, target_codes, "txt", doc.extension())
    memories = Memories(memory) if memory else None  # read once, before any translating
    declared = _declared_target(doc)

    def replaces(t: str) -> bool:
        """Existing translations are replaced with --overwrite, or when the file says they are
        in another language than this target."""
        return overwrite or (declared is not None and declared != t)

    # Progress counts the sentences sent to the engine; retries (tags placed by projection)
    # send more, so what is reported is capped at the total announced.
    total = sum(
        len(split_parts(doc.units[i].parts, src))
        for t in target_codes
        for i in to_translate(doc, replaces(t))
    )
    seen = [0]

    def progress(n: int) -> None:
        step = max(0, min(n, total - seen[0]))
        seen[0] += step
        if on_progress is not None and step:
            on_progress(step)

    translators = _translators(
        src, target_codes, engines, options, pivot, cache, progress, glossary, notes
    )
    report = TranslationReport(source=src, input_format=kind)
    report.warnings.extend(notes)
    report.signatures = {t: tr.signature for t, tr in translators.items()}
    if memories is not None:
        report.warnings.extend(memories.check_covers(src, target_codes))
    if on_total is not None:
        on_total(total)
    for t in target_codes:
        todo = to_translate(doc, replaces(t))
        report.units = max(report.units, len(todo))
        units = [doc.units[i] for i in todo]
        sep = sentence_separator(t)
        if memories is None:
            done = translate_units(translators[t], units, sep, src)
        else:
            done = _units_with_memory(
                memories, src, t, translators[t], units, sep, progress, report
            )
        translations = dict(zip(todo, done, strict=True))
        if (table := term_table(translators[t])) is not None:
            report.terms[t] = table.adherence(
                [doc.units[i].plain() for i in todo],
                [plain(d.parts) for d in done],
            )
        data = doc.render(t, translations)
        where = str(paths[t]) if t in paths else "-"
        check = check_document(doc, data, translations, where, replaces(t))
        if any(f.startswith("output does not parse") for f in check.failed):
            from align.errors import OutputError

            raise OutputError(
                f"{input_path}: the {kind} written for {t} does not parse; not written"
            )
        if t in paths:
            write_bytes_atomic(paths[t], data)
        else:
            (stdout or sys.stdout).write(data.decode("utf-8"))
        report.checks[t] = check
        report.outputs[t] = where
        report.cache_hits[t] = getattr(translators[t], "hits", 0)
        report.translated[t] = getattr(translators[t], "misses", 0)
    report.warnings += term_warnings(report.terms)
    return report


def _units_with_memory(
    memories: Memories,
    src: str,
    target: str,
    translator: Translator,
    units: Sequence[Unit],
    sep: str,
    progress: Callable[[int], None],
    report: TranslationReport,
) -> list[Translated]:
    """A structured document's units looked up in the memory (on their text), the rest
    translated with their tags. A match is used only for a unit without inline tags (the
    memory's target has none to put back); for a tagged unit it is attached."""
    from align.documents.inline import Translated, split_parts, translate_units

    texts = [u.plain() for u in units]
    matches = memories.for_pair(src, target).lookup(texts, memories.options.threshold)
    used = [
        m is not None and not u.tags and (m.exact or memories.options.fuzzy_use)
        for u, m in zip(units, matches, strict=True)
    ]
    todo = [i for i, u in enumerate(used) if not u]
    engine = iter(translate_units(translator, [units[i] for i in todo], sep, src))
    out: list[Translated] = []
    counts = report.memory.setdefault(target, {})
    for unit, text, m, u in zip(units, texts, matches, used, strict=True):
        if u:
            assert m is not None
            lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
            out.append(
                Translated([lead + m.target + trail], origin=m.origin, review=not m.exact, match=m)
            )
            progress(len(split_parts(unit.parts, src)))
        else:
            tr = next(engine)
            tr.match = m  # attached: a suggestion beside the engine's translation
            out.append(tr)
        for key, hit in (
            ("exact", m is not None and m.exact),
            ("fuzzy", m is not None and not m.exact),
            ("fuzzy_used", u and m is not None and not m.exact),
            ("engine", not u),
        ):
            counts[key] = counts.get(key, 0) + int(hit)
    return out


def _declared_target(doc: object) -> str | None:
    """The target language a document declares (XLIFF target-language/trgLang, PO Language)."""
    code = getattr(doc, "target_lang", None)
    if not code:
        return None
    try:
        return langs.normalize(str(code).replace("_", "-"))
    except InputError:
        return None
