"""The HTML report of ``align run``: one self-contained file (inline CSS, JS and SVG).

:func:`render_report` turns a :class:`align.run.model.RunResult` (or the
content of ``scores.json``) into HTML. All text is escaped here, in Python,
and the page is fully rendered without JavaScript; the small inline script
only reorders and filters rows. A Content-Security-Policy allows no network
access at all and only the report's own script (by hash), so even text that
slipped through escaping could not run or fetch anything.
"""

from __future__ import annotations

import base64
import hashlib
import html
import math
import re
import statistics
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from string import Template
from typing import Any
from urllib.parse import quote

from align import __version__
from align import languages as langs
from align.run.model import Row, RunResult, TargetResult, result_from_dict

RATIO_TICKS = (0.125, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8, 12, 16)
BUCKETS = 5  # colour classes b0 (worst) .. b4 (best)
# Badge text of each row flag, in legend order; a flag not listed shows its own name.
FLAG_LABELS = {
    "omission": "likely omission",
    "unaligned": "unaligned",
    "low": "lowest score",
    "ratio-outlier": "length outlier",
    "untranslated": "untranslated words",
    "repeated": "repeated words",
    "numbers-missing": "numbers missing",
    "names-missing": "names missing",
    "length": "length",
    "low-similarity": "low similarity",
    "merged": "merged",
}
# What a flag means when the run recorded no rule for it (an older scores.json).
FLAG_FALLBACK = {
    "omission": "likely omission: the translation is missing content of its source",
    "unaligned": "a side of the row is empty",
    "low": "among the lowest-scoring rows",
    "ratio-outlier": "translation/source length ratio far from the median",
    "merged": "a side holds several sentences; not a fault by itself",
}


