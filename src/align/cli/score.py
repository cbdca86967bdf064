"""``align score``: sacrebleu BLEU, chrF, chrF++, TER for one or more systems; CI gates."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any

import click

from align.cli.options import Progress, format_option, quiet_option, show_progress
from align.errors import AlignError, GateFailed, InputError

if TYPE_CHECKING:
    from align.score import GateCheck, ScoreResult

FORMATS = ("table", "json", "jsonl", "tsv", "markdown")


@contextlib.contextmanager
def _output(path: str | None) -> Iterator[IO[str]]:
    """stdout, or a file written atomically (an OS error: one line, exit 1, nothing left)."""
    if path is None or path == "-":
        yield sys.stdout
        return
    from align.text import atomic_write

    try:
        with atomic_write(path) as fh:
            yield fh
    except OSError as exc:
        raise AlignError(f"{path}: cannot write it ({exc.strerror or exc})") from exc


def check_output_paths(
    outputs: Sequence[tuple[str, str]], inputs: Sequence[tuple[str, str]]
) -> None:
    """Refuse, before any work, an output that cannot or must not be written.

    ``outputs`` and ``inputs`` are ``(option, path)``. An output that is one of
    the inputs (the same file, through any link),
    the other output, a directory, a path under a regular file, or in a
    directory where no file can be created is an :class:`InputError` (exit 2)
    naming the path and the OS reason; nothing is created. (Stands in for the
    shared output helper of ``align.outputs``.)
    """
    from align.outputs import check_output_file, same_file

    for n, (option, path) in enumerate(outputs):
        if path == "-":
            continue
        for other_option, other in outputs[n + 1 :]:
            if other != "-" and same_file(path, other):
                raise InputError(f"{option} and {other_option} are the same file: {path}")
        check_output_file(path, inputs=[other for _, other in inputs], option=option)


def parse_lang_pair(spec: str) -> tuple[str, str]:
    """``zh-en`` (or ``zh-Hans-en``, ``pt-BR-en``) -> the two languages; unknown: one-line error.

    The split is the first ``-`` where both sides are language codes
    :mod:`align.languages` knows; with none, the unknown code is named.
    """
    from align import languages as langs
    from align.errors import LanguageError

    cuts = [i for i, c in enumerate(spec) if c == "-" and 0 < i < len(spec) - 1]
    if not cuts:
        raise InputError(f"--lang-pair {spec!r}: expected SRC-TGT", "e.g. zh-en")
    for i in cuts:
        src, tgt = spec[:i], spec[i + 1 :]
        try:
            langs.get(src)
            langs.get(tgt)
        except LanguageError:
            continue
        return src, tgt
    src, tgt = spec[: cuts[0]], spec[cuts[0] + 1 :]
    langs.get(src)  # raises, naming the unknown code
    langs.get(tgt)
    raise InputError(f"--lang-pair {spec!r}: expected SRC-TGT", "e.g. zh-en")  # pragma: no cover


@click.command()
@click.option(
    "--ref", "refs", multiple=True, help="Reference file (repeatable: several references)."
)
@click.option(
    "--hyp",
    "hyps",
    multiple=True,
    required=True,
    help="System output, PATH or NAME=PATH (repeatable; the first is the baseline of tests).",
)
@click.option("--src", default=None, help="Source file: shown beside segments; needed by --qe.")
@click.option(
    "--metrics",
    default="bleu,chrf,ter",
    show_default=True,
    help="Comma-separated: bleu, chrf, chrf++, ter. The first one ranks the systems.",
)
@click.option(
    "--tokenize",
    default=None,
    help="BLEU tokenizer (sacrebleu's: 13a, intl, zh, char, none, ...). "
    "Default: from the target language, as sacrebleu chooses it.",
)
@click.option("--lowercase", is_flag=True, help="Case-insensitive BLEU and chrF (TER always is).")
@click.option("--lang-pair", default=None, help="Source-target languages, e.g. zh-en.")
@click.option(
    "--paired-bs", is_flag=True, help="Paired bootstrap test of each system vs the first."
)
@click.option(
    "--paired-ar", is_flag=True, help="Paired approximate randomization test vs the first."
)
@click.option(
    "--paired-n",
    type=click.IntRange(min=0),
    default=0,
    help="Resamples (bs) or trials (ar); 0: sacrebleu's defaults 1000 / 10000.",
)
@click.option("--confidence", is_flag=True, help="Bootstrap 95% confidence intervals.")
@click.option(
    "--confidence-n",
    type=click.IntRange(min=2),
    default=1000,
    show_default=True,
    help="Bootstrap resamples of --confidence.",
)
@click.option(
    "--seed",
    default="12345",
    show_default=True,
    help="RNG seed of the resampling tests (sacrebleu's default), or 'none' for a random one.",
)
@click.option("--sentence-level", is_flag=True, help="Per-segment scores (default format jsonl).")
@click.option(
    "--worst", type=click.IntRange(min=1), default=None, help="Only the N worst segments."
)
@click.option(
    "--fail-under", multiple=True, help="Gate METRIC=VALUE (repeatable); exit 1 if worse."
)
@click.option("--save", default=None, help="Write the full result as JSON (for --baseline later).")
@click.option("--baseline", default=None, help="A result saved with --save to compare against.")
@click.option(
    "--allow-different-refs",
    is_flag=True,
    help="Compare with a --baseline scored on other references or segments (refused by default).",
)
@click.option(
    "--max-drop",
    multiple=True,
    help="Gate METRIC=POINTS vs --baseline (repeatable); exit 1 if more.",
)
@click.option(
    "--qe",
    is_flag=True,
    help="Reference-free estimate from --src: one score per segment in [0, 1] with reasons "
    "(untranslated words, length, repetition, missing numbers and names, embedding similarity).",
)
@click.option(
    "--glossary",
    default=None,
    metavar="FILE",
    help="Term adherence from --src: a source term whose glossary target is missing is a miss.",
)
@click.option(
    "--glossary-ignore-case", is_flag=True, help="Match glossary terms whatever their case."
)
@click.option("-o", "--output", default=None, help="Write the report here (default: stdout).")
@click.option(
    "-j", "--jobs", type=click.IntRange(min=0), default=0, help="Processes (0: all cores)."
)
@format_option(FORMATS, "table")
@quiet_option
@click.pass_context
def score(
    ctx: click.Context,
    refs: tuple[str, ...],
    hyps: tuple[str, ...],
    src: str | None,
    metrics: str,
    tokenize: str | None,
    lowercase: bool,
    lang_pair: str | None,
    paired_bs: bool,
    paired_ar: bool,
    paired_n: int,
    confidence: bool,
    confidence_n: int,
    seed: str,
    sentence_level: bool,
    worst: int | None,
    fail_under: tuple[str, ...],
    save: str | None,
    baseline: str | None,
    allow_different_refs: bool,
    max_drop: tuple[str, ...],
    qe: bool,
    glossary: str | None,
    glossary_ignore_case: bool,
    output: str | None,
    jobs: int,
    fmt: str,
    quiet: bool,
) -> None:
    """Score system outputs against references with sacrebleu; gate CI on the numbers.

    \b
    align score --ref ref.en --hyp sys.en
    align score --ref ref.en --hyp A=a.en --hyp B=b.en --paired-bs --format markdown
    align score --ref ref.en --hyp sys.en --fail-under bleu=30 --fail-under chrf=55
    align score --ref ref.en --hyp sys.en --save base.json
    align score --ref ref.en --hyp sys.en --baseline base.json --max-drop chrf=1.0
    align score --ref ref.en --hyp sys.en --src src.zh --sentence-level --worst 20
    align score --ref ref.en --hyp sys.en --src src.zh --glossary terms.tsv --fail-under terms=95

    Numbers and signatures are sacrebleu's. For TER, lower is better: its
    --fail-under gate fails when TER is above the value.

    Exit codes: 0 pass, 1 a gate failed, 2 usage or input error.
    """
    from align import score as scoring

    if paired_bs and paired_ar:
        raise InputError("--paired-bs and --paired-ar exclude each other", "choose one")
    if worst is not None and not sentence_level:
        raise InputError("--worst needs --sentence-level")
    if max_drop and not baseline:
        raise InputError("--max-drop needs --baseline", "give a result saved with --save")
    if allow_different_refs and not baseline:
        raise InputError("--allow-different-refs needs --baseline")
    if qe and not src:
        raise InputError("--qe needs --src")
    if glossary and not src:
        raise InputError("--glossary needs --src", "give the source file the systems translated")
    if not refs and not qe:
        raise InputError("no references given", "give --ref, or --src with --qe for an estimate")
    src_lang, tgt_lang = parse_lang_pair(lang_pair) if lang_pair else (None, None)
    seed_value: int | None
    if seed.lower() == "none":
        seed_value = None
    else:
        try:
            seed_value = int(seed)
        except ValueError:
            raise InputError(f"--seed {seed!r}: expected an integer or 'none'") from None
    keys = scoring.parse_metrics(metrics) if refs else ()
    thresholds = scoring.parse_gate_specs(fail_under, "--fail-under")
    drops = scoring.parse_gate_specs(max_drop, "--max-drop")
    base = scoring.load_baseline(baseline) if baseline else None
    inputs = [("--ref", r) for r in refs] + [("--hyp", scoring.parse_hyp_spec(h)[1]) for h in hyps]
    inputs += [(o, p) for o, p in (("--src", src), ("--baseline", baseline)) if p]
    inputs += [("--glossary", glossary)] if glossary else []
    outputs = [(o, p) for o, p in (("-o", output), ("--save", save)) if p]
    check_output_paths(outputs, inputs)
    if sentence_level and ctx.get_parameter_source("fmt") == click.core.ParameterSource.DEFAULT:
        fmt = "jsonl"

    progress = Progress("scoring", 0, show_progress(quiet))

    def tick(done: int, total: int) -> None:
        progress.total = total
        progress.update(done - progress.done)

    result = scoring.score_files(
        refs=refs,
        hyps=hyps,
        src=src,
        qe=qe,
        src_lang=src_lang,
        metrics=keys or scoring.DEFAULT_METRICS,
        target_lang=tgt_lang,
        tokenize=tokenize,
        lowercase=lowercase,
        paired="bs" if paired_bs else "ar" if paired_ar else None,
        paired_n=paired_n,
        confidence=confidence,
        confidence_n=confidence_n,
        seed=seed_value,
        jobs=jobs or None,
        progress=tick,
    )
    progress.close()
    if glossary:
        from align.score.terms import add_term_scores

        add_term_scores(
            result,
            glossary,
            src_lang=src_lang,
            tgt_lang=tgt_lang,
            ignore_case=glossary_ignore_case,
        )

    checks: list[GateCheck] = []
    if thresholds:
        checks += scoring.check_thresholds(result, thresholds)
    deltas: dict[tuple[str, str], float] = {}
    if base is not None and baseline:
        compared = scoring.compare_baseline(
            result,
            base,
            drops or dict.fromkeys(result.metric_keys, float("inf")),
            allow_different_refs=allow_different_refs,
            name=baseline,
        )
        if allow_different_refs and (why := scoring.references_mismatch(result, base, baseline)):
            result.notes.append(f"{why}; compared anyway (--allow-different-refs)")
        deltas = {(c.system, c.metric): c.score - (c.baseline or 0.0) for c in compared}
        if drops:
            checks += compared
            # The metrics not gated still get their delta, where the baseline has them.
            for key in result.metric_keys:
                if key in drops:
                    continue
                try:
                    more = scoring.compare_baseline(
                        result,
                        base,
                        {key: float("inf")},
                        allow_different_refs=allow_different_refs,
                        name=baseline,
                    )
                except InputError:
                    continue
                deltas.update({(c.system, c.metric): c.score - (c.baseline or 0.0) for c in more})
    if save:
        try:
            scoring.save_result(result, save)
        except OSError as exc:
            raise AlignError(f"{save}: cannot write it ({exc.strerror or exc})") from exc

    with _output(output) as out:
        if sentence_level:
            _write_segments(result, out, fmt, worst)
        else:
            _write_corpus(result, out, fmt, deltas, checks, baseline if deltas else None)
    failed = [c for c in checks if not c.passed]
    if failed:
        raise GateFailed(scoring.gate_message(result, failed))


def _fmt_score(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def corpus_rows(
    result: ScoreResult, deltas: dict[tuple[str, str], float], machine: bool = False
) -> list[dict[str, Any]]:
    """One display row per system, ranked: rounded scores, p-values, intervals, deltas.

    For people the baseline of a paired test is marked in its name; for machines
    (``machine``: tsv) the name stays the system's and a ``baseline`` column says it."""
    rows = []
    est = result.estimate
    for s in result.systems:
        row: dict[str, Any] = {"rank": s.rank, "system": s.name}
        if result.test is not None:
            if machine:
                row["baseline"] = "yes" if s.baseline else "no"
            elif s.baseline:
                row["system"] += " (baseline)"
        for key in result.metric_keys:
            m = s.scores[key]
            row[key] = _fmt_score(m.score)
            if result.test is not None and not s.baseline:
                row[f"{key} p"] = _fmt_score(m.p_value, 4)
            if m.mean is not None and m.ci is not None:
                row[f"{key} μ ± 95% CI"] = f"{m.mean:.2f} ± {m.ci:.2f}"
            if (s.name, key) in deltas:
                row[f"{key} Δ"] = f"{deltas[(s.name, key)]:+.2f}"
        if est is not None:
            similarity = est.mean(s.name)
            row["estimate"] = f"{est.corpus(s.name):.3f}"
            row["estimate: similarity"] = "-" if similarity is None else f"{similarity:.3f}"
            row["estimate: flagged"] = sum(1 for f in est.flags[s.name] if f)
            row["estimate: with reasons"] = sum(1 for r in est.reasons[s.name] if r)
        rows.append(row)
    return rows


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    cols: list[str] = []
    for row in rows:
        cols += [c for c in row if c not in cols]
    return cols


