"""What ``align run`` writes to OUTDIR: per-target files, checkpoints, scores.json, report.html.

Every file is written atomically. Each target's finished analysis is
checkpointed in ``OUTDIR/.align-run/``, keyed by everything that determines
it, so an interrupted run resumes and a repeated run reuses all of it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from align import languages as langs
from align.alignment.beads import write_beads
from align.errors import LanguageError
from align.report import render_report
from align.run.analyse import join_texts
from align.run.model import RunResult, SourceInfo, TargetResult, target_from_dict
from align.text import Segment, join_units, write_text_atomic

STATE_DIR = ".align-run"


def output_name(input_path: str | os.PathLike[str], source_lang: str) -> str:
    """INPUT in ``INPUT.LANG.txt``: ``speech.zh.txt`` -> ``speech`` (the source code is dropped)."""
    name = Path(input_path).name
    if name in ("", "-"):
        return "stdin"
    for ext in (".txt", ".text"):
        if name.lower().endswith(ext):
            name = name[: -len(ext)]
            break
    stem, dot, last = name.rpartition(".")
    if dot and stem:
        try:
            if langs.base(last) == langs.base(source_lang):
                return stem
        except LanguageError:
            pass
    return name


def checkpoint_key(*parts: Any) -> str:
    """A key over everything that determines a target's analysis."""
    h = hashlib.sha256()
    for p in parts:
        h.update(json.dumps(p, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()[:24]


def check_outdir(outdir: Path, inputs: Sequence[str]) -> None:
    """Refuse an OUTDIR that is a file, cannot be written, or holds an input (outputs could
    overwrite it): :func:`align.outputs.check_output_dir`."""
    from align.outputs import check_output_dir

    check_output_dir(outdir, inputs=inputs, option="-o OUTDIR")


ROW_COLUMNS = ("row", "src", "tgt", "ref", "score", "flags", "source", "translation", "reference")


def row_records(source: SourceInfo, t: TargetResult) -> list[dict[str, Any]]:
    """The aligned rows as flat records (the ``.tsv`` file), texts joined per side."""
    out = []
    for n, r in enumerate(t.rows):
        out.append(
            {
                "row": n + 1,
                "src": ",".join(map(str, r.src)),
                "tgt": ",".join(map(str, r.tgt)),
                "ref": "" if r.ref is None else ",".join(map(str, r.ref)),
                "score": r.score,
                "flags": ",".join(r.flags),
                "source": join_texts([source.sentences[i] for i in r.src], source.lang),
                "translation": join_texts([t.sentences[j] for j in r.tgt], t.lang),
                "reference": ""
                if r.ref is None or t.reference is None
                else join_texts([t.reference[k] for k in r.ref], t.lang),
            }
        )
    return out


def write_target_files(
    outdir: Path,
    source: SourceInfo,
    segments: Sequence[Segment],
    t: TargetResult,
    by: str = "sentence",
) -> dict[str, str]:
    """Write ``INPUT.LANG.txt``, ``.tmx``, ``.beads``, ``.tsv`` (``.ref.beads``); their names."""
    from align.formats import render, write_tmx
    from align.text import atomic_write

    stem = f"{source.name}.{t.lang}"
    files = {
        "text": f"{stem}.txt",
        "tmx": f"{stem}.tmx",
        "beads": f"{stem}.beads",
        "tsv": f"{stem}.tsv",
    }
    text = join_units(segments, t.translations, by, lang=t.lang)  # the source's structure
    write_text_atomic(outdir / files["text"], text)
    with atomic_write(outdir / files["tmx"]) as fh:
        props = {"signature": t.signature, "source-file": Path(source.path).name}
        write_tmx(
            fh, zip(source.sentences, t.translations, strict=True), source.lang, t.lang, props
        )
    with atomic_write(outdir / files["beads"]) as fh:
        write_beads(fh, t.beads)
    if t.ref_beads is not None:
        files["ref_beads"] = f"{stem}.ref.beads"
        with atomic_write(outdir / files["ref_beads"]) as fh:
            write_beads(fh, t.ref_beads)
    else:  # an earlier run's, with a reference this run does not have: it would mislead
        (outdir / f"{stem}.ref.beads").unlink(missing_ok=True)
    with atomic_write(outdir / files["tsv"]) as fh:
        render(row_records(source, t), "tsv", fh, ROW_COLUMNS)
    return files


def save_checkpoint(outdir: Path, result: TargetResult, key: str) -> None:
    """Keep a target's finished analysis in ``OUTDIR/.align-run/LANG.json`` under ``key``."""
    write_text_atomic(
        checkpoint_path(outdir, result.lang),
        json.dumps({"key": key, "result": asdict(result)}, ensure_ascii=False),
    )


def checkpoint_path(outdir: Path, lang: str) -> Path:
    return outdir / STATE_DIR / f"{lang}.json"


def load_checkpoint(path: Path, key: str) -> TargetResult | None:
    """A target's finished analysis from an earlier run with the same inputs, if any."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        return target_from_dict(data["result"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_run_files(outdir: Path, run: RunResult) -> None:
    """``scores.json`` (the whole result) and ``report.html`` (its rendering)."""
    write_text_atomic(
        outdir / "scores.json", json.dumps(run.to_dict(), ensure_ascii=False, indent=1) + "\n"
    )
    write_text_atomic(outdir / "report.html", render_report(run))
