"""The HTML report: self-contained, every text escaped, one row per aligned pair, charts.

The report is rendered from a real analysis: WMT23 zh->en sources with a real
submitted system's output as the translation (so no model is needed), scored
by the project's own alignment and scoring rooms.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from align.report import bucket, render_report
from align.run.analyse import analyse_target
from align.run.model import (
    SCHEMA,
    Row,
    RunResult,
    Scores,
    SourceInfo,
    TargetResult,
    result_from_dict,
)
from align.run.rows import FLAG_RULES
from align.score.estimate import ESTIMATE_FLAG_RULES
from conftest import shared_path

N_LINES = 24
INJECTED = '<script>window.__pwned = 1;</script><img src="x" onerror="window.__pwned = 2">'


def wmt(name: str, n: int = N_LINES) -> list[str]:
    path = shared_path("data", "wmt23-zh-en", name)
    return path.read_text(encoding="utf-8").splitlines()[:n]


def system_name() -> str:
    folder = shared_path("data", "wmt23-zh-en")
    return sorted(p.name for p in folder.glob("hyp.*.en"))[0][len("hyp.") : -len(".en")]


def make_source(sentences: list[str]) -> SourceInfo:
    return SourceInfo(
        path="wmt23/src.zh",
        name="src",
        lang="zh-Hans",
        confidence=None,
        detected=False,
        alternatives=[],
        mixed=False,
        mixed_langs=[],
        sentences=sentences,
        paragraphs=list(range(len(sentences))),
    )


def make_run(source: SourceInfo, targets: list[TargetResult]) -> RunResult:
    return RunResult(
        schema=SCHEMA,
        version="test",
        created="2026-01-01 00:00:00 UTC",
        outdir="out/src",
        source=source,
        targets=targets,
        timings={"detect": 0.0},
        warnings=[],
        flag_rules={**FLAG_RULES, **ESTIMATE_FLAG_RULES},  # as the pipeline records them
    )


@pytest.fixture(scope="module")
def estimate_run() -> RunResult:
    """A real system's translation of WMT23 lines, with no reference: the estimate path."""
    src = make_source(wmt("src.zh"))
    hyp = wmt(f"hyp.{system_name()}.en")
    target = analyse_target(src, "en", hyp, signature=f"wmt23:{system_name()}", engine="wmt23")
    return make_run(src, [target])


@pytest.fixture(scope="module")
def injected_run() -> RunResult:
    """The same, with markup injected into a source line and a translation line."""
    sources = wmt("src.zh")
    hyp = wmt(f"hyp.{system_name()}.en")
    sources[3] = sources[3] + INJECTED
    hyp[5] = INJECTED + " " + hyp[5]
    src = make_source(sources)
    target = analyse_target(src, "en", hyp, signature=f"wmt23:{system_name()}<b>", engine="wmt23")
    return make_run(src, [target])


def test_one_row_per_pair_and_sections(estimate_run: RunResult) -> None:
    page = render_report(estimate_run)
    target = estimate_run.targets[0]
    assert page.startswith("<!DOCTYPE html>")
    assert 'id="summary"' in page
    assert page.count('<tr class="pair ') == len(target.rows) == N_LINES
    assert f'id="target-en" data-lang="en" data-pairs="{N_LINES}"' in page
    # every source and translation sentence appears, escaped, in the aligned view
    for sentence in estimate_run.source.sentences + target.sentences:
        assert html.escape(sentence, quote=True) in page
    # the estimate is labelled as such, with its signature
    assert "reference-free estimate" in page
    assert html.escape(target.scores.metrics[0].signature) in page


def test_estimate_scores_are_real_similarities(estimate_run: RunResult) -> None:
    target = estimate_run.targets[0]
    assert target.scores.kind == "estimate"
    scores = [r.score for r in target.rows]
    assert all(s is not None and 0.0 < s <= 1.0 for s in scores)
    # a real translation of a real sentence is far more similar than chance
    assert target.scores.metrics[0].score > 0.5
    assert len({round(s or 0, 3) for s in scores}) > N_LINES // 2
    low = [n for n, r in enumerate(target.rows) if "low" in r.flags]
    assert len(low) == round(0.1 * N_LINES)
    assert max(scores[n] or 0 for n in low) <= min(
        s or 0 for n, s in enumerate(scores) if n not in low
    )