def _write_corpus(
    result: ScoreResult,
    out: IO[str],
    fmt: str,
    deltas: dict[tuple[str, str], float],
    checks: Sequence[GateCheck] = (),
    baseline: str | None = None,
) -> None:
    from align.formats import render, write_json, write_jsonl

    if fmt == "json":
        doc = result.to_dict()
        if baseline is not None:
            changes: dict[str, dict[str, float]] = {}
            for (system, metric), delta in deltas.items():
                changes.setdefault(system, {})[metric] = round(delta, 4)
            doc["baseline"] = {"path": baseline, "delta": changes}
        if checks:
            doc["gates"] = {"passed": all(c.passed for c in checks)}
            doc["gates"]["checks"] = [c.to_dict() for c in checks]
        write_json(doc, out)
        return
    rows = corpus_rows(result, deltas, machine=fmt == "tsv")
    if fmt == "jsonl":
        for s in result.systems:
            write_jsonl(s.to_dict(), out)
        return
    render(rows, fmt, out, _columns(rows))
    if fmt == "tsv":
        return
    out.write("\n")
    for line in _footer(result):
        out.write(f"- {line}\n" if fmt == "markdown" else line.replace("`", "") + "\n")


def _footer(result: ScoreResult) -> list[str]:
    """Signatures, test description and notes, under a table."""
    lines = []
    first = result.systems[0]
    for key in result.metric_keys:
        m = first.scores[key]
        lines.append(f"{m.name}: `{m.signature}`")
    if result.test is not None:
        t = result.test
        lines.append(
            f"{t.to_dict()['name']} ({t.samples} samples, seed {t.seed}): "
            f"p-values of each system against the baseline {t.baseline}"
        )
    if result.estimate is not None:
        lines.append(f"estimate (not a metric): {result.estimate.method}")
        lines.append(f"estimate signature: `{result.estimate.signature}`")
    lines += result.notes
    return lines


def _write_segments(result: ScoreResult, out: IO[str], fmt: str, worst: int | None) -> None:
    from align.formats import render, write_json
    from align.score import METRICS

    rows = result.segment_rows()
    if worst is not None:
        primary = result.metric_keys[0] if result.metric_keys else "qe_score"
        sign = -1.0 if primary in METRICS and not METRICS[primary].higher_is_better else 1.0
        kept = []
        for s in result.systems:
            mine = [r for r in rows if r["system"] == s.name]
            mine.sort(key=lambda r: (sign * r[primary], r["line"]))
            kept += mine[:worst]
        rows = kept
    if fmt == "json":
        write_json({"signatures": result.segment_signatures(), "segments": rows}, out)
        return
    render(rows, fmt, out, _columns(rows) if rows else None)