def _read(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def esc(text: Any) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape(str(text), quote=True)


def _lang_name(code: str) -> str:
    try:
        return langs.get(code).name
    except Exception:  # an unknown code in a hand-edited scores.json still renders
        return code


def _lang_attrs(code: str) -> str:
    return f'lang="{esc(code)}" dir="auto"'


def bucket(score: float | None, bounds: Sequence[float]) -> str:
    """The colour class for a row score: ``b0`` (bad) .. ``b4`` (good), ``na`` without a score."""
    if score is None:
        return "na"
    lo, hi = float(bounds[0]), float(bounds[1])
    t = (score - lo) / (hi - lo) if hi > lo else 0.5
    return f"b{min(BUCKETS - 1, max(0, int(t * BUCKETS)))}"


def _fmt(v: float | None, digits: int = 1) -> str:
    return "–" if v is None else f"{v:.{digits}f}"


def _unit_scale(t: TargetResult) -> bool:
    """Whether the target's row scores are on a 0–1 scale (the estimate, the similarity of
    older results) rather than chrF's 0–100."""
    return t.scores.row_metric.lower() in ("similarity", "estimate") or t.scores.row_range[1] <= 1.0


def _row_digits(t: TargetResult) -> int:
    return 2 if _unit_scale(t) else 1


# --------------------------------------------------------------------------- summary


def rank_value(t: TargetResult) -> float | None:
    """The number a target is ranked by: its ``estimate`` (the corpus reference-free
    estimate, when the run recorded one), else its corpus chrF against the reference or its
    mean similarity, else the mean of its row scores; None without any."""
    est = getattr(t, "estimate", None)
    if est is not None:
        return float(est)
    for m in t.scores.metrics:
        if m.key in ("chrf", "similarity"):
            return float(m.score)
    scores = [r.score for r in t.rows if r.score is not None]
    return statistics.fmean(scores) if scores else None


def rank_targets(targets: Sequence[TargetResult]) -> tuple[list[TargetResult], str]:
    """The targets best first, and a sentence saying by what.

    By the estimate when any target has one (those without go last); else those scored
    against a reference first (by chrF), then those with the similarity estimate, then
    those without a score: the two scales are not comparable, so they are not mixed.
    """
    order = {id(t): n for n, t in enumerate(targets)}
    if any(getattr(t, "estimate", None) is not None for t in targets):

        def key(t: TargetResult) -> tuple[int, float, int]:
            est = getattr(t, "estimate", None)
            return (est is None, -(est or 0.0), order[id(t)])

        return sorted(targets, key=key), "ranked by the reference-free estimate, best first"
    groups = {"reference": 0, "estimate": 1}

    def key2(t: TargetResult) -> tuple[int, float, int]:
        v = rank_value(t)
        group = groups.get(t.scores.kind, 2) if v is not None else 2
        return (group, -(v or 0.0), order[id(t)])

    basis = (
        "ranked best first: targets scored against a reference (by chrF), then by the "
        "reference-free estimate (similarity), then those without a score"
    )
    return sorted(targets, key=key2), basis


def _score_line(t: TargetResult) -> str:
    """The target's headline number as short text: ``chrF2 64.3`` / ``similarity 0.70``."""
    est = getattr(t, "estimate", None)
    if est is not None:
        return f"estimate {float(est):.2f}"
    for m in t.scores.metrics:
        if m.key in ("chrf", "similarity"):
            return f"{m.name} {m.score:.{2 if m.key in ('similarity', 'estimate') else 1}f}"
    return "no score"


def _flag_count(t: TargetResult, flag: str) -> int:
    return sum(flag in row.flags for row in t.rows)


def _flagged(t: TargetResult) -> int:
    return sum(any(f != "merged" for f in row.flags) for row in t.rows)


def _toc(r: RunResult, ranked: Sequence[TargetResult], basis: str) -> str:
    """The table of contents: every target, ranked, with its number and flagged rows."""
    items = []
    for t in ranked:
        om = _flag_count(t, "omission")
        items.append(
            f'<li data-lang="{esc(t.lang)}"><a href="#target-{esc(t.lang)}">'
            f"{esc(_lang_name(t.lang))} <code>{esc(t.lang)}</code></a> "
            f'<span class="toc-score">{esc(_score_line(t))}</span> '
            f'<span class="note">{esc(t.engine)} · {_flagged(t)} flagged'
            f"{f', {om} likely omission' + ('s' if om != 1 else '') if om else ''}</span></li>"
        )
    links = ['<a href="#summary">Summary</a>', '<a href="#legend">Legend</a>']
    scores = r.files.get("scores")
    if scores:
        links.append(f'<a class="file" href="{_href(scores)}">{esc(scores)}</a>')
    return (
        f'<nav id="toc" aria-label="Contents"><h2>Contents</h2><p class="note">'
        f"{' · '.join(links)}. Targets {esc(basis)}.</p><ol>{''.join(items)}</ol>"
        '<p class="toc-actions"><button type="button" data-action="open-all">Expand all'
        '</button> <button type="button" data-action="close-all">Collapse all</button></p></nav>'
    )


def _href(name: str) -> str:
    """A link to a file beside the report (a relative URL, each path part quoted)."""
    return esc(quote(name, safe="/"))


def _legend(r: RunResult) -> str:
    """What every flag means, with the run's thresholds, and what the row colours are."""
    seen = {f for t in r.targets for row in t.rows for f in row.flags}
    names = [f for f in FLAG_LABELS if f in r.flag_rules or f in FLAG_FALLBACK or f in seen]
    names += sorted((seen | set(r.flag_rules)) - set(names))
    rules = []
    for f in names:
        text = r.flag_rules.get(f) or FLAG_FALLBACK.get(f) or "a flag set by the run"
        rules.append(
            f'<dt><span class="badge {esc(f)}">{esc(FLAG_LABELS.get(f, f))}</span></dt>'
            f"<dd>{esc(text)}</dd>"
        )
    colours = []
    done: set[tuple[str, tuple[float, float]]] = set()
    for t in r.targets:
        lo, hi = t.scores.row_range
        key = (t.scores.row_metric, (float(lo), float(hi)))
        if key in done or t.scores.kind == "none":
            continue
        done.add(key)
        steps = "".join(
            f'<span class="b{i}">{lo + i * (hi - lo) / BUCKETS:g}+</span>' for i in range(BUCKETS)
        )
        what = "against the reference" if t.scores.kind == "reference" else "reference-free"
        colours.append(
            f'<p class="legend">{esc(t.scores.row_metric)} ({what}): {steps}'
            '<span class="na">no score</span></p>'
        )
    return (
        '<section id="legend"><h2>Legend</h2><p class="note">A flagged row has a red edge; '
        "merged alone does not flag a row.</p>"
        f'<dl class="flags">{"".join(rules)}</dl>'
        + "".join(colours)
        + '<p class="note"><mark class="unknown">word</mark> a word the engine did not know '
        "(left as it was); a pivot column holds the text between two hops of a chain, "
        "with the score of that language's own target when the run has it.</p></section>"
    )


def _summary(r: RunResult, ranked: Sequence[TargetResult] | None = None) -> str:
    s = r.source
    if s.detected:
        how = f"detected, confidence {_fmt(s.confidence, 2)}"
        shown = [a for a in s.alternatives if a.confidence >= 0.01][:3]
        if shown:
            alts = ", ".join(f"{esc(a.lang)} {a.confidence:.2f}" for a in shown)
            how += f"; alternatives: {alts}"
    else:
        how = "given with --from"
    parts = [
        f'<p class="source">Source: <b>{esc(_lang_name(s.lang))}</b> '
        f"(<code>{esc(s.lang)}</code>), {how}. "
        f"{len(s.sentences)} sentences in {len(set(s.paragraphs))} paragraphs, "
        f"from <code>{esc(s.path)}</code>.</p>"
    ]
    for w in r.warnings:
        parts.append(f'<p class="warning">{esc(w)}</p>')
    head = (
        '<tr><th class="num">#</th><th>Target</th><th>Engine and model</th>'
        '<th class="num">Sentences</th><th class="num">Time</th><th>Scores</th></tr>'
    )
    body = []
    for rank, t in enumerate(ranked if ranked is not None else r.targets, 1):
        secs = sum(v for k, v in t.timings.items() if k != "total")
        time_cell = f"{secs:.1f} s" + (" (reused)" if t.reused else "")
        sents = f"{len(s.sentences)} → {len(t.sentences)}"
        if t.reference is not None:
            sents += f"<br>ref {len(t.reference)}"
        if t.scores.kind == "reference":
            kind = '<span class="kind">against reference</span>'
        elif t.scores.kind == "estimate":
            kind = '<span class="kind estimate">reference-free estimate</span>'
        else:
            kind = '<span class="kind estimate">no score</span>'
        metrics = " · ".join(
            f"<b>{esc(m.name)}</b> {m.score:.{2 if m.key in ('similarity', 'estimate') else 1}f}"
            for m in t.scores.metrics
        )
        if not t.scores.metrics:
            metrics = f'<span class="note">{esc(t.scores.method)}</span>'
        if t.terms is not None:  # --glossary: the term hit rate
            metrics += (
                f" · <b>terms</b> {t.terms['kept']}/{t.terms['found']} ({t.terms['rate']:.1f}%)"
            )
        sigs = "".join(
            f'<div class="sig">{esc(m.name)}: {esc(m.signature)}</div>' for m in t.scores.metrics
        )
        if sigs:
            sigs = f"<details><summary>signatures</summary>{sigs}</details>"
        models = "".join(f'<div class="sig">{esc(m)}</div>' for m in t.models)
        body.append(
            f'<tr data-lang="{esc(t.lang)}"><td class="num">{rank}</td>'
            f'<td><a href="#target-{esc(t.lang)}">'
            f"{esc(_lang_name(t.lang))}</a> <code>{esc(t.lang)}</code></td>"
            f"<td>{esc(t.engine)}<details><summary>models and signature</summary>{models}"
            f'<div class="sig">{esc(t.signature)}</div></details></td>'
            f'<td class="num">{sents}</td><td class="num">{esc(time_cell)}</td>'
            f"<td>{metrics} {kind}{sigs}</td></tr>"
        )
    parts.append(
        f'<table class="summary"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>'
    )
    return "\n".join(parts)


# --------------------------------------------------------------------------- charts


def _histogram(t: TargetResult) -> str:
    values = [r.score for r in t.rows if r.score is not None]
    lo, hi = (0.0, 1.0) if _unit_scale(t) else (0.0, 100.0)
    bins = 10
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, max(0, int((v - lo) / (hi - lo) * bins)))] += 1
    w, h, ml, mr, mt, mb = 480, 210, 40, 10, 12, 38
    pw, ph = w - ml - mr, h - mt - mb
    top = max(counts) or 1
    bars = []
    for i, c in enumerate(counts):
        x = ml + i * pw / bins
        bh = ph * c / top
        mid = lo + (i + 0.5) * (hi - lo) / bins
        edge_lo, edge_hi = lo + i * (hi - lo) / bins, lo + (i + 1) * (hi - lo) / bins
        bars.append(
            f'<rect class="bar {bucket(mid, t.scores.row_range)}" x="{x + 1:.1f}" '
            f'y="{mt + ph - bh:.1f}" width="{pw / bins - 2:.1f}" height="{bh:.1f}">'
            f"<title>{esc(t.scores.row_metric)} {edge_lo:g}–{edge_hi:g}: {c} rows</title></rect>"
        )
    ticks = []
    for i in range(0, bins + 1, 2):
        v = lo + i * (hi - lo) / bins
        x = ml + i * pw / bins
        ticks.append(f'<text x="{x:.1f}" y="{h - mb + 16}" text-anchor="middle">{v:g}</text>')
    colours = {"b0": "#e57373", "b1": "#f0a35e", "b2": "#e8cf4a", "b3": "#9ccc65", "b4": "#4caf50"}
    style = "".join(f".bar.{k}{{fill:{v}}}" for k, v in colours.items())
    return (
        f'<svg viewBox="0 0 {w} {h}" role="img" class="hist" '
        f'aria-label="{esc(t.scores.row_metric)} distribution, {esc(t.lang)}">'
        f"<style>{style}text{{font-size:11px;fill:#5f6b76}}</style>"
        f'<line x1="{ml}" y1="{mt + ph}" x2="{w - mr}" y2="{mt + ph}" stroke="#8a949c"/>'
        f'<line x1="{ml}" y1="{mt}" x2="{ml}" y2="{mt + ph}" stroke="#8a949c"/>'
        f'<text x="{ml - 6}" y="{mt + 8}" text-anchor="end">{top}</text>'
        f'<text x="{ml - 6}" y="{mt + ph}" text-anchor="end">0</text>'
        + "".join(bars)
        + "".join(ticks)
        + f'<text x="{ml + pw / 2:.1f}" y="{h - 4}" text-anchor="middle">'
        f"{esc(t.scores.row_metric)} per row ({len(values)} rows)</text></svg>"
    )


