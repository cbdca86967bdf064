"""The report in a real browser: headless Chromium (Debian's), driven by Playwright.

No console errors, no network requests, every section present with the right
number of rows, the injected markup inert, the controls working, the table of
contents jumping to (and opening) its target, each target collapsing and
expanding, the legend visible, the pivot text of a chained target shown, the
file links leading to files that exist, and a screenshot that is a real page
(right size, not blank).

Install the browser with ``tools/install-browser.sh``; without it (or without
the ``playwright`` package) these tests skip with the reason.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pytest

from align.report import rank_targets, render_report
from align.run.analyse import analyse_target
from align.run.model import RunResult
from conftest import CORPORA, zh_en_model_dir
from test_report import INJECTED, make_run, make_source, system_name, wmt

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("ALIGN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A persistent Chromium context with a fresh profile directory."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (install it with tools/install-browser.sh)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed"
    )
    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,
        )
        try:
            yield context
        finally:
            context.close()


class Visit:
    """A page opened from disk, with everything it logged, requested or popped up."""

    def __init__(self, context: Any, path: Path) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page = context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dialog)
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def decode_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and unfiltered RGB(A) scanlines of an 8-bit PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, rows


def check_page(visit: Visit, run: RunResult, report: Path) -> None:
    page = visit.page
    assert visit.errors == []
    assert visit.requests == [report.as_uri()]  # the page itself, nothing else
    assert visit.dialogs == []
    assert page.evaluate("window.__pwned === undefined")
    assert page.locator("#summary table.summary tbody tr").count() == len(run.targets)
    sections = page.locator("section.target")
    assert sections.count() == len(run.targets)
    # the best target is open, the others collapsed (rows not shown) until asked for
    ranked = [t.lang for t in rank_targets(run.targets)[0]]
    assert sections.evaluate_all("s => s.map(x => x.id)") == [f"target-{x}" for x in ranked]
    opened = page.locator("details.target-body").evaluate_all("d => d.map(x => x.open)")
    assert opened == [True] + [False] * (len(run.targets) - 1)
    page.locator("#toc button[data-action='open-all']").click()
    for t in run.targets:
        section = page.locator(f"section#target-{t.lang}")
        assert section.get_attribute("data-pairs") == str(len(t.rows))
        assert section.locator("tbody tr.pair").count() == len(t.rows)
        assert section.locator("tbody tr.pair:visible").count() == len(t.rows)
        cols = (6 if t.reference is not None else 5) + len(t.pivots)
        assert section.locator("thead th").count() == cols
    assert page.locator("section.target svg.hist").count() == len(run.targets)
    assert page.locator("section.target svg.ratios").count() == len(run.targets)
    check_legend(visit, run)


def check_legend(visit: Visit, run: RunResult) -> None:
    """The legend is on screen with every flag the run defines, its rule, and the colours."""
    legend = visit.page.locator("#legend")
    assert legend.is_visible()
    for flag, rule in run.flag_rules.items():
        assert legend.locator(f"dt .badge.{flag}").is_visible()
        assert rule in legend.inner_text()
    assert legend.locator(".legend .b0").count() >= 1


def check_navigation(visit: Visit, run: RunResult) -> None:
    """Contents links, in rank order, jump to their target and open it; a target's heading
    collapses and expands it."""
    page = visit.page
    ranked = [t.lang for t in rank_targets(run.targets)[0]]
    links = page.locator("#toc ol li a")
    assert links.evaluate_all("a => a.map(x => x.getAttribute('href'))") == [
        f"#target-{x}" for x in ranked
    ]
    page.locator("#toc button[data-action='close-all']").click()
    assert page.locator("details.target-body[open]").count() == 0
    assert page.locator("tr.pair:visible").count() == 0
    last = ranked[-1]
    page.locator(f"#toc a[href='#target-{last}']").click()
    section = page.locator(f"section#target-{last}")
    assert page.evaluate("window.location.hash") == f"#target-{last}"
    assert section.locator("details.target-body").evaluate("d => d.open")
    t = next(x for x in run.targets if x.lang == last)
    assert section.locator("tbody tr.pair:visible").count() == len(t.rows)
    top = section.evaluate("s => s.getBoundingClientRect().top")
    assert -2 <= top <= 40, top  # scrolled to the target's heading
    heading = section.locator("details.target-body > summary")
    heading.click()
    assert not section.locator("details.target-body").evaluate("d => d.open")
    assert section.locator("tbody tr.pair:visible").count() == 0
    heading.click()
    assert section.locator("tbody tr.pair:visible").count() == len(t.rows)
    page.locator("#toc button[data-action='open-all']").click()


def check_file_links(visit: Visit, run: RunResult, report: Path) -> None:
    """Every file link resolves, as the browser resolves it, to a file beside the report."""
    hrefs = visit.page.locator("a.file").evaluate_all("a => a.map(x => x.href)")
    expected = 1 + sum(len(t.files) for t in run.targets)  # scores.json and every target file
    assert len(hrefs) == expected >= 1 + 4 * len(run.targets)
    for href in hrefs:
        assert href.startswith("file://"), href
        path = Path(unquote(urlparse(href).path))
        assert path.parent == report.parent and path.is_file(), href


def check_controls(visit: Visit, run: RunResult) -> None:
    """Flagged-only hides the rest; lowest-first puts flagged, then low scores first; and back."""
    page = visit.page
    t = run.targets[0]
    section = page.locator(f"section#target-{t.lang}")
    flagged = [n for n, r in enumerate(t.rows) if any(f != "merged" for f in r.flags)]
    assert flagged, "a real translation has at least its lowest-scoring row flagged"
    section.locator("input[data-action='flagged']").check()
    assert section.locator("tbody tr.pair:visible").count() == len(flagged)
    assert section.locator(".shown").inner_text() == str(len(flagged))
    section.locator("input[data-action='flagged']").uncheck()
    section.locator("button[data-action='lowest']").click()
    orders = [
        int(x)
        for x in section.locator("tbody tr.pair").evaluate_all(
            "rows => rows.map(r => r.getAttribute('data-order'))"
        )
    ]
    assert sorted(orders[: len(flagged)]) == flagged
    lowest = min(flagged, key=lambda n: t.rows[n].score if t.rows[n].score is not None else 1e9)
    assert orders[0] == lowest
    section.locator("button[data-action='order']").click()
    orders = [
        int(x)
        for x in section.locator("tbody tr.pair").evaluate_all(
            "rows => rows.map(r => r.getAttribute('data-order'))"
        )
    ]
    assert orders == list(range(len(t.rows)))


def check_screenshot(visit: Visit, path: Path) -> None:
    visit.page.screenshot(path=str(path))
    width, height, rows = decode_png(path.read_bytes())
    assert (width, height) == (VIEWPORT["width"], VIEWPORT["height"])
    step = max(1, width // 200)
    pixels = [row[i : i + 3] for row in rows[::4] for i in range(0, len(row), 3 * step)]
    colours = set(pixels)
    white = sum(p == b"\xff\xff\xff" for p in pixels)
    assert len(colours) > 50  # text, headings, chart bars, coloured rows
    assert 0.05 < 1 - white / len(pixels) < 0.95  # neither blank nor a solid block


def test_report_in_chromium_without_a_model(browser: Any, tmp_path: Path) -> None:
    """Two real systems' WMT23 outputs with markup injected, the estimate path."""
    sources = wmt("src.zh")
    hyp = wmt(f"hyp.{system_name()}.en")
    sources[2] += INJECTED
    hyp[4] = INJECTED + hyp[4]
    src = make_source(sources)
    other = sorted(p.name for p in (wmt_dir()).glob("hyp.*.en"))[1]
    second = analyse_target(src, "en", wmt(other), signature="wmt23", engine="wmt23")
    second.lang = "en-GB"  # a second English target needs its own section id
    run = make_run(src, [analyse_target(src, "en", hyp, signature="wmt23", engine="wmt23"), second])
    report = tmp_path / "report.html"
    report.write_text(render_report(run), encoding="utf-8")
    visit = Visit(browser, report)
    check_page(visit, run, report)
    assert "window.__pwned" in visit.page.locator("section#target-en").inner_text()
    check_controls(visit, run)
    check_navigation(visit, run)
    check_screenshot(visit, tmp_path / "report.png")