def test_self_contained_no_network(estimate_run: RunResult) -> None:
    page = render_report(estimate_run)
    assert "default-src 'none'" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "@import" not in page and "url(" not in page
    assert re.findall(r"<script\b", page) == ["<script"]  # only the report's own script


def test_markup_in_text_is_escaped(injected_run: RunResult) -> None:
    page = render_report(injected_run)
    assert "window.__pwned" in page  # the text is shown ...
    assert "<script>window.__pwned" not in page  # ... but never as markup
    assert '<img src="x"' not in page
    assert "&lt;script&gt;window.__pwned = 1;&lt;/script&gt;" in page
    assert re.findall(r"<script\b", page) == ["<script"]
    assert "wmt23:" + html.escape(f"{system_name()}<b>") in page


def test_round_trip_through_scores_json(estimate_run: RunResult, tmp_path: Path) -> None:
    path = tmp_path / "scores.json"
    path.write_text(json.dumps(estimate_run.to_dict(), ensure_ascii=False), encoding="utf-8")
    back = result_from_dict(json.loads(path.read_text(encoding="utf-8")))
    assert back == estimate_run
    assert render_report(json.loads(path.read_text(encoding="utf-8"))) == render_report(
        estimate_run
    )


def test_rtl_and_cjk_cells_get_direction_and_language() -> None:
    hebrew = wmt_lang("he", 4)
    src = make_source(wmt("src.zh", 4))
    target = TargetResult(
        lang="he",
        engine="test",
        signature="none",
        models=[],
        translations=hebrew,
        sentences=hebrew,
        beads=[],
        reference_path=None,
        reference=None,
        ref_beads=None,
        align_method="by line",
        rows=[],
        scores=Scores("none", "no scores", [], "similarity", (0.3, 0.8), 0),
        timings={},
    )
    target.rows = [Row([i], [i], None, None, None) for i in range(4)]
    page = render_report(make_run(src, [target]))
    for line in hebrew:
        assert f'<p lang="he" dir="auto">{html.escape(line)}</p>' in page
    assert '<p lang="zh-Hans" dir="auto">' in page


def wmt_lang(lang: str, n: int) -> list[str]:
    rows = shared_path("data", "langid-dev", "wmt23.tsv").read_text(encoding="utf-8").splitlines()
    return [r.split("\t", 1)[1] for r in rows if r.startswith(lang + "\t")][:n]


@pytest.mark.parametrize(
    ("score", "bounds", "expected"),
    [
        (None, (20.0, 70.0), "na"),
        (0.0, (20.0, 70.0), "b0"),
        (29.9, (20.0, 70.0), "b0"),
        (30.0, (20.0, 70.0), "b1"),
        (55.0, (20.0, 70.0), "b3"),
        (70.0, (20.0, 70.0), "b4"),
        (99.0, (20.0, 70.0), "b4"),
        (0.55, (0.3, 0.8), "b2"),
    ],
)
def test_colour_buckets(score: float | None, bounds: tuple[float, float], expected: str) -> None:
    assert bucket(score, bounds) == expected