def _ratio_chart(t: TargetResult) -> str:
    pts = [(n, r) for n, r in enumerate(t.rows) if r.ratio]
    w, h, ml, mr, mt, mb = 480, 210, 44, 10, 12, 38
    pw, ph = w - ml - mr, h - mt - mb
    if not pts:
        return f'<svg viewBox="0 0 {w} {h}" role="img"><text x="20" y="40">no pairs</text></svg>'
    logs = [math.log2(r.ratio or 1.0) for _, r in pts]
    med = statistics.median(logs)
    y0, y1 = min(logs + [med - 1.0]) - 0.1, max(logs + [med + 1.0]) + 0.1
    n_rows = max(1, len(t.rows) - 1)

    def sx(n: int) -> float:
        return ml + pw * n / n_rows

    def sy(v: float) -> float:
        return mt + ph - ph * (v - y0) / (y1 - y0)

    dots = []
    for (n, r), lv in zip(pts, logs, strict=True):
        out = "ratio-outlier" in r.flags
        dots.append(
            f'<circle class="{"out" if out else "pt"}" cx="{sx(n):.1f}" cy="{sy(lv):.1f}" '
            f'r="{4.5 if out else 2.6}"><title>row {n + 1}: ratio {r.ratio:.2f}'
            f"{' (outlier)' if out else ''}</title></circle>"
        )
    ticks = []
    for v in RATIO_TICKS:
        e = math.log2(v)
        if y0 <= e <= y1:
            ticks.append(
                f'<line x1="{ml}" y1="{sy(e):.1f}" x2="{w - mr}" y2="{sy(e):.1f}" '
                'stroke="#eceff1"/>'
                f'<text x="{ml - 6}" y="{sy(e) + 4:.1f}" text-anchor="end">×{v:g}</text>'
            )
    return (
        f'<svg viewBox="0 0 {w} {h}" role="img" class="ratios" '
        f'aria-label="length ratio per pair, {esc(t.lang)}">'
        "<style>text{font-size:11px;fill:#5f6b76}.pt{fill:#3d5a80;opacity:.75}"
        ".out{fill:#b3261e;stroke:#fff;stroke-width:1}</style>"
        + "".join(ticks)
        + f'<line x1="{ml}" y1="{sy(med):.1f}" x2="{w - mr}" y2="{sy(med):.1f}" '
        f'stroke="#3d5a80" stroke-dasharray="4 3"><title>median ratio {2.0**med:.2f}</title></line>'
        + f'<line x1="{ml}" y1="{mt + ph}" x2="{w - mr}" y2="{mt + ph}" stroke="#8a949c"/>'
        + "".join(dots)
        + f'<text x="{ml + pw / 2:.1f}" y="{h - 4}" text-anchor="middle">row (document order); '
        f"translation/source characters, log scale</text></svg>"
    )