def wmt_dir() -> Path:
    from conftest import shared_path

    return shared_path("data", "wmt23-zh-en")


@pytest.mark.model
def test_report_of_a_real_run_in_chromium(browser: Any, tmp_path: Path) -> None:
    """``align run`` on the demo's opening paragraphs, with the reference, opened in the browser."""
    from align.run.pipeline import run_pipeline

    models = zh_en_model_dir().parent
    lines = (CORPORA / "yunqi-2024" / "speech.zh.txt").read_text(encoding="utf-8").split("\n")
    refs = (CORPORA / "yunqi-2024" / "speech.en.txt").read_text(encoding="utf-8").split("\n")
    (tmp_path / "in.zh.txt").write_text("\n".join(lines[:12]) + "\n", encoding="utf-8")
    (tmp_path / "ref.en.txt").write_text("\n".join(refs[:12]) + "\n", encoding="utf-8")
    run = run_pipeline(
        str(tmp_path / "in.zh.txt"),
        targets=["en"],
        refs={"en": str(tmp_path / "ref.en.txt")},
        outdir=tmp_path / "out",
        models_dir=models,
    )
    report = tmp_path / "out" / "report.html"
    visit = Visit(browser, report)
    check_page(visit, run, report)
    assert run.targets[0].scores.kind == "reference"
    check_controls(visit, run)
    check_file_links(visit, run, report)
    check_screenshot(visit, tmp_path / "report.png")