def cut_translations(n: int, cut: list[int]) -> list[str]:
    """A real system's output with the rows in ``cut`` reduced to their first third of words
    (a lost clause or two) and the row after the last one left empty (nothing translated)."""
    hyp = wmt(f"hyp.{system_name()}.en", n)
    for i in cut:
        words = hyp[i].split()
        assert len(words) >= 9, "the test needs long rows to cut"
        hyp[i] = " ".join(words[: len(words) // 3]) + "."
    hyp[cut[-1] + 1] = ""
    return hyp


def long_rows(n: int, k: int) -> list[int]:
    hyp = wmt(f"hyp.{system_name()}.en", n)
    return [i for i, h in enumerate(hyp) if len(h.split()) >= 12][1 : 2 * k : 2]


@pytest.mark.parametrize("with_reference", [False, True])
def test_cut_translations_are_flagged_likely_omissions(with_reference: bool) -> None:
    n = 60
    cut = long_rows(n, 4)
    src = make_source(wmt("src.zh", n))
    ref = wmt("ref.en", n) if with_reference else None
    target = analyse_target(src, "en", cut_translations(n, cut), reference=ref)
    flagged = {i for r in target.rows if "omission" in r.flags for i in r.src}
    assert cut[-1] + 1 in flagged  # a source sentence with no translation
    assert len(flagged & set(cut)) >= 3  # most of the cut ones, from length and score
    assert len(flagged - set(cut) - {cut[-1] + 1}) <= n // 10  # and few of the rest


# --------------------------------------------------------------------------- the report's parts


def two_systems_run(estimates: list[float] | None = None) -> RunResult:
    """Two real WMT23 systems' outputs as two targets (the estimate path), plus the first
    with the reference (scored against it); optional ``estimate`` values set on them as
    the run records them."""
    folder = shared_path("data", "wmt23-zh-en")
    systems = sorted(p.name[len("hyp.") : -len(".en")] for p in folder.glob("hyp.*.en"))[:2]
    src = make_source(wmt("src.zh"))
    targets = []
    for system in systems:
        targets.append(analyse_target(src, "en", wmt(f"hyp.{system}.en"), engine=system))
    targets.append(analyse_target(src, "en", wmt(f"hyp.{systems[0]}.en"), reference=wmt("ref.en")))
    for t, label in zip(targets, ("en", "en-GB", "en-US"), strict=True):
        t.lang = label  # three English targets need three section ids
    for t, v in zip(targets, estimates or [], strict=False):
        t.estimate = v  # the estimate's field, where recorded
    return make_run(src, targets)


def order_of(page: str, pattern: str) -> list[str]:
    return re.findall(pattern, page)


def test_toc_lists_targets_ranked_and_only_the_best_is_open() -> None:
    run = two_systems_run()
    page = render_report(run)
    ranked = order_of(page, r'<section class="target" id="target-([\w-]+)"')
    # every target has the reference-free estimate (a reference or not): ranked by it
    est = {t.lang: t.estimate for t in run.targets}
    assert all(v is not None for v in est.values())
    assert ranked == sorted(est, key=lambda k: -(est[k] or 0.0))
    toc = page[page.index('<nav id="toc"') : page.index("</nav>")]
    assert order_of(toc, r'<a href="#target-([\w-]+)">') == ranked
    assert "ranked by the reference-free estimate" in toc
    summary = page[page.index('id="summary"') : page.index('id="legend"')]
    assert order_of(summary, r'<tr data-lang="([\w-]+)">') == ranked
    opened = order_of(page, r'<details class="target-body"( open)?>')
    assert opened == [" open", "", ""]
    assert 'data-rank="1"' in page and "#1 of 3" in page


def test_targets_are_ranked_by_the_estimate_when_the_run_records_one() -> None:
    page = render_report(two_systems_run(estimates=[0.2, 0.9, 0.5]))
    ranked = order_of(page, r'<section class="target" id="target-([\w-]+)"')
    assert ranked == ["en-GB", "en-US", "en"]
    assert "ranked by the reference-free estimate" in page
    assert "estimate 0.90" in page


def test_legend_explains_every_flag_with_the_run_thresholds() -> None:
    from align.run import rows

    run = two_systems_run()
    page = render_report(run)
    legend = page[
        page.index('<section id="legend">') : page.index("</section>", page.index('id="legend"'))
    ]
    for flag, rule in rows.FLAG_RULES.items():
        assert f'<span class="badge {flag}">' in legend
        assert html.escape(rule) in legend
    assert f"more than {rows.OMISSION_Z:g} robust deviations" in legend
    assert f"lowest {rows.LOW_SHARE:.0%}" in legend
    assert "chrF (against the reference)" in legend and "estimate (reference-free)" in legend
    for flag, rule in ESTIMATE_FLAG_RULES.items():  # the estimate's flags, as the run records
        assert f'<span class="badge {flag}">' in legend and html.escape(rule) in legend


def test_file_links_are_relative_and_escaped() -> None:
    run = two_systems_run()
    run.files = {"scores": "scores.json", "report": "report.html"}
    run.targets[0].files = {"text": "my speech.en.txt", "tmx": "a&b.en.tmx"}
    page = render_report(run)
    assert '<a class="file" href="scores.json">scores.json</a>' in page
    assert 'href="my%20speech.en.txt" data-kind="text">my speech.en.txt</a>' in page
    assert 'href="a%26b.en.tmx" data-kind="tmx">a&amp;b.en.tmx</a>' in page
    assert not re.search(r'href="(/|[a-z]+:)', page)  # nothing absolute, nothing remote


def test_unknown_words_are_highlighted_and_escaped() -> None:
    src = make_source(wmt("src.zh", 6))
    hyp = wmt(f"hyp.{system_name()}.en", 6)
    word = hyp[2].split()[1].strip(".,;:")
    hyp[4] = hyp[4] + " <b>overestimated</b>"
    target = analyse_target(src, "en", hyp)
    target.unknown = [[], [], [word], [], ["overestimated", "<b>"], []]
    page = render_report(make_run(src, [target]))
    assert f'<mark class="unknown" title="unknown to the engine">{html.escape(word)}</mark>' in page
    assert "&lt;b&gt;<mark" in page and ">overestimated</mark>&lt;/b&gt;" in page
    assert "<b>overestimated" not in page
    assert "Unknown words: 3 in 2 translations" in page


def test_summary_items_are_a_list_a_room_can_extend() -> None:
    from align import report

    run = two_systems_run()
    report.SUMMARY_ITEMS.append(lambda r, t: f"Terms: {len(t.rows)} rows checked in {t.lang}")
    try:
        page = render_report(run)
    finally:
        report.SUMMARY_ITEMS.pop()
    for t in run.targets:
        assert page.count(f"<li>Terms: {len(t.rows)} rows checked in {t.lang}</li>") == 1


@pytest.mark.model
@pytest.mark.apertium
def test_a_chained_target_records_and_shows_its_pivot_texts(tmp_path: Path) -> None:
    import shutil

    from align.run.pipeline import run_pipeline
    from conftest import CORPORA, MODELS_DIR, zh_en_model_dir

    zh_en_model_dir()
    if not shutil.which("apertium"):
        pytest.skip("Apertium is not installed (run: make apertium)")
    lines = (CORPORA / "yunqi-2024" / "speech.zh.txt").read_text(encoding="utf-8").split("\n")
    (tmp_path / "in.zh.txt").write_text("\n".join(lines[:9]) + "\n", encoding="utf-8")
    runs = [
        run_pipeline(
            str(tmp_path / "in.zh.txt"),
            targets=["en", "es", "fr"],
            outdir=tmp_path / "out",
            models_dir=MODELS_DIR,
        )
        for _ in range(2)
    ]
    en, es, fr = runs[0].targets
    assert en.pivots == []
    assert [(p["lang"], p["engine"]) for p in es.pivots] == [("en", "argos")]
    assert es.pivots[0]["texts"] == en.translations  # the English between zh and es
    assert [p["lang"] for p in fr.pivots] == ["en", "ca"]  # zh -> en -> ca -> fr
    assert fr.pivots[0]["texts"] == en.translations
    assert len(fr.pivots[1]["texts"]) == len(runs[0].source.sentences)
    assert fr.pivots[1]["texts"] != fr.translations
    # the second run reuses the checkpoints, pivots included
    assert all(t.reused for t in runs[1].targets)
    assert [t.pivots for t in runs[1].targets] == [t.pivots for t in runs[0].targets]
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert '<th class="pivot" lang="en" dir="auto">Pivot (en, argos)</th>' in page
    assert '<th class="pivot" lang="ca" dir="auto">Pivot (ca, apertium)</th>' in page
    section = page[
        page.index('id="target-es"') : page.index("</section>", page.index('id="target-es"'))
    ]
    for text in en.translations:
        assert html.escape(text) in section
    # each pivot row carries the en target's own row score: which hop lost quality
    assert section.count('<span class="chip ') == len(es.rows)