def _charts(t: TargetResult) -> str:
    """The two charts of one target: row-score distribution and length ratio per pair."""
    n_out = sum("ratio-outlier" in row.flags for row in t.rows)
    if any(row.score is not None for row in t.rows):
        hist = (
            f'<figure class="chart">{_histogram(t)}<figcaption>Score distribution: '
            f"{esc(t.scores.row_metric)} per aligned row"
            f"{'' if t.scores.kind == 'reference' else ' (reference-free estimate)'}."
            "</figcaption></figure>"
        )
    else:
        hist = f'<p class="chart note">No row scores: {esc(t.scores.method)}.</p>'
    return (
        f'<div class="charts">{hist}'
        f'<figure class="chart">{_ratio_chart(t)}<figcaption>Length ratio per pair; '
        f"{n_out} outlier{'s' if n_out != 1 else ''} in red.</figcaption></figure></div>"
    )


# --------------------------------------------------------------------------- aligned views


def _marked(text: str, words: Sequence[str]) -> str:
    """``text`` escaped, each whole-word occurrence of ``words`` in ``<mark class=unknown>``."""
    found = sorted({w for w in words if w and w.strip()}, key=len, reverse=True)
    if not found:
        return esc(text)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in found) + r")(?!\w)")
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(esc(text[pos : m.start()]))
        out.append(f'<mark class="unknown" title="unknown to the engine">{esc(m.group())}</mark>')
        pos = m.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def _cell(
    ids: Sequence[int] | None,
    sents: Sequence[str],
    lang: str,
    unknown: Mapping[int, Sequence[str]] | None = None,
    cls: str = "text",
) -> str:
    if not ids:
        return f'<td class="{cls} empty">— none —</td>'
    marks = unknown or {}
    paras = "".join(
        f"<p {_lang_attrs(lang)}>{_marked(sents[i], marks.get(i, ()))}</p>" for i in ids
    )
    return f'<td class="{cls}">{paras}</td>'


