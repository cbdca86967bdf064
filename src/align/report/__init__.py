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
import statistics
from collections.abc import Mapping, Sequence
from importlib import resources
from string import Template
from typing import Any

from align import __version__
from align import languages as langs
from align.run.model import Row, RunResult, TargetResult, result_from_dict

RATIO_TICKS = (0.125, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8, 12, 16)
BUCKETS = 5  # colour classes b0 (worst) .. b4 (best)
FLAG_LABELS = {
    "unaligned": "unaligned",
    "low": "lowest score",
    "ratio-outlier": "length outlier",
    "merged": "merged",
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


def _row_digits(t: TargetResult) -> int:
    return 1 if t.scores.row_metric.lower() != "similarity" else 2


# --------------------------------------------------------------------------- summary


def _summary(r: RunResult) -> str:
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
        '<tr><th>Target</th><th>Engine and model</th><th class="num">Sentences</th>'
        '<th class="num">Time</th><th>Scores</th></tr>'
    )
    body = []
    for t in r.targets:
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
            f"<b>{esc(m.name)}</b> {m.score:.{2 if m.name == 'similarity' else 1}f}"
            for m in t.scores.metrics
        )
        if not t.scores.metrics:
            metrics = f'<span class="note">{esc(t.scores.method)}</span>'
        sigs = "".join(
            f'<div class="sig">{esc(m.name)}: {esc(m.signature)}</div>' for m in t.scores.metrics
        )
        if sigs:
            sigs = f"<details><summary>signatures</summary>{sigs}</details>"
        models = "".join(f'<div class="sig">{esc(m)}</div>' for m in t.models)
        body.append(
            f'<tr data-lang="{esc(t.lang)}"><td><a href="#target-{esc(t.lang)}">'
            f"{esc(_lang_name(t.lang))}</a> <code>{esc(t.lang)}</code></td>"
            f"<td>{esc(t.engine)}{models}<details><summary>signature</summary>"
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
    lo, hi = (0.0, 1.0) if t.scores.row_metric.lower() == "similarity" else (0.0, 100.0)
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


def _cell(ids: Sequence[int] | None, sents: Sequence[str], lang: str) -> str:
    if not ids:
        return '<td class="text empty">— none —</td>'
    paras = "".join(f"<p {_lang_attrs(lang)}>{esc(sents[i])}</p>" for i in ids)
    return f'<td class="text">{paras}</td>'


def _ids(ids: Sequence[int] | None) -> str:
    return ",".join(str(i + 1) for i in ids) if ids else "–"


def _row(n: int, row: Row, r: RunResult, t: TargetResult) -> str:
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
        _cell(row.tgt, t.sentences, t.lang),
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


def _target(r: RunResult, t: TargetResult) -> str:
    counts = {f: sum(f in row.flags for row in t.rows) for f in FLAG_LABELS}
    n_flagged = sum(any(f != "merged" for f in row.flags) for row in t.rows)
    ref_head = f"<th {_lang_attrs(t.lang)}>Reference</th>" if t.reference is not None else ""
    lo, hi = t.scores.row_range
    legend = "".join(
        f'<span class="b{i}">{lo + i * (hi - lo) / BUCKETS:g}+</span>' for i in range(BUCKETS)
    )
    what = {
        "reference": "sentence chrF against the reference",
        "estimate": "reference-free estimate (cross-lingual similarity), not a reference score",
    }.get(t.scores.kind, "no score")
    rows = "\n".join(_row(n, row, r, t) for n, row in enumerate(t.rows))
    return f"""<section class="target" id="target-{esc(t.lang)}" data-lang="{esc(t.lang)}" \
data-pairs="{len(t.rows)}">
<h2>{esc(_lang_name(r.source.lang))} → {esc(_lang_name(t.lang))} <code>{esc(t.lang)}</code></h2>
<p class="note">{len(t.rows)} aligned rows; {counts["merged"]} merged, {counts["unaligned"]} \
unaligned, {counts["low"]} lowest-scoring, {counts["ratio-outlier"]} length outliers. \
Row colour: {esc(what)}. Scores: {esc(t.scores.method)}. Alignment: {esc(t.align_method)}.{_memory_note(t)}</p>
{_charts(t)}
<div class="controls"><button type="button" data-action="lowest" aria-pressed="false">\
Flagged and lowest first</button><button type="button" data-action="order" aria-pressed="true">\
Document order</button><label><input type="checkbox" data-action="flagged"> flagged only \
({n_flagged})</label><span>showing <span class="shown">{len(t.rows)}</span> of {len(t.rows)}\
</span><span class="legend">{esc(t.scores.row_metric)}: {legend}<span class="na">no score</span>\
</span></div>
<table class="aligned"><thead><tr><th class="num">#</th>\
<th {_lang_attrs(r.source.lang)}>Source ({esc(r.source.lang)})</th>\
<th {_lang_attrs(t.lang)}>Translation ({esc(t.lang)})</th>{ref_head}\
<th class="num">{esc(t.scores.row_metric)}</th><th>Flags</th></tr></thead>
<tbody>
{rows}
</tbody></table>
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
    page = Template(_read("template.html")).substitute(
        title=esc(title),
        meta=meta,
        version=esc(__version__),
        css=_read("report.css"),
        js=js,
        script_hash=f"sha256-{digest}",
        summary=_summary(r),
        targets="\n".join(_target(r, t) for t in r.targets),
        footer=esc(footer),
    )
    return page