@pytest.mark.model
@pytest.mark.apertium
def test_report_of_a_chained_run_in_chromium(browser: Any, tmp_path: Path) -> None:
    """``align run`` zh -> en (with the reference) and zh -> en -> es (Argos, then Apertium):
    the es view shows the English between the hops, the contents and files work."""
    import shutil

    from align.run.pipeline import run_pipeline

    if not shutil.which("apertium"):
        pytest.skip("Apertium is not installed (run: make apertium)")
    models = zh_en_model_dir().parent
    lines = (CORPORA / "yunqi-2024" / "speech.zh.txt").read_text(encoding="utf-8").split("\n")
    refs = (CORPORA / "yunqi-2024" / "speech.en.txt").read_text(encoding="utf-8").split("\n")
    (tmp_path / "in.zh.txt").write_text("\n".join(lines[:12]) + "\n", encoding="utf-8")
    (tmp_path / "ref.en.txt").write_text("\n".join(refs[:12]) + "\n", encoding="utf-8")
    run = run_pipeline(
        str(tmp_path / "in.zh.txt"),
        targets=["en", "es"],
        refs={"en": str(tmp_path / "ref.en.txt")},
        outdir=tmp_path / "out",
        models_dir=models,
    )
    en, es = run.targets
    assert es.engine == "argos → apertium" and es.pivots[0]["lang"] == "en"
    report = tmp_path / "out" / "report.html"
    visit = Visit(browser, report)
    check_page(visit, run, report)
    check_navigation(visit, run)
    check_file_links(visit, run, report)
    section = visit.page.locator("section#target-es")
    assert section.locator("thead th.pivot").inner_text() == "Pivot (en, argos)"
    cells = section.locator("tbody td.pivot")
    assert cells.count() == len(es.rows)
    shown = [c.split("\n")[0] for c in cells.evaluate_all("c => c.map(x => x.innerText)")]
    assert shown == [en.translations[r.src[0]] for r in es.rows]
    assert section.locator("tbody td.pivot .chip").count() == len(es.rows)  # en's row scores
    check_screenshot(visit, tmp_path / "report.png")