def _ids(ids: Sequence[int] | None) -> str:
    return ",".join(str(i + 1) for i in ids) if ids else "–"


def _unknown_words(t: TargetResult) -> dict[int, list[str]]:
    """Translation sentence -> the words the engine marked unknown in it (``t.unknown``:
    one list per translation, i.e. per source sentence; the beads map them to sentences)."""
    unknown = getattr(t, "unknown", None) or []
    out: dict[int, list[str]] = {}
    for b in t.beads:
        for i in b.src:
            if i < len(unknown) and unknown[i]:
                for j in b.tgt:
                    out.setdefault(j, []).extend(unknown[i])
    return out


class _Pivot:
    """One pivot column: its language, texts per source sentence, and, when the run has a
    target in that language translated the same way, that target's row score per source
    sentence (how good the text was before the next hop)."""

    def __init__(self, r: RunResult, t: TargetResult, pivot: Mapping[str, Any]) -> None:
        self.lang = str(pivot.get("lang", "?"))
        self.engine = str(pivot.get("engine", ""))
        self.texts = [str(x) for x in pivot.get("texts", [])]
        self.scores: dict[int, float | None] = {}
        self.metric = ""
        self.bounds: Sequence[float] = (0.0, 1.0)
        self.digits = 1
        for other in r.targets:
            same = other.lang == self.lang and other.translations == self.texts
            if other is not t and same and other.scores.kind != "none":
                self.metric, self.bounds = other.scores.row_metric, other.scores.row_range
                self.digits = _row_digits(other)
                for row in other.rows:
                    for i in row.src:
                        self.scores[i] = row.score
                break

    def cell(self, row: Row) -> str:
        if not row.src:
            return '<td class="text pivot empty">— none —</td>'
        paras = "".join(
            f"<p {_lang_attrs(self.lang)}>{esc(self.texts[i] if i < len(self.texts) else '')}</p>"
            for i in row.src
        )
        chips = ""
        if self.metric:
            vals = [self.scores.get(i) for i in row.src]
            chips = "".join(
                f'<span class="chip {bucket(v, self.bounds)}" title="row score of the '
                f'{esc(self.lang)} target">{esc(self.metric)} {_fmt(v, self.digits)}</span>'
                for v in dict.fromkeys(vals)
            )
        return f'<td class="text pivot">{paras}{chips}</td>'


def _row(
    n: int,
    row: Row,
    r: RunResult,
    t: TargetResult,
    pivots: Sequence[_Pivot] = (),
    unknown: Mapping[int, Sequence[str]] | None = None,
) -> str:
    cls = ["pair", bucket(row.score, t.scores.row_range)]
    real_flags = [f for f in row.flags if f != "merged"]
    if real_flags:
        cls.append("flagged")
    cls += row.flags
    badges = "".join(
        f'<span class="badge {esc(f)}">{esc(FLAG_LABELS.get(f, f))}</span> ' for f in row.flags
    )
    if t.origins:  # --tm: where the row's translation came from (a memory match, or the engine)
        seen = dict.fromkeys(
            t.origins[i] if t.origins[i].startswith("tm-") else "engine" for i in row.src
        )
        badges += "".join(
            f'<span class="badge origin" title="origin">{esc(o)}</span> ' for o in seen
        )
    where = f"s{_ids(row.src)} · t{_ids(row.tgt)}" + (
        f" · r{_ids(row.ref)}" if row.ref is not None else ""
    )
    cells = [
        f'<td class="num"><span class="idx" title="{esc(where)}">{n + 1}</span></td>',
        _cell(row.src, r.source.sentences, r.source.lang),
        *(p.cell(row) for p in pivots),
        _cell(row.tgt, t.sentences, t.lang, unknown),
    ]
    if t.reference is not None:
        cells.append(_cell(row.ref, t.reference, t.lang))
    cells.append(f'<td class="num">{_fmt(row.score, _row_digits(t))}</td><td>{badges}</td>')
    score_attr = "" if row.score is None else f"{row.score}"
    return (
        f'<tr class="{" ".join(cls)}" data-order="{n}" data-score="{score_attr}">'
        + "".join(cells)
        + "</tr>"
    )


def _memory_note(t: TargetResult) -> str:
    m = t.memory
    if not m:
        return ""
    return (
        f" Translation memory: {m.get('reused_share', 0):.0%} of the segments reused "
        f"({m.get('exact', 0)} exact, {m.get('fuzzy_used', 0)} fuzzy; "
        f"{m.get('fuzzy', 0)} fuzzy found; {esc(', '.join(m.get('files', [])))})."
    )


# One-line items of a target's summary (under its heading), in order: each takes the run and
# the target and returns a line of HTML (escaped) or None. A room that records something per
# target (glossary hits, translation-memory reuse) adds its function to this list.
SummaryItem = Callable[[RunResult, TargetResult], str | None]


def _item_engine(r: RunResult, t: TargetResult) -> str | None:
    chain = "; ".join(t.models) if t.models else t.engine
    return f"Engine: {esc(t.engine)} ({esc(chain)})" if t.engine or t.models else None


def _item_pivots(r: RunResult, t: TargetResult) -> str | None:
    if not t.pivots:
        return None
    langs_ = " → ".join([r.source.lang, *(str(p.get("lang")) for p in t.pivots), t.lang])
    return (
        f"Chained: {esc(langs_)}; the pivot text after each hop is shown beside the source, "
        "so a bad row shows which hop failed."
    )


def _item_flags(r: RunResult, t: TargetResult) -> str | None:
    counts = [(f, _flag_count(t, f)) for f in FLAG_LABELS]
    parts = [f"{esc(FLAG_LABELS[f])} {c}" for f, c in counts if c]
    return f"Flags: {' · '.join(parts)}." if parts else "Flags: none."


def _item_unknown(r: RunResult, t: TargetResult) -> str | None:
    unknown = getattr(t, "unknown", None)
    if not unknown:
        return None
    words = sum(len(u) for u in unknown)
    rows = sum(1 for u in unknown if u)
    return f"Unknown words: {words} in {rows} translations, highlighted."


def _item_memory(r: RunResult, t: TargetResult) -> str | None:
    return _memory_note(t).strip() or None


def _item_files(r: RunResult, t: TargetResult) -> str | None:
    if not t.files:
        return None
    links = " · ".join(
        f'<a class="file" href="{_href(name)}" data-kind="{esc(kind)}">{esc(name)}</a>'
        for kind, name in t.files.items()
    )
    return f"Files: {links}"


SUMMARY_ITEMS: list[SummaryItem] = [
    _item_engine,
    _item_pivots,
    _item_flags,
    _item_unknown,
    _item_memory,
    _item_files,
]


def _target(
    r: RunResult, t: TargetResult, rank: int = 1, total: int = 1, is_open: bool = True
) -> str:
    counts = {f: sum(f in row.flags for row in t.rows) for f in FLAG_LABELS}
    n_flagged = _flagged(t)
    pivots = [_Pivot(r, t, p) for p in t.pivots]
    pivot_heads = "".join(
        f'<th class="pivot" {_lang_attrs(p.lang)}>Pivot ({esc(p.lang)}, {esc(p.engine)})</th>'
        for p in pivots
    )
    ref_head = f"<th {_lang_attrs(t.lang)}>Reference</th>" if t.reference is not None else ""
    lo, hi = t.scores.row_range
    legend = "".join(
        f'<span class="b{i}">{lo + i * (hi - lo) / BUCKETS:g}+</span>' for i in range(BUCKETS)
    )
    what = {
        "reference": "sentence chrF against the reference",
        "estimate": "reference-free estimate (untranslated words, length, repeats, "
        "numbers and names, cross-lingual similarity), not a reference score",
    }.get(t.scores.kind, "no score")
    unknown = _unknown_words(t)
    rows = "\n".join(_row(n, row, r, t, pivots, unknown) for n, row in enumerate(t.rows))
    items = [line for item in SUMMARY_ITEMS if (line := item(r, t))]
    facts = "".join(f"<li>{line}</li>" for line in items)
    om = counts["omission"]
    return f"""<section class="target" id="target-{esc(t.lang)}" data-lang="{esc(t.lang)}" \
data-pairs="{len(t.rows)}" data-rank="{rank}">
<details class="target-body"{" open" if is_open else ""}>
<summary><h2>{esc(_lang_name(r.source.lang))} → {esc(_lang_name(t.lang))} \
<code>{esc(t.lang)}</code></h2> <span class="headline">#{rank} of {total} · \
{esc(_score_line(t))} · {n_flagged} flagged{f" · {om} likely omission" + ("s" if om != 1 else "") if om else ""}\
</span></summary>
<ul class="facts">{facts}</ul>
<p class="note">{len(t.rows)} aligned rows; {counts["merged"]} merged, {counts["unaligned"]} \
unaligned, {counts["low"]} lowest-scoring, {counts["ratio-outlier"]} length outliers, \
{om} likely omissions. Row colour: {esc(what)}. Scores: {esc(t.scores.method)}. \
Alignment: {esc(t.align_method)}.</p>
{_charts(t)}
<div class="controls"><button type="button" data-action="lowest" aria-pressed="false">\
Flagged and lowest first</button><button type="button" data-action="order" aria-pressed="true">\
Document order</button><label><input type="checkbox" data-action="flagged"> flagged only \
({n_flagged})</label><span>showing <span class="shown">{len(t.rows)}</span> of {len(t.rows)}\
</span><span class="legend">{esc(t.scores.row_metric)}: {legend}<span class="na">no score</span>\
</span></div>
<table class="aligned"><thead><tr><th class="num">#</th>\
<th {_lang_attrs(r.source.lang)}>Source ({esc(r.source.lang)})</th>{pivot_heads}\
<th {_lang_attrs(t.lang)}>Translation ({esc(t.lang)})</th>{ref_head}\
<th class="num">{esc(t.scores.row_metric)}</th><th>Flags</th></tr></thead>
<tbody>
{rows}
</tbody></table>
</details>
</section>"""


# --------------------------------------------------------------------------- page


def render_report(data: RunResult | Mapping[str, Any]) -> str:
    """The report as one self-contained HTML page (no external resources)."""
    r = data if isinstance(data, RunResult) else result_from_dict(data)
    js = _read("report.js")
    digest = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    title = f"align run: {r.source.name}"
    targets = ", ".join(t.lang for t in r.targets)
    meta = (
        f"{esc(_lang_name(r.source.lang))} → {esc(targets)} · created {esc(r.created)} "
        f"· align {esc(r.version)}"
    )
    total = r.timings.get("total")
    footer = (
        "Generated offline by align"
        + (f" in {total:.1f} s" if total is not None else "")
        + ". Every number is in scores.json beside this file, with its signature."
    )
    ranked, basis = rank_targets(r.targets)
    # One target is open; of several only the best (the page of all was 70,000 px tall).
    sections = "\n".join(
        _target(r, t, n + 1, len(ranked), is_open=n == 0) for n, t in enumerate(ranked)
    )
    page = Template(_read("template.html")).substitute(
        title=esc(title),
        meta=meta,
        version=esc(__version__),
        css=_read("report.css"),
        js=js,
        script_hash=f"sha256-{digest}",
        toc=_toc(r, ranked, basis),
        summary=_summary(r, ranked),
        legend=_legend(r),
        targets=sections,
        footer=esc(footer),
    )
    return page
